// Reading one HTTP/1.1 request (RFC 9112) from the front of a buffer, strictly: anything a
// proxy and this server could read differently (conflicting lengths, both a length and chunked
// coding, line folding, whitespace before a colon) is refused rather than guessed at.
#include <algorithm>
#include <cctype>
#include <cstring>

#include "flank/server/http.hpp"

namespace flank::server {
namespace {

using State = ParseResult::State;

ParseResult failure(int status, std::string message) {
  ParseResult r;
  r.state = State::Error;
  r.status = status;
  r.message = std::move(message);
  return r;
}

ParseResult incomplete_body(bool expects_continue, std::size_t needed) {
  ParseResult r;
  r.expects_continue = expects_continue;
  r.head_complete = true;
  r.needed = needed;
  return r;
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("!#$%&'*+-.^_`|~", c);
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_token_char);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    if (lower(trim(list.substr(0, comma))) == token) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

void parse_query(std::string_view query, std::map<std::string, std::string>& out) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      std::string key = percent_decode(pair.substr(0, eq), true);
      std::string value =
          eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1), true);
      out.emplace(std::move(key), std::move(value));  // the first of repeated keys wins
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
}

// Decodes a chunked body from `pos` on. `pos` and `body` advance one whole chunk at a time, so
// after Incomplete they hold where to resume.
ParseResult read_chunked(std::string_view buffer, std::size_t& pos, const HttpLimits& limits,
                         std::string& body) {
  constexpr std::size_t kMaxChunkLine = 1024;
  for (;;) {
    const std::size_t eol = buffer.find("\r\n", pos);
    if (eol == std::string_view::npos) {
      if (buffer.size() - pos > kMaxChunkLine) return failure(400, "chunk size line too long");
      return {};
    }
    if (eol - pos > kMaxChunkLine) return failure(400, "chunk size line too long");
    std::string_view line = buffer.substr(pos, eol - pos);
    line = line.substr(0, line.find(';'));  // chunk extensions are ignored
    line = trim(line);
    if (line.empty() || line.size() > 16) return failure(400, "invalid chunk size");
    std::uint64_t size = 0;
    for (char c : line) {
      const int v = hex_value(c);
      if (v < 0) return failure(400, "invalid chunk size");
      size = size * 16 + static_cast<std::uint64_t>(v);
    }
    if (size > limits.max_body_bytes || body.size() + size > limits.max_body_bytes)
      return failure(
          413, "request body larger than " + std::to_string(limits.max_body_bytes) + " bytes");
    const std::size_t data = eol + 2;
    if (size == 0) {
      // Trailer fields, ignored, up to an empty line; bounded like the head.
      for (std::size_t at = data;;) {
        const std::size_t end = buffer.find("\r\n", at);
        if (end == std::string_view::npos || end - data > limits.max_head_bytes) {
          if (buffer.size() - data > limits.max_head_bytes)
            return failure(431, "trailer fields too large");
          return {};
        }
        if (end == at) {
          ParseResult done;
          done.state = State::Complete;
          done.consumed = end + 2;
          return done;
        }
        at = end + 2;
      }
    }
    if (buffer.size() < data + size + 2) return {};
    if (buffer.substr(data + size, 2) != "\r\n") return failure(400, "chunk not ended by CRLF");
    body.append(buffer.substr(data, size));
    pos = data + size + 2;
  }
}

}  // namespace

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
        hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

