// The exposition text: HELP and TYPE for every family, counters in _total.
#include "exposition.hpp"

#include <array>
#include <charconv>

namespace console {

namespace {

constexpr std::string_view prefix = "qemu_riscv64_";

}  // namespace

std::string metric_number(double value) {
    std::array<char, 64> text{};
    const auto [end, ec] = std::to_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() ? std::string(text.data(), end) : "NaN";
}

void exposition::family(std::string_view name, std::string_view type, std::string_view help) {
    text_.append("# HELP ").append(prefix).append(name).append(" ").append(help);
    text_.append("\n# TYPE ").append(prefix).append(name).append(" ").append(type);
    text_.append("\n");
}

void exposition::sample(std::string_view name, std::string_view labels, const std::string& value) {
    text_.append(prefix).append(name).append(labels).append(" ").append(value).append("\n");
}

void exposition::single(std::string_view name, std::string_view type, std::string_view help,
                        std::uint64_t value) {
    family(name, type, help);
    sample(name, {}, std::to_string(value));
}

void exposition::single(std::string_view name, std::string_view type, std::string_view help,
                        double value) {
    family(name, type, help);
    sample(name, {}, metric_number(value));
}

void exposition::states(std::string_view name, std::string_view label, std::string_view help,
                        std::initializer_list<std::string_view> all, std::string_view current) {
    family(name, "gauge", help);
    for (const auto state : all)
        sample(name, "{" + std::string(label) + "=\"" + std::string(state) + "\"}",
               state == current ? "1" : "0");
}

}  // namespace console
