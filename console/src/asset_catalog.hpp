// The page and its assets, embedded in the binary at build time: a request
// path is looked up in a fixed table, so no file outside it can be served.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

namespace console {

struct asset {
    std::string_view path;          // URL path, e.g. "/assets/xterm.js"
    std::string_view content_type;  // MIME type with charset where textual
    std::string_view body;          // the file's bytes
};

// The table generated from console/web (assets_data.cpp).
std::span<const asset> embedded_assets();

class asset_catalog {
public:
    // Serves the page template `page` ("/index.html": the console's terminal,
    // "/front.html": the front's list of VMs) at "/", with `title`
    // (HTML-escaped) in place of {{TITLE}}; no template is served at its own path.
    explicit asset_catalog(const std::string& title, std::string_view page = "/index.html");

    // The asset served at `path` ("/" is the page); nullptr when there is none.
    const asset* find(std::string_view path) const;

    // A validator for caching: changes whenever the embedded files change.
    const std::string& etag() const { return etag_; }

private:
    std::string page_;
    std::unordered_map<std::string_view, asset> by_path_;
    std::string etag_;
};

// Escapes &, <, >, " and ' for HTML text and attributes.
std::string escape_html(std::string_view text);

}  // namespace console