ParseResult parse_request(std::string_view buffer, const HttpLimits& limits,
                          ChunkedProgress* resume) {
  // Empty lines before a request line are allowed (RFC 9112 §2.2); a few are skipped.
  std::size_t start = 0;
  while (start < 8 && buffer.substr(start, 2) == "\r\n") start += 2;
  const std::size_t head_end = buffer.find("\r\n\r\n", start);
  if (head_end == std::string_view::npos) {
    const std::size_t line_end = buffer.find("\r\n", start);
    const std::size_t first_line =
        line_end == std::string_view::npos ? buffer.size() - start : line_end - start;
    if (first_line > limits.max_target_bytes + 64) return failure(414, "request target too long");
    if (buffer.size() - start > limits.max_head_bytes)
      return failure(
          431, "request head larger than " + std::to_string(limits.max_head_bytes) + " bytes");
    return {};
  }
  if (head_end + 4 - start > limits.max_head_bytes)
    return failure(431,
                   "request head larger than " + std::to_string(limits.max_head_bytes) + " bytes");
  const std::string_view head = buffer.substr(start, head_end - start);

  // Request line: method SP target SP version.
  const std::size_t line_end = std::min(head.find("\r\n"), head.size());
  const std::string_view line = head.substr(0, line_end);
  const std::size_t sp1 = line.find(' ');
  const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return failure(400, "malformed request line");
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!is_token(method)) return failure(400, "malformed method");
  if (target.size() > limits.max_target_bytes) return failure(414, "request target too long");
  if (version != "HTTP/1.1" && version != "HTTP/1.0")
    return version.starts_with("HTTP/") ? failure(505, "only HTTP/1.0 and 1.1 are served")
                                        : failure(400, "malformed request line");
  if (target.empty() || target.front() != '/')
    return failure(400, "the request target must be a path");
  for (char c : target)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return failure(400, "control character in the request target");

  ParseResult r;
  Request& request = r.request;
  request.method = std::string(method);
  const std::size_t question = target.find('?');
  request.path = percent_decode(target.substr(0, question), false);
  if (question != std::string_view::npos) parse_query(target.substr(question + 1), request.query);

  // Header fields.
  std::size_t pos = line_end;
  while (pos < head.size()) {
    pos += 2;  // the CRLF ending the previous line
    const std::size_t end = std::min(head.find("\r\n", pos), head.size());
    const std::string_view field = head.substr(pos, end - pos);
    pos = end;
    if (field.empty()) continue;
    if (field.front() == ' ' || field.front() == '\t')
      return failure(400, "obsolete line folding in a header");
    const std::size_t colon = field.find(':');
    if (colon == std::string_view::npos || !is_token(field.substr(0, colon)))
      return failure(400, "malformed header line");
    const std::string_view value = trim(field.substr(colon + 1));
    for (char c : value)
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f)
        return failure(400, "control character in a header value");
    if (request.headers.size() >= limits.max_headers)
      return failure(431, "more than " + std::to_string(limits.max_headers) + " header lines");
    request.headers.emplace_back(lower(field.substr(0, colon)), std::string(value));
  }

  const bool http11 = version == "HTTP/1.1";
  // RFC 9112 §3.2: exactly one Host in HTTP/1.1.
  if (http11 && request.header_count("host") != 1)
    return failure(400, "an HTTP/1.1 request needs exactly one Host header");

  std::optional<std::uint64_t> content_length;
  bool chunked = false, close = false;
  for (const auto& [name, value] : request.headers) {
    if (name == "content-length") {
      if (value.empty() || value.size() > 18 ||
          !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return failure(400, "invalid Content-Length");
      const std::uint64_t n = std::stoull(value);
      if (content_length && *content_length != n) return failure(400, "conflicting Content-Length");
      content_length = n;
    } else if (name == "transfer-encoding") {
      if (chunked || lower(value) != "chunked")
        return failure(501, "only the chunked transfer coding is understood");
      chunked = true;
    } else if (name == "connection") {
      close = close || has_token(value, "close");
    } else if (name == "expect") {
      if (lower(value) != "100-continue") return failure(417, "unknown expectation");
      r.expects_continue = true;
    }
  }
  r.keep_alive = http11 && !close;
  if (chunked && !http11) return failure(400, "chunked coding in an HTTP/1.0 request");
  if (chunked && content_length)
    return failure(400, "both Content-Length and Transfer-Encoding");  // smuggling, RFC 9112 §6.1
  if (content_length && *content_length > limits.max_body_bytes)
    return failure(413,
                   "request body larger than " + std::to_string(limits.max_body_bytes) + " bytes");

  const std::size_t body_start = head_end + 4;
  if (chunked) {
    ChunkedProgress local;
    ChunkedProgress& progress = resume ? *resume : local;
    if (progress.pos < body_start || progress.pos > buffer.size()) progress = {body_start, {}};
    ParseResult body = read_chunked(buffer, progress.pos, limits, progress.body);
    if (body.state == State::Error) return body;
    if (body.state == State::Incomplete) return incomplete_body(r.expects_continue, 0);
    request.body = std::move(progress.body);
    progress = {};
    r.consumed = body.consumed;
  } else {
    const std::size_t n = content_length.value_or(0);
    if (buffer.size() - body_start < n) return incomplete_body(r.expects_continue, body_start + n);
    request.body = std::string(buffer.substr(body_start, n));
    r.consumed = body_start + n;
  }
  r.expects_continue = false;
  r.state = State::Complete;
  return r;
}

}  // namespace flank::server
