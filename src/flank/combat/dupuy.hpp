#pragma once
// A Dupuy-style combat-power model (after the QJM, Dupuy 1979/1985): P = S × V × CEV.
//
//   S   strength: personnel + w_tank·tanks + w_artillery·tubes (+ w_sortie·close-air sorties)
//   V   the product of environmental and operational variables: defender posture (Dupuy's
//       factors, from Parameters), terrain, river crossing, weather, surprise, air superiority
//   CEV relative combat effectiveness
//
// The power ratio R = P_att / P_def drives everything:
//   attacker win probability     σ(β0 + β1·ln R)                         (logistic link)
//   casualty fraction per day    att: exp(ca0 + ca_size·ln(N_att/1e4)) · R^(−ea)
//                                def: exp(cd0 + cd_size·ln(N_def/1e4)) · R^(+ed)
//   advance rate (km/day)        max(0, v0 + v1·P(win | R)) × terrain advance factor
//   expected battle length (days) exp(δ0 + δ1·ln((N_att+N_def)/1e4))  (history validation only)
// The free parameters are fitted on CDB90 (flank validate --refit) and stored, with their
// provenance and cross-validated metrics, in data/calibration/dupuy.yaml; make_model("dupuy")
// reads that embedded file once.
#include <array>
#include <cmath>
#include <string>
#include <string_view>

#include "flank/combat/combat.hpp"

namespace flank::combat {

struct DupuyCalibration {
  // Strength weights (personnel-equivalents per item).
  double w_tank = 0, w_artillery = 0, w_sortie = 0;
  // Multipliers on the attacker's power: per step of CDB90's −4..4 relative-effectiveness
  // score (cea), per level of surprise (−3..3), for theatre air superiority (±1), and for
  // wet weather.
  double cea_step = 1, surprise_step = 1, air_superiority = 1, wet_weather = 1;
  // CEV from CDB90's relative factor scores (history::QualityFactor order): the attacker's
  // relative CEV is Π cev_step[f]^score[f] over the factors in use.
  std::array<double, 9> cev_step{1, 1, 1, 1, 1, 1, 1, 1, 1};
  std::array<bool, 9> cev_used{};
  // Defender multipliers by terrain (flank's Terrain classes) and for an opposed river crossing
  // (history validation; the engine takes these from the scenario's Parameters).
  std::array<double, static_cast<int>(Terrain::Count)> terrain_defence{1, 1, 1, 1, 1, 1};
  double river = 1.5;
  // Dupuy's posture factors (attack, hasty, prepared, fortified, delay, withdrawal).
  std::array<double, static_cast<int>(Posture::Count)> posture{1.0, 1.3, 1.5, 1.6, 1.2, 1.15};
  // Links from ln R.
  double win_intercept = 0, win_slope = 1;
  double att_rate_log = std::log(0.02), att_rate_size = 0, att_rate_exponent = 0.5;
  double def_rate_log = std::log(0.02), def_rate_size = 0, def_rate_exponent = 0.5;
  double advance_intercept = 0, advance_slope = 4;
  double duration_intercept = 0, duration_slope = 0;
  // Era offsets (log scale) for battles before 1900 and 1900–1939 in the casualty-rate and
  // duration links; the engine uses the 1940+ base (offsets zero).
  std::array<double, 2> att_rate_era{0, 0}, def_rate_era{0, 0}, duration_era{0, 0},
      advance_era{0, 0};
  // Exponents the "helmbold" engine adapter uses (own, enemy) for both sides.
  double helmbold_own = 0.5, helmbold_enemy = 0.5;
  // Free text carried through for reports.
  std::string provenance;
};

// The shipped calibration (data/calibration/dupuy.yaml), parsed once and cached.
const DupuyCalibration& shipped_calibration();
// Parses a calibration document; `file` names it in diagnostics (InputError with line/column).
DupuyCalibration parse_calibration(std::string_view yaml, const std::string& file);

// What the model needs about one battle, in one place, for both the engine and validation.
struct PowerInputs {
  double att_strength = 0, def_strength = 0;  // S, already weighted
  double att_cev = 1, def_cev = 1;            // CEV (or relative CEV on the attacker side)
  double att_multiplier = 1;                  // surprise, air, weather
  double def_multiplier = 1;                  // posture × terrain × river
};

class DupuyModel final : public CombatModel {
 public:
  explicit DupuyModel(const DupuyCalibration& c) : cal_(c) {}
  std::string_view name() const override { return "dupuy"; }
  EngagementResult resolve(const EngagementInput& in, const Parameters& p) const override;

  const DupuyCalibration& calibration() const { return cal_; }
  double power_ratio(const PowerInputs& x) const {
    return (x.att_strength * x.att_cev * x.att_multiplier) /
           (x.def_strength * x.def_cev * x.def_multiplier);
  }
  double win_probability(double ratio) const;
  // Era index for the history offsets: 0 before 1900, 1 for 1900–1939, 2 (base) otherwise.
  static int era_of(double year) { return year < 1900 ? 0 : year < 1940 ? 1 : 2; }
  // Casualty fractions per day for each side at power ratio R and the given personnel.
  double att_rate_per_day(double ratio, double att_personnel, int era = 2) const;
  double def_rate_per_day(double ratio, double def_personnel, int era = 2) const;
  double advance_km_per_day(double ratio, int era = 2) const;
  double expected_duration_days(double total_personnel, int era = 2) const;

 private:
  DupuyCalibration cal_;
};

}  // namespace flank::combat
