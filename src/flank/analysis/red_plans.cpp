#include "flank/analysis/red_plans.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "flank/core/bounded_read.hpp"
#include "flank/core/embedded.hpp"
#include "flank/core/parse.hpp"
#include "flank/scenario/document.hpp"
#include "flank/scenario/loader.hpp"

namespace flank::analysis {
namespace {

using doc::Node;

std::string read_ref(const std::string& ref, const char* what) {
  if (ref.starts_with("builtin:")) {
    const std::string path = "scenarios/designs/" + ref.substr(8) + ".yaml";
    const auto data = embedded_file(path);
    if (!data) throw InputError(Diagnostic{{ref, 0, 0}, "", fmt::format("no built-in {}", path)});
    return std::string(*data);
  }
  // The bounded reader: a FIFO or /dev/zero given as a plans file had blocked forever.
  return read_bounded_file(ref, kMaxInputFileBytes, fmt::format("the {}", what));
}

// A relative path is read beside the plans file when a file of that name is there (as designs
// resolve their scenarios); built-in plans files name built-ins.
std::string beside(const std::string& file, const std::string& ref) {
  namespace fs = std::filesystem;
  if (ref.empty() || ref.starts_with("builtin:") || fs::path(ref).is_absolute()) return ref;
  const fs::path near = fs::path(file).parent_path() / ref;
  if (!file.starts_with("builtin:") && fs::exists(near)) return near.lexically_normal().string();
  return ref;
}

class Reader {
 public:
  Reader(const std::string& file, DiagnosticSink& sink) : file_(file), sink_(sink) {}

  std::string string(const Node& n, const std::string& path) {
    if (!n.is_scalar() || n.scalar.empty()) {
      sink_.add(n.where, path, "expected a non-empty string");
      return {};
    }
    return n.scalar;
  }

  void count(const Node& n, const std::string& path, std::uint64_t lo, std::uint64_t& out) {
    double v = 0;
    if (!n.is_scalar() || n.quoted || !parse_finite(n.scalar, v) || v < static_cast<double>(lo) ||
        v != std::floor(v) || v > 1e9) {
      sink_.add(n.where, path, fmt::format("expected a whole number ≥ {}", lo));
      return;
    }
    out = static_cast<std::uint64_t>(v);
  }

  std::vector<std::string> strings(const Node& n, const std::string& path, bool overrides) {
    std::vector<std::string> out;
    if (!n.is_seq()) {
      sink_.add(n.where, path,
                overrides ? "expected a list of \"PATH=VALUE\" overrides" : "expected a list");
      return out;
    }
    for (std::size_t i = 0; i < n.seq.size(); ++i) {
      const std::string p = fmt::format("{}[{}]", path, i);
      const std::string s = string(n.seq[i], p);
      const auto eq = s.find('=');
      if (overrides && !s.empty() && (eq == std::string::npos || eq == 0))
        sink_.add(n.seq[i].where, p, "expected PATH=VALUE, as --set takes");
      out.push_back(s);
    }
    return out;
  }

  template <class Item>
  void unique_id(const std::vector<Item>& items, const std::string& id, const Node& at,
                 const std::string& path) {
    if (id.empty()) {
      sink_.add(at.where, path + ".id", "needs an id");
      return;
    }
    for (const auto& other : items)
      if (other.id == id) sink_.add(at.where, path + ".id", "duplicate id '" + id + "'");
  }

  const std::string& file() const { return file_; }
  DiagnosticSink& sink() { return sink_; }

