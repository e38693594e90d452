// The accept loop's back-off: 10 ms, doubling up to 1 s.
#include "net_parts/accept_backoff.hpp"

#include <algorithm>

namespace net_parts {

bool accept_backoff::failed() {
    const bool first = delay_.count() == 0;
    delay_ = std::clamp(delay_ * 2, first_delay, max_delay);
    return first;
}

}  // namespace net_parts
