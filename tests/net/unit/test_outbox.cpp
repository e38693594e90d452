// Unit: the bounded, coalescing write queue.
#include "catch.hpp"
#include "net_parts/outbox.hpp"

using net_parts::outbox;

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

TEST_CASE("fits() tells an owner that drops what would pass the limit", "[outbox]") {
    outbox box(10);
    box.append({}, "12345678");
    CHECK(box.fits(2));
    CHECK_FALSE(box.fits(3));
}

TEST_CASE("max_message caps how far a waiting message grows", "[outbox]") {
    outbox box(100, 4);
    box.append({}, "ab");
    box.append({}, "cd");
    box.append({}, "e");  // would make 5 bytes: a new message
    REQUIRE(*box.start_write() == "abcd");
    box.finish_write();
    REQUIRE(*box.start_write() == "e");
}

TEST_CASE("clear() drops everything, the written message included", "[outbox]") {
    outbox box(100);
    box.push("one");
    box.append({}, "two");
    box.start_write();
    box.clear();
    CHECK(box.empty());
    CHECK_FALSE(box.writing());
    CHECK(box.queued_bytes() == 0);
    CHECK(box.start_write() == nullptr);
}
