#include "flank/analysis/posture.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "flank/core/bounded_read.hpp"
#include "flank/core/error.hpp"
#include "flank/core/parse.hpp"

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
  const auto count = [&](const Node& n, const std::string& path, std::uint64_t& out) {
    double v = 0;
    if (number(n, path, v)) {
      if (v < 0 || v != std::floor(v))
        sink.add(n.where, path, "expected a whole number");
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
      number(v, e.key, f.budget);
    } else if (e.key == "replications") {
      count(v, e.key, f.replications);
    } else if (e.key == "max_replications") {
      count(v, e.key, f.max_replications);
    } else if (e.key == "seed") {
      count(v, e.key, f.seed);
    } else if (e.key == "candidates") {
      if (!v.is_seq() || v.seq.empty()) {
        sink.add(v.where, e.key, "expected a non-empty list of candidates");
        continue;
      }
      for (std::size_t i = 0; i < v.seq.size(); ++i) {
        const Node& c = v.seq[i];
        const std::string path = fmt::format("candidates[{}]", i);
        PostureCandidate pc;
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
          } else if (ce.key == "start") {
            pc.start = ce.value.scalar;
          } else if (ce.key == "cost") {
            has_cost = number(ce.value, p, pc.cost);
            if (has_cost && pc.cost < 0) sink.add(ce.value.where, p, "cost must be ≥ 0");
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