 private:
  const std::string& file_;
  DiagnosticSink& sink_;
};

RedPlan red_plan(Reader& r, const Node& n, const std::string& path) {
  RedPlan plan;
  plan.where = n.where;
  if (!n.is_map()) {
    r.sink().add(n.where, path, "expected a map {id, description, source, variant, set}");
    return plan;
  }
  for (const auto& e : n.map) {
    const std::string p = path + "." + e.key;
    if (e.key == "id") {
      plan.id = r.string(e.value, p);
    } else if (e.key == "description" || e.key == "name") {
      plan.description = r.string(e.value, p);
    } else if (e.key == "source") {
      plan.source = r.string(e.value, p);
    } else if (e.key == "variant") {
      plan.variant = beside(r.file(), r.string(e.value, p));
    } else if (e.key == "set") {
      plan.set = r.strings(e.value, p, true);
    } else {
      r.sink().add(e.value.where, p,
                   "unknown key (expected id, description, source, variant, set)");
    }
  }
  // Every plan says where it comes from (DESIGN.md: every number carries its source).
  if (plan.source.empty() && !n.find("source"))
    r.sink().add(n.where, path + ".source", "a plan needs a source (publication, year)");
  return plan;
}

BlueOption blue_option(Reader& r, const Node& n, const std::string& path, const PostureFile& c) {
  BlueOption o;
  o.where = n.where;
  o.chosen.assign(c.candidates.size(), false);
  if (!n.is_map()) {
    r.sink().add(n.where, path, "expected a map {id, description, posture, variant, set, cost}");
    return o;
  }
  double own_cost = 0;
  for (const auto& e : n.map) {
    const std::string p = path + "." + e.key;
    if (e.key == "id") {
      o.id = r.string(e.value, p);
    } else if (e.key == "description" || e.key == "name" || e.key == "source") {
      o.description = e.key == "source" ? o.description : r.string(e.value, p);
    } else if (e.key == "posture") {
      const auto ids = r.strings(e.value, p, false);
      for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto it = std::find_if(c.candidates.begin(), c.candidates.end(),
                                     [&](const PostureCandidate& pc) { return pc.id == ids[i]; });
        if (it == c.candidates.end()) {
          r.sink().add(e.value.seq[i].where, fmt::format("{}[{}]", p, i),
                       "unknown posture candidate '" + ids[i] + "'");
          continue;
        }
        const auto k = static_cast<std::size_t>(it - c.candidates.begin());
        if (!o.chosen[k]) o.cost += it->cost;
        o.chosen[k] = true;
      }
    } else if (e.key == "set") {
      o.set = r.strings(e.value, p, true);
    } else if (e.key == "variant") {
      o.variant = beside(r.file(), r.string(e.value, p));
    } else if (e.key == "cost") {
      double v = 0;
      if (!e.value.is_scalar() || !parse_finite(e.value.scalar, v) || v < 0)
        r.sink().add(e.value.where, p, "expected a number ≥ 0");
      own_cost = v;
    } else {
      r.sink().add(e.value.where, p,
                   "unknown key (expected id, description, posture, variant, set, cost)");
    }
  }
  o.cost += own_cost;
  return o;
}

// A variant's document without what makes it a file of its own, to merge as an overlay.
doc::Node variant_overlay(const std::string& ref, const std::string& where_path) {
  std::string text;
  if (ref.starts_with("builtin:")) {
    const std::string id = ref.substr(8);
    for (const auto& b : builtin_scenarios())
      if (b.id == id) text = std::string(embedded_file(b.path).value_or(""));
    if (text.empty())
      throw InputError(Diagnostic{{ref, 0, 0}, where_path, "no built-in scenario " + ref});
  } else {
    std::string why;
    if (!try_read_bounded_file(ref, kMaxInputFileBytes, text, why))
      throw InputError(Diagnostic{{ref, 0, 0}, where_path, "the variant: " + why});
  }
  DiagnosticSink sink;
  Node root = doc::parse(text, ref, sink);
  sink.throw_if_any();
  if (!root.is_map()) throw InputError(Diagnostic{root.where, where_path, "expected a map"});
  std::erase_if(root.map, [](const doc::Entry& e) {
    return e.key == "flank" || e.key == "id" || e.key == "name" || e.key == "description" ||
           e.key == "extends";
  });
  return root;
}

}  // namespace

