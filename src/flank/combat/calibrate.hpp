#pragma once
// Calibrating and validating the Dupuy model on battle tables (CDB90 or flank format).
//
// Prediction uses pre-battle information only and goes through the engine's own path: the
// battle becomes an EngagementInput (power = S × CEV × surprise × air × weather multipliers;
// posture, terrain and river crossing as the engine applies them) and DupuyModel::resolve
// gives the force ratio; the calibrated links turn it into a win probability, casualty
// fractions (rate per day × expected duration) and an advance rate.
//
// Fitting (fit_calibration):
//  1. winner: ridge-penalised logistic regression of "attacker won" (draws excluded) on
//     ln R0 (troop-and-weapon ratio after Dupuy's fixed posture, terrain and river factors),
//     surprise level, air superiority, wet weather and the chosen CEV factor scores; tank,
//     artillery and sortie weights in S are chosen from a grid by penalised training
//     likelihood. A coefficient θ on a factor becomes a power multiplier exp(θ/β1), β1 being
//     the coefficient of ln R0, so that P(win) = σ(β0 + β1·ln R).
//  2. casualties: least squares of ln(daily rate) = ln(−ln(1 − f)/days) on ln R, ln(N/1e4)
//     and era indicators (before 1900, 1900–1939), per side.
//  3. duration: least squares of ln(days) on ln(total personnel/1e4) and era indicators.
//  4. advance: least absolute deviations (median regression) of km/day on the predicted win
//     probability and era
//     indicators (advance rates are heavy-tailed; the score is a median error).
// Cross-validation (validate with refit): K folds from a seeded shuffle; every prediction of
// a battle comes from a fit that never saw it. Baselines are fitted on the same folds.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "flank/combat/dupuy.hpp"
#include "flank/history/battles.hpp"

namespace flank::combat {

struct CalibrationOptions {
  // Fixed, not fitted: Dupuy's posture factors, terrain and river multipliers.
  DupuyCalibration fixed;
  std::array<bool, history::kQualityFactors> cev_factors{};  // CDB90 scores used in CEV
  double ridge = 1.0;  // L2 penalty on the logistic coefficients (not the intercept)
  std::vector<double> tank_weights{0, 5, 10, 20, 40};
  std::vector<double> artillery_weights{0, 5, 10, 20, 40};
  std::vector<double> sortie_weights{0, 2, 10};
};

// The factors the shipped calibration uses, as options for a refit.
CalibrationOptions options_from(const DupuyCalibration& c);

struct Prediction {
  bool valid = false;  // false when a strength is missing
  double force_ratio = 0;
  double win_probability = 0;
  double att_fraction = 0, def_fraction = 0;  // casualty fractions over the battle
  double advance_km_per_day = 0;
  double duration_days = 0;  // expected length used for the fractions
};

Prediction predict(const DupuyModel& model, const history::Battle& battle);

DupuyCalibration fit_calibration(std::span<const history::Battle> battles,
                                 const CalibrationOptions& options);

struct CalibrationBin {
  double lo = 0, hi = 0;
  int n = 0;
  double mean_predicted = 0, observed = 0;
};

struct ScoreSet {
  int n = 0;
  double accuracy = 0, brier = 0, log_loss = 0;
};

struct ErrorSet {
  int n = 0;
  double model = 0, baseline = 0;  // median absolute errors
};

struct ValidationResult {
  int battles = 0, predicted = 0, draws_excluded = 0;
  int folds = 0;
  std::uint64_t seed = 0;
  bool refit = false;
  ScoreSet winner, always_attacker, troop_ratio;
  std::vector<CalibrationBin> calibration;      // 5 bins of predicted probability
  ErrorSet att_log_fraction, def_log_fraction;  // |ln f̂ − ln f|
  ErrorSet advance_km_per_day;                  // |v̂ − v|
};

// `refit` false: scores `shipped` on every battle (baselines still cross-validated on the
// folds). `refit` true: K-fold cross-validated fresh fits with `options`.
ValidationResult validate(std::span<const history::Battle> battles, const DupuyCalibration& shipped,
                          bool refit, int folds, std::uint64_t seed,
                          const CalibrationOptions& options);

// The calibration document (data/calibration/dupuy.yaml) for `c`, with provenance and the
// cross-validated metrics.
std::string calibration_yaml(const DupuyCalibration& c, const ValidationResult& cv,
                             const std::string& data_file, const std::string& date,
                             const std::string& commit);

}  // namespace flank::combat
