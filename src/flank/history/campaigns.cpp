#include "flank/history/campaigns.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "flank/core/bounded_read.hpp"
#include "flank/core/embedded.hpp"
#include "flank/core/parse.hpp"
#include "flank/mc/runner.hpp"
#include "flank/scenario/document.hpp"
#include "flank/scenario/loader.hpp"

namespace flank::history {
namespace {

constexpr std::string_view kBuiltIn = "<built-in>/";
constexpr std::string_view kManifestSuffix = ".cases.yaml";
constexpr std::string_view kHistoryDir = "scenarios/history";

struct TextFile {
  std::string label;  // for diagnostics
  std::string dir;    // what relative paths inside resolve against
  bool embedded = false;
  std::string text;
};

// The shared reader's rules (core/bounded_read): a regular file of at most doc::kMaxFileBytes, or a
// file embedded in the binary (explicitly "<built-in>/path", or a path that is not on disk).
TextFile read_text(const std::string& path) {
  auto fail = [&](const std::string& why) { throw InputError(Diagnostic{{path, 0, 0}, "", why}); };
  auto from_embedded = [](std::string_view embedded_path, std::string_view data) {
    TextFile t;
    t.label = std::string(kBuiltIn) + std::string(embedded_path);
    t.dir = std::filesystem::path(std::string(embedded_path)).parent_path().generic_string();
    t.embedded = true;
    t.text = std::string(data);
    return t;
  };
  if (path.rfind(kBuiltIn, 0) == 0) {
    const std::string_view inner = std::string_view(path).substr(kBuiltIn.size());
    if (const auto data = embedded_file(inner)) return from_embedded(inner, *data);
    fail("no such built-in file");
  }
  std::error_code ec;
  const std::filesystem::path p(path);
  if (!std::filesystem::exists(p, ec)) {
    const std::string normal = p.lexically_normal().generic_string();
    if (const auto data = embedded_file(normal)) return from_embedded(normal, *data);
    fail("cannot open file: no such file");
  }
  TextFile t;
  if (std::string why; !try_read_bounded_file(path, doc::kMaxFileBytes, t.text, why)) fail(why);
  t.label = path;
  t.dir = p.parent_path().string();
  if (t.dir.empty()) t.dir = ".";
  return t;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// Strict reading of manifest and grid documents: every problem goes to the sink.
class Reader {
 public:
  explicit Reader(DiagnosticSink& sink) : sink_(sink) {}

  void error(const doc::Node& at, const std::string& path, const std::string& message) {
    sink_.add(at.where, path, message);
  }

  bool is_map(const doc::Node& n, const std::string& path) {
    if (n.is_map()) return true;
    error(n, path, "must be a map");
    return false;
  }

  void allow_keys(const doc::Node& map, const std::string& path,
                  const std::vector<std::string>& allowed) {
    for (const auto& e : map.map)
      if (std::find(allowed.begin(), allowed.end(), e.key) == allowed.end())
        sink_.add(e.key_where, path + "." + e.key,
                  "unknown key '" + e.key + "' (allowed: " + join(allowed) + ")");
  }

  const doc::Node* required(const doc::Node& map, const std::string& key, const std::string& path) {
    const doc::Node* n = map.find(key);
    if (!n || n->is_null()) error(map, path + "." + key, "required key '" + key + "' is missing");
    return n && !n->is_null() ? n : nullptr;
  }

  bool text(const doc::Node* n, const std::string& path, std::string& out) {
    if (!n) return false;
    if (!n->is_scalar() || n->scalar.empty()) {
      error(*n, path, "must be a non-empty text");
      return false;
    }
    out = n->scalar;
    return true;
  }

  bool number(const doc::Node* n, const std::string& path, double& out, bool positive) {
    if (!n) return false;
    double v = 0;
    if (!n->is_scalar() || n->quoted || !parse_finite(n->scalar, v)) {
      error(*n, path,
            "must be a plain finite number, got '" + (n->is_scalar() ? n->scalar : "?") + "'");
      return false;
    }
    if (positive ? v <= 0 : v < 0) {
      error(*n, path, std::string("must be ") + (positive ? "> 0" : ">= 0") + ", got " + n->scalar);
      return false;
    }
    out = v;
    return true;
  }

  bool boolean(const doc::Node* n, const std::string& path, bool& out) {
    if (!n) return false;
    if (!n->is_scalar() || n->quoted || (n->scalar != "true" && n->scalar != "false")) {
      error(*n, path, "must be true or false");
      return false;
    }
    out = n->scalar == "true";
    return true;
  }

  bool one_of(const doc::Node* n, const std::string& path, const std::vector<std::string>& allowed,
              std::string& out) {
    if (!text(n, path, out)) return false;
    if (std::find(allowed.begin(), allowed.end(), out) != allowed.end()) return true;
    error(*n, path, "must be one of " + join(allowed) + ", got '" + out + "'");
    return false;
  }

 private:
  DiagnosticSink& sink_;
};

doc::Node parse_document(const TextFile& file, DiagnosticSink& sink) {
  doc::Node root = doc::parse(file.text, file.label, sink);
  sink.throw_if_any();
  return root;
}

// The load_scenario() reference for a scenario named relative to its manifest.
bool scenario_ref(const TextFile& manifest, const std::string& scenario, std::string& ref) {
  if (scenario.rfind("builtin:", 0) == 0) {
    ref = scenario;
    return true;
  }
  if (!manifest.embedded) {
    std::filesystem::path p(scenario);
    if (p.is_relative()) p = std::filesystem::path(manifest.dir) / p;
    ref = p.lexically_normal().string();
    return true;
  }
  const std::string path =
      (std::filesystem::path(manifest.dir) / scenario).lexically_normal().generic_string();
  for (const auto& b : builtin_scenarios())
    if (b.path == path) {
      ref = "builtin:" + b.id;
      return true;
    }
  return false;
}

Observation read_observation(Reader& r, const doc::Node& n, const std::string& path) {
  Observation o;
  o.where = n.where;
  if (!r.is_map(n, path)) return o;
  r.allow_keys(n, path, {"objective", "hours", "held", "horizon_days", "source"});
  r.text(r.required(n, "objective", path), path + ".objective", o.objective);
  r.text(r.required(n, "source", path), path + ".source", o.source);
  if (const doc::Node* held = n.find("held")) r.boolean(held, path + ".held", o.held);
  if (o.held) {
    r.number(r.required(n, "horizon_days", path), path + ".horizon_days", o.horizon_days, true);
    if (const doc::Node* h = n.find("hours"))
      r.error(*h, path + ".hours", "a defence that held has no hours (give horizon_days)");
  } else {
    r.number(r.required(n, "hours", path), path + ".hours", o.hours, true);
    if (const doc::Node* h = n.find("horizon_days"))
      r.number(h, path + ".horizon_days", o.horizon_days, true);
  }
  return o;
}

// Checks the case against its scenario: it loads, and every observed objective exists and
// lies within the scenario's horizon.
void check_against_scenario(const CampaignCase& c, const doc::Node& scenario_node,
                            const std::string& path, DiagnosticSink& sink) {
  try {
    const Scenario s = load_scenario(c.scenario_ref);
    std::vector<std::string> ids;
    for (const auto& o : s.objectives) ids.push_back(o.id);
    const double horizon = s.params.horizon_days * 24;
    for (std::size_t i = 0; i < c.observations.size(); ++i) {
      const Observation& o = c.observations[i];
      const std::string at = path + ".observations[" + std::to_string(i) + "]";
      if (o.objective.empty()) continue;
      if (std::find(ids.begin(), ids.end(), o.objective) == ids.end()) {
        sink.add(o.where, at + ".objective",
                 "unknown objective '" + o.objective + "' in " + c.scenario +
                     " (objectives: " + join(ids) + ")");
        continue;
      }
      const double window = o.held ? o.horizon_days * 24 : o.hours;
      if (window > horizon)
        sink.add(o.where, at,
                 "observed window of " + std::to_string(window) +
                     " h is past the scenario's horizon of " + std::to_string(horizon) + " h");
    }
  } catch (const InputError& e) {
    sink.add(scenario_node.where, path + ".scenario",
             "cannot load scenario '" + c.scenario + "' (" +
                 std::to_string(e.diagnostics().size()) + " problem(s) follow)");
    for (const auto& d : e.diagnostics()) sink.add(d);
  }
}

std::vector<double> sorted_finite(const std::vector<double>& sorted) {
  std::vector<double> out;
  for (double v : sorted)
    if (std::isfinite(v)) out.push_back(v);
  return out;
}

}  // namespace

std::vector<CampaignCase> load_manifest(const std::string& path) {
  const TextFile file = read_text(path);
  DiagnosticSink sink;
  const doc::Node root = parse_document(file, sink);
  Reader r(sink);
  std::vector<CampaignCase> cases;
  if (!r.is_map(root, "")) sink.throw_if_any();
  r.allow_keys(root, "", {"cases"});
  const doc::Node* list = r.required(root, "cases", "");
  if (list && (!list->is_seq() || list->seq.empty()))
    r.error(*list, "cases", "must be a non-empty list");
  std::set<std::string> seen;
  for (std::size_t i = 0; list && list->is_seq() && i < list->seq.size(); ++i) {
    const doc::Node& n = list->seq[i];
    std::string path = "cases[" + std::to_string(i) + "]";
    if (!r.is_map(n, path)) continue;
    if (!n.id().empty()) path = "cases[" + std::string(n.id()) + "]";
    r.allow_keys(n, path, {"id", "scenario", "role", "confidence", "observations", "note"});
    CampaignCase c;
    c.manifest = file.label;
    c.where = n.where;
    const doc::Node* id = r.required(n, "id", path);
    if (r.text(id, path + ".id", c.id) && !seen.insert(c.id).second)
      r.error(*id, path + ".id", "duplicate case id '" + c.id + "'");
    r.one_of(r.required(n, "role", path), path + ".role", {"calibration", "validation"}, c.role);
    r.one_of(r.required(n, "confidence", path), path + ".confidence", {"high", "medium", "low"},
             c.confidence);
    if (const doc::Node* note = n.find("note")) r.text(note, path + ".note", c.note);
    const doc::Node* obs = r.required(n, "observations", path);
    if (obs && (!obs->is_seq() || obs->seq.empty()))
      r.error(*obs, path + ".observations", "must be a non-empty list");
    for (std::size_t k = 0; obs && obs->is_seq() && k < obs->seq.size(); ++k)
      c.observations.push_back(
          read_observation(r, obs->seq[k], path + ".observations[" + std::to_string(k) + "]"));
    const doc::Node* scenario = r.required(n, "scenario", path);
    if (r.text(scenario, path + ".scenario", c.scenario)) {
      if (!scenario_ref(file, c.scenario, c.scenario_ref))
        r.error(*scenario, path + ".scenario", "no built-in scenario file '" + c.scenario + "'");
      else
        check_against_scenario(c, *scenario, path, sink);
    }
    cases.push_back(std::move(c));
  }
  sink.throw_if_any();
  return cases;
}

std::vector<CampaignCase> load_manifests(const std::vector<std::string>& paths) {
  std::vector<CampaignCase> all;
  DiagnosticSink sink;
  for (const auto& path : paths) {
    try {
      for (auto& c : load_manifest(path)) {
        for (const auto& other : all)
          if (other.id == c.id)
            sink.add(c.where, "cases[" + c.id + "].id",
                     "case id '" + c.id + "' is also in " + other.manifest);
        all.push_back(std::move(c));
      }
    } catch (const InputError& e) {
      for (const auto& d : e.diagnostics()) sink.add(d);
    }
  }
  sink.throw_if_any();
  return all;
}

std::vector<std::string> default_manifests(const std::string& root) {
  auto is_manifest = [](std::string_view name) {
    return name.size() > kManifestSuffix.size() &&
           name.substr(name.size() - kManifestSuffix.size()) == kManifestSuffix;
  };
  std::vector<std::string> out;
  const std::filesystem::path dir = std::filesystem::path(root) / std::string(kHistoryDir);
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
      if (entry.is_regular_file(ec) && is_manifest(entry.path().filename().string()))
        out.push_back(entry.path().lexically_normal().string());
  } else {
    for (const auto& f : embedded_files()) {
      const std::filesystem::path p(std::string(f.path));
      if (p.parent_path().generic_string() == kHistoryDir && is_manifest(f.path))
        out.push_back(std::string(kBuiltIn) + std::string(f.path));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

double empirical_quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::nan("");
  const double n = static_cast<double>(sorted.size());
  // The small slack keeps q * n = 50.000000000000007 from stepping to the next value.
  const auto k = static_cast<std::size_t>(std::ceil(q * n - 1e-9));
  return sorted[std::clamp<std::size_t>(k, 1, sorted.size()) - 1];
}

ObservationResult score_observation(const Observation& observation, const CampaignCase& c,
                                    std::vector<double> hours, double scenario_horizon_hours) {
  ObservationResult r;
  r.case_id = c.id;
  r.objective = observation.objective;
  r.role = c.role;
  r.confidence = c.confidence;
  r.source = observation.source;
  r.held = observation.held;
  r.observed_hours = observation.held ? std::nan("") : observation.hours;
  r.horizon_hours =
      observation.horizon_days > 0 ? observation.horizon_days * 24 : scenario_horizon_hours;
  for (double& h : hours)
    if (!(h >= 0) || h > r.horizon_hours) h = kNeverHours;
  std::sort(hours.begin(), hours.end());
  const std::vector<double> fell = sorted_finite(hours);
  r.replications = hours.size();
  r.achieved = fell.size();
  r.p_achieved = hours.empty() ? 0 : static_cast<double>(fell.size()) / hours.size();
  r.median_hours = empirical_quantile(fell, 0.5);
  r.q05_hours = empirical_quantile(fell, 0.05);
  r.q95_hours = empirical_quantile(fell, 0.95);
  r.unconditional_median_hours = hours.empty() ? kNeverHours : empirical_quantile(hours, 0.5);
  if (observation.held) {
    r.ratio = std::nan("");
    r.wrong_in_kind = r.p_achieved >= 0.5;
  } else {
    r.ratio = r.unconditional_median_hours / observation.hours;
    r.wrong_in_kind = r.p_achieved < 0.5;
    r.within_factor = r.ratio >= 1 / kWithinFactor && r.ratio <= kWithinFactor;
  }
  return r;
}

ValidationSummary summarise(const std::vector<ObservationResult>& results) {
  ValidationSummary s;
  std::set<std::string> cases;
  std::vector<double> abs_logs;
  for (const auto& r : results) {
    cases.insert(r.case_id);
    ++s.observations;
    s.wrong_in_kind += r.wrong_in_kind;
    if (r.held) continue;
    ++s.timed;
    s.within += r.within_factor;
    abs_logs.push_back(std::isfinite(r.ratio) && r.ratio > 0 ? std::abs(std::log(r.ratio))
                                                             : kNeverHours);
  }
  s.cases = static_cast<int>(cases.size());
  s.share_within = s.timed > 0 ? static_cast<double>(s.within) / s.timed : std::nan("");
  std::sort(abs_logs.begin(), abs_logs.end());
  const std::size_t n = abs_logs.size();
  s.median_abs_log_ratio = n == 0       ? std::nan("")
                           : n % 2 == 1 ? abs_logs[n / 2]
                                        : (abs_logs[n / 2 - 1] + abs_logs[n / 2]) / 2;
  return s;
}

double observation_loss(const ObservationResult& r) {
  if (r.wrong_in_kind) return kWrongInKindLoss;
  if (r.held) return 0;
  if (!(r.ratio > 0) || !std::isfinite(r.ratio)) return kWrongInKindLoss;
  const double l = std::log(r.ratio);
  return l * l;
}

double case_loss(const std::vector<ObservationResult>& case_results) {
  double total = 0;
  for (const auto& r : case_results) total += observation_loss(r);
  return total;
}

CaseResult run_case(const CampaignCase& c, const RunSettings& settings) {
  LoadOptions load;
  load.overrides = settings.overrides;
  const Scenario s = load_scenario(c.scenario_ref, load);
  std::vector<std::size_t> index;
  for (const auto& o : c.observations) {
    std::size_t k = 0;
    while (k < s.objectives.size() && s.objectives[k].id != o.objective) ++k;
    if (k == s.objectives.size())
      throw InputError(Diagnostic{o.where, "objective",
                                  "unknown objective '" + o.objective + "' in " + c.scenario});
    index.push_back(k);
  }
  const double horizon = s.params.horizon_days * 24;
  for (const auto& o : c.observations)
    if ((o.held ? o.horizon_days * 24 : o.hours) > horizon)
      throw InputError(Diagnostic{o.where, "objective",
                                  "case " + c.id + ": the observed window is past the horizon of " +
                                      std::to_string(horizon) + " h (after --set)"});
  std::vector<std::vector<double>> hours(c.observations.size());
  for (auto& h : hours) h.reserve(settings.replications);
  mc::RunConfig config;
  config.seed = settings.seed;
  config.replications = settings.replications;
  config.threads = settings.threads;
  config.on_outcome = [&](const Outcome& outcome) {
    for (std::size_t i = 0; i < index.size(); ++i) {
      const double h = outcome.objective_hour[index[i]];
      hours[i].push_back(h < 0 ? kNeverHours : h);
    }
  };
  mc::run(s, config);
  CaseResult result;
  result.case_id = c.id;
  result.scenario_hash = s.hash;
  for (std::size_t i = 0; i < c.observations.size(); ++i)
    result.observations.push_back(
        score_observation(c.observations[i], c, std::move(hours[i]), horizon));
  return result;
}

std::vector<GridParameter> load_grid(const std::string& path) {
  const TextFile file = read_text(path);
  DiagnosticSink sink;
  const doc::Node root = parse_document(file, sink);
  Reader r(sink);
  std::vector<GridParameter> grid;
  if (!r.is_map(root, "")) sink.throw_if_any();
  r.allow_keys(root, "", {"parameters"});
  const doc::Node* list = r.required(root, "parameters", "");
  if (list && (!list->is_seq() || list->seq.empty()))
    r.error(*list, "parameters", "must be a non-empty list");
  double points = 1;
  for (std::size_t i = 0; list && list->is_seq() && i < list->seq.size(); ++i) {
    const doc::Node& n = list->seq[i];
    const std::string at = "parameters[" + std::to_string(i) + "]";
    if (!r.is_map(n, at)) continue;
    r.allow_keys(n, at, {"path", "values"});
    GridParameter p;
    r.text(r.required(n, "path", at), at + ".path", p.path);
    const doc::Node* values = r.required(n, "values", at);
    if (values && (!values->is_seq() || values->seq.empty()))
      r.error(*values, at + ".values", "must be a non-empty list");
    for (std::size_t k = 0; values && values->is_seq() && k < values->seq.size(); ++k) {
      const doc::Node& v = values->seq[k];
      if (!v.is_scalar()) {
        r.error(v, at + ".values[" + std::to_string(k) + "]", "must be a scalar");
        continue;
      }
      p.values.push_back(v.quoted ? "\"" + v.scalar + "\"" : v.scalar);
    }
    points *= std::max<std::size_t>(p.values.size(), 1);
    grid.push_back(std::move(p));
  }
  if (list && points > kMaxGridPoints)
    r.error(*list, "parameters",
            "the full factorial has " + std::to_string(static_cast<long long>(points)) +
                " points; the limit is " + std::to_string(kMaxGridPoints));
  sink.throw_if_any();
  return grid;
}

std::vector<std::vector<std::string>> grid_points(const std::vector<GridParameter>& grid) {
  std::vector<std::vector<std::string>> points{{}};
  for (const auto& p : grid) {
    std::vector<std::vector<std::string>> next;
    for (const auto& base : points)
      for (const auto& v : p.values) {
        next.push_back(base);
        next.back().push_back(p.path + "=" + v);
      }
    points = std::move(next);
  }
  return points;
}

FitResult select_leave_one_out(const std::vector<std::vector<CaseResult>>& table) {
  if (table.empty() || table[0].empty())
    throw std::invalid_argument("select_leave_one_out: empty results table");
  const std::size_t points = table.size(), cases = table[0].size();
  std::vector<std::vector<double>> loss(points, std::vector<double>(cases));
  FitResult fit;
  fit.point_loss.assign(points, 0);
  for (std::size_t p = 0; p < points; ++p) {
    if (table[p].size() != cases)
      throw std::invalid_argument("select_leave_one_out: ragged results table");
    for (std::size_t c = 0; c < cases; ++c) {
      loss[p][c] = case_loss(table[p][c].observations);
      fit.point_loss[p] += loss[p][c];
    }
  }
  auto best = [&](auto&& training_loss) {
    std::size_t chosen = 0;
    for (std::size_t p = 1; p < points; ++p)
      if (training_loss(p) < training_loss(chosen)) chosen = p;
    return chosen;
  };
  fit.in_sample_best = best([&](std::size_t p) { return fit.point_loss[p]; });
  std::vector<ObservationResult> in_sample, held_out;
  for (std::size_t c = 0; c < cases; ++c) {
    const auto& at_best = table[fit.in_sample_best][c].observations;
    in_sample.insert(in_sample.end(), at_best.begin(), at_best.end());
    LooRow row;
    row.case_id = table[0][c].case_id;
    // Summed afresh rather than total minus this case, so ties stay exact ties.
    auto without_c = [&](std::size_t p) {
      double total = 0;
      for (std::size_t k = 0; k < cases; ++k)
        if (k != c) total += loss[p][k];
      return total;
    };
    row.chosen_point = best(without_c);
    row.training_loss = without_c(row.chosen_point);
    row.held_out_loss = loss[row.chosen_point][c];
    row.held_out = table[row.chosen_point][c].observations;
    held_out.insert(held_out.end(), row.held_out.begin(), row.held_out.end());
    fit.loo.push_back(std::move(row));
  }
  fit.in_sample_summary = summarise(in_sample);
  fit.loo_summary = summarise(held_out);
  return fit;
}

FitRun run_fit(const std::vector<CampaignCase>& cases, const std::vector<GridParameter>& grid,
               const RunSettings& settings,
               const std::function<void(std::size_t, std::size_t, const std::string&)>& progress) {
  std::vector<const CampaignCase*> calibration;
  for (const auto& c : cases)
    if (c.role == "calibration") calibration.push_back(&c);
  if (calibration.empty())
    throw InputError(Diagnostic{{}, "--fit", "no calibration case among the manifests' cases"});
  FitRun run;
  run.points = grid_points(grid);
  for (std::size_t p = 0; p < run.points.size(); ++p) {
    RunSettings at_point = settings;
    // The grid's values come after the user's --set, so they win on the same path.
    at_point.overrides.insert(at_point.overrides.end(), run.points[p].begin(), run.points[p].end());
    std::vector<CaseResult> row;
    for (const CampaignCase* c : calibration) {
      if (progress) progress(p, run.points.size(), c->id);
      row.push_back(run_case(*c, at_point));
    }
    run.table.push_back(std::move(row));
  }
  run.result = select_leave_one_out(run.table);
  return run;
}

}  // namespace flank::history
