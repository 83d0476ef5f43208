// `flank validate battles FILE.csv`: predicts battle outcomes from pre-battle information with
// the engine's Dupuy model and scores them against history and baselines
// (src/flank/combat/calibrate.hpp, docs/validation.md).
// `flank validate campaigns [MANIFEST...]`: runs the historical campaign cases and scores the
// model's objective hours against the observed ones, optionally with a leave-one-case-out fit
// over a parameter grid (src/flank/history/campaigns.hpp, docs/validation.md).
#include <cmath>
#include <cstdio>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "command.hpp"
#include "flank/combat/calibrate.hpp"
#include "flank/core/atomic_file.hpp"
#include "flank/core/error.hpp"
#include "flank/history/battles.hpp"
#include "flank/history/campaigns.hpp"
#include "flank/history/csv.hpp"

namespace {

using flank::combat::ValidationResult;

struct Options {
  std::string file;
  std::string format;  // cdb90, flank, or empty for auto-detection
  bool refit = false;
  int folds = 10;
  bool folds_set = false;  // given on the command line (the default 10 may exceed a small table)
  std::uint64_t seed = 1;
  bool json = false;
  bool markdown = false;
  std::string factors;  // comma-separated CDB90 CEV factors for --refit
  std::string write_calibration;
  std::string predictions;  // CSV of per-battle predictions ('-' = stdout)
};

std::string shell_line(const char* cmd) {
  std::string out;
  if (FILE* p = popen(cmd, "r")) {
    char buf[128];
    while (fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

nlohmann::json score_json(const flank::combat::ScoreSet& s) {
  return {{"n", s.n}, {"accuracy", s.accuracy}, {"brier", s.brier}, {"log_loss", s.log_loss}};
}

nlohmann::json error_json(const flank::combat::ErrorSet& e) {
  auto v = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
  return {
      {"n", e.n}, {"median_abs_error", v(e.model)}, {"baseline_median_abs_error", v(e.baseline)}};
}

// Dupuy's verity: a WWII division in an engagement loses 1-3 % a day. The calibrated rates at
// parity for a 15,000-strong division in the base era (1940+) are checked against it.
struct DivisionRule {
  double attacker = 0, defender = 0;
  bool attacker_inside = false, defender_inside = false;
};

DivisionRule division_rule(const flank::combat::DupuyCalibration& c) {
  const flank::combat::DupuyModel m(c);
  DivisionRule d;
  d.attacker = m.att_rate_per_day(1.0, 15000);
  d.defender = m.def_rate_per_day(1.0, 15000);
  d.attacker_inside = d.attacker >= 0.01 && d.attacker <= 0.03;
  d.defender_inside = d.defender >= 0.01 && d.defender <= 0.03;
  return d;
}

void print_division_rule(const DivisionRule& d) {
  std::printf(
      "division-rule check (R = 1, 15,000 each, 1940+): attacker %.2f %%/day (%s), "
      "defender %.2f %%/day (%s) against Dupuy's 1–3 %%/day\n",
      100 * d.attacker, d.attacker_inside ? "inside" : "OUTSIDE", 100 * d.defender,
      d.defender_inside ? "inside" : "OUTSIDE");
}

void print_text(const ValidationResult& r, const Options& o, const std::string& format) {
  std::printf("flank validate battles: %s (%s format) — %d battles, %d with strengths\n",
              o.file.c_str(), format.c_str(), r.battles, r.predicted);
  std::printf("%s\n", r.refit ? ("cross-validated refit: " + std::to_string(r.folds) +
                                 " folds, seed " + std::to_string(r.seed) +
                                 "; every battle predicted by a fit that never saw it")
                                    .c_str()
                              : "shipped calibration (data/calibration/dupuy.yaml); baselines "
                                "cross-validated on the same folds");
  if (!r.refit && o.file.find("cdb90_battles_flat") != std::string::npos)
    std::printf(
        "note: IN SAMPLE — the shipped calibration was fitted on this file; --refit gives "
        "out-of-sample figures\n");
  std::printf("winner (%d battles with a winner; %d draws excluded):\n", r.winner.n,
              r.draws_excluded);
  std::printf("  %-28s %9s %7s %9s\n", "", "accuracy", "Brier", "log-loss");
  auto row = [](const char* name, const flank::combat::ScoreSet& s) {
    std::printf("  %-28s %8.1f%% %7.3f %9.3f\n", name, 100 * s.accuracy, s.brier, s.log_loss);
  };
  row("Dupuy model", r.winner);
  row("always attacker", r.always_attacker);
  row("troop-ratio-only logistic", r.troop_ratio);
  std::printf("calibration (predicted attacker-win probability):\n");
  std::printf("  %-10s %6s %10s %9s\n", "bin", "n", "predicted", "observed");
  for (const auto& b : r.calibration)
    if (b.n > 0)
      std::printf("  %.1f–%.1f   %6d %10.3f %9.3f\n", b.lo, b.hi, b.n, b.mean_predicted,
                  b.observed);
  std::printf("casualties and advance (median absolute error; baseline = training median):\n");
  std::printf("  %-34s %6s %8s %9s\n", "", "n", "model", "baseline");
  auto err = [](const char* name, const flank::combat::ErrorSet& e) {
    std::printf("  %-34s %6d %8.3f %9.3f\n", name, e.n, e.model, e.baseline);
  };
  err("ln attacker casualty fraction", r.att_log_fraction);
  err("ln defender casualty fraction", r.def_log_fraction);
  err("advance (km/day)", r.advance_km_per_day);
}

void print_markdown(const ValidationResult& r) {
  std::printf(
      "Battles: %d; predicted (strengths known): %d; with a winner: %d; draws excluded "
      "from winner metrics: %d. %s\n\n",
      r.battles, r.predicted, r.winner.n, r.draws_excluded,
      r.refit ? ("Out of sample: " + std::to_string(r.folds) + "-fold cross-validation, seed " +
                 std::to_string(r.seed) + ".")
                    .c_str()
              : "Shipped calibration; baselines cross-validated.");
  std::printf("| predictor | accuracy | Brier | log-loss |\n|---|---|---|---|\n");
  auto row = [](const char* name, const flank::combat::ScoreSet& s) {
    std::printf("| %s | %.1f %% | %.3f | %.3f |\n", name, 100 * s.accuracy, s.brier, s.log_loss);
  };
  row("Dupuy model (flank)", r.winner);
  row("always attacker", r.always_attacker);
  row("troop-ratio-only logistic", r.troop_ratio);
  std::printf(
      "\n| predicted P(attacker wins) | battles | mean predicted | observed |\n"
      "|---|---|---|---|\n");
  for (const auto& b : r.calibration)
    std::printf("| %.1f–%.1f | %d | %.3f | %.3f |\n", b.lo, b.hi, b.n, b.mean_predicted,
                b.observed);
  std::printf(
      "\n| quantity (median absolute error) | battles | model | baseline (training median) |\n"
      "|---|---|---|---|\n");
  auto err = [](const char* name, const flank::combat::ErrorSet& e) {
    std::printf("| %s | %d | %.3f | %.3f |\n", name, e.n, e.model, e.baseline);
  };
  err("ln attacker casualty fraction", r.att_log_fraction);
  err("ln defender casualty fraction", r.def_log_fraction);
  err("advance rate (km/day)", r.advance_km_per_day);
}

int run(const Options& o) {
  if (o.folds < 2)
    throw flank::InputError(flank::Diagnostic{{}, "--folds", "need at least 2 folds"});
  const auto table = flank::history::CsvTable::load(o.file);
  std::string format = o.format;
  if (format.empty()) format = table.has("isqno") ? "cdb90" : "flank";
  if (format != "cdb90" && format != "flank")
    throw flank::InputError(
        flank::Diagnostic{{}, "--format", "unknown format '" + format + "' (cdb90 or flank)"});
  const auto battles =
      flank::history::read_battles(table, format == "cdb90" ? flank::history::BattleFormat::Cdb90
                                                            : flank::history::BattleFormat::Flank);
  // Scores and cross-validation need two battles at least (0 or 1 crashed with SIGSEGV), and
  // each fold needs one.
  if (battles.size() < 2)
    throw flank::InputError(
        flank::Diagnostic{{o.file, 0, 0},
                          "",
                          "the table has " + std::to_string(battles.size()) +
                              " usable battle(s); validation needs at least 2"});
  if (o.folds_set && static_cast<std::size_t>(o.folds) > battles.size())
    throw flank::InputError(flank::Diagnostic{{o.file, 0, 0},
                                              "--folds",
                                              std::to_string(o.folds) + " folds for " +
                                                  std::to_string(battles.size()) +
                                                  " battles; at most one fold per battle"});
  const auto& shipped = flank::combat::shipped_calibration();
  auto options = flank::combat::options_from(shipped);
  if (!o.factors.empty()) {
    options.cev_factors = {};
    std::stringstream ss(o.factors);
    std::string name;
    while (std::getline(ss, name, ',')) {
      if (name.empty() || name == "none") continue;
      int f = 0;
      while (f < flank::history::kQualityFactors && name != flank::history::kQualityFactorNames[f])
        ++f;
      if (f == flank::history::kQualityFactors)
        throw flank::InputError(flank::Diagnostic{
            {},
            "--factors",
            "unknown factor '" + name +
                "' (cea, leada, trnga, morala, logsa, momnta, intela, techa, inita, none)"});
      options.cev_factors[f] = true;
    }
  }
  if (!o.write_calibration.empty() && !o.refit)
    throw flank::InputError(flank::Diagnostic{
        {}, "--write-calibration", "needs --refit (the metrics stored are out of sample)"});
  const ValidationResult r =
      flank::combat::validate(battles, shipped, o.refit, o.folds, o.seed, options);

  if (!o.write_calibration.empty()) {
    const auto final_fit = flank::combat::fit_calibration(battles, options);
    char date[32];
    const std::time_t now = std::time(nullptr);
    std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
    const std::string commit = shell_line("git rev-parse --short HEAD 2>/dev/null");
    flank::write_file_atomically(
        o.write_calibration, flank::combat::calibration_yaml(final_fit, r, o.file, date, commit));
  }

  if (!o.predictions.empty()) {
    // Per-battle predictions from the shipped calibration (or, with --refit, the full-data
    // fit): the tool's use on new battles, which may have no outcome columns at all.
    const flank::combat::DupuyModel model(o.refit ? flank::combat::fit_calibration(battles, options)
                                                  : shipped);
    std::ostringstream csv;
    csv << "id,force_ratio,p_attacker_wins,att_casualty_fraction,def_casualty_fraction,"
           "advance_km_per_day,expected_duration_days\n";
    for (const auto& b : battles) {
      const auto p = flank::combat::predict(model, b);
      csv << b.id;
      if (p.valid) {
        char line[256];
        std::snprintf(line, sizeof line, ",%.6g,%.6g,%.6g,%.6g,%.6g,%.6g\n", p.force_ratio,
                      p.win_probability, p.att_fraction, p.def_fraction, p.advance_km_per_day,
                      p.duration_days);
        csv << line;
      } else {
        csv << ",,,,,,\n";
      }
    }
    if (o.predictions == "-") {
      std::fputs(csv.str().c_str(), stdout);
      return 0;
    }
    flank::write_file_atomically(o.predictions, csv.str());
  }
  const DivisionRule rule =
      division_rule(o.refit ? flank::combat::fit_calibration(battles, options) : shipped);
  if (o.json) {
    nlohmann::json j;
    j["division_rule"] = {{"attacker_rate_per_day", rule.attacker},
                          {"defender_rate_per_day", rule.defender},
                          {"attacker_inside_1_3_percent", rule.attacker_inside},
                          {"defender_inside_1_3_percent", rule.defender_inside}};
    j["file"] = o.file;
    j["format"] = format;
    j["mode"] = o.refit ? "refit" : "shipped";
    j["folds"] = r.folds;
    j["seed"] = r.seed;
    j["battles"] = r.battles;
    j["predicted"] = r.predicted;
    j["draws_excluded"] = r.draws_excluded;
    j["winner"] = score_json(r.winner);
    for (const auto& b : r.calibration)
      j["winner"]["calibration"].push_back({{"lo", b.lo},
                                            {"hi", b.hi},
                                            {"n", b.n},
                                            {"mean_predicted", b.mean_predicted},
                                            {"observed", b.observed}});
    j["baselines"]["always_attacker"] = score_json(r.always_attacker);
    j["baselines"]["troop_ratio_logistic"] = score_json(r.troop_ratio);
    j["casualties"]["attacker_log_fraction"] = error_json(r.att_log_fraction);
    j["casualties"]["defender_log_fraction"] = error_json(r.def_log_fraction);
    j["advance"]["km_per_day"] = error_json(r.advance_km_per_day);
    std::printf("%s\n", j.dump(2).c_str());
  } else if (o.markdown) {
    print_markdown(r);
    if (!r.refit && o.file.find("cdb90_battles_flat") != std::string::npos)
      std::printf("\nIn sample: the shipped calibration was fitted on this file.\n");
    std::printf("\n");
    print_division_rule(rule);
  } else {
    print_text(r, o, format);
    print_division_rule(rule);
  }
  return 0;
}

// --- flank validate campaigns ---------------------------------------------------------------

struct CampaignOptions {
  std::vector<std::string> manifests;
  flank::history::RunSettings settings;
  std::string json_file, grid_file;
  bool quiet = false;
};

nlohmann::json number_or_null(double x) {
  return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
}

// 64-bit hashes are 16 hex digits in JSON (docs/formats.md conventions).
std::string hash_hex(std::uint64_t h) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string hours_text(double h) {
  if (std::isnan(h)) return "-";
  if (std::isinf(h)) return "never";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f h", h);
  return buf;
}

std::string observed_text(const flank::history::ObservationResult& r) {
  if (!r.held) return hours_text(r.observed_hours);
  char buf[48];
  std::snprintf(buf, sizeof buf, "held %.0f d", r.horizon_hours / 24);
  return buf;
}

std::string ratio_text(double ratio) {
  if (std::isnan(ratio)) return "-";
  if (std::isinf(ratio)) return "inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", ratio);
  return buf;
}

void print_observation_rows(const std::vector<flank::history::ObservationResult>& rows) {
  std::printf("%-5s %-20s %11s %11s %24s %6s %6s  %s\n", "case", "objective", "observed",
              "model med", "fell: median [5-95 %]", "P", "ratio", "flags");
  for (const auto& r : rows) {
    const std::string band = hours_text(r.median_hours) + " [" + hours_text(r.q05_hours) + " - " +
                             hours_text(r.q95_hours) + "]";
    std::string flags = r.within_factor ? "within 1.5" : "";
    if (r.wrong_in_kind) flags += "WRONG IN KIND";
    std::printf("%-5s %-20s %11s %11s %24s %6.2f %6s  %s\n", r.case_id.c_str(), r.objective.c_str(),
                observed_text(r).c_str(), hours_text(r.unconditional_median_hours).c_str(),
                band.c_str(), r.p_achieved, ratio_text(r.ratio).c_str(), flags.c_str());
  }
}

void print_summary(const char* title, const flank::history::ValidationSummary& s) {
  std::printf(
      "%s: %d cases, %d observations (%d timed); within factor 1.5: %d/%d (%.0f %%); median "
      "|log ratio| %s; wrong in kind: %d\n",
      title, s.cases, s.observations, s.timed, s.within, s.timed,
      std::isfinite(s.share_within) ? 100 * s.share_within : 0.0,
      std::isinf(s.median_abs_log_ratio)
          ? "inf"
          : std::to_string(s.median_abs_log_ratio).substr(0, 5).c_str(),
      s.wrong_in_kind);
}

nlohmann::json observation_json(const flank::history::ObservationResult& r) {
  nlohmann::json observed = r.held
                                ? nlohmann::json{{"held", true}, {"horizon_hours", r.horizon_hours}}
                                : nlohmann::json{{"held", false}, {"hours", r.observed_hours}};
  return {{"case", r.case_id},
          {"objective", r.objective},
          {"source", r.source},
          {"observed", observed},
          {"model",
           {{"replications", r.replications},
            {"achieved", r.achieved},
            {"p_achieved", r.p_achieved},
            {"horizon_hours", r.horizon_hours},
            {"median_hours", number_or_null(r.median_hours)},
            {"q05_hours", number_or_null(r.q05_hours)},
            {"q95_hours", number_or_null(r.q95_hours)},
            {"unconditional_median_hours", number_or_null(r.unconditional_median_hours)}}},
          {"ratio", number_or_null(r.ratio)},
          {"within_factor_1_5", r.within_factor},
          {"wrong_in_kind", r.wrong_in_kind}};
}

nlohmann::json summary_json(const flank::history::ValidationSummary& s) {
  return {{"cases", s.cases},
          {"observations", s.observations},
          {"timed_observations", s.timed},
          {"within_factor_1_5", s.within},
          {"share_within_factor_1_5", number_or_null(s.share_within)},
          {"median_abs_log_ratio", number_or_null(s.median_abs_log_ratio)},
          {"wrong_in_kind", s.wrong_in_kind}};
}

std::string point_text(const std::vector<std::string>& overrides) {
  std::string out;
  for (const auto& o : overrides) out += (out.empty() ? "" : " ") + o;
  return out.empty() ? "(no overrides)" : out;
}

int run_campaigns(CampaignOptions o) {
  using namespace flank::history;
  if (o.settings.replications == 0)
    throw flank::InputError(flank::Diagnostic{{}, "-n", "need at least 1 replication"});
  if (o.settings.threads < 0)
    throw flank::InputError(
        flank::Diagnostic{{}, "--threads", "the thread count must be 0 (all) or more"});
  if (o.manifests.empty()) o.manifests = default_manifests();
  if (o.manifests.empty())
    throw flank::InputError(
        flank::Diagnostic{{}, "manifest", "no scenarios/history/*.cases.yaml found"});
  const auto cases = load_manifests(o.manifests);
  std::vector<GridParameter> grid;
  if (!o.grid_file.empty()) grid = load_grid(o.grid_file);  // fail early, before any run

  std::vector<ObservationResult> rows;
  nlohmann::json json_cases = nlohmann::json::array();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    if (!o.quiet)
      std::fprintf(stderr, "flank validate campaigns: %s (%zu/%zu) %s\n", c.id.c_str(), i + 1,
                   cases.size(), c.scenario.c_str());
    const CaseResult r = run_case(c, o.settings);
    nlohmann::json jc = {{"id", c.id},
                         {"manifest", c.manifest},
                         {"scenario", c.scenario},
                         {"role", c.role},
                         {"confidence", c.confidence},
                         {"scenario_hash", hash_hex(r.scenario_hash)},
                         {"observations", nlohmann::json::array()}};
    for (const auto& obs : r.observations) jc["observations"].push_back(observation_json(obs));
    json_cases.push_back(std::move(jc));
    rows.insert(rows.end(), r.observations.begin(), r.observations.end());
  }
  const ValidationSummary summary = summarise(rows);
  const bool json_to_stdout = o.json_file == "-";
  if (!json_to_stdout) {
    std::printf("flank validate campaigns: %zu cases, %llu replications each, seed %llu%s\n",
                cases.size(), static_cast<unsigned long long>(o.settings.replications),
                static_cast<unsigned long long>(o.settings.seed),
                o.settings.overrides.empty()
                    ? ""
                    : (", --set " + point_text(o.settings.overrides)).c_str());
    print_observation_rows(rows);
    print_summary("summary", summary);
  }
  nlohmann::json j = {{"manifests", o.manifests}, {"replications", o.settings.replications},
                      {"seed", o.settings.seed},  {"overrides", o.settings.overrides},
                      {"cases", json_cases},      {"summary", summary_json(summary)}};

  if (!grid.empty()) {
    const FitRun fit =
        run_fit(cases, grid, o.settings, [&](std::size_t p, std::size_t n, const std::string& id) {
          if (!o.quiet)
            std::fprintf(stderr, "flank validate campaigns: fit point %zu/%zu, %s\n", p + 1, n,
                         id.c_str());
        });
    const FitResult& f = fit.result;
    nlohmann::json jf = {{"grid", o.grid_file}, {"loss_wrong_in_kind", kWrongInKindLoss}};
    for (std::size_t p = 0; p < fit.points.size(); ++p)
      jf["points"].push_back(
          {{"index", p}, {"overrides", fit.points[p]}, {"loss", f.point_loss[p]}});
    jf["in_sample_best"] = {{"index", f.in_sample_best},
                            {"overrides", fit.points[f.in_sample_best]},
                            {"loss", f.point_loss[f.in_sample_best]},
                            {"summary", summary_json(f.in_sample_summary)}};
    for (const auto& row : f.loo) {
      nlohmann::json jr = {{"case", row.case_id},
                           {"chosen_point", row.chosen_point},
                           {"overrides", fit.points[row.chosen_point]},
                           {"training_loss", row.training_loss},
                           {"held_out_loss", row.held_out_loss}};
      for (const auto& obs : row.held_out) jr["held_out"].push_back(observation_json(obs));
      jf["loo"].push_back(std::move(jr));
    }
    jf["loo_summary"] = summary_json(f.loo_summary);
    j["fit"] = std::move(jf);
    if (!json_to_stdout) {
      std::printf("\nleave-one-case-out fit: %zu grid points x %zu calibration cases (%s)\n",
                  fit.points.size(), fit.table.empty() ? 0 : fit.table[0].size(),
                  o.grid_file.c_str());
      for (std::size_t p = 0; p < fit.points.size(); ++p)
        std::printf("  point %-3zu loss %8.3f  %s%s\n", p, f.point_loss[p],
                    point_text(fit.points[p]).c_str(),
                    p == f.in_sample_best ? "  <- in-sample best" : "");
      print_summary("in-sample best", f.in_sample_summary);
      std::printf("%-5s %6s %10s %10s  %s\n", "case", "point", "train", "held-out",
                  "chosen on the other cases");
      for (const auto& row : f.loo)
        std::printf("%-5s %6zu %10.3f %10.3f  %s\n", row.case_id.c_str(), row.chosen_point,
                    row.training_loss, row.held_out_loss,
                    point_text(fit.points[row.chosen_point]).c_str());
      std::vector<ObservationResult> held_out;
      for (const auto& row : f.loo)
        held_out.insert(held_out.end(), row.held_out.begin(), row.held_out.end());
      print_observation_rows(held_out);
      print_summary("leave-one-case-out", f.loo_summary);
    }
  }
  if (json_to_stdout)
    std::printf("%s\n", j.dump(2).c_str());
  else if (!o.json_file.empty())
    flank::write_file_atomically(o.json_file, j.dump(2) + "\n");
  return 0;
}

flank::cli::Register reg{
    {"validate", [](CLI::App& app) {
       auto o = std::make_shared<Options>();
       auto* sub = app.add_subcommand("validate", "Validate the combat model against history");
       sub->require_subcommand(1);
       auto* battles = sub->add_subcommand(
           "battles", "Predict battle outcomes from pre-battle data and score them");
       battles->add_option("file", o->file, "battle table (CDB90 flat file or flank format)")
           ->required();
       battles->add_option("--format", o->format, "cdb90 or flank (default: detected)");
       battles->add_flag("--refit", o->refit,
                         "K-fold cross-validated fresh fit on this file instead of the shipped "
                         "calibration");
       battles->add_option("--folds", o->folds, "cross-validation folds")
           ->check(flank::cli::count_check(2, flank::kMaxFolds))
           ->each([o](const std::string&) { o->folds_set = true; })
           ->capture_default_str();
       battles->add_option("--seed", o->seed, "seed of the fold assignment")
           ->check(flank::cli::seed_check())
           ->capture_default_str();
       battles->add_option("--factors", o->factors,
                           "CDB90 CEV factors for --refit, comma-separated (default: the "
                           "shipped calibration's)");
       battles
           ->add_option("--write-calibration", o->write_calibration,
                        "with --refit: write the full-data fit and CV metrics as YAML")
           ->check(flank::cli::output_path_check());
       battles
           ->add_option("--predictions", o->predictions,
                        "write per-battle predictions as CSV to FILE ('-' = stdout, instead "
                        "of the scores)")
           ->check(flank::cli::output_path_check());
       battles->add_flag("--json", o->json, "Print JSON");
       battles->add_flag("--markdown", o->markdown, "Print Markdown tables");
       auto c = std::make_shared<CampaignOptions>();
       auto* campaigns = sub->add_subcommand(
           "campaigns", "Run the historical campaign cases and score objective hours");
       campaigns->add_option("manifest", c->manifests,
                             "case manifests (default: scenarios/history/*.cases.yaml)");
       campaigns->add_option("-n,--replications", c->settings.replications, "replications per case")
           ->check(flank::cli::replications_check())
           ->capture_default_str();
       campaigns->add_option("--seed", c->settings.seed, "random seed")
           ->check(flank::cli::seed_check())
           ->capture_default_str();
       campaigns->add_option("--threads", c->settings.threads, "worker threads (0 = all cores)")
           ->check(flank::cli::threads_check());
       campaigns->add_option("--set", c->settings.overrides,
                             "override in every case scenario: PATH=VALUE (repeatable)");
       campaigns
           ->add_option("--json", c->json_file, "write the results as JSON to FILE ('-' = stdout)")
           ->check(flank::cli::output_path_check());
       campaigns->add_option("--fit", c->grid_file,
                             "leave-one-case-out fit over the parameter grid in GRID.yaml");
       campaigns->add_flag("--quiet,-q", c->quiet, "no progress on stderr");
       return [o, c, campaigns] { return campaigns->parsed() ? run_campaigns(*c) : run(*o); };
     }}};

}  // namespace
