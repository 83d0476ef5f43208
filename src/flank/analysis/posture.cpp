#include "flank/analysis/posture.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "flank/core/bounded_read.hpp"
#include "flank/core/error.hpp"
#include "flank/core/parse.hpp"
#include "flank/scenario/scenario.hpp"

namespace flank::analysis {
namespace {

using doc::Node;

Node scalar(const std::string& text) {
  Node n;
  n.kind = Node::Kind::Scalar;
  n.scalar = text;
  return n;
}

void set_key(Node& map, const std::string& key, Node value) {
  if (Node* existing = map.find(key)) {
    *existing = std::move(value);
    return;
  }
  map.map.push_back({key, map.where, std::move(value)});
}

void erase_key(Node& map, const std::string& key) {
  std::erase_if(map.map, [&](const doc::Entry& e) { return e.key == key; });
}

}  // namespace

Target parse_target(const std::string& text) {
  const auto pos = text.find("<=");
  const auto fail = [&](const std::string& why) {
    return InputError(Diagnostic{{}, "--target", "'" + text + "': " + why});
  };
  if (pos == std::string::npos)
    throw fail("expected METRIC<=VALUE, e.g. p:suwalki-corridor:day7<=0.10");
  Target t;
  t.text = text;
  try {
    t.metric = parse_metric(text.substr(0, pos));
  } catch (const std::invalid_argument& e) {
    throw fail(e.what());
  }
  if (!t.metric.is_probability()) throw fail("the target metric must be a probability (p:...)");
  if (!parse_finite(text.substr(pos + 2), t.threshold) || t.threshold <= 0 || t.threshold >= 1)
    throw fail("the threshold must be a number in (0, 1)");
  return t;
}

PostureFile parse_postures(std::string_view text, const std::string& file) {
  DiagnosticSink sink;
  const Node root = doc::parse(text, file, sink);
  sink.throw_if_any();
  PostureFile f;
  f.file = file;
  f.text = std::string(text);
  f.name = std::filesystem::path(file).stem().string();
  if (!root.is_map()) {
    sink.add(root.where, "", "expected a map with candidates:");
    sink.throw_if_any();
  }
  const auto number = [&](const Node& n, const std::string& path, double& out) {
    if (!n.is_scalar() || !parse_finite(n.scalar, out)) {
      sink.add(n.where, path, "expected a number");
      return false;
    }
    return true;
  };
  // Counts within the CLI's bounds (flank/core/parse.hpp): `replications: 0` had failed later
  // without a location, and 1e18 was taken as it stood.
  const auto count = [&](const Node& n, const std::string& path, std::uint64_t lo, std::uint64_t hi,
                         std::uint64_t& out) {
    double v = 0;
    if (number(n, path, v)) {
      if (const std::string why = check_count_value(v, lo, hi); !why.empty())
        sink.add(n.where, path, why);
      else
        out = static_cast<std::uint64_t>(v);
    }
  };
  for (const auto& e : root.map) {
    const Node& v = e.value;
    if (e.key == "study") {
      f.name = v.scalar;
    } else if (e.key == "description") {
    } else if (e.key == "scenario") {
      f.scenario = v.scalar;
      const std::filesystem::path beside = std::filesystem::path(file).parent_path() / v.scalar;
      if (!f.scenario.starts_with("builtin:") && !f.scenario.empty() &&
          std::filesystem::path(f.scenario).is_relative() && std::filesystem::exists(beside))
        f.scenario = beside.lexically_normal();
    } else if (e.key == "target") {
      f.target = v.scalar;
    } else if (e.key == "budget") {
      // A negative budget had meant "none" (silently): the way to say none is to omit it.
      if (number(v, e.key, f.budget) && f.budget < 0) {
        sink.add(v.where, e.key, "the budget must be ≥ 0 (omit it for no budget)");
        f.budget = -1;
      }
    } else if (e.key == "replications") {
      count(v, e.key, 1, kMaxReplications, f.replications);
    } else if (e.key == "max_replications") {
      count(v, e.key, 1, kMaxReplications, f.max_replications);
    } else if (e.key == "seed") {
      count(v, e.key, 0, kMaxSeed, f.seed);
    } else if (e.key == "candidates") {
      if (!v.is_seq() || v.seq.empty()) {
        sink.add(v.where, e.key, "expected a non-empty list of candidates");
        continue;
      }
      if (v.seq.size() > kMaxCandidates) {
        // The planner holds a posture in 64 bits; it refused more with exit status 1.
        sink.add(v.where, e.key,
                 fmt::format("{} candidates; the limit is {}", v.seq.size(), kMaxCandidates));
        continue;
      }
      for (std::size_t i = 0; i < v.seq.size(); ++i) {
        const Node& c = v.seq[i];
        const std::string path = fmt::format("candidates[{}]", i);
        PostureCandidate pc;
        pc.where = c.where;
        if (!c.is_map()) {
          sink.add(c.where, path, "expected a map {id, unit|define, start, cost}");
          continue;
        }
        bool has_cost = false;
        for (const auto& ce : c.map) {
          const std::string p = path + "." + ce.key;
          if (ce.key == "id") {
            pc.id = ce.value.scalar;
          } else if (ce.key == "unit") {
            pc.unit = ce.value.scalar;
            pc.unit_where = ce.value.where;
          } else if (ce.key == "start") {
            pc.start = ce.value.scalar;
            pc.start_where = ce.value.where;
          } else if (ce.key == "cost") {
            has_cost = number(ce.value, p, pc.cost);
            if (has_cost && (pc.cost < 0 || pc.cost > kMaxCandidateCost))
              sink.add(ce.value.where, p,
                       fmt::format("cost must be in [0, {:g}]", kMaxCandidateCost));
          } else if (ce.key == "define") {
            if (!ce.value.is_map() || ce.value.id().empty())
              sink.add(ce.value.where, p, "expected a unit map with an id");
            pc.define = ce.value;
          } else if (ce.key == "description" || ce.key == "source") {
          } else {
            sink.add(ce.value.where, p,
                     "unknown key (expected id, unit, define, start, cost, description, source)");
          }
        }
        if (pc.id.empty()) sink.add(c.where, path + ".id", "a candidate needs an id");
        if (pc.unit.empty() == pc.define.is_null())
          sink.add(c.where, path, "give exactly one of unit: (a scenario unit) and define: {...}");
        if (!has_cost) sink.add(c.where, path + ".cost", "a candidate needs a cost");
        if (!pc.unit.empty() && pc.start.empty())
          sink.add(c.where, path + ".start", "a scenario unit candidate needs a start region");
        for (const auto& other : f.candidates)
          if (other.id == pc.id) sink.add(c.where, path + ".id", "duplicate candidate id");
        f.candidates.push_back(std::move(pc));
      }
    } else {
      sink.add(v.where, e.key,
               "unknown key (expected study, description, scenario, target, budget, "
               "replications, max_replications, seed, candidates)");
    }
  }
  if (f.candidates.empty() && !root.find("candidates"))
    sink.add(root.where, "candidates", "a candidates file needs candidates: [...]");
  sink.throw_if_any();
  return f;
}

PostureFile load_postures(const std::string& path) {
  return parse_postures(read_bounded_file(path, kMaxInputFileBytes, "the candidates file"), path);
}

void check_candidates(const PostureFile& file, const Scenario& base) {
  DiagnosticSink sink;
  const auto region = [&](const std::string& id) {
    return std::any_of(base.regions.begin(), base.regions.end(),
                       [&](const Region& r) { return r.id == id; });
  };
  std::map<std::string, std::size_t> subject;  // scenario unit id -> first candidate naming it
  for (std::size_t i = 0; i < file.candidates.size(); ++i) {
    const PostureCandidate& c = file.candidates[i];
    const std::string path = fmt::format("candidates[{}]", i);
    const auto at = [&](const SourceLocation& w) {
      SourceLocation loc = w.line > 0 ? w : c.where;
      if (loc.file.empty()) loc.file = file.file;
      return loc;
    };
    if (!c.unit.empty()) {
      const auto u = std::find_if(base.units.begin(), base.units.end(),
                                  [&](const Unit& x) { return x.id == c.unit; });
      if (u == base.units.end()) {
        sink.add(at(c.unit_where), path + ".unit", "the scenario has no unit '" + c.unit + "'");
      } else if (u->side != kBlue) {
        sink.add(at(c.unit_where), path + ".unit",
                 "'" + c.unit + "' is a " + base.sides[u->side].id +
                     " unit; candidates are postures of the blue side");
      } else if (const auto [it, fresh] = subject.emplace(c.unit, i); !fresh) {
        sink.add(at(c.unit_where), path + ".unit",
                 fmt::format("'{}' is already the unit of candidates[{}]; a unit has one posture "
                             "candidate (choosing both would count its cost twice)",
                             c.unit, it->second));
      }
    } else if (c.define.is_map()) {
      const std::string id(c.define.id());
      if (std::any_of(base.units.begin(), base.units.end(),
                      [&](const Unit& x) { return x.id == id; }))
        sink.add(at(c.define.where), path + ".define.id",
                 "the scenario already has a unit '" + id + "'; use unit: " + id + " instead");
      if (const Node* side = c.define.find("side");
          side && side->is_scalar() && side->scalar != "blue")
        sink.add(at(side->where), path + ".define.side",
                 "candidates are postures of the blue side, got side '" + side->scalar + "'");
      const Node* nation = c.define.find("nation");
      if (nation && nation->is_scalar()) {
        const auto n = std::find_if(base.nations.begin(), base.nations.end(),
                                    [&](const Nation& x) { return x.id == nation->scalar; });
        if (n != base.nations.end() && n->side != kBlue)
          sink.add(at(nation->where), path + ".define.nation",
                   "'" + nation->scalar + "' is a " + base.sides[n->side].id +
                       " nation; candidates are postures of the blue side");
      }
      if (const Node* s = c.define.find("start");
          s && c.start.empty() && s->is_scalar() && !s->scalar.empty() && !region(s->scalar))
        sink.add(at(s->where), path + ".define.start",
                 "the scenario has no region '" + s->scalar + "'");
    }
    if (!c.start.empty() && !region(c.start))
      sink.add(at(c.start_where), path + ".start", "the scenario has no region '" + c.start + "'");
  }
  sink.throw_if_any();
}

std::string posture_yaml(const Node& base, const std::vector<PostureCandidate>& candidates,
                         const std::vector<bool>& chosen) {
  Node root = base;
  Node* units = root.find("units");
  if (!units || !units->is_seq())
    throw InputError(Diagnostic{{}, "units", "the base scenario has no units list"});
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const auto& c = candidates[i];
    if (!c.unit.empty()) {
      auto it = std::find_if(units->seq.begin(), units->seq.end(),
                             [&](const Node& u) { return u.id() == c.unit; });
      if (it == units->seq.end())
        throw InputError(Diagnostic{{},
                                    fmt::format("candidates[{}].unit", i),
                                    "the scenario has no unit '" + c.unit + "'"});
      if (chosen[i]) {
        // Stationed forward: present at hour 0 instead of arriving after the decision.
        erase_key(*it, "arrival");
        set_key(*it, "start", scalar(c.start));
      }
    } else if (chosen[i]) {
      Node unit = c.define;
      if (!c.start.empty()) {
        erase_key(unit, "arrival");
        set_key(unit, "start", scalar(c.start));
      }
      units->seq.push_back(std::move(unit));
    }
  }
  return doc::to_yaml(root);
}

}  // namespace flank::analysis
