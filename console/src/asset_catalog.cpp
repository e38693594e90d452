// Lookup of the embedded page and assets.
#include "asset_catalog.hpp"

#include <functional>

namespace console {

std::string escape_html(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

asset_catalog::asset_catalog(const std::string& title, std::string_view page) {
    std::size_t hash = std::hash<std::string>{}(title);
    for (const asset& item : embedded_assets()) {
        by_path_.emplace(item.path, item);
        hash ^= std::hash<std::string_view>{}(item.body) + 0x9e3779b97f4a7c15ULL + (hash << 6) +
                (hash >> 2);
    }
    etag_ = "\"" + std::to_string(hash) + "\"";
    // The templates live at /*.html; "/" serves the chosen one with the title filled in.
    const auto template_page = by_path_.find(page);
    if (template_page == by_path_.end()) return;
    page_ = std::string(template_page->second.body);
    const std::string escaped = escape_html(title);
    constexpr std::string_view marker = "{{TITLE}}";
    for (auto at = page_.find(marker); at != std::string::npos;
         at = page_.find(marker, at + escaped.size()))
        page_.replace(at, marker.size(), escaped);
    const asset rendered{"/", template_page->second.content_type, page_};
    std::erase_if(by_path_, [](const auto& entry) { return entry.first.ends_with(".html"); });
    by_path_.emplace(rendered.path, rendered);
}

const asset* asset_catalog::find(std::string_view path) const {
    const auto found = by_path_.find(path);
    return found == by_path_.end() ? nullptr : &found->second;
}

}  // namespace console
