#include "flank/scenario/loader.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <unordered_map>

#include "flank/combat/combat.hpp"
#include "flank/core/embedded.hpp"
#include "flank/forces/power.hpp"
#include "flank/geo/geodesy.hpp"
#include "flank/geo/graph.hpp"
#include "flank/scenario/citations.hpp"
#include "flank/scenario/document.hpp"

namespace flank {
namespace {

using doc::Node;

// Limits on untrusted input; see docs/scenario-format.md "Limits".
constexpr std::size_t kMaxRegions = 4000;
constexpr std::size_t kMaxLinks = 20000;
constexpr std::size_t kMaxUnits = 10000;
constexpr std::size_t kMaxListItems = 10000;  // any other list (nations, objectives, ...)
constexpr double kMaxHorizonDays = 1000;      // long enough for the 2024-25 positional cases
constexpr double kMinStepHours = 0.25;
constexpr int kMaxExtendsDepth = 16;
constexpr double kDefaultSinuosity = 1.25;

// ---------------------------------------------------------------------------------------------
// Small text helpers

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

template <typename Names>
std::string did_you_mean(std::string_view word, const Names& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(c);
    }
  }
  return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
}

bool valid_id(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
  });
}

std::string describe(const Node& n) {
  switch (n.kind) {
    case Node::Kind::Null:
      return "nothing";
    case Node::Kind::Scalar:
      return "'" + n.scalar + "'";
    case Node::Kind::Map:
      return "a map";
    case Node::Kind::Seq:
      return "a list";
  }
  return "?";
}

std::string item_path(const std::string& list_path, const Node& item, std::size_t index) {
  const std::string_view id = item.id();
  return list_path + "[" + (id.empty() ? std::to_string(index) : std::string(id)) + "]";
}

std::string join_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

// ---------------------------------------------------------------------------------------------
// Reading typed values out of document nodes, collecting diagnostics

enum class Range { Any, NonNegative, Positive, Probability };

const char* range_text(Range r) {
  switch (r) {
    case Range::Any:
      return "";
    case Range::NonNegative:
      return "must be ≥ 0";
    case Range::Positive:
      return "must be > 0";
    case Range::Probability:
      return "must be a probability in [0, 1]";
  }
  return "";
}

bool in_range(double v, Range r) {
  switch (r) {
    case Range::Any:
      return true;
    case Range::NonNegative:
      return v >= 0;
    case Range::Positive:
      return v > 0;
    case Range::Probability:
      return v >= 0 && v <= 1;
  }
  return true;
}

class Checker {
 public:
  void error(const Node& at, const std::string& path, std::string message) {
    sink.add(at.where.location(), path, std::move(message));
  }
  void error(const doc::Mark& at, const std::string& path, std::string message) {
    sink.add(at.location(), path, std::move(message));
  }

  bool number(const Node& n, const std::string& path, Range range, double& out) {
    if (!n.is_scalar() || n.quoted) {
      error(n, path,
            "expected a number, got " + (n.quoted ? "the string " : std::string()) + describe(n));
      return false;
    }
    std::string_view text = n.scalar;
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    const bool special = n.scalar == ".inf" || n.scalar == "-.inf" || n.scalar == ".nan" ||
                         n.scalar == ".Inf" || n.scalar == ".NaN" || n.scalar == "inf" ||
                         n.scalar == "nan";
    if (special || (ec == std::errc() && end == text.data() + text.size() && !std::isfinite(v))) {
      error(n, path, "must be a finite number, got " + describe(n));
      return false;
    }
    if (ec != std::errc() || end != text.data() + text.size()) {
      error(n, path, "expected a number, got " + describe(n));
      return false;
    }
    if (!in_range(v, range)) {
      error(n, path, std::string(range_text(range)) + ", got " + n.scalar);
      return false;
    }
    out = v;
    return true;
  }

  bool boolean(const Node& n, const std::string& path, bool& out) {
    if (n.is_scalar() && !n.quoted) {
      const std::string& s = n.scalar;
      if (s == "true" || s == "True" || s == "TRUE") return out = true, true;
      if (s == "false" || s == "False" || s == "FALSE") return out = false, true;
    }
    error(n, path, "expected true or false, got " + describe(n));
    return false;
  }

  bool string(const Node& n, const std::string& path, std::string& out) {
    if (!n.is_scalar()) {
      error(n, path, "expected text, got " + describe(n));
      return false;
    }
    out = n.scalar;
    return true;
  }

  // A number or {dist: ..., ...}; parameters are checked (min ≤ max, sd ≥ 0, ...).
  bool distribution(const Node& n, const std::string& path, Range range, Distribution& out);

  DiagnosticSink sink;
};

// The keys of one YAML map. Every key the schema allows is asked for (get/number/...), then
// finish() reports the keys nobody asked for, with the closest allowed name.
class Fields {
 public:
  Fields(Checker& checker, const Node& node, std::string path)
      : c_(checker), node_(node), path_(std::move(path)) {
    ok_ = node.is_map();
    if (!ok_) c_.error(node, path_, "expected a map of keys, got " + describe(node));
  }
  Fields(const Fields&) = delete;
  Fields& operator=(const Fields&) = delete;

  bool ok() const { return ok_; }
  const std::string& path() const { return path_; }
  const Node& node() const { return node_; }
  std::string at(std::string_view key) const { return join_path(path_, key); }

