#include "flank/report/game_json.hpp"

#include <fmt/format.h>

#include <cmath>
#include <set>
#include <variant>
#include <vector>

#include "flank/core/bounded_read.hpp"
#include "flank/core/error.hpp"
#include "flank/scenario/document.hpp"

namespace flank::report {
namespace {

using Json = nlohmann::json;
using Segment = std::variant<std::string, std::size_t>;

// Checks the parsed JSON; positions come from the same text read as YAML (JSON is YAML's
// flow style), whose nodes keep their line and column. When that reading fails (YAML is
// stricter about tabs, say) the diagnostics still name file and field, at line 0.
class Checker {
 public:
  Checker(const std::string& file, const doc::Node* root) : file_(file), root_(root) {}

  void fail(const std::vector<Segment>& path, const std::string& message) {
    sink_.add(locate(path), name(path), message);
  }
  const DiagnosticSink& sink() const { return sink_; }

  const Json* field(const Json& parent, std::vector<Segment> path, const std::string& key) {
    path.push_back(key);
    if (!parent.is_object() || !parent.contains(key)) {
      fail(path, "missing");
      return nullptr;
    }
    return &parent[key];
  }
  bool string(const Json& v, const std::vector<Segment>& path) {
    if (v.is_string() && !v.get<std::string>().empty()) return true;
    fail(path, "expected a non-empty string");
    return false;
  }
  bool number(const Json& v, const std::vector<Segment>& path) {
    if (v.is_number() && std::isfinite(v.get<double>())) return true;
    fail(path, "expected a finite number");
    return false;
  }
  bool count(const Json& v, const std::vector<Segment>& path) {
    if (v.is_number_unsigned()) return true;
    fail(path, "expected a whole number, 0 or more");
    return false;
  }
  // {mean, lo, hi, n} with lo <= mean <= hi.
  void cell(const Json& c, const std::vector<Segment>& path) {
    if (!c.is_object()) return fail(path, "expected {mean, lo, hi, n}");
    bool ok = true;
    for (const char* k : {"mean", "lo", "hi"}) {
      auto p = path;
      p.push_back(std::string(k));
      const Json* v = field(c, path, k);
      ok = v && number(*v, p) && ok;
    }
    auto pn = path;
    pn.push_back(std::string("n"));
    if (const Json* n = field(c, path, "n")) count(*n, pn);
    if (!ok) return;
    const double mean = c["mean"], lo = c["lo"], hi = c["hi"];
    const double slack = 1e-9 * std::max(1.0, std::abs(mean));
    if (!(lo <= mean + slack && mean <= hi + slack))
      fail(path,
           fmt::format("the interval [{}, {}] does not contain the estimate {}", lo, hi, mean));
  }
  // An array of ids, each one of `known`.
  void ids(const Json& parent, std::vector<Segment> path, const std::string& key,
           const std::set<std::string>& known, const char* what, bool non_empty) {
    const Json* a = field(parent, path, key);
    path.push_back(key);
    if (!a) return;
    if (!a->is_array() || (non_empty && a->empty()))
      return fail(path,
                  fmt::format("expected a{} list of {} ids", non_empty ? " non-empty" : "", what));
    for (std::size_t i = 0; i < a->size(); ++i) {
      auto p = path;
      p.push_back(i);
      if (string((*a)[i], p) && !known.contains((*a)[i].get<std::string>()))
        fail(p, fmt::format("'{}' is not one of the game's {}s", (*a)[i].get<std::string>(), what));
    }
  }
  // {id: weight} over exactly the known ids, weights in [0, 1] summing to 1.
  void mix(const Json& parent, std::vector<Segment> path, const std::string& key,
           const std::set<std::string>& known, const char* what) {
    const Json* m = field(parent, path, key);
    path.push_back(key);
    if (!m) return;
    if (!m->is_object()) return fail(path, fmt::format("expected {{{} id: weight}}", what));
    double sum = 0;
    for (const auto& [k, v] : m->items()) {
      auto p = path;
      p.push_back(k);
      if (!known.contains(k)) fail(p, fmt::format("'{}' is not one of the game's {}s", k, what));
      if (!number(v, p)) continue;
      const double w = v.get<double>();
      if (w < -1e-9 || w > 1 + 1e-9) fail(p, "a weight must lie in [0, 1]");
      sum += w;
    }
    if (m->size() != known.size())
      fail(path, fmt::format("expected a weight for each of the {} {}s", known.size(), what));
    else if (std::abs(sum - 1) > 1e-6)
      fail(path, fmt::format("the weights sum to {}, not 1", sum));
  }

 private:
  SourceLocation locate(const std::vector<Segment>& path) const {
    const doc::Node* n = root_;
    if (!n) return {file_, 0, 0};
    for (const auto& seg : path) {
      const doc::Node* next = nullptr;
      if (const auto* key = std::get_if<std::string>(&seg)) {
        if (n->is_map()) next = n->find(*key);
      } else if (n->is_seq() && std::get<std::size_t>(seg) < n->seq.size()) {
        next = &n->seq[std::get<std::size_t>(seg)];
      }
      if (!next) break;  // a missing field: where its parent starts
      n = next;
    }
    return n->where.location();
  }
  static std::string name(const std::vector<Segment>& path) {
    std::string out;
    for (const auto& seg : path) {
      if (const auto* key = std::get_if<std::string>(&seg))
        out += (out.empty() ? "" : ".") + *key;
      else
        out += fmt::format("[{}]", std::get<std::size_t>(seg));
    }
    return out;
  }

