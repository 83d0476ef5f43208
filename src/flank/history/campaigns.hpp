#pragma once
// Campaign-level validation against history (docs/validation.md, "Campaign-level validation"):
// manifests `scenarios/history/*.cases.yaml` name a scenario per historical case and the
// hours at which named objectives fell (or that a defence held); the engine is run on each
// case and its objective hours are scored against the observed ones. A leave-one-case-out
// fit over a parameter grid shows how far a calibrated engine generalises across cases.
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "flank/core/error.hpp"

namespace flank::history {

// One observed fact about a case: objective `objective` fell at `hours` after the scenario's
// hour 0, or (held) it did not fall within `horizon_days`.
struct Observation {
  std::string objective;
  bool held = false;
  double hours = 0;         // when it fell (not held)
  double horizon_days = 0;  // held: required; fell: optional (0 = the scenario's horizon)
  std::string source;
  SourceLocation where;
};

struct CampaignCase {
  std::string id;
  std::string scenario_ref;  // what load_scenario() takes: a file path or builtin:<id>
  std::string scenario;      // as written in the manifest
  std::string role;          // calibration | validation
  std::string confidence;    // high | medium | low
  std::string note;
  std::string manifest;  // label of the manifest file
  std::vector<Observation> observations;
  SourceLocation where;
};

// Reads one manifest (a regular file of at most 16 MiB, or a file embedded under scenarios/
// when no such file exists on disk, or "<built-in>/scenarios/..."). Each case's scenario is
// loaded to check that the observed objectives exist. Throws InputError naming file, line
// and key for every problem found.
std::vector<CampaignCase> load_manifest(const std::string& path);
// Several manifests, in order; case ids must be unique across them.
std::vector<CampaignCase> load_manifests(const std::vector<std::string>& paths);
// The default set: scenarios/history/*.cases.yaml under `root` sorted by file name, or the
// embedded copies when that folder does not exist.
std::vector<std::string> default_manifests(const std::string& root = ".");

inline constexpr double kNeverHours = std::numeric_limits<double>::infinity();

// The model's answer for one observation, and how it compares.
struct ObservationResult {
  std::string case_id, objective, role, confidence, source;
  bool held = false;          // observed: the defence held
  double observed_hours = 0;  // observed fall (NaN when held)
  double horizon_hours = 0;   // the window P(achieved) counts over
  std::uint64_t replications = 0, achieved = 0;
  double p_achieved = 0;
  // Among replications where it fell within the horizon (NaN when it never did).
  double median_hours = 0, q05_hours = 0, q95_hours = 0;
  double unconditional_median_hours = 0;  // "never" counted as +inf (kNeverHours)
  double ratio = 0;                       // unconditional median / observed (NaN when held)
  bool within_factor = false;             // fell in history and 1/1.5 <= ratio <= 1.5
  bool wrong_in_kind = false;
};

inline constexpr double kWithinFactor = 1.5;

// Type-1 quantile (inverse empirical CDF: the smallest x with F(x) >= q) of sorted values,
// so that the median is finite exactly when at least half the values are.
double empirical_quantile(const std::vector<double>& sorted, double q);

// Scores one observation from the objective hours of each replication (kNeverHours when it
// never fell within the scenario's horizon).
ObservationResult score_observation(const Observation& observation, const CampaignCase& c,
                                    std::vector<double> hours, double scenario_horizon_hours);

struct ValidationSummary {
  int cases = 0, observations = 0;
  int timed = 0;   // observations of a fall (ratios are defined for these)
  int within = 0;  // of `timed`, within kWithinFactor
  double share_within = 0;
  double median_abs_log_ratio = 0;  // over `timed`; +inf when most are "never"
  int wrong_in_kind = 0;            // over all observations
};
ValidationSummary summarise(const std::vector<ObservationResult>& results);

// Loss of one observation for fitting: (log ratio)^2, or kWrongInKindLoss when wrong in kind;
// a held defence the model also holds costs 0.
inline constexpr double kWrongInKindLoss = 5.301898110478399;  // (ln 10)^2
double observation_loss(const ObservationResult& r);
double case_loss(const std::vector<ObservationResult>& case_results);

struct RunSettings {
  std::uint64_t replications = 200;
  std::uint64_t seed = 1;
  int threads = 0;
  std::vector<std::string> overrides;  // `--set` path=value, applied to every case scenario
};

struct CaseResult {
  std::string case_id;
  std::uint64_t scenario_hash = 0;
  std::vector<ObservationResult> observations;
};

// Runs the case's scenario (with the overrides) through the Monte Carlo runner and scores
// every observation. Independent of the thread count.
CaseResult run_case(const CampaignCase& c, const RunSettings& settings);

// --- Leave-one-case-out fit --------------------------------------------------------------

struct GridParameter {
  std::string path;
  std::vector<std::string> values;  // YAML scalars as written
};
inline constexpr std::size_t kMaxGridPoints = 256;
// `parameters: [{path: ..., values: [...]}, ...]`; full factorial, at most kMaxGridPoints.
std::vector<GridParameter> load_grid(const std::string& path);
// Every combination as override lists ("path=value"), the last parameter varying fastest.
std::vector<std::vector<std::string>> grid_points(const std::vector<GridParameter>& grid);

struct LooRow {
  std::string case_id;
  std::size_t chosen_point = 0;  // best on the other cases
  double training_loss = 0;      // of the chosen point on the other cases
  double held_out_loss = 0;
  std::vector<ObservationResult> held_out;  // the held-out case at the chosen point
};

struct FitResult {
  std::vector<double> point_loss;  // total loss per point over all cases
  std::size_t in_sample_best = 0;
  std::vector<LooRow> loo;
  ValidationSummary in_sample_summary;  // every case at in_sample_best
  ValidationSummary loo_summary;        // every case at its own held-out choice
};

// Pure selection over a results table `table[point][case]` (every row has the cases in the
// same order). Ties go to the lower point index. Needs at least one point and one case; with
// one case the LOO choice has no training data and falls back to point 0.
FitResult select_leave_one_out(const std::vector<std::vector<CaseResult>>& table);

// Runs every grid point on every calibration case once (the results table, held in memory),
// then selects. `progress(point, points, case_id)` is called before each run; may be empty.
struct FitRun {
  std::vector<std::vector<std::string>> points;  // overrides of each grid point
  std::vector<std::vector<CaseResult>> table;    // [point][calibration case]
  FitResult result;
};
FitRun run_fit(
    const std::vector<CampaignCase>& cases, const std::vector<GridParameter>& grid,
    const RunSettings& settings,
    const std::function<void(std::size_t, std::size_t, const std::string&)>& progress = {});

}  // namespace flank::history
