// Unit: the embedded page and its lookup.
#include "asset_catalog.hpp"
#include "catch.hpp"

using console::asset_catalog;

TEST_CASE("the page carries the escaped title", "[assets]") {
    const asset_catalog catalog("vm <one> & \"two\"");
    const auto* page = catalog.find("/");
    REQUIRE(page);
    CHECK(page->content_type.find("text/html") == 0);
    CHECK(page->body.find("vm &lt;one&gt; &amp; &quot;two&quot;") != std::string_view::npos);
    CHECK(page->body.find("{{TITLE}}") == std::string_view::npos);
    CHECK(page->body.find("<one>") == std::string_view::npos);
}

TEST_CASE("xterm.js, its addons and the protocol are embedded", "[assets]") {
    const asset_catalog catalog("vm");
    for (const char* path :
         {"/assets/xterm.js", "/assets/xterm.css", "/assets/addon-fit.js",
          "/assets/addon-web-links.js", "/assets/console.js", "/assets/protocol.js"}) {
        const auto* file = catalog.find(path);
        REQUIRE(file);
        CHECK(file->body.size() > 100);
    }
    CHECK(catalog.find("/assets/protocol.js")->body.find("clientInput: 0x30") !=
          std::string_view::npos);
}

TEST_CASE("only listed paths exist", "[assets]") {
    const asset_catalog catalog("vm");
    CHECK(catalog.find("/../../etc/passwd") == nullptr);
    CHECK(catalog.find("/assets/../index.html") == nullptr);
    CHECK(catalog.find("/index.html") == nullptr);  // the template is served as "/"
    CHECK(catalog.find("") == nullptr);
}

TEST_CASE("the front serves its own page at / and neither template elsewhere", "[assets]") {
    const asset_catalog front("fleet <a>", "/front.html");
    const auto* page = front.find("/");
    REQUIRE(page);
    CHECK(page->body.find("assets/front.js") != std::string_view::npos);
    CHECK(page->body.find("fleet &lt;a&gt;") != std::string_view::npos);
    CHECK(front.find("/front.html") == nullptr);
    CHECK(front.find("/index.html") == nullptr);
    REQUIRE(front.find("/assets/front.js"));
    const asset_catalog console("vm");
    CHECK(console.find("/")->body.find("assets/console.js") != std::string_view::npos);
    CHECK(console.find("/front.html") == nullptr);
}
