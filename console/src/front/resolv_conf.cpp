// resolv.conf(5), the parts a stub resolver needs.
#include "front/resolv_conf.hpp"

#include <algorithm>
#include <charconv>
#include <sstream>

namespace console {

namespace {

constexpr std::size_t max_search = 6;  // glibc's limit
constexpr unsigned max_ndots = 15;     // likewise
constexpr std::size_t max_nameservers = 3;

bool plain_word(std::string_view word) {
    return !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_' || c == '.' || c == ':';
    });
}

void take_option(resolver_config& config, std::string_view option) {
    constexpr std::string_view ndots = "ndots:";
    if (!option.starts_with(ndots)) return;
    option.remove_prefix(ndots.size());
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(option.data(), option.data() + option.size(), value);
    if (ec == std::errc() && end == option.data() + option.size())
        config.ndots = std::min(value, max_ndots);
}

}  // namespace

resolver_config parse_resolv_conf(std::string_view text) {
    resolver_config config;
    std::istringstream lines{std::string(text)};
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::string keyword;
        if (!(words >> keyword) || keyword.front() == '#' || keyword.front() == ';') continue;
        std::vector<std::string> values;
        for (std::string word; words >> word && word.front() != '#' && word.front() != ';';)
            if (plain_word(word)) values.push_back(word);
        if (keyword == "nameserver" && !values.empty() &&
            config.nameservers.size() < max_nameservers)
            config.nameservers.push_back(values.front());
        // The last of `search` and `domain` wins, as in glibc.
        if (keyword == "search" || keyword == "domain") {
            if (values.size() > max_search) values.resize(max_search);
            config.search = keyword == "domain" && !values.empty()
                                ? std::vector<std::string>{values.front()}
                                : values;
        }
        if (keyword == "options")
            for (const auto& option : values)
                take_option(config, option);
    }
    return config;
}

std::vector<std::string> candidate_names(std::string_view name, const resolver_config& config) {
    std::vector<std::string> names;
    const auto add = [&names](std::string candidate) {
        while (!candidate.empty() && candidate.back() == '.')
            candidate.pop_back();
        if (!candidate.empty() && candidate.size() <= 253 &&
            std::find(names.begin(), names.end(), candidate) == names.end())
            names.push_back(std::move(candidate));
    };
    if (name.ends_with('.')) {
        add(std::string(name));
        return names;
    }
    const auto dots = static_cast<unsigned>(std::count(name.begin(), name.end(), '.'));
    if (dots >= config.ndots) add(std::string(name));
    for (const auto& domain : config.search)
        add(std::string(name) + "." + domain);
    if (dots < config.ndots) add(std::string(name));
    return names;
}

}  // namespace console
