#pragma once
// One interface for every combat model the engine can use. The engine aggregates the units
// on each side of an engagement into an EngagementInput and applies the result; models
// never see units, regions or random streams (noise comes in as multipliers), so they can
// be tested, fitted and validated on their own (see issue "combat models validated against
// history" and docs/validation.md).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "flank/scenario/scenario.hpp"

namespace flank::combat {

struct EngagementInput {
  double hours = 1;  // duration of this step
  double att_personnel = 0, def_personnel = 0;
  double att_power = 0, def_power = 0;  // combat power (scores × CEV × supply × morale), unmodified
  Posture def_posture = Posture::Hasty;
  Terrain terrain = Terrain::Mixed;
  bool urban = false;
  bool river = false;                           // attack crosses a river
  bool surprise = false;                        // attacker has surprise this step
  double att_air_power = 0, def_air_power = 0;  // close-support power added
  double att_armour_share = 0;          // share of attacker power from tanks/IFVs (advance rates)
  double att_noise = 1, def_noise = 1;  // lognormal multipliers drawn by the engine
};

struct EngagementResult {
  double att_loss_fraction = 0;  // of attacker personnel/power lost this step
  double def_loss_fraction = 0;
  double advance_km = 0;   // attacker advance this step (0 when held)
  double force_ratio = 0;  // modified ratio the model used (for reports)
};

class CombatModel {
 public:
  virtual ~CombatModel() = default;
  virtual std::string_view name() const = 0;
  virtual EngagementResult resolve(const EngagementInput& in, const Parameters& p) const = 0;
};

// Names: "dupuy" (calibrated default), "lanchester-square", "lanchester-linear",
// "lanchester-log", "helmbold". Throws InputError on an unknown name.
std::unique_ptr<CombatModel> make_model(std::string_view name);
std::vector<std::string> model_names();

}  // namespace flank::combat
