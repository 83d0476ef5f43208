#include "flank/combat/combat.hpp"

#include <algorithm>
#include <cmath>

#include "flank/combat/dupuy.hpp"
#include "flank/combat/lanchester.hpp"
#include "flank/core/error.hpp"

namespace flank::combat {
namespace {

// Lanchester kernels as engine models. Power maps to the kernel this way: both sides start
// the step at normalised strength 1 (x = A/A0, y = D/D0) and the modified power ratio R
// (computed exactly as the Dupuy model does: posture, terrain, river, surprise, air, noise)
// sets the coefficients, so the laws are scale-free:
//   x' = −k_att · R^(−w)  · x^p · y^q,   w  = (1 + q − p)/2
//   y' = −k_def · R^(+wd) · y^pd · x^qd, wd = (1 + qd − pd)/2
// This is the law in power units, dP_A/dt = −c·P_A^p·P_D^q with c = k·(P_A0·P_D0)^((1−p−q)/2),
// rewritten for fractions: square law (w = 1) makes the loss ratio R², linear (w = ½) R, and
// logarithmic (w = 0) makes each side's losses independent of R. k_att and k_def are the
// calibrated Dupuy casualty rates at parity (R = 1) for the sides' personnel, so every model
// agrees with the Dupuy model in an even fight. Advance uses the Dupuy advance rate.
class LanchesterAdapter final : public CombatModel {
 public:
  LanchesterAdapter(std::string_view name, LawKind kind, const DupuyCalibration& cal)
      : name_(name), kind_(kind), dupuy_(cal) {
    const AttritionLaw law = AttritionLaw::of_kind(kind, 1, 1, cal.helmbold_own, cal.helmbold_enemy,
                                                   cal.helmbold_own, cal.helmbold_enemy);
    p_ = law.p;
    q_ = law.q;
    w_ = (1 + law.q - law.p) / 2;
  }
  std::string_view name() const override { return name_; }
  EngagementResult resolve(const EngagementInput& in, const Parameters& prm) const override {
    EngagementResult r = dupuy_.resolve(in, prm);
    if (r.force_ratio <= 0) return r;
    const double k_att = dupuy_.att_rate_per_day(1.0, in.att_personnel);
    const double k_def = dupuy_.def_rate_per_day(1.0, in.def_personnel);
    const AttritionLaw law{kind_,
                           k_att * std::pow(r.force_ratio, -w_),
                           k_def * std::pow(r.force_ratio, w_),
                           p_,
                           q_,
                           p_,
                           q_};
    const ForceState end = advance(law, {1.0, 1.0}, in.hours / 24.0);
    r.att_loss_fraction = std::clamp(1.0 - end.att, 0.0, 1.0);
    r.def_loss_fraction = std::clamp(1.0 - end.def, 0.0, 1.0);
    return r;
  }

 private:
  std::string_view name_;
  LawKind kind_;
  DupuyModel dupuy_;
  double p_ = 0, q_ = 1, w_ = 1;
};

struct Entry {
  std::string_view name;
  bool lanchester;
  LawKind kind;
};
constexpr Entry kModels[] = {
    {"dupuy", false, LawKind::Square},
    {"lanchester-square", true, LawKind::Square},
    {"lanchester-linear", true, LawKind::Linear},
    {"lanchester-log", true, LawKind::Logarithmic},
    {"helmbold", true, LawKind::Helmbold},
};

}  // namespace

std::unique_ptr<CombatModel> make_model(std::string_view name) {
  for (const Entry& e : kModels) {
    if (e.name != name) continue;
    if (!e.lanchester) return std::make_unique<DupuyModel>(shipped_calibration());
    return std::make_unique<LanchesterAdapter>(e.name, e.kind, shipped_calibration());
  }
  std::string known;
  for (const Entry& e : kModels) known += (known.empty() ? "" : ", ") + std::string(e.name);
  throw InputError(
      Diagnostic{{},
                 "combat_model",
                 "unknown combat model '" + std::string(name) + "' (known: " + known + ")"});
}

std::vector<std::string> model_names() {
  std::vector<std::string> names;
  for (const Entry& e : kModels) names.emplace_back(e.name);
  return names;
}

}  // namespace flank::combat