  std::string file_;
  const doc::Node* root_;
  DiagnosticSink sink_;
};

}  // namespace

Json parse_game_json(std::string_view text, const std::string& file) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    int line = 1, column = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        line++, column = 1;
      } else {
        ++column;
      }
    }
    throw InputError(
        Diagnostic{{file, line, column}, "", std::string("not valid JSON: ") + e.what()});
  }
  DiagnosticSink yaml_errors;
  const doc::Node tree = doc::parse(text, file, yaml_errors);
  Checker c(file, yaml_errors.empty() ? &tree : nullptr);
  if (!j.is_object() || j.value("format", "") != "flank-game-1") {
    c.fail({std::string("format")}, "expected a flank-game-1 document (flank game --json)");
    c.sink().throw_if_any();
  }
  if (const Json* v = c.field(j, {}, "payoff")) c.string(*v, {std::string("payoff")});
  if (const Json* v = c.field(j, {}, "red"); v && !(v->is_string() && (*v == "max" || *v == "min")))
    c.fail({std::string("red")}, "expected \"max\" or \"min\"");
  for (const char* k : {"replications", "replications_run", "replications_full"})
    if (const Json* v = c.field(j, {}, k)) c.count(*v, {std::string(k)});

  std::set<std::string> plan_ids, option_ids;
  const Json* options = c.field(j, {}, "options");
  const Json* plans = c.field(j, {}, "plans");
  if (options && (!options->is_array() || options->empty())) {
    c.fail({std::string("options")}, "expected a non-empty list of Blue options");
    options = nullptr;
  }
  if (plans && (!plans->is_array() || plans->empty())) {
    c.fail({std::string("plans")}, "expected a non-empty list of Red plans");
    plans = nullptr;
  }
  // Ids first: best responses and weights are checked against them.
  const auto collect = [&](const Json* list, const char* key, std::set<std::string>& ids) {
    if (!list) return;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::vector<Segment> at{std::string(key), i};
      if (!(*list)[i].is_object()) {
        c.fail(at, "expected an object");
        continue;
      }
      const Json* id = c.field((*list)[i], at, "id");
      auto p = at;
      p.push_back(std::string("id"));
      if (id && c.string(*id, p) && !ids.insert(id->get<std::string>()).second)
        c.fail(p, fmt::format("'{}' appears twice", id->get<std::string>()));
    }
  };
  collect(plans, "plans", plan_ids);
  collect(options, "options", option_ids);
  if (plans)
    for (std::size_t i = 0; i < plans->size(); ++i) {
      const Json& p = (*plans)[i];
      const std::vector<Segment> at{std::string("plans"), i};
      if (!p.is_object()) continue;
      if (p.contains("dropped") && !p["dropped"].is_boolean())
        c.fail({std::string("plans"), i, std::string("dropped")}, "expected true or false");
      const Json* cells = c.field(p, at, "cells");
      auto pc = at;
      pc.push_back(std::string("cells"));
      if (!cells) continue;
      if (!cells->is_array()) {
        c.fail(pc, "expected a list of cells, one per Blue option");
        continue;
      }
      if (options && cells->size() != options->size())
        c.fail(pc, fmt::format("{} cells for {} Blue options", cells->size(), options->size()));
      for (std::size_t k = 0; k < cells->size(); ++k) {
        auto pk = pc;
        pk.push_back(k);
        c.cell((*cells)[k], pk);
      }
    }
  if (options)
    for (std::size_t i = 0; i < options->size(); ++i) {
      const Json& o = (*options)[i];
      const std::vector<Segment> at{std::string("options"), i};
      if (!o.is_object()) continue;
      if (const Json* v = c.field(o, at, "cost"))
        c.number(*v, {std::string("options"), i, std::string("cost")});
      auto pw = at;
      pw.push_back(std::string("worst_case"));
      if (const Json* w = c.field(o, at, "worst_case")) c.cell(*w, pw);
      c.ids(o, at, "best_responses", plan_ids, "plan", true);
    }
  c.ids(j, {}, "minimax_options", option_ids, "option", true);
  if (const Json* e = c.field(j, {}, "equilibrium")) {
    const std::vector<Segment> at{std::string("equilibrium")};
    if (!e->is_object()) {
      c.fail(at, "expected {value, lo, hi, bootstrap, red, blue}");
    } else {
      bool ok = true;
      for (const char* k : {"value", "lo", "hi"})
        if (const Json* v = c.field(*e, at, k))
          ok = c.number(*v, {std::string("equilibrium"), std::string(k)}) && ok;
        else
          ok = false;
      if (ok && !((*e)["lo"].get<double>() <= (*e)["value"].get<double>() + 1e-9 &&
                  (*e)["value"].get<double>() <= (*e)["hi"].get<double>() + 1e-9))
        c.fail(at, "the bootstrap interval does not contain the equilibrium value");
      if (const Json* v = c.field(*e, at, "bootstrap"))
        c.count(*v, {std::string("equilibrium"), std::string("bootstrap")});
      if (plans) c.mix(*e, at, "red", plan_ids, "plan");
      if (options) c.mix(*e, at, "blue", option_ids, "option");
    }
  }
  c.sink().throw_if_any();
  return j;
}

Json read_game_json(const std::string& path) {
  return parse_game_json(read_bounded_file(path, kMaxInputFileBytes), path);
}

}  // namespace flank::report
