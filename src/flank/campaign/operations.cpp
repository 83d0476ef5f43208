#include "flank/campaign/operations.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace flank::campaign::ops {

namespace {
constexpr double kReferenceDensity = 1000;  // men/km at which prepared_hours applies
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

double hours_to_reach(const OperationalParams& p, DefenceClass target, double density) {
  if (target == DefenceClass::Screen || target == DefenceClass::Hasty) return 0;
  if (density < p.prepared_density || density <= 0) return kInf;
  const double capped =
      p.preparation_density_cap > 0 ? std::min(density, p.preparation_density_cap) : density;
  const double prepare = p.prepared_hours * kReferenceDensity / capped;
  return target == DefenceClass::Prepared ? prepare : prepare * p.fortify_time_factor;
}

DefenceClass defence_class(const OperationalParams& p, double density, double hours_in_place,
                           Fortification works) {
  if (density < p.screen_density) return DefenceClass::Screen;
  if (density < p.prepared_density) return DefenceClass::Hasty;
  DefenceClass d = DefenceClass::Hasty;
  if (works == Fortification::Fortified ||
      hours_in_place >= hours_to_reach(p, DefenceClass::Fortified, density))
    d = DefenceClass::Fortified;
  else if (works == Fortification::Prepared ||
           hours_in_place >= hours_to_reach(p, DefenceClass::Prepared, density))
    d = DefenceClass::Prepared;
  return d;
}

DefenceClass starting_preparation(Posture p) {
  return p == Posture::Prepared    ? DefenceClass::Prepared
         : p == Posture::Fortified ? DefenceClass::Fortified
                                   : DefenceClass::Hasty;
}

Posture kernel_posture(DefenceClass d) {
  switch (d) {
    case DefenceClass::Screen:
      return Posture::Delay;
    case DefenceClass::Hasty:
      return Posture::Hasty;
    case DefenceClass::Prepared:
      return Posture::Prepared;
    case DefenceClass::Fortified:
    case DefenceClass::Count:
      break;
  }
  return Posture::Fortified;
}

double assault_km_per_day(const OperationalParams& p, DefenceClass d, double ratio,
                          double mobility) {
  if (!(ratio >= p.stall_ratio) || mobility <= 0) return 0;
  const double r = std::min(ratio, p.ratio_cap);
  return p.advance_kmday[static_cast<int>(d)] * std::pow(r, p.ratio_exponent) * mobility;
}

bool overruns(const OperationalParams& p, DefenceClass d, double ratio, bool urban) {
  return !urban && (d == DefenceClass::Screen || d == DefenceClass::Hasty) &&
         ratio >= p.overrun_ratio;
}

double exploitation_km_per_day(const OperationalParams& p, double mobility, double march_kmh,
                               double days_advancing) {
  const double fatigue =
      1.0 / (1.0 + p.exploitation_fatigue_per_day * std::max(0.0, days_advancing));
  return std::min(p.exploitation_kmday * mobility * fatigue,
                  march_kmh * p.exploitation_march_hours);
}

double endurance_hours(const OperationalParams& p, double z, bool urban, bool low_density) {
  const double sigma = p.endurance_sigma * (low_density ? p.low_density_sigma_factor : 1.0);
  const double median = p.endurance_median_days * (urban ? p.urban_endurance_factor : 1.0);
  return 24.0 * median * std::exp(sigma * z);
}

}  // namespace flank::campaign::ops
