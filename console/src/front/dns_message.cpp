// DNS messages: building the query, checking every byte of the answer.
#include "front/dns_message.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string>

namespace console {

namespace {

constexpr std::uint16_t type_a = 1;
constexpr std::uint16_t type_cname = 5;
constexpr std::uint16_t type_ptr = 12;
constexpr std::uint16_t type_opt = 41;
constexpr std::uint16_t class_in = 1;
constexpr std::uint16_t flag_answer = 0x8000;
constexpr std::uint16_t flag_truncated = 0x0200;
constexpr std::uint16_t flag_recursion_desired = 0x0100;
constexpr unsigned rcode_no_such_name = 3;
constexpr std::size_t header_size = 12;
constexpr std::size_t max_name = 253;
constexpr int max_pointer_jumps = 16;
constexpr std::size_t max_records = 1024;
constexpr int max_cname_steps = 8;

void put16(std::string& out, std::uint16_t value) {
    out += static_cast<char>(value >> 8);
    out += static_cast<char>(value & 0xff);
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Reads big-endian fields and names from a packet; any read past its end fails.
class packet_reader {
public:
    explicit packet_reader(std::string_view packet) : packet_(packet) {}

    std::optional<std::uint16_t> u16() {
        if (packet_.size() - at_ < 2) return std::nullopt;
        const auto high = static_cast<unsigned char>(packet_[at_]);
        const auto low = static_cast<unsigned char>(packet_[at_ + 1]);
        at_ += 2;
        return static_cast<std::uint16_t>((high << 8) | low);
    }
    bool skip(std::size_t count) {
        if (packet_.size() - at_ < count) return false;
        at_ += count;
        return true;
    }
    std::size_t at() const { return at_; }
    std::string_view bytes(std::size_t from, std::size_t count) const {
        return packet_.substr(from, count);
    }

    // A name, dotted and lower-cased, following compression pointers.
    std::optional<std::string> name() {
        std::string out;
        std::size_t at = at_;
        std::optional<std::size_t> after_pointer;  // where reading goes on after the name
        for (int jumps = 0;;) {
            if (at >= packet_.size()) return std::nullopt;
            const auto length = static_cast<unsigned char>(packet_[at]);
            if ((length & 0xc0) == 0xc0) {
                if (at + 1 >= packet_.size() || ++jumps > max_pointer_jumps) return std::nullopt;
                if (!after_pointer) after_pointer = at + 2;
                at = ((length & 0x3fU) << 8) | static_cast<unsigned char>(packet_[at + 1]);
                continue;
            }
            if ((length & 0xc0) != 0) return std::nullopt;  // reserved label types
            if (length == 0) break;
            if (at + 1 + length > packet_.size()) return std::nullopt;
            if (!out.empty()) out += '.';
            out.append(packet_.substr(at + 1, length));
            if (out.size() > max_name) return std::nullopt;
            at += 1 + length;
        }
        at_ = after_pointer.value_or(at + 1);
        return lower(out);
    }

private:
    std::string_view packet_;
    std::size_t at_ = 0;
};

struct record {
    std::string owner;
    std::uint16_t type;
    std::string target;                   // CNAME: the name it stands for; PTR: the name
    boost::asio::ip::address_v4 address;  // A: its address
};

// One resource record of the answer section; nullopt when it overruns the packet.
std::optional<record> read_record(packet_reader& in) {
    auto owner = in.name();
    const auto type = in.u16();
    const auto klass = in.u16();
    if (!owner || !type || !klass || !in.skip(4)) return std::nullopt;  // TTL
    const auto length = in.u16();
    if (!length) return std::nullopt;
    const std::size_t data = in.at();
    record found{std::move(*owner), *klass == class_in ? *type : std::uint16_t{0}, {}, {}};
    if (found.type == type_cname || found.type == type_ptr) {
        auto target = in.name();
        if (!target || in.at() != data + *length) return std::nullopt;
        found.target = std::move(*target);
        return found;
    }
    if (!in.skip(*length)) return std::nullopt;
    if (found.type == type_a) {
        if (*length != 4) return std::nullopt;
        const auto bytes = in.bytes(data, 4);
        found.address = boost::asio::ip::make_address_v4(boost::asio::ip::address_v4::bytes_type{
            static_cast<unsigned char>(bytes[0]), static_cast<unsigned char>(bytes[1]),
            static_cast<unsigned char>(bytes[2]), static_cast<unsigned char>(bytes[3])});
    }
    return found;
}

// The names that stand for `name`: itself, and where its CNAMEs lead.
std::set<std::string> aliases(const std::string& name, const std::vector<record>& records) {
    std::set<std::string> names{name};
    for (int step = 0; step < max_cname_steps; ++step) {
        const auto before = names.size();
        for (const auto& entry : records)
            if (entry.type == type_cname && names.contains(entry.owner)) names.insert(entry.target);
        if (names.size() == before) break;
    }
    return names;
}

}  // namespace

std::string encode_dns_query(std::uint16_t id, std::string_view name, dns_type type) {
    if (name.empty() || name.size() > max_name) return {};
    std::string query;
    put16(query, id);
    put16(query, flag_recursion_desired);
    // One question, no answers or authorities, one additional record: the OPT.
    for (const std::uint16_t count : std::initializer_list<std::uint16_t>{1, 0, 0, 1})
        put16(query, count);
    std::size_t start = 0;
    while (start <= name.size()) {
        const auto end = std::min(name.find('.', start), name.size());
        const auto label = name.substr(start, end - start);
        if (label.empty() || label.size() > 63) return {};
        query += static_cast<char>(label.size());
        query.append(label);
        start = end + 1;
    }
    query += '\0';
    put16(query, static_cast<std::uint16_t>(type));
    put16(query, class_in);
    // OPT: the root name, the payload size in the class field, no TTL flags or options.
    query += '\0';
    put16(query, type_opt);
    put16(query, dns_payload_size);
    put16(query, 0);  // extended code and flags
    put16(query, 0);
    put16(query, 0);  // no options
    return query;
}

dns_answer parse_dns_answer(std::string_view packet, std::uint16_t id, std::string_view name,
                            dns_type type) {
    const auto wanted_type = static_cast<std::uint16_t>(type);
    dns_answer answer;
    packet_reader in(packet);
    const auto got_id = in.u16();
    const auto flags = in.u16();
    const auto questions = in.u16();
    const auto answers = in.u16();
    if (!got_id || !flags || !questions || !answers || !in.skip(4)) return answer;
    if (*got_id != id || (*flags & flag_answer) == 0 || ((*flags >> 11) & 0xf) != 0) return answer;
    if (*questions != 1) return answer;
    // The question must be ours: a reply to another query is not an answer.
    const std::string wanted = lower(name);
    const auto asked = in.name();
    const auto asked_type = in.u16();
    const auto klass = in.u16();
    if (!asked || *asked != wanted || asked_type != wanted_type || klass != class_in) return answer;
    const unsigned rcode = *flags & 0xfU;
    if (rcode == rcode_no_such_name) answer.result = dns_answer::outcome::no_such_name;
    if (rcode != 0) return answer;
    std::vector<record> records;
    for (std::size_t i = 0; i < std::min<std::size_t>(*answers, max_records); ++i) {
        auto entry = read_record(in);
        if (!entry) return answer;
        records.push_back(std::move(*entry));
    }
    const auto names = aliases(wanted, records);
    std::set<boost::asio::ip::address_v4> addresses;
    std::set<std::string> pointed;
    for (const auto& entry : records) {
        if (entry.type != wanted_type || !names.contains(entry.owner)) continue;
        if (entry.type == type_a) addresses.insert(entry.address);
        // A PTR record naming the root names nothing.
        if (entry.type == type_ptr && !entry.target.empty()) pointed.insert(entry.target);
    }
    answer.addresses.assign(addresses.begin(), addresses.end());
    answer.names.assign(pointed.begin(), pointed.end());
    answer.truncated = (*flags & flag_truncated) != 0;
    answer.result = dns_answer::outcome::addresses;
    return answer;
}

std::string reverse_name(const boost::asio::ip::address_v4& address) {
    const auto byte = address.to_bytes();
    return std::to_string(byte[3]) + '.' + std::to_string(byte[2]) + '.' + std::to_string(byte[1]) +
           '.' + std::to_string(byte[0]) + ".in-addr.arpa";
}

}  // namespace console
