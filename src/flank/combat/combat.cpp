#include "flank/combat/combat.hpp"

#include <algorithm>
#include <cmath>

#include "flank/core/error.hpp"

namespace flank::combat {
namespace {

// v0 Dupuy-style rate model, uncalibrated; the calibrated model replaces these constants.
class DupuyV0 final : public CombatModel {
 public:
  std::string_view name() const override { return "dupuy"; }
  EngagementResult resolve(const EngagementInput& in, const Parameters& p) const override {
    const double def_mod = p.posture_factor[static_cast<int>(in.def_posture)] *
                           p.terrain_defence[static_cast<int>(in.terrain)] *
                           (in.river ? p.river_crossing_factor : 1.0);
    const double att =
        (in.att_power + in.att_air_power) * (in.surprise ? p.surprise_factor : 1.0) * in.att_noise;
    const double def = (in.def_power + in.def_air_power) * def_mod * in.def_noise;
    EngagementResult r;
    if (att <= 0 || def <= 0) return r;
    r.force_ratio = att / def;
    const double day = in.hours / 24.0;
    r.att_loss_fraction = std::min(1.0, 0.03 * std::pow(r.force_ratio, -0.5) * day);
    r.def_loss_fraction = std::min(1.0, 0.03 * std::pow(r.force_ratio, 0.5) * day);
    if (r.force_ratio > 1.0)
      r.advance_km =
          4.0 * (r.force_ratio - 1.0) * p.terrain_advance[static_cast<int>(in.terrain)] * day;
    return r;
  }
};

}  // namespace

std::unique_ptr<CombatModel> make_model(std::string_view name) {
  if (name == "dupuy") return std::make_unique<DupuyV0>();
  throw InputError(
      Diagnostic{{}, "combat_model", "unknown combat model '" + std::string(name) + "'"});
}

std::vector<std::string> model_names() {
  return {"dupuy"};
}

}  // namespace flank::combat
