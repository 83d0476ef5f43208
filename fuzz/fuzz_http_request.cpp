// Fuzzes the HTTP/1.1 request reader of `flank serve` (src/flank/server/http.hpp). For any
// bytes, parse_request must return (never throw or crash), a complete request must consume no
// more than the buffer and keep its body within the limit, and feeding the same bytes in two
// pieces with the server's resume state must give the same answer as all at once.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "flank/server/http.hpp"

namespace {

using flank::server::ParseResult;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "%s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  flank::server::HttpLimits limits;
  limits.max_body_bytes = 4096;  // small, so that the fuzzer reaches the limits
  limits.max_head_bytes = 2048;
  limits.max_target_bytes = 512;
  limits.max_headers = 16;
  ParseResult whole;
  try {
    whole = flank::server::parse_request(input, limits);
  } catch (...) {
    fail("parse_request threw");
  }
  if (whole.state == ParseResult::State::Complete) {
    if (whole.consumed == 0 || whole.consumed > size) fail("consumed outside the buffer");
    if (whole.request.body.size() > limits.max_body_bytes) fail("body over the limit");
  }
  if (whole.state == ParseResult::State::Error && (whole.status < 400 || whole.status > 599))
    fail("error without a 4xx/5xx status");
  // The same bytes in two pieces, as the server sees them arrive.
  flank::server::ChunkedProgress progress;
  const std::size_t split = size / 2;
  const ParseResult first = flank::server::parse_request(input.substr(0, split), limits, &progress);
  if (first.state == ParseResult::State::Complete) return 0;  // a shorter request came first
  if (first.state == ParseResult::State::Error) return 0;     // refused on a prefix already
  const ParseResult second = flank::server::parse_request(input, limits, &progress);
  if (second.state != whole.state) fail("resumed parse disagrees with the whole one");
  if (second.state == ParseResult::State::Complete &&
      (second.request.body != whole.request.body || second.consumed != whole.consumed))
    fail("resumed parse read a different body");
  return 0;
}
