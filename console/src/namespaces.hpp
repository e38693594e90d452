#pragma once
// The short names every console file uses for Beast's and Asio's namespaces.
// Declaring a namespace costs nothing: files still include the headers they use.
namespace boost::asio {}
namespace boost::beast::http {}
namespace boost::beast::websocket {}

namespace console {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

}  // namespace console
