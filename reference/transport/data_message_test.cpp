// SPDX-License-Identifier: MIT
// Transport data (§5.4.6): the oracle's message, padding, and the inner
// packet's own length deciding where the padding starts.
#include <catch2/catch.hpp>

#include "oracle_case.hpp"
#include "transport/data_message.hpp"

using namespace wg;

TEST_CASE("A data message matches the oracle and opens to the inner packet", "[transport][vectors]") {
    for (const auto& r : test::oracle_records()) {
        const auto send_key = crypto::SymmetricKey::from(r.bytes("initiator_send_key"));
        const Bytes inner = r.bytes("transport_plaintext");
        const auto receiver = static_cast<std::uint32_t>(r.number("responder_index"));
        std::array<std::uint8_t, 2048> message{};
        const std::size_t padded = transport::padded_length(inner.size(), 1420);
        CHECK(padded % wire::kPaddingMultiple == 0);
        const std::size_t length =
            transport::seal_data_message(send_key, receiver, r.number("transport_counter"), inner, padded, message);
        CHECK(to_hex(ByteView{message.data(), length}) == r.text("transport_message"));

        // The responder receives with the same key (T_recv_r = T_send_i).
        const Bytes oracle_message = r.bytes("transport_message");
        const auto view = wire::DataMessage::parse(oracle_message);
        REQUIRE(view);
        CHECK(view->receiver() == receiver);
        CHECK(view->counter() == r.number("transport_counter"));
        Bytes plaintext(oracle_message.size());
        auto opened = transport::open_data_message(send_key, *view, plaintext);
        REQUIRE(opened.ok());
        CHECK(opened.value() == padded);
        const auto inner_length = transport::inner_packet_length(ByteView{plaintext}.first(opened.value()));
        REQUIRE(inner_length);
        CHECK(Bytes(plaintext.begin(), plaintext.begin() + static_cast<std::ptrdiff_t>(*inner_length)) == inner);
    }
}

TEST_CASE("Padding rounds up to 16 but never past the MTU", "[transport]") {
    CHECK(transport::padded_length(0, 1420) == 0);  // a keepalive stays empty
    CHECK(transport::padded_length(1, 1420) == 16);
    CHECK(transport::padded_length(16, 1420) == 16);
    CHECK(transport::padded_length(84, 1420) == 96);
    CHECK(transport::padded_length(1419, 1420) == 1420);  // 1424 would exceed the MTU
    CHECK(transport::padded_length(1420, 1420) == 1420);
}

TEST_CASE("The inner length comes from the IP header and must fit", "[transport]") {
    Bytes v4(32, 0);
    v4[0] = 0x45;
    v4[3] = 28;
    CHECK(transport::inner_packet_length(v4) == 28u);
    v4[3] = 40;  // claims more than is present
    CHECK_FALSE(transport::inner_packet_length(v4));
    v4[3] = 12;  // shorter than its own header
    CHECK_FALSE(transport::inner_packet_length(v4));
    Bytes v6(48, 0);
    v6[0] = 0x60;
    v6[5] = 8;
    CHECK(transport::inner_packet_length(v6) == 48u);
    v6[0] = 0x50;  // IP version 5 does not exist
    CHECK_FALSE(transport::inner_packet_length(v6));
    CHECK_FALSE(transport::inner_packet_length(Bytes{}));
}
