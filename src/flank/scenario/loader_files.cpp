// Scenario loader: finding and reading files (disk or embedded), resolving `extends:`.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include "flank/combat/combat.hpp"
#include "flank/core/bounded_read.hpp"
#include "flank/core/embedded.hpp"
#include "flank/forces/power.hpp"
#include "flank/geo/geodesy.hpp"
#include "flank/geo/graph.hpp"
#include "flank/scenario/citations.hpp"
#include "flank/scenario/document.hpp"
#include "flank/scenario/loader_detail.hpp"

namespace flank::loader_detail {

std::string embedded_label(std::string_view path) {
  return "<built-in>/" + std::string(path);
}

// The value of a top-level "key:" line, without quotes or comments (a quick scan used to list
// built-ins without parsing them).
std::string top_level_value(std::string_view text, std::string_view key) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == ':') {
      std::string_view v = line.substr(key.size() + 1);
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      if (!v.empty() && (v.front() == '"' || v.front() == '\'')) {
        const char q = v.front();
        const std::size_t close = v.find(q, 1);
        return std::string(v.substr(1, close == std::string_view::npos ? v.size() - 1 : close - 1));
      }
      if (const std::size_t hash = v.find(" #"); hash != std::string_view::npos)
        v = v.substr(0, hash);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\r' || v.back() == '\t'))
        v.remove_suffix(1);
      return std::string(v);
    }
    pos = end + 1;
  }
  return {};
}

bool is_scenario_path(std::string_view path) {
  return path.substr(0, 10) == "scenarios/" && path.size() > 5 &&
         path.substr(path.size() - 5) == ".yaml";
}

const std::vector<BuiltinInfo>& builtin_list() {
  static const std::vector<BuiltinInfo> list = [] {
    std::vector<BuiltinInfo> out;
    for (const auto& f : embedded_files()) {
      if (!is_scenario_path(f.path)) continue;
      BuiltinInfo info{top_level_value(f.data, "id"), top_level_value(f.data, "name"),
                       std::string(f.path)};
      if (!info.id.empty()) out.push_back(std::move(info));
    }
    std::sort(out.begin(), out.end(),
              [](const BuiltinInfo& a, const BuiltinInfo& b) { return a.id < b.id; });
    return out;
  }();
  return list;
}

bool read_embedded(const std::string& path, Text& out) {
  const auto data = embedded_file(path);
  if (!data) return false;
  out.label = embedded_label(path);
  out.key = "embedded:" + path;
  out.dir = std::filesystem::path(path).parent_path().generic_string();
  out.embedded = true;
  out.text = std::string(*data);
  return true;
}

// Reads `ref` as referenced from `from` (nullptr for the user's own reference). On failure
// returns false and explains in `why`.
bool read_ref(std::string_view ref, const Text* from, Text& out, std::string& why) {
  if (ref.substr(0, 8) == "builtin:") {
    const std::string id(ref.substr(8));
    for (const auto& b : builtin_list())
      if (b.id == id) return read_embedded(b.path, out);
    std::vector<std::string> ids;
    for (const auto& b : builtin_list()) ids.push_back(b.id);
    std::string list;
    for (const auto& i : ids) list += (list.empty() ? "" : ", ") + i;
    why = "no built-in scenario '" + id + "'" + did_you_mean(id, ids) +
          (list.empty() ? "" : "; built-ins: " + list);
    return false;
  }
  if (from && from->embedded) {
    const std::string path =
        (std::filesystem::path(from->dir) / std::string(ref)).lexically_normal().generic_string();
    if (read_embedded(path, out)) return true;
    why = "no built-in file '" + path + "'";
    return false;
  }
  std::filesystem::path path{std::string(ref)};
  if (from && path.is_relative()) path = std::filesystem::path(from->dir) / path;
  // The rules every reader shares (core/bounded_read): a regular file, checked on the open
  // descriptor, of at most 16 MiB, and no NUL inside the path (it would name another file).
  if (!try_read_bounded_file(path.string(), doc::kMaxFileBytes, out.text, why)) {
    std::string shown = path.string();  // a NUL would cut the message short on a terminal
    for (std::size_t at; (at = shown.find('\0')) != std::string::npos;) shown.replace(at, 1, "\\0");
    why = "'" + shown + "': " + why;
    return false;
  }
  std::error_code ec;
  out.label = path.string();
  out.key = "file:" + std::filesystem::weakly_canonical(path, ec).string();
  out.dir = path.parent_path().string();
  if (out.dir.empty()) out.dir = ".";
  out.embedded = false;
  return true;
}

// Byte offset of the first byte that is not part of well-formed UTF-8 (no overlongs, no
// surrogates, nothing above U+10FFFF), or npos. Names end up in JSON, which must be UTF-8.
std::size_t invalid_utf8_at(std::string_view t) {
  std::size_t i = 0;
  while (i < t.size()) {
    const auto c = static_cast<unsigned char>(t[i]);
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80)
      n = 0;
    else if (c >= 0xC2 && c <= 0xDF)
      n = 1;
    else if (c == 0xE0)
      n = 2, lo = 0xA0;
    else if (c == 0xED)
      n = 2, hi = 0x9F;
    else if (c >= 0xE1 && c <= 0xEF)
      n = 2;
    else if (c == 0xF0)
      n = 3, lo = 0x90;
    else if (c == 0xF4)
      n = 3, hi = 0x8F;
    else if (c >= 0xF1 && c <= 0xF3)
      n = 3;
    else
      return i;
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= t.size()) return i;
      const auto b = static_cast<unsigned char>(t[i + k]);
      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return i;
    }
    i += n + 1;
  }
  return std::string_view::npos;
}

