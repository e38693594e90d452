// The Prometheus text exposition format 0.0.4, written one family at a time:
// HELP and TYPE lines, then samples, every name prefixed `qemu_riscv64_`.
// The console's /metrics and the front's write through it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace console {

// The content type of the exposition format.
inline constexpr const char* metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

class exposition {
public:
    // HELP and TYPE of one family.
    void family(std::string_view name, std::string_view type, std::string_view help);
    // One sample; `labels` already formatted (`{state="ready"}`) or empty.
    void sample(std::string_view name, std::string_view labels, const std::string& value);
    // A family of one unlabelled sample.
    void single(std::string_view name, std::string_view type, std::string_view help,
                std::uint64_t value);
    void single(std::string_view name, std::string_view type, std::string_view help, double value);
    // A state set: one sample per state, 1 for `current`, 0 for the others.
    void states(std::string_view name, std::string_view label, std::string_view help,
                std::initializer_list<std::string_view> all, std::string_view current);
    std::string take() { return std::move(text_); }

private:
    std::string text_;
};

// A sample value as the format writes it: shortest round-trip text.
std::string metric_number(double value);

}  // namespace console
