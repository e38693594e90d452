// The HTTP responses the console sends, each with the same safety headers.
#pragma once

#include "asset_catalog.hpp"

#include <boost/beast/http.hpp>

#include <string>
#include <string_view>

namespace console {

using request = boost::beast::http::request<boost::beast::http::string_body>;
using response = boost::beast::http::response<boost::beast::http::string_body>;
using download_head = boost::beast::http::response<boost::beast::http::empty_body>;

// The headers every response carries (a streamed one too).
void add_safety_headers(boost::beast::http::fields& res);

// The head of a 200 whose body follows in chunks (/recording.cast): the safety
// headers, never cached, the connection closed after it; the content type and
// disposition when not empty.
download_head chunked_download_head(unsigned version, std::string_view content_type,
                                    std::string_view disposition);

// Any response: status, content type and body, with the safety headers (HEAD:
// the headers of GET, no body).
response make_response(const request& req, boost::beast::http::status status,
                       std::string_view content_type, std::string body);

// A short plain-text response ("ok", "not found", ...).
response text_response(const request& req, boost::beast::http::status status,
                       std::string_view text);

// /metrics: the exposition text, never cached.
response metrics_response(const request& req, std::string text);

// A JSON document (/status, the front's list of VMs), never cached.
response json_response(const request& req, std::string json);

// 301 to `location` (the base path with its slash).
response redirect_response(const request& req, const std::string& location);

// 401 with the WWW-Authenticate challenge.
response unauthorized_response(const request& req);

// An embedded file, or 304 when the browser's If-None-Match holds `etag`.
response asset_response(const request& req, const asset& file, const std::string& etag);

}  // namespace console