// YYYY-MM-DD, optionally followed by THH:MM[:SS] and Z or ±HH:MM, each field in range
// (a date like 2023-13-45 is refused rather than shown in reports).
bool valid_iso8601(std::string_view t) {
  const auto number = [&](std::size_t at, std::size_t digits, int lo, int hi) {
    if (at + digits > t.size()) return false;
    int v = 0;
    for (std::size_t i = at; i < at + digits; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(t[i]))) return false;
      v = v * 10 + (t[i] - '0');
    }
    return v >= lo && v <= hi;
  };
  if (t.size() < 10 || t[4] != '-' || t[7] != '-' || !number(0, 4, 1, 9999) || !number(5, 2, 1, 12))
    return false;
  const int year = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
  const int month = (t[5] - '0') * 10 + (t[6] - '0');
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (!number(8, 2, 1, kDays[month - 1] + (month == 2 && leap ? 1 : 0))) return false;
  std::size_t i = 10;
  if (i == t.size()) return true;
  if ((t[i] != 'T' && t[i] != ' ') || !number(i + 1, 2, 0, 23) || i + 3 >= t.size() ||
      t[i + 3] != ':' || !number(i + 4, 2, 0, 59))
    return false;
  i += 6;
  if (i < t.size() && t[i] == ':') {
    if (!number(i + 1, 2, 0, 60)) return false;
    i += 3;
  }
  if (i == t.size()) return true;
  if (t[i] == 'Z') return i + 1 == t.size();
  return (t[i] == '+' || t[i] == '-') && i + 6 == t.size() && number(i + 1, 2, 0, 23) &&
         t[i + 3] == ':' && number(i + 4, 2, 0, 59);
}

// Embedded files never change, so each is parsed once per process: sweeps that load many
// variants of a built-in with different overrides then skip yaml-cpp, most of a load's time.
Node parse_text(const Text& text, DiagnosticSink& sink) {
  if (!text.embedded) return doc::parse(text.text, text.label, sink);
  static std::mutex mutex;
  static std::map<std::string, Node> cache;
  {
    const std::lock_guard lock(mutex);
    if (const auto it = cache.find(text.key); it != cache.end()) return it->second;
  }
  DiagnosticSink local;
  Node root = doc::parse(text.text, text.label, local);
  for (const auto& d : local.diagnostics()) sink.add(d);
  if (local.empty()) {
    const std::lock_guard lock(mutex);
    cache.emplace(text.key, root);
  }
  return root;
}

// Parses `text` and, when it has `extends:`, the chain below it, returning the merged tree.
Node resolve(const Text& text, std::vector<std::string>& chain, DiagnosticSink& sink) {
  if (const std::size_t bad = invalid_utf8_at(text.text); bad != std::string_view::npos) {
    const std::string_view before = std::string_view(text.text).substr(0, bad);
    const std::size_t line_start = before.rfind('\n');
    const int line = static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 1;
    const int column =
        static_cast<int>(bad - (line_start == std::string_view::npos ? 0 : line_start + 1)) + 1;
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text.text[bad]));
    sink.add({text.label, line, column}, "",
             std::string("the file is not valid UTF-8 (byte ") + byte + "); save it as UTF-8");
    return Node{};
  }
  Node root = parse_text(text, sink);
  if (!root.is_map()) return root;
  const auto it = std::find_if(root.map.begin(), root.map.end(),
                               [](const doc::Entry& e) { return e.key == "extends"; });
  if (it == root.map.end()) return root;
  const Node extends = it->value;
  root.map.erase(it);
  if (!extends.is_scalar() || extends.scalar.empty()) {
    sink.add(extends.where.location(), "extends", "expected a file path or builtin:<id>");
    return root;
  }
  if (chain.size() >= static_cast<std::size_t>(kMaxExtendsDepth)) {
    sink.add(extends.where.location(), "extends",
             "extends: chain deeper than " + std::to_string(kMaxExtendsDepth) + " files");
    return root;
  }
  Text base_text;
  std::string why;
  if (!read_ref(extends.scalar, &text, base_text, why)) {
    sink.add(extends.where.location(), "extends", why);
    return root;
  }
  if (std::find(chain.begin(), chain.end(), base_text.key) != chain.end()) {
    std::string cycle;
    for (const auto& k : chain) cycle += k.substr(k.find(':') + 1) + " → ";
    sink.add(extends.where.location(), "extends",
             "extends: cycle: " + cycle + base_text.key.substr(base_text.key.find(':') + 1));
    return root;
  }
  chain.push_back(base_text.key);
  Node base = resolve(base_text, chain, sink);
  chain.pop_back();
  if (!base.is_map()) return root;
  doc::merge(base, std::move(root), "", sink);
  return base;
}

Node resolve_document(const Text& text, const LoadOptions& options) {
  DiagnosticSink sink;
  std::vector<std::string> chain{text.key};
  Node root = resolve(text, chain, sink);
  for (const auto& o : options.overrides) {
    if (invalid_utf8_at(o) != std::string_view::npos) {
      sink.add({"--set", 0, 0}, "", "an override is not valid UTF-8");
      continue;
    }
    doc::apply_override(root, o, sink);
  }
  sink.throw_if_any();
  return root;
}

}  // namespace flank::loader_detail
