#pragma once
// Guest output as the text of a JSON string, as asciicast's events hold it:
// UTF-8 decoded across the edges of chunks, each byte that starts no valid
// sequence turned into U+FFFD, quotes, backslashes and control bytes escaped.
#include <string>
#include <string_view>

namespace launcher {

class cast_text {
public:
    // Appends `bytes` to `out`, escaped; a sequence cut at the end of `bytes`
    // waits for the next call.
    void append(std::string& out, std::string_view bytes);

private:
    std::string pending_;  // the start of a sequence cut by the chunk's end (1-3 bytes)
};

}  // namespace launcher