  const Node* get(std::string_view key) {
    known_.push_back(key);
    if (!ok_) return nullptr;
    const Node* n = node_.find(key);
    return n;
  }
  const Node* require(std::string_view key, std::string_view what = "") {
    const Node* n = get(key);
    if (ok_ && !n)
      c_.error(node_, path_,
               "missing required key '" + std::string(key) + "'" +
                   (what.empty() ? std::string() : " (" + std::string(what) + ")"));
    return n;
  }
  double number(std::string_view key, double fallback, Range range = Range::Any) {
    double v = fallback;
    if (const Node* n = get(key)) c_.number(*n, at(key), range, v);
    return v;
  }
  double required_number(std::string_view key, Range range = Range::Any) {
    double v = 0;
    if (const Node* n = require(key)) c_.number(*n, at(key), range, v);
    return v;
  }
  bool boolean(std::string_view key, bool fallback) {
    bool v = fallback;
    if (const Node* n = get(key)) c_.boolean(*n, at(key), v);
    return v;
  }
  std::string string(std::string_view key, std::string fallback = {}) {
    std::string v = std::move(fallback);
    if (const Node* n = get(key); n && !n->is_null()) c_.string(*n, at(key), v);
    return v;
  }
  std::string required_string(std::string_view key) {
    std::string v;
    if (const Node* n = require(key)) c_.string(*n, at(key), v);
    return v;
  }
  Distribution dist(std::string_view key, Distribution fallback, Range range, bool required) {
    Distribution d = fallback;
    const Node* n = required ? require(key) : get(key);
    if (n) c_.distribution(*n, at(key), range, d);
    return d;
  }
  // An enum value named by its text; `parse` is one of the scenario.hpp parse() overloads.
  template <typename E>
  E enumeration(std::string_view key, E fallback, bool required) {
    E v = fallback;
    const Node* n = required ? require(key) : get(key);
    if (!n) return v;
    std::string text;
    if (!c_.string(*n, at(key), text)) return v;
    if (!parse(text, v)) {
      std::vector<std::string> names;
      for (int i = 0; i < static_cast<int>(E::Count); ++i)
        names.push_back(to_string(static_cast<E>(i)));
      std::string list;
      for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
      c_.error(*n, at(key),
               "unknown value '" + text + "'" + did_you_mean(text, names) + "; one of: " + list);
    }
    return v;
  }

  void finish() {
    if (!ok_) return;
    for (const auto& e : node_.map) {
      if (std::find(known_.begin(), known_.end(), e.key) != known_.end()) continue;
      std::string allowed;
      for (const auto& k : known_) allowed += (allowed.empty() ? "" : ", ") + std::string(k);
      c_.error(e.key_where, at(e.key),
               "unknown key '" + e.key + "'" + did_you_mean(e.key, known_) +
                   (allowed.empty() ? "" : "; allowed here: " + allowed));
    }
  }

 private:
  Checker& c_;
  const Node& node_;
  std::string path_;
  std::vector<std::string_view> known_;
  bool ok_ = false;
};

