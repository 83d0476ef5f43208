#pragma once
// Internals of the scenario loader (loader.cpp and its loader_*.cpp parts): typed reading of
// document nodes with diagnostics (Checker, Fields), reading files and `extends:` chains, and the
// Compiler that validates a resolved document and builds the Scenario. Not a public API.
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "flank/scenario/document.hpp"
#include "flank/scenario/loader.hpp"
#include "flank/scenario/scenario.hpp"

namespace flank::loader_detail {

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

std::size_t edit_distance(std::string_view a, std::string_view b);

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

bool valid_id(std::string_view s);
std::string describe(const Node& n);
std::string item_path(const std::string& list_path, const Node& item, std::size_t index);
std::string join_path(const std::string& path, std::string_view key);

// ---------------------------------------------------------------------------------------------
// Reading typed values out of document nodes, collecting diagnostics

enum class Range { Any, NonNegative, Positive, Probability };

// Any scenario number is within ±kMaxMagnitude, tighter for some fields (max_magnitude).
constexpr double kMaxMagnitude = 1e9;
double max_magnitude(std::string_view path);
const char* range_text(Range r);
bool in_range(double v, Range r);

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
    if (const double bound = max_magnitude(path); std::abs(v) > bound) {
      char text[32];
      std::snprintf(text, sizeof text, "%g", bound);
      error(n, path,
            std::string("must be within ±") + text + " (no meaningful value is larger), got " +
                n.scalar);
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

// ---------------------------------------------------------------------------------------------
// Finding and reading files (disk or embedded), resolving `extends:`

struct Text {
  std::string label;  // for diagnostics: the path as given, or "<built-in>/scenarios/..."
  std::string key;    // identity for cycle detection
  std::string dir;    // folder that relative `extends:` resolve against
  bool embedded = false;
  std::string text;
};

const std::vector<BuiltinInfo>& builtin_list();
// Reads `ref` as referenced from `from` (nullptr for the user's own reference). On failure
// returns false and explains in `why`.
bool read_ref(std::string_view ref, const Text* from, Text& out, std::string& why);
// Byte offset of the first byte that is not part of well-formed UTF-8, or npos.
std::size_t invalid_utf8_at(std::string_view t);
// YYYY-MM-DD, optionally followed by THH:MM[:SS] and Z or ±HH:MM, each field in range.
bool valid_iso8601(std::string_view t);
// The user's document after `extends:` and overrides; throws InputError.
Node resolve_document(const Text& text, const LoadOptions& options);

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
}  // namespace flank::loader_detail