PlansFile parse_plans(std::string_view text, const std::string& file) {
  DiagnosticSink sink;
  const Node root = doc::parse(text, file, sink);
  sink.throw_if_any();
  PlansFile f;
  f.file = file;
  f.text = std::string(text);
  f.name = std::filesystem::path(file).stem().string();
  if (!root.is_map()) {
    sink.add(root.where, "",
             "a plans file is a map (scenario, candidates, payoff, plans, options)");
    sink.throw_if_any();
  }
  Reader r(file, sink);
  std::string candidates = "builtin:posture-candidates";
  const Node* plans = nullptr;
  const Node* options = nullptr;
  bool has_payoff = false;
  for (const auto& e : root.map) {
    const Node& v = e.value;
    if (e.key == "study") {
      f.name = r.string(v, e.key);
    } else if (e.key == "description") {
    } else if (e.key == "scenario") {
      f.scenario = beside(file, r.string(v, e.key));
    } else if (e.key == "candidates") {
      candidates = beside(file, r.string(v, e.key));
    } else if (e.key == "payoff") {
      has_payoff = true;
      f.payoff_where = v.where;
      try {
        f.payoff = parse_metric(r.string(v, e.key));
        if (f.payoff.kind == Metric::Kind::HoursQuantile)
          sink.add(v.where, e.key,
                   "a quantile has no per-replication value; use a p: or mean metric");
      } catch (const std::invalid_argument& ex) {
        sink.add(v.where, e.key, ex.what());
      }
    } else if (e.key == "red") {
      const std::string d = r.string(v, e.key);
      if (d != "max" && d != "min") sink.add(v.where, e.key, "expected max or min");
      f.red_maximises = d != "min";
    } else if (e.key == "replications") {
      r.count(v, e.key, 1, f.replications);
    } else if (e.key == "first_batch") {
      r.count(v, e.key, 0, f.first_batch);
    } else if (e.key == "bootstrap") {
      r.count(v, e.key, 0, f.bootstrap);
    } else if (e.key == "chunk") {
      r.count(v, e.key, 1, f.chunk);
    } else if (e.key == "seed") {
      r.count(v, e.key, 0, f.seed);
    } else if (e.key == "plans") {
      plans = &v;
    } else if (e.key == "options") {
      options = &v;
    } else {
      sink.add(v.where, e.key,
               "unknown key (expected study, description, scenario, candidates, payoff, red, "
               "replications, first_batch, bootstrap, chunk, seed, plans, options)");
    }
  }
  if (!has_payoff) sink.add(root.where, "payoff", "a plans file needs payoff: METRIC");
  // `plans: OTHER` takes the plans of another plans file, so one set of courses of action can
  // meet several sets of Blue options; errors in them are reported in that file.
  Node shared;
  if (plans && plans->is_scalar() && !plans->scalar.empty()) {
    const std::string ref = beside(file, plans->scalar);
    try {
      shared = doc::parse(read_ref(ref, "plans file"), ref, sink);
      const Node* list = shared.is_map() ? shared.find("plans") : nullptr;
      if (!list) sink.add(plans->where, "plans", "'" + ref + "' has no plans: list");
      plans = list ? list : plans;
    } catch (const InputError& e) {
      for (const auto& d : e.diagnostics()) sink.add(plans->where, "plans", d.message);
    }
  }
  if (!plans || !plans->is_seq() || plans->seq.empty())
    sink.add(plans ? plans->where : root.where, "plans", "expected a non-empty list of plans");
  if (!options || !options->is_seq() || options->seq.empty())
    sink.add(options ? options->where : root.where, "options",
             "expected a non-empty list of Blue options");
  sink.throw_if_any();

  f.candidates = candidates.starts_with("builtin:")
                     ? parse_postures(read_ref(candidates, "candidates file"), candidates)
                     : load_postures(candidates);
  for (std::size_t i = 0; i < plans->seq.size(); ++i) {
    const std::string path = fmt::format("plans[{}]", i);
    RedPlan p = red_plan(r, plans->seq[i], path);
    r.unique_id(f.plans, p.id, plans->seq[i], path);
    f.plans.push_back(std::move(p));
  }
  for (std::size_t i = 0; i < options->seq.size(); ++i) {
    const std::string path = fmt::format("options[{}]", i);
    BlueOption o = blue_option(r, options->seq[i], path, f.candidates);
    r.unique_id(f.options, o.id, options->seq[i], path);
    f.options.push_back(std::move(o));
  }
  if (f.first_batch >= f.replications) f.first_batch = 0;  // no racing
  sink.throw_if_any();
  return f;
}

PlansFile load_plans(const std::string& ref) {
  return parse_plans(read_ref(ref, "plans file"), ref);
}

CellBuilder::CellBuilder(const PlansFile& file) : file_(file) {
  // Errors inside a plan's variant or overrides are reported at the plan in the plans file,
  // with the loader's own message (which names the override or the variant's line).
  DiagnosticSink sink;
  for (std::size_t i = 0; i < file.plans.size(); ++i) {
    const RedPlan& plan = file.plans[i];
    const std::string path = fmt::format("plans[{}]", i);
    try {
      LoadOptions lo;
      lo.overrides = plan.set;
      const std::string ref = plan.variant.empty() ? file.scenario : plan.variant;
      // Validated as a scenario of its own, then kept as a document for the postures.
      (void)load_scenario(ref, lo);
      DiagnosticSink parse_sink;
      plan_docs_.push_back(doc::parse(resolved_yaml(ref, lo), file.file + ":" + path, parse_sink));
      parse_sink.throw_if_any();
    } catch (const InputError& e) {
      for (const auto& d : e.diagnostics())
        sink.add(plan.where, path + " (" + plan.id + ")", d.format());
    }
  }
  sink.throw_if_any();
}

Scenario CellBuilder::build(std::size_t plan, const std::vector<PostureCandidate>& candidates,
                            const std::vector<bool>& chosen,
                            const std::vector<std::string>& blue_set,
                            const std::string& blue_variant) const {
  LoadOptions lo;
  lo.overrides = blue_set;
  std::string yaml = posture_yaml(plan_docs_.at(plan), candidates, chosen);
  if (!blue_variant.empty()) {
    DiagnosticSink sink;
    Node root = doc::parse(yaml, file_.file, sink);
    doc::merge(root, variant_overlay(blue_variant, "variant"), "", sink);
    sink.throw_if_any();
    yaml = doc::to_yaml(root);
  }
  return load_scenario_text(yaml, file_.file + ":" + file_.plans[plan].id, lo);
}

Scenario CellBuilder::build_cell(std::size_t plan, std::size_t option) const {
  const BlueOption& o = file_.options.at(option);
  try {
    return build(plan, file_.candidates.candidates, o.chosen, o.set, o.variant);
  } catch (const InputError& e) {
    std::vector<Diagnostic> out;
    for (const auto& d : e.diagnostics())
      out.push_back({o.where,
                     fmt::format("options[{}] ({}) × {}", option, o.id, file_.plans[plan].id),
                     d.format()});
    throw InputError(out);
  }
}

}  // namespace flank::analysis
