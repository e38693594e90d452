// Building responses: status, body, caching and security headers.
#include "http_responses.hpp"

#include "metrics.hpp"
#include "namespaces.hpp"

namespace console {

// No framing by other sites, no MIME sniffing, scripts and sockets from here only.
void add_safety_headers(http::fields& res) {
    res.set(http::field::server, "qemu-riscv64-console");
    res.set("X-Content-Type-Options", "nosniff");
    res.set("X-Frame-Options", "DENY");
    res.set("Referrer-Policy", "no-referrer");
    res.set("Content-Security-Policy",
            "default-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
            "img-src 'self' data:; frame-ancestors 'none'");
}

download_head chunked_download_head(unsigned version, std::string_view content_type,
                                    std::string_view disposition) {
    download_head head{http::status::ok, version};
    add_safety_headers(head);
    if (!content_type.empty()) head.set(http::field::content_type, content_type);
    if (!disposition.empty()) head.set(http::field::content_disposition, disposition);
    head.set(http::field::cache_control, "no-store");
    head.keep_alive(false);
    head.chunked(true);
    return head;
}

response make_response(const request& req, http::status status, std::string_view content_type,
                       std::string body) {
    response res{status, req.version()};
    add_safety_headers(res);
    res.set(http::field::content_type, content_type);
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    // HEAD gets the headers of GET, Content-Length included, and no body.
    if (req.method() == http::verb::head) res.body().clear();
    return res;
}

response text_response(const request& req, http::status status, std::string_view text) {
    auto res = make_response(req, status, "text/plain; charset=utf-8", std::string(text) + "\n");
    res.set(http::field::cache_control, "no-store");
    return res;
}

response metrics_response(const request& req, std::string text) {
    auto res = make_response(req, http::status::ok, metrics_content_type, std::move(text));
    res.set(http::field::cache_control, "no-store");
    return res;
}

response json_response(const request& req, std::string json) {
    auto res = make_response(req, http::status::ok, "application/json", std::move(json));
    res.set(http::field::cache_control, "no-store");
    return res;
}

response redirect_response(const request& req, const std::string& location) {
    auto res = text_response(req, http::status::moved_permanently, "moved to " + location);
    res.set(http::field::location, location);
    return res;
}

response unauthorized_response(const request& req) {
    auto res = text_response(req, http::status::unauthorized, "authentication required");
    res.set(http::field::www_authenticate,
            "Basic realm=\"qemu-riscv64 console\", charset=\"UTF-8\"");
    return res;
}

response asset_response(const request& req, const asset& file, const std::string& etag) {
    if (req[http::field::if_none_match] == etag) {
        auto res = make_response(req, http::status::not_modified, file.content_type, {});
        res.set(http::field::etag, etag);
        return res;
    }
    auto res = make_response(req, http::status::ok, file.content_type, std::string(file.body));
    res.set(http::field::etag, etag);
    // Revalidate every time: a cheap 304, and never a stale page after an upgrade.
    res.set(http::field::cache_control, "no-cache");
    return res;
}

}  // namespace console