bool Checker::distribution(const Node& n, const std::string& path, Range range, Distribution& out) {
  if (n.is_scalar()) {
    double v = 0;
    if (!number(n, path, range, v)) return false;
    out = Distribution::fixed(v);
    return true;
  }
  if (!n.is_map()) {
    error(n, path, "expected a number or {dist: ...}, got " + describe(n));
    return false;
  }
  const std::size_t errors_before = sink.size();
  Fields f(*this, n, path);
  const std::string kind = f.required_string("dist");
  Distribution d;
  const double inf = std::numeric_limits<double>::infinity();
  double lo = -inf, hi = inf;
  const auto bound = [&](std::string_view key, double fallback) {
    return f.number(key, fallback, Range::Any);
  };
  f.get("source");
  if (kind == "fixed") {
    d = Distribution::fixed(f.required_number("value", range));
  } else if (kind == "uniform") {
    d.kind = Distribution::Kind::Uniform;
    d.a = f.required_number("min", range);
    d.b = f.required_number("max", range);
    lo = d.a;
    hi = d.b;
    if (sink.size() == errors_before && d.a > d.b)
      error(
          n, path,
          "uniform: min (" + std::to_string(d.a) + ") is above max (" + std::to_string(d.b) + ")");
  } else if (kind == "triangular") {
    d.kind = Distribution::Kind::Triangular;
    d.a = f.required_number("min", range);
    d.b = f.required_number("mode", range);
    d.c = f.required_number("max", range);
    lo = d.a;
    hi = d.c;
    if (sink.size() == errors_before && !(d.a <= d.b && d.b <= d.c))
      error(n, path, "triangular: needs min ≤ mode ≤ max");
  } else if (kind == "normal") {
    d.kind = Distribution::Kind::Normal;
    d.a = f.required_number("mean", range);
    d.b = f.required_number("sd", Range::Any);
    lo = bound("min", -inf);
    hi = bound("max", inf);
    if (const Node* sd = n.find("sd"); sd && d.b < 0)
      error(*sd, join_path(path, "sd"), "normal: sd must be ≥ 0, got " + sd->scalar);
  } else if (kind == "lognormal") {
    d.kind = Distribution::Kind::Lognormal;
    d.a = f.required_number("median", Range::Positive);
    d.b = f.required_number("sigma", Range::Any);
    lo = bound("min", -inf);
    hi = bound("max", inf);
    if (const Node* s = n.find("sigma"); s && d.b < 0)
      error(*s, join_path(path, "sigma"), "lognormal: sigma must be ≥ 0, got " + s->scalar);
  } else if (!kind.empty()) {
    const std::vector<std::string> kinds{"fixed", "uniform", "triangular", "normal", "lognormal"};
    error(*n.find("dist"), join_path(path, "dist"),
          "unknown distribution '" + kind + "'" + did_you_mean(kind, kinds) +
              "; one of: fixed, uniform, triangular, normal, lognormal");
  }
  if (kind == "fixed" || kind == "uniform" || kind == "triangular") {
    // min/max are the parameters themselves for these kinds; nothing else is accepted.
  }
  f.finish();
  if (lo > hi) error(n, path, "min is above max");
  // A quantity that cannot be negative (or leave [0, 1]) is clamped to that range.
  if (range == Range::NonNegative || range == Range::Positive) lo = std::max(lo, 0.0);
  if (range == Range::Probability) {
    lo = std::max(lo, 0.0);
    hi = std::min(hi, 1.0);
  }
  if ((range == Range::NonNegative || range == Range::Probability) &&
      (d.kind == Distribution::Kind::Normal) && sink.size() == errors_before &&
      !in_range(d.a, range))
    error(n, path, std::string("mean ") + range_text(range));
  d.lo = lo;
  d.hi = hi;
  if (sink.size() != errors_before) return false;
  out = d;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Finding and reading files (disk or embedded), resolving `extends:`

struct Text {
  std::string label;  // for diagnostics: the path as given, or "<built-in>/scenarios/..."
  std::string key;    // identity for cycle detection
  std::string dir;    // folder that relative `extends:` resolve against
  bool embedded = false;
  std::string text;
};

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
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    why = "cannot open '" + path.string() +
          "': " + (std::filesystem::exists(path, ec) ? "not a regular file" : "no such file");
    return false;
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > doc::kMaxFileBytes) {
    why = "'" + path.string() + "' is " + std::to_string(size) + " bytes; the limit is " +
          std::to_string(doc::kMaxFileBytes) + " bytes (16 MiB)";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = "cannot read '" + path.string() + "'";
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  out.text = buffer.str();
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

// ---------------------------------------------------------------------------------------------
// Validation and compilation of the resolved document

using IdMap = std::unordered_map<std::string, std::uint16_t>;

class Compiler {
 public:
  explicit Compiler(const Node& root) : root_(root) {}

  Scenario run();

 private:
  void top_level(Fields& f);
  void sources(const Node* list);
  void sides(const Node* list);
  void nations(const Node* list);
  void equipment(const Node* list);
  void unit_types(const Node* list);
  void regions(const Node* list);
  void links(const Node* list);
  void doctrine(const Node* map);
  void units(const Node* list);
  void objectives(const Node* list);
  void escalation(const Node* list);
  void parameters(const Node* map);
  void operations(const Node& map, const std::string& path);
  void graph_checks();
  void finish_compiled();

  // Checks a source string where one is required (or given): S<number> ids must be declared.
  void source(Fields& f, bool required);
  // Iterates a list with the item limit and duplicate-id checks; calls fn(item, path, index).
  template <typename Fn>
  void each_item(const Node* list, const std::string& path, std::size_t limit, IdMap* ids, Fn&& fn);
  std::uint16_t ref(const Node& n, const std::string& path, const IdMap& ids,
                    std::string_view what);
  std::uint16_t ref(Fields& f, std::string_view key, const IdMap& ids, std::string_view what,
                    bool required);
  std::vector<RegionId> region_list(Fields& f, std::string_view key, bool required);
  SideId side(Fields& f, std::string_view key, SideId fallback, bool required);

  const Node& root_;
  Checker c_;
  Scenario s_;
  IdMap source_ids_, side_ids_, nation_ids_, equipment_ids_, type_ids_, region_ids_, unit_ids_,
      objective_ids_;
  std::array<IdMap, kSides> axis_ids_;
  std::set<std::string> countries_;
  std::set<std::string> citation_prefixes_;
  std::vector<const Node*> unit_nodes_, objective_nodes_, region_nodes_;
};

template <typename Fn>
void Compiler::each_item(const Node* list, const std::string& path, std::size_t limit, IdMap* ids,
                         Fn&& fn) {
  if (!list || list->is_null()) return;
  if (!list->is_seq()) {
    c_.error(*list, path, "expected a list, got " + describe(*list));
    return;
  }
  if (list->seq.size() > limit) {
    c_.error(*list, path,
             std::to_string(list->seq.size()) + " items; the limit is " + std::to_string(limit));
    throw InputError(c_.sink.diagnostics());
  }
  for (std::size_t i = 0; i < list->seq.size(); ++i) {
    const Node& item = list->seq[i];
    const std::string p = item_path(path, item, i);
    if (ids) {
      const std::string_view id = item.id();
      if (item.is_map() && !id.empty()) {
        const Node& id_node = *item.find("id");
        if (!valid_id(id)) {
          c_.error(
              id_node, join_path(p, "id"),
              "ids may only contain letters, digits, '-' and '_', got '" + std::string(id) + "'");
        } else if (const auto [it, fresh] =
                       ids->emplace(std::string(id), static_cast<std::uint16_t>(ids->size()));
                   !fresh) {
          c_.error(id_node, join_path(p, "id"),
                   "duplicate id '" + std::string(id) + "' in " + path);
          continue;
        }
      } else if (item.is_map() && !item.find("id")) {
        c_.error(item, p, "missing required key 'id'");
        continue;
      } else if (item.is_map()) {
        c_.error(*item.find("id"), join_path(p, "id"),
                 "expected an id, got " + describe(*item.find("id")));
        continue;
      }
    }
    fn(item, p, i);
  }
}

std::uint16_t Compiler::ref(const Node& n, const std::string& path, const IdMap& ids,
                            std::string_view what) {
  std::string text;
  if (!c_.string(n, path, text)) return kNone;
  if (const auto it = ids.find(text); it != ids.end()) return it->second;
  std::vector<std::string> names;
  names.reserve(ids.size());
  for (const auto& [name, index] : ids) names.push_back(name);
  std::sort(names.begin(), names.end());
  c_.error(n, path, "unknown " + std::string(what) + " '" + text + "'" + did_you_mean(text, names));
  return kNone;
}

std::uint16_t Compiler::ref(Fields& f, std::string_view key, const IdMap& ids,
                            std::string_view what, bool required) {
  const Node* n = required ? f.require(key) : f.get(key);
  if (!n || n->is_null()) return kNone;
  return ref(*n, f.at(key), ids, what);
}

std::vector<RegionId> Compiler::region_list(Fields& f, std::string_view key, bool required) {
  std::vector<RegionId> out;
  const Node* n = required ? f.require(key) : f.get(key);
  if (!n) return out;
  if (!n->is_seq()) {
    c_.error(*n, f.at(key), "expected a list of region ids, got " + describe(*n));
    return out;
  }
  if (required && n->seq.empty()) c_.error(*n, f.at(key), "must name at least one region");
  for (std::size_t i = 0; i < n->seq.size(); ++i) {
    const RegionId r =
        ref(n->seq[i], f.at(key) + "[" + std::to_string(i) + "]", region_ids_, "region");
    if (r != kNone) out.push_back(r);
  }
  return out;
}

SideId Compiler::side(Fields& f, std::string_view key, SideId fallback, bool required) {
  const std::uint16_t id = ref(f, key, side_ids_, "side", required);
  return id == kNone ? fallback : static_cast<SideId>(id);
}

void Compiler::source(Fields& f, bool required) {
  const Node* n = required ? f.require("source",
                                       "every number from the world needs a source; "
                                       "use \"assumption: <why>\" for modelling choices")
                           : f.get("source");
  if (!n) return;
  std::string text;
  if (!c_.string(*n, f.at("source"), text)) return;
  const auto blank = std::all_of(text.begin(), text.end(), [](char ch) {
    return std::isspace(static_cast<unsigned char>(ch));
  });
  if (blank) {
    c_.error(*n, f.at("source"), "source is empty");
    return;
  }
  // Citations: tokens <capitals><digits> whose prefix is S or that of a declared id (W12).
  for (const std::string& token : citation_tokens(text)) {
    if (source_ids_.count(token) || !citation_prefixes_.count(citation_prefix(token))) continue;
    c_.error(*n, f.at("source"),
             "cites source " + token + ", which is not declared in the top-level sources: list");
  }
}

void Compiler::top_level(Fields& f) {
  if (const Node* v = f.require("flank", "the format version, 1")) {
    double version = 0;
    if (c_.number(*v, "flank", Range::Any, version) && version != 1)
      c_.error(*v, "flank", "this build reads format version 1, not " + v->scalar);
  }
  s_.id = f.required_string("id");
  if (const Node* id = f.get("id"); id && id->is_scalar()) {
    const bool ok = !s_.id.empty() && std::all_of(s_.id.begin(), s_.id.end(), [](char ch) {
      return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
    });
    if (!ok) c_.error(*id, "id", "scenario ids use only a-z, 0-9 and '-', got '" + s_.id + "'");
  }
  s_.name = f.required_string("name");
  s_.description = f.string("description");
  s_.start_date = f.string("start");
  if (const Node* start = f.get("start"); start && start->is_scalar()) {
    if (!valid_iso8601(s_.start_date))
      c_.error(*start, "start", "expected an ISO 8601 date such as 2023-07-15T00:00:00Z");
  }
}

void Compiler::sources(const Node* list) {
  each_item(list, "sources", kMaxListItems * 10, &source_ids_,
            [&](const Node& item, const std::string& path, std::size_t) {
              Fields f(c_, item, path);
              SourceRef ref;
              ref.id = f.required_string("id");
              ref.text = f.required_string("text");
              ref.url = f.string("url");
              f.string("accessed");
              f.string("date");
              f.string("note");
              f.finish();
              s_.sources.push_back(std::move(ref));
            });
  citation_prefixes_.insert("S");
  for (const auto& src : s_.sources) {
    if (const std::string prefix = citation_prefix(src.id); !prefix.empty())
      citation_prefixes_.insert(prefix);
  }
}

void Compiler::sides(const Node* list) {
  if (!list) return;
  std::size_t count = 0;
  each_item(list, "sides", kMaxListItems, nullptr,
            [&](const Node& item, const std::string& path, std::size_t) {
              ++count;
              Fields f(c_, item, path);
              const std::string id = f.required_string("id");
              const std::string name = f.string("name", id);
              f.finish();
              int index = -1;
              if (id == "red") index = kRed;
              if (id == "blue") index = kBlue;
              if (index < 0) {
                if (const Node* n = item.find("id"))
                  c_.error(*n, join_path(path, "id"),
                           "sides are 'red' (the attacker) and 'blue', got '" + id + "'");
                return;
              }
              if (side_ids_.count(id)) {
                c_.error(item, path, "side '" + id + "' is given twice");
                return;
              }
              side_ids_[id] = static_cast<std::uint16_t>(index);
              s_.sides[index] = {id, name};
            });
  if (list->is_seq() && (count != 2 || side_ids_.size() != 2))
    c_.error(*list, "sides", "exactly two sides are needed: red and blue");
}

void Compiler::nations(const Node* list) {
  each_item(list, "nations", kMaxListItems, &nation_ids_,
            [&](const Node& item, const std::string& path, std::size_t) {
              Fields f(c_, item, path);
              Nation n;
              n.id = f.required_string("id");
              n.name = f.string("name", n.id);
              n.side = side(f, "side", kRed, true);
              f.finish();
              countries_.insert(n.id);
              s_.nations.push_back(std::move(n));
            });
}

void Compiler::equipment(const Node* list) {
  each_item(list, "equipment", kMaxListItems, &equipment_ids_,
            [&](const Node& item, const std::string& path, std::size_t) {
              Fields f(c_, item, path);
              EquipmentType e;
              e.id = f.required_string("id");
              f.string("name");
              e.score = f.required_number("score", Range::NonNegative);
              source(f, true);
              f.finish();
              s_.equipment.push_back(std::move(e));
            });
}

void Compiler::unit_types(const Node* list) {
  each_item(list, "unit_types", kMaxListItems, &type_ids_,
            [&](const Node& item, const std::string& path, std::size_t) {
              Fields f(c_, item, path);
              UnitType t;
              t.id = f.required_string("id");
              f.string("name");
              t.category = f.enumeration("category", UnitCategory::Mechanised, true);
              t.road_march_kmh = f.required_number("road_march_kmh", Range::Positive);
              t.offroad_factor = f.required_number("offroad_factor", Range::Probability);
              t.advance_factor = f.number("advance_factor", 1.0, Range::NonNegative);
              t.personnel_score = f.required_number("personnel_score", Range::NonNegative);
              t.tracked = f.boolean("tracked", false);
              source(f, true);
              f.finish();
              s_.unit_types.push_back(std::move(t));
            });
}

void Compiler::regions(const Node* list) {
  each_item(list, "regions", kMaxRegions, &region_ids_,
            [&](const Node& item, const std::string& path, std::size_t) {
              Fields f(c_, item, path);
              Region r;
              r.id = f.required_string("id");
              r.name = f.string("name", r.id);
              const Node* country = f.require("country");
              if (country) c_.string(*country, f.at("country"), r.country);
              r.lat = f.required_number("lat");
              r.lon = f.required_number("lon");
              if (const Node* lat = item.find("lat"); lat && std::abs(r.lat) > 90)
                c_.error(*lat, f.at("lat"), "latitude must be within [-90, 90]");
              if (const Node* lon = item.find("lon"); lon && std::abs(r.lon) > 180)
                c_.error(*lon, f.at("lon"), "longitude must be within [-180, 180]");
              r.terrain = f.enumeration("terrain", Terrain::Mixed, true);
              r.urban = f.boolean("urban", false);
              r.objective_value = f.number("value", 0.0, Range::NonNegative);
              r.frontage_km = f.number("frontage_km", 0.0, Range::NonNegative);
              r.fortification = f.enumeration("fortification", Fortification::None, false);
              const Node* control = f.get("control");
              if (control) {
                r.initial_control = side(f, "control", kBlue, false);
              } else if (country && !r.country.empty()) {
                if (const auto it = nation_ids_.find(r.country); it != nation_ids_.end())
                  r.initial_control = s_.nations[it->second].side;
                else
                  c_.error(*country, f.at("country"),
                           "country '" + r.country +
                               "' is not a declared nation, so its side is unknown; declare it "
                               "under nations: or give control: red|blue" +
                               did_you_mean(r.country, countries_));
              }
              source(f, true);
              f.finish();
              s_.regions.push_back(std::move(r));
              region_nodes_.push_back(&item);
            });
  for (const auto& r : s_.regions) countries_.insert(r.country);
}

void Compiler::links(const Node* list) {
  std::set<std::pair<RegionId, RegionId>> seen;
  IdMap link_ids;
  each_item(list, "links", kMaxLinks, nullptr,
            [&](const Node& item, const std::string& path, std::size_t) {
              Fields f(c_, item, path);
              const std::string id = f.string("id");
              if (!id.empty() && !link_ids.emplace(id, 0).second)
                c_.error(*item.find("id"), f.at("id"), "duplicate id '" + id + "' in links");
              Link l;
              l.a = ref(f, "from", region_ids_, "region", true);
              l.b = ref(f, "to", region_ids_, "region", true);
              l.road = f.enumeration("road", RoadClass::Secondary, false);
              l.rail = f.boolean("rail", false);
              l.river = f.string("river");
              l.throughput = f.required_number("throughput", Range::Positive);
              const double sinuosity = f.number("sinuosity", kDefaultSinuosity, Range::Positive);
              if (const Node* n = item.find("sinuosity"); n && sinuosity < 1)
                c_.error(*n, f.at("sinuosity"),
                         "sinuosity is road length / straight-line length, so ≥ 1");
              const Node* length = f.get("length_km");
              double length_km = 0;
              if (length) c_.number(*length, f.at("length_km"), Range::Positive, length_km);
              source(f, true);
              f.finish();
              if (l.a == kNone || l.b == kNone) return;
              if (l.a == l.b) {
                c_.error(item, path, "a link must join two different regions");
                return;
              }
              if (!seen.insert({std::min(l.a, l.b), std::max(l.a, l.b)}).second) {
                c_.error(item, path,
                         "a second link between " + s_.regions[l.a].id + " and " +
                             s_.regions[l.b].id + " (links are undirected)");
                return;
              }
              const Region& a = s_.regions[l.a];
              const Region& b = s_.regions[l.b];
              l.length_km =
                  length ? length_km : geo::geodesic_km(a.lat, a.lon, b.lat, b.lon) * sinuosity;
              s_.links.push_back(std::move(l));
            });
}

void Compiler::doctrine(const Node* map) {
  if (!map) return;
  Fields sides_f(c_, *map, "doctrine");
  for (SideId side_index : {kRed, kBlue}) {
    const char* side_name = side_index == kRed ? "red" : "blue";
    const Node* n = sides_f.get(side_name);
    if (!n) continue;
    Fields f(c_, *n, std::string("doctrine.") + side_name);
    SideDoctrine& d = s_.doctrine[side_index];
    each_item(f.get("axes"), f.at("axes"), kMaxListItems, &axis_ids_[side_index],
              [&](const Node& item, const std::string& path, std::size_t) {
                Fields a(c_, item, path);
                Axis axis;
                axis.id = a.required_string("id");
                axis.side = side_index;
                axis.path = region_list(a, "path", true);
                axis.weight = a.number("weight", 1.0, Range::NonNegative);
                a.finish();
                d.axes.push_back(std::move(axis));
              });
    d.commit_ratio = f.number("commit_ratio", d.commit_ratio, Range::Positive);
    d.halt_loss_fraction = f.number("halt_loss_fraction", d.halt_loss_fraction, Range::Probability);
    d.break_loss_fraction =
        f.number("break_loss_fraction", d.break_loss_fraction, Range::Probability);
    d.counterattack_ratio = f.number("counterattack_ratio", d.counterattack_ratio, Range::Positive);
    d.defence_posture = f.enumeration("defence_posture", d.defence_posture, false);
    d.needs_decision = f.boolean("needs_decision", d.needs_decision);
    d.counterattack_across_border =
        f.boolean("counterattack_across_border", d.counterattack_across_border);
    d.decision_delay_hours =
        f.dist("decision_delay_hours", Distribution::fixed(0), Range::NonNegative, false);
    d.supply_sources = region_list(f, "supply_sources", false);
    d.reallocate_after_hours =
        f.number("reallocate_after_hours", d.reallocate_after_hours, Range::NonNegative);
    d.reallocate_gain = f.number("reallocate_gain", d.reallocate_gain, Range::Positive);
    source(f, false);
    f.finish();
  }
  sides_f.finish();
}

void Compiler::units(const Node* list) {
  each_item(list, "units", kMaxUnits, &unit_ids_,
            [&](const Node& item, const std::string& path, std::size_t) {
              Fields f(c_, item, path);
              Unit u;
              u.id = f.required_string("id");
              u.name = f.string("name", u.id);
              u.nation = ref(f, "nation", nation_ids_, "nation", true);
              u.side = u.nation == kNone ? kRed : s_.nations[u.nation].side;
              u.side = side(f, "side", u.side, false);
              if (u.nation == kNone) u.nation = 0;
              u.type = ref(f, "type", type_ids_, "unit type", true);
              if (u.type == kNone) u.type = 0;
              u.personnel = f.dist("personnel", {}, Range::NonNegative, true);
              u.equipment.assign(s_.equipment.size(), 0.0);
              if (const Node* eq = f.get("equipment"); eq && !eq->is_null()) {
                if (!eq->is_map()) {
                  c_.error(*eq, f.at("equipment"),
                           "expected a map of equipment id to count, got " + describe(*eq));
                } else {
                  for (const auto& e : eq->map) {
                    const std::string p = f.at("equipment") + "." + e.key;
                    const auto it = equipment_ids_.find(e.key);
                    if (it == equipment_ids_.end()) {
                      std::vector<std::string> names;
                      for (const auto& eqt : s_.equipment) names.push_back(eqt.id);
                      c_.error(e.key_where, p,
                               "unknown equipment '" + e.key + "'" + did_you_mean(e.key, names));
                      continue;
                    }
                    double count = 0;
                    if (c_.number(e.value, p, Range::NonNegative, count))
                      u.equipment[it->second] = count;
                  }
                }
              }
              u.cev = f.number("cev", 1.0, Range::Positive);
              u.readiness_hours = f.number("readiness_hours", 0.0, Range::NonNegative);
              u.supply = f.number("supply", 1.0, Range::Probability);
              u.morale = f.number("morale", 1.0, Range::Probability);
              const Node* start = f.get("start");
              const Node* arrival = f.get("arrival");
              if (start && arrival)
                c_.error(*arrival, f.at("arrival"),
                         "a unit has either start: (in place at hour 0) or arrival: (arrives "
                         "later), not both");
              if (!start && !arrival && f.ok())
                c_.error(item, path, "a unit needs start: (a region) or arrival: {region: ...}");
              if (start) u.start = ref(*start, f.at("start"), region_ids_, "region");
              if (arrival) {
                Fields a(c_, *arrival, f.at("arrival"));
                u.arrival.entry = ref(a, "region", region_ids_, "region", true);
                u.arrival.earliest_hour = a.number("earliest_hour", 0.0, Range::NonNegative);
                u.arrival.after_decision = a.boolean("after_decision", false);
                u.arrival.delay_hours =
                    a.dist("delay_hours", Distribution::fixed(0), Range::NonNegative, false);
                a.finish();
              }
              u.main_reinforcement = f.boolean("main_reinforcement", false);
              u.cost = f.number("cost", 0.0, Range::NonNegative);
              if (const Node* axis = f.get("axis"); axis && !axis->is_null()) {
                const std::uint16_t a =
                    ref(*axis, f.at("axis"), axis_ids_[u.side],
                        u.side == kRed ? "axis of red's doctrine" : "axis of blue's doctrine");
                if (a != kNone) u.axis = s_.doctrine[u.side].axes[a].id;
              }
              source(f, true);
              f.finish();
              s_.units.push_back(std::move(u));
              unit_nodes_.push_back(&item);
            });
}

void Compiler::objectives(const Node* list) {
  each_item(list, "objectives", kMaxListItems, &objective_ids_,
            [&](const Node& item, const std::string& path, std::size_t) {
              Fields f(c_, item, path);
              Objective o;
              o.id = f.required_string("id");
              o.name = f.string("name", o.id);
              o.side = side(f, "side", kRed, true);
              const std::string kind = f.required_string("kind");
              if (kind == "capture") {
                o.kind = Objective::Kind::Capture;
                o.regions = region_list(f, "regions", true);
                f.get("from");
                f.get("to");
              } else if (kind == "connect") {
                o.kind = Objective::Kind::Connect;
                o.from = region_list(f, "from", true);
                o.to = region_list(f, "to", true);
                f.get("regions");
              } else {
                if (const Node* k = item.find("kind"); k && k->is_scalar())
                  c_.error(*k, f.at("kind"),
                           "unknown objective kind '" + kind + "'" +
                               did_you_mean(kind, std::vector<std::string>{"capture", "connect"}) +
                               "; one of: capture, connect");
                f.get("regions");
                f.get("from");
                f.get("to");
              }
              o.value = f.number("value", 1.0, Range::NonNegative);
              source(f, false);
              f.finish();
              s_.objectives.push_back(std::move(o));
              objective_nodes_.push_back(&item);
            });
}

void Compiler::escalation(const Node* list) {
  IdMap ids;
  each_item(list, "escalation", kMaxListItems, nullptr,
            [&](const Node& item, const std::string& path, std::size_t) {
              Fields f(c_, item, path);
              EscalationRule e;
              e.id = f.required_string("id");
              if (!e.id.empty() && !ids.emplace(e.id, 0).second)
                c_.error(*item.find("id"), f.at("id"), "duplicate id '" + e.id + "' in escalation");
              e.name = f.string("name", e.id);
              const std::string kind = f.required_string("kind");
              const bool side_needed = kind != "objective_taken";
              e.side = side(f, "side", kBlue, side_needed);
              f.get("countries");
              f.get("regions");
              f.get("from");
              f.get("threshold");
              f.get("objective");
              if (kind == "enters_country") {
                e.kind = EscalationRule::Kind::EntersCountry;
                const Node* countries = f.require("countries");
                if (countries && !countries->is_seq()) {
                  c_.error(*countries, f.at("countries"), "expected a list of country codes");
                } else if (countries) {
                  for (std::size_t i = 0; i < countries->seq.size(); ++i) {
                    std::string code;
                    const std::string p = f.at("countries") + "[" + std::to_string(i) + "]";
                    if (!c_.string(countries->seq[i], p, code)) continue;
                    if (!countries_.count(code))
                      c_.error(countries->seq[i], p,
                               "unknown country '" + code + "'" + did_you_mean(code, countries_));
                    e.countries.push_back(code);
                  }
                }
              } else if (kind == "isolated") {
                e.kind = EscalationRule::Kind::Isolated;
                e.regions = region_list(f, "regions", true);
                e.from = region_list(f, "from", true);
              } else if (kind == "losses_above") {
                e.kind = EscalationRule::Kind::LossesAbove;
                e.threshold = f.required_number("threshold", Range::Probability);
              } else if (kind == "objective_taken") {
                e.kind = EscalationRule::Kind::ObjectiveTaken;
                e.objective = ref(f, "objective", objective_ids_, "objective", true);
                if (e.objective != kNone) e.side = s_.objectives[e.objective].side;
              } else if (const Node* k = item.find("kind"); k && k->is_scalar()) {
                const std::vector<std::string> kinds{"enters_country", "isolated", "losses_above",
                                                     "objective_taken"};
                c_.error(*k, f.at("kind"),
                         "unknown escalation kind '" + kind + "'" + did_you_mean(kind, kinds) +
                             "; one of: enters_country, isolated, losses_above, objective_taken");
              }
              e.probability = f.required_number("probability", Range::Probability);
              source(f, true);
              f.finish();
              s_.escalation.push_back(std::move(e));
            });
}

void Compiler::parameters(const Node* map) {
  if (!map) return;
  Parameters& p = s_.params;
  Fields f(c_, *map, "parameters");
  p.step_hours = f.number("step_hours", p.step_hours, Range::Positive);
  if (const Node* n = map->find("step_hours"); n && p.step_hours < kMinStepHours)
    c_.error(*n, "parameters.step_hours", "the step must be at least 0.25 hours");
  if (const Node* n = map->find("step_hours"); n && p.step_hours > 24)
    c_.error(*n, "parameters.step_hours", "the step must be at most 24 hours");
  p.horizon_days = f.number("horizon_days", p.horizon_days, Range::Positive);
  if (const Node* n = map->find("horizon_days"); n && p.horizon_days > kMaxHorizonDays)
    c_.error(*n, "parameters.horizon_days", "the horizon is at most 1000 days");
  p.combat_model = f.string("combat_model", p.combat_model);
  if (const Node* n = map->find("combat_model"); n && n->is_scalar()) {
    const auto names = combat::model_names();
    if (!names.empty() && std::find(names.begin(), names.end(), p.combat_model) == names.end()) {
      std::string list;
      for (const auto& m : names) list += (list.empty() ? "" : ", ") + m;
      c_.error(*n, "parameters.combat_model",
               "unknown combat model '" + p.combat_model + "'" +
                   did_you_mean(p.combat_model, names) + "; one of: " + list);
    }
  }
  p.noise_sigma = f.number("noise_sigma", p.noise_sigma, Range::NonNegative);
  p.river_crossing_factor =
      f.number("river_crossing_factor", p.river_crossing_factor, Range::Positive);
  p.cost_units = f.string("cost_units", p.cost_units);

  if (const Node* n = f.get("posture_factor")) {
    Fields g(c_, *n, f.at("posture_factor"));
    for (int i = 0; i < static_cast<int>(Posture::Count); ++i)
      p.posture_factor[i] =
          g.number(to_string(static_cast<Posture>(i)), p.posture_factor[i], Range::Positive);
    source(g, false);
    g.finish();
  }
  if (const Node* n = f.get("terrain")) {
    Fields g(c_, *n, f.at("terrain"));
    for (int i = 0; i < static_cast<int>(Terrain::Count); ++i) {
      const char* name = to_string(static_cast<Terrain>(i));
      if (const Node* t = g.get(name)) {
        Fields h(c_, *t, g.at(name));
        p.terrain_defence[i] = h.number("defence", p.terrain_defence[i], Range::Positive);
        p.terrain_advance[i] = h.number("advance", p.terrain_advance[i], Range::NonNegative);
        p.terrain_movement[i] = h.number("movement", p.terrain_movement[i], Range::NonNegative);
        source(h, false);
        h.finish();
      }
    }
    source(g, false);
    g.finish();
  }
  if (const Node* n = f.get("road_speed")) {
    Fields g(c_, *n, f.at("road_speed"));
    for (int i = 0; i < static_cast<int>(RoadClass::Count); ++i)
      p.road_speed[i] =
          g.number(to_string(static_cast<RoadClass>(i)), p.road_speed[i], Range::Positive);
    source(g, false);
    g.finish();
  }
  if (const Node* n = f.get("surprise")) {
    Fields g(c_, *n, f.at("surprise"));
    p.surprise_factor = g.number("factor", p.surprise_factor, Range::Positive);
    p.surprise_hours = g.number("hours", p.surprise_hours, Range::NonNegative);
    source(g, false);
    g.finish();
  }
  if (const Node* n = f.get("supply")) {
    Fields g(c_, *n, f.at("supply"));
    p.out_of_supply_factor =
        g.number("out_of_supply_factor", p.out_of_supply_factor, Range::Probability);
    p.supply_recovery_per_day =
        g.number("recovery_per_day", p.supply_recovery_per_day, Range::NonNegative);
    p.supply_loss_per_day = g.number("loss_per_day", p.supply_loss_per_day, Range::NonNegative);
    source(g, false);
    g.finish();
  }
  if (const Node* n = f.get("operations")) operations(*n, f.at("operations"));
  if (const Node* n = f.get("air")) {
    Fields g(c_, *n, f.at("air"));
    for (SideId side_index : {kRed, kBlue}) {
      const char* name = side_index == kRed ? "red" : "blue";
      const Node* a = g.get(name);
      if (!a) continue;
      Fields h(c_, *a, g.at(name));
      AirParams& air = p.air[side_index];
      air.sorties_per_day = h.number("sorties_per_day", air.sorties_per_day, Range::NonNegative);
      air.cas_share = h.number("cas_share", air.cas_share, Range::Probability);
      air.power_per_sortie = h.number("power_per_sortie", air.power_per_sortie, Range::NonNegative);
      air.interdiction_slow =
          h.number("interdiction_slow", air.interdiction_slow, Range::Probability);
      air.interdiction_attrition =
          h.number("interdiction_attrition", air.interdiction_attrition, Range::Probability);
      p.air_defence_factor[side_index] =
          h.number("air_defence", p.air_defence_factor[side_index], Range::Probability);
      source(h, false);
      h.finish();
    }
    source(g, false);
    g.finish();
  }
  source(f, true);
  f.finish();
}

// parameters.operations: the operational layer's constants (docs/scenario-format.md). Every key
// is optional; a missing one keeps the calibrated default in OperationalParams.
void Compiler::operations(const Node& map, const std::string& path) {
  OperationalParams& o = s_.params.ops;
  Fields f(c_, map, path);
  struct Key {
    const char* name;
    double OperationalParams::*member;
    Range range;
    double max = 1e300;  // values past this cannot mean anything (see the table's bounds)
  };
  static const Key kKeys[] = {
      {"screen_density", &OperationalParams::screen_density, Range::NonNegative},
      {"prepared_density", &OperationalParams::prepared_density, Range::NonNegative},
      {"prepared_hours", &OperationalParams::prepared_hours, Range::NonNegative},
      {"fortify_time_factor", &OperationalParams::fortify_time_factor, Range::Positive},
      {"urban_frontage_km", &OperationalParams::urban_frontage_km, Range::Positive},
      {"ratio_exponent", &OperationalParams::ratio_exponent, Range::NonNegative, 1000},
      {"ratio_cap", &OperationalParams::ratio_cap, Range::Positive, 1000},
      {"stall_ratio", &OperationalParams::stall_ratio, Range::NonNegative},
      {"overrun_ratio", &OperationalParams::overrun_ratio, Range::Positive},
      {"overrun_capture_fraction", &OperationalParams::overrun_capture_fraction,
       Range::Probability},
      {"exploitation_kmday", &OperationalParams::exploitation_kmday, Range::NonNegative, 1000},
      {"exploitation_fatigue_per_day", &OperationalParams::exploitation_fatigue_per_day,
       Range::NonNegative},
      {"exploitation_march_hours", &OperationalParams::exploitation_march_hours, Range::NonNegative,
       24},
      {"rest_hours", &OperationalParams::rest_hours, Range::NonNegative},
      {"bridge_intact_probability", &OperationalParams::bridge_intact_probability,
       Range::Probability},
      {"crossing_delay_hours", &OperationalParams::crossing_delay_hours, Range::NonNegative},
      {"endurance_median_days", &OperationalParams::endurance_median_days, Range::Positive},
      {"endurance_sigma", &OperationalParams::endurance_sigma, Range::NonNegative},
      {"urban_endurance_factor", &OperationalParams::urban_endurance_factor, Range::Positive},
      {"low_density_sigma_factor", &OperationalParams::low_density_sigma_factor, Range::Positive},
      {"isolated_surrender_fraction", &OperationalParams::isolated_surrender_fraction,
       Range::Probability},
      {"noise_hours", &OperationalParams::noise_hours, Range::Positive},
      {"mask_ratio", &OperationalParams::mask_ratio, Range::NonNegative, 1000},
  };
  for (const Key& k : kKeys) {
    o.*k.member = f.number(k.name, o.*k.member, k.range);
    if (const Node* n = map.find(k.name); n && o.*k.member > k.max)
      c_.error(*n, f.at(k.name), "must be at most " + std::to_string(static_cast<int>(k.max)));
  }
  if (const Node* n = f.get("advance_kmday")) {
    Fields g(c_, *n, f.at("advance_kmday"));
    for (int i = 0; i < static_cast<int>(DefenceClass::Count); ++i)
      o.advance_kmday[i] =
          g.number(to_string(static_cast<DefenceClass>(i)), o.advance_kmday[i], Range::NonNegative);
    source(g, false);
    g.finish();
  }
  if (const Node* n = map.find("stall_ratio"); n && o.stall_ratio >= o.ratio_cap)
    c_.error(*n, f.at("stall_ratio"), "must be below ratio_cap");
  source(f, false);
  f.finish();
}

void Compiler::graph_checks() {
  const std::size_t n = s_.regions.size();
  if (n == 0) return;
  std::vector<geo::Edge> edges;
  edges.reserve(s_.links.size());
  for (const auto& l : s_.links) edges.push_back({l.a, l.b, l.length_km});
  const auto component = geo::components(n, edges);
  const std::uint32_t count = *std::max_element(component.begin(), component.end()) + 1;
  if (count > 1) {
    std::vector<std::vector<std::string>> members(count);
    for (std::size_t r = 0; r < n; ++r) members[component[r]].push_back(s_.regions[r].id);
    std::string text;
    for (std::uint32_t k = 0; k < count; ++k) {
      text += "\n    component " + std::to_string(k + 1) + ": ";
      const std::size_t shown = std::min<std::size_t>(members[k].size(), 12);
      for (std::size_t i = 0; i < shown; ++i) text += (i ? ", " : "") + members[k][i];
      if (members[k].size() > shown)
        text += ", … (" + std::to_string(members[k].size()) + " regions)";
    }
    const Node* links = root_.find("links");
    c_.error(links ? *links : root_, "links",
             "the theater graph is not connected; add links joining these " +
                 std::to_string(count) + " components:" + text);
  }
  // Where each side can act from: its units' start and entry regions and its own territory.
  std::array<std::vector<char>, kSides> present{std::vector<char>(count, 0),
                                                std::vector<char>(count, 0)};
  for (const auto& r : s_.regions)
    present[r.initial_control][component[&r - s_.regions.data()]] = 1;
  for (const auto& u : s_.units) {
    const RegionId r = u.start != kNone ? u.start : u.arrival.entry;
    if (r != kNone) present[u.side][component[r]] = 1;
  }
  for (std::size_t i = 0; i < s_.objectives.size(); ++i) {
    const Objective& o = s_.objectives[i];
    const std::string path = item_path("objectives", *objective_nodes_[i], i);
    const std::string& side_name = s_.sides[o.side].id;
    for (const RegionId r : o.regions)
      if (!present[o.side][component[r]])
        c_.error(*objective_nodes_[i], path,
                 "objective unreachable for " + side_name + ": region '" + s_.regions[r].id +
                     "' is cut off from every " + side_name + " unit and region");
    if (o.kind == Objective::Kind::Connect && !o.from.empty() && !o.to.empty()) {
      bool joined = false;
      for (const RegionId a : o.from)
        for (const RegionId b : o.to)
          joined = joined || (component[a] == component[b] && present[o.side][component[a]]);
      if (!joined)
        c_.error(*objective_nodes_[i], path,
                 "objective unreachable for " + side_name +
                     ": no land path joins its from: and to: regions");
    }
  }
}

void Compiler::finish_compiled() {
  for (const auto& l : s_.links) {
    const LinkId id = static_cast<LinkId>(&l - s_.links.data());
    s_.regions[l.a].links.push_back(id);
    s_.regions[l.b].links.push_back(id);
  }
  compute_routes(s_);
  for (auto& u : s_.units) u.base_power = unit_power(s_, u, u.personnel.mean());
}

Scenario Compiler::run() {
  Fields top(c_, root_, "");
  if (!top.ok()) c_.sink.throw_if_any();
  top_level(top);
  sources(top.get("sources"));
  sides(top.require("sides"));
  nations(top.require("nations"));
  equipment(top.get("equipment"));
  unit_types(top.require("unit_types"));
  regions(top.require("regions"));
  links(top.get("links"));
  doctrine(top.get("doctrine"));
  units(top.require("units"));
  objectives(top.get("objectives"));
  escalation(top.get("escalation"));
  parameters(top.require("parameters"));
  top.finish();
  if (s_.regions.empty() && root_.find("regions"))
    c_.error(*root_.find("regions"), "regions", "at least one region is needed");
  graph_checks();
  c_.sink.throw_if_any();
  finish_compiled();
  s_.hash = doc::fnv1a64(doc::canonical(root_));
  return std::move(s_);
}

Text text_for_ref(std::string_view ref) {
  Text text;
  std::string why;
  const std::string resolved =
      ref.empty() ? "builtin:" + std::string(kDefaultScenario) : std::string(ref);
  if (!read_ref(resolved, nullptr, text, why))
    throw InputError(Diagnostic{{resolved, 0, 0}, "", why});
  return text;
}

Scenario compile_text(const Text& text, const LoadOptions& options) {
  const Node root = resolve_document(text, options);
  Scenario s = Compiler(root).run();
  s.source_file = text.label;
  return s;
}

}  // namespace

Scenario load_scenario(std::string_view ref, const LoadOptions& options) {
  return compile_text(text_for_ref(ref), options);
}

Scenario load_scenario_text(std::string_view yaml, std::string_view file_name,
                            const LoadOptions& options) {
  Text text;
  text.label = std::string(file_name);
  text.key = "file:" + text.label;
  text.dir = std::filesystem::path(text.label).parent_path().string();
  if (text.dir.empty()) text.dir = ".";
  text.text = std::string(yaml);
  return compile_text(text, options);
}

std::string resolved_yaml(std::string_view ref, const LoadOptions& options) {
  const Text text = text_for_ref(ref);
  const Node root = resolve_document(text, options);
  Compiler(root).run();  // validated like a load, so a dump is never of a broken document
  return doc::to_yaml(root);
}

std::vector<BuiltinInfo> builtin_scenarios() {
  return builtin_list();
}

}  // namespace flank
