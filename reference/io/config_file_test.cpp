// SPDX-License-Identifier: MIT
// Configuration files in `wg setconf` format: what parses, and how a bad
// line is reported (by number, with what is wrong, and never the key).
#include <catch2/catch.hpp>

#include "io/config_file.hpp"

using namespace wg;

TEST_CASE("A wg setconf file parses into a change that replaces all peers", "[config]") {
    const std::string text = R"(# a comment
[Interface]
PrivateKey = oK56DE9Ue9zK76rAc8pBl6opph+1v36lm7cXXsQKrQM=
ListenPort = 51820

[Peer]
PublicKey = GtL7fZc/bLnqZldpVofMCD6hDjrK28SsdLxevJ+qtKU=
PresharedKey = /UwcSPg38hW/D9Y3tcS1FOV0K1wuURMbS0sesJEP5ak=
AllowedIPs = 203.0.113.0/24, 2001:db8::/32 , 198.51.100.7
Endpoint = 192.0.2.2:51820
PersistentKeepalive = 25
)";
    auto change = io::parse_config(text);
    REQUIRE(change.ok());
    CHECK(change.value().replace_peers);
    CHECK(change.value().listen_port == 51820);
    REQUIRE(change.value().peers.size() == 1);
    const auto& peer = change.value().peers[0];
    CHECK(peer.replace_allowed_ips);
    CHECK(peer.allowed_ips.size() == 3);
    CHECK(peer.allowed_ips[2].to_string() == "198.51.100.7/32");
    CHECK(peer.persistent_keepalive == std::chrono::seconds(25));
    CHECK(peer.endpoint->port == 51820);
}

TEST_CASE("Each bad configuration line is named with what is wrong", "[config]") {
    struct Case {
        std::string text;
        int line;
        std::string says;
    };
    for (const auto& c : std::vector<Case>{
             {"[Interface]\nPrivateKey = nope\n", 2, "PrivateKey"},
             {"[Interface]\nListenPort = 70000\n", 2, "ListenPort"},
             {"[Peer]\nPublicKey = GtL7fZc/bLnqZldpVofMCD6hDjrK28SsdLxevJ+qtKU=\nAllowedIPs = 10.0.0.0/40\n", 3, "AllowedIPs"},
             {"[Peer]\nPublicKey = GtL7fZc/bLnqZldpVofMCD6hDjrK28SsdLxevJ+qtKU=\nEndpoint = 203.0.113.1\n", 3, "Endpoint"},
             {"[Interface]\nAddress = 203.0.113.2/24\n", 2, "wg-quick strip"},
             {"[Interface]\nMystery = 1\n", 2, "unknown"},
             {"[Peers]\n", 1, "unknown section"},
             {"ListenPort = 1\n", 1, "outside any section"},
         }) {
        INFO(c.text);
        auto change = io::parse_config(c.text);
        REQUIRE_FALSE(change.ok());
        CHECK(change.error().line == c.line);
        CHECK(change.error().message.find(c.says) != std::string::npos);
    }
    auto no_key = io::parse_config("[Peer]\nAllowedIPs = 10.0.0.1\n");
    REQUIRE_FALSE(no_key.ok());
    CHECK(no_key.error().message.find("no PublicKey") != std::string::npos);
}

TEST_CASE("An Endpoint may be a host name, resolved as wg resolves it", "[config]") {
    // localhost comes from /etc/hosts: no query leaves the machine.
    auto change = io::parse_config("[Peer]\nPublicKey = GtL7fZc/bLnqZldpVofMCD6hDjrK28SsdLxevJ+qtKU=\nEndpoint = localhost:51820\n");
    REQUIRE(change.ok());
    const auto& endpoint = change.value().peers.front().endpoint;
    REQUIRE(endpoint);
    CHECK(endpoint->port == 51820);
    CHECK((endpoint->address.to_string() == "127.0.0.1" || endpoint->address.to_string() == "::1"));
}

TEST_CASE("An Endpoint's host name is checked before any resolver is asked", "[config]") {
    // A resolver that stays in the process and remembers what it was asked.
    std::vector<std::string> asked;
    const io::NameLookup lookup = [&asked](const std::string& name, std::string&) -> std::optional<IpAddress> {
        asked.push_back(name);
        return IpAddress::v4({192, 0, 2, 7});
    };
    const std::string head = "[Peer]\nPublicKey = GtL7fZc/bLnqZldpVofMCD6hDjrK28SsdLxevJ+qtKU=\nEndpoint = ";

    SECTION("a name is asked about, and its port kept") {
        auto change = io::parse_config(head + "peer-1.example_net:51820\n", lookup);
        REQUIRE(change.ok());
        CHECK(asked == std::vector<std::string>{"peer-1.example_net"});
        CHECK(change.value().peers.front().endpoint->to_string() == "192.0.2.7:51820");
    }
    SECTION("in brackets, an IPv6 address with a zone is asked about without them") {
        REQUIRE(io::parse_config(head + "[fe80::1%eth0]:51820\n", lookup).ok());
        CHECK(asked == std::vector<std::string>{"fe80::1%eth0"});
    }
    SECTION("a name no resolver could hold is refused without a query") {
        // The first would reach getaddrinfo as "192" (a NUL ends a C string),
        // which reads it as 0.0.0.192: an endpoint nobody wrote.
        for (const std::string& endpoint : {std::string("192\0\0.0.2.1:51820", 17), std::string("peer one:51820"),
                                           std::string("peer\x05:51820"), std::string("[fe80::1%eth0 x]:1"),
                                           std::string(254, 'a') + ":51820", std::string("fe80::1%eth0:51820"),
                                           std::string("peer:"), std::string("peer:65536"), std::string("peer:+1"),
                                           std::string(":51820"), std::string("peer")}) {
            INFO("Endpoint = " << endpoint);
            auto change = io::parse_config(head + endpoint + "\n", lookup);
            REQUIRE_FALSE(change.ok());
            CHECK(change.error().line == 3);
            CHECK(change.error().message.find("expected HOST:PORT") != std::string::npos);
        }
        CHECK(asked.empty());
    }
    SECTION("a name the resolver does not know is the resolver's error") {
        const io::NameLookup unknown = [](const std::string& name, std::string& why) -> std::optional<IpAddress> {
            why = "cannot resolve '" + name + "'";
            return std::nullopt;
        };
        auto change = io::parse_config(head + "nowhere.invalid:1\n", unknown);
        REQUIRE_FALSE(change.ok());
        CHECK(change.error().message == "Endpoint: cannot resolve 'nowhere.invalid'");
    }
}
