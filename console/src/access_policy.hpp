// Who may use the console: the WebSocket Origin check (against cross-site
// WebSocket hijacking) and optional HTTP Basic credentials.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <string_view>

namespace console {

class access_policy {
public:
    // credentials: "user:password" or empty for no auth; allow_origin: a regex
    // of extra allowed origins, or empty. Throws std::invalid_argument naming a bad value.
    access_policy(std::string credentials, const std::string& allow_origin);

    // True when a browser's Origin may open the WebSocket: no Origin (not a
    // browser), the same host as the request's Host, or a match of --allow-origin.
    bool origin_allowed(std::string_view origin, std::string_view host) const;

    // True when auth is off or the Authorization header carries the credentials.
    bool authorized(std::string_view authorization) const;

    bool requires_auth() const { return !credentials_.empty(); }

private:
    std::string credentials_;
    std::optional<std::regex> allow_origin_;
};

// Standard base64 with padding.
std::string encode_base64(std::string_view bytes);

// Decodes standard base64 (with padding); nullopt on any invalid character or length.
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace console
