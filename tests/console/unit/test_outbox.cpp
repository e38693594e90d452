// Unit: the bounded, coalescing write queue.
#include "catch.hpp"

#include "outbox.hpp"

using console::outbox;

TEST_CASE("one write in flight, later bytes coalesce", "[outbox]") {
    outbox box(100);
    box.append("0", "ab");
    const std::string* first = box.start_write();
    REQUIRE(first);
    CHECK(*first == "0ab");
    CHECK(box.start_write() == nullptr);  // still in flight
    box.append("0", "cd");
    box.append("0", "ef");
    CHECK(box.queued_bytes() == 3 + 5);
    box.finish_write();
    const std::string* second = box.start_write();
    REQUIRE(second);
    CHECK(*second == "0cdef");
    box.finish_write();
    CHECK(box.empty());
    CHECK(box.queued_bytes() == 0);
}

TEST_CASE("pushed messages are never appended to", "[outbox]") {
    outbox box(100);
    box.push("1title");
    box.append("0", "x");
    box.append("0", "y");
    REQUIRE(*box.start_write() == "1title");
    box.finish_write();
    REQUIRE(*box.start_write() == "0xy");
}

TEST_CASE("full() reports the high-water mark", "[outbox]") {
    outbox box(10);
    box.append({}, "12345");
    CHECK_FALSE(box.full());
    box.append({}, "67890");
    CHECK(box.full());
    box.start_write();
    box.finish_write();
    CHECK_FALSE(box.full());
}
