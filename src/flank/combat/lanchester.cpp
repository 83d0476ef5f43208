#include "flank/combat/lanchester.hpp"

#include <algorithm>
#include <cmath>

namespace flank::combat {
namespace {

double power_of(double x, double e) {
  if (e == 0) return 1.0;
  if (x <= 0) return 0.0;
  if (e == 1) return x;
  return std::pow(x, e);
}

// expm1(k·t)/k, continuous at k = 0.
double growth(double k, double t) {
  return std::abs(k * t) < 1e-12 ? t * (1 + 0.5 * k * t) : std::expm1(k * t) / k;
}

ForceState clamp(ForceState s) {
  return {std::max(0.0, s.att), std::max(0.0, s.def)};
}

// Square law about its equilibrium (A*, D*) = (rD/d, rA/a): the deviations obey
// u' = −a·v, v' = −d·u, i.e. cosh/sinh with ω = √(a·d).
ForceState square_closed(const AttritionLaw& law, ForceState s, double t,
                         ReinforcementRates rates) {
  const double a = law.a, d = law.d;
  const double eq_att = rates.def / d, eq_def = rates.att / a;
  const double u0 = s.att - eq_att, v0 = s.def - eq_def;
  const double w = std::sqrt(a * d);
  const double ch = std::cosh(w * t), sh = std::sinh(w * t);
  return {eq_att + u0 * ch - std::sqrt(a / d) * v0 * sh,
          eq_def + v0 * ch - std::sqrt(d / a) * u0 * sh};
}

// Linear law without rates: K = d·A − a·D is invariant, which makes each side logistic.
ForceState linear_closed(const AttritionLaw& law, ForceState s, double t) {
  if (s.att <= 0 || s.def <= 0) return clamp(s);
  const double k = law.d * s.att - law.a * s.def;
  return {s.att / (std::exp(-k * t) + law.d * s.att * growth(-k, t)),
          s.def / (std::exp(k * t) + law.a * s.def * growth(k, t))};
}

double decay_to(double x0, double coef, double rate, double t) {
  if (coef == 0) return x0 + rate * t;
  const double eq = rate / coef;
  return eq + (x0 - eq) * std::exp(-coef * t);
}

// Closed forms may cross zero inside the step; find the first crossing by bisection so the
// annihilated side can be held at zero from then on.
template <class F>
double first_zero(F&& state_at, double dt, bool monotone) {
  double lo = 0, hi = dt;
  auto negative = [&](double t) {
    const ForceState s = state_at(t);
    return s.att < 0 || s.def < 0;
  };
  if (!monotone) {
    constexpr int kProbes = 16;
    for (int i = 1; i <= kProbes; ++i) {
      const double t = dt * i / kProbes;
      if (negative(t)) {
        hi = t;
        break;
      }
      lo = t;
      if (i == kProbes) return dt;
    }
  } else if (!negative(dt)) {
    return dt;
  }
  for (int it = 0; it < 80 && hi - lo > 1e-15 * std::max(1.0, dt); ++it) {
    const double mid = 0.5 * (lo + hi);
    (negative(mid) ? hi : lo) = mid;
  }
  return lo;
}

ForceState snap_annihilated(ForceState s) {
  // At the bisected crossing one side is within rounding of zero; make it exactly zero.
  if (s.att < s.def) {
    if (s.att < 1e-9 * std::max(1.0, s.def)) s.att = 0;
  } else if (s.def < 1e-9 * std::max(1.0, s.att)) {
    s.def = 0;
  }
  return clamp(s);
}

}  // namespace

std::string_view to_string(LawKind k) {
  switch (k) {
    case LawKind::Square:
      return "square";
    case LawKind::Linear:
      return "linear";
    case LawKind::Logarithmic:
      return "log";
    case LawKind::Helmbold:
      return "helmbold";
  }
  return "?";
}

bool parse(std::string_view s, LawKind& k) {
  if (s == "square")
    k = LawKind::Square;
  else if (s == "linear")
    k = LawKind::Linear;
  else if (s == "log" || s == "logarithmic")
    k = LawKind::Logarithmic;
  else if (s == "helmbold")
    k = LawKind::Helmbold;
  else
    return false;
  return true;
}

AttritionLaw AttritionLaw::of_kind(LawKind kind, double a, double d, double p, double q, double pd,
                                   double qd) {
  switch (kind) {
    case LawKind::Square:
      return square(a, d);
    case LawKind::Linear:
      return linear(a, d);
    case LawKind::Logarithmic:
      return logarithmic(a, d);
    case LawKind::Helmbold:
      break;
  }
  return helmbold(a, d, p, q, pd, qd);
}

ForceState derivative(const AttritionLaw& law, ForceState s, ReinforcementRates rates) {
  s = clamp(s);
  ForceState r{-law.a * power_of(s.att, law.p) * power_of(s.def, law.q) + rates.att,
               -law.d * power_of(s.def, law.pd) * power_of(s.att, law.qd) + rates.def};
  if (s.att <= 0 && r.att < 0) r.att = 0;
  if (s.def <= 0 && r.def < 0) r.def = 0;
  return r;
}

ForceState advance_numerically(const AttritionLaw& law, ForceState s, double dt,
                               ReinforcementRates rates, double tolerance) {
  // Dormand–Prince 5(4) coefficients (Hairer, Nørsett & Wanner, Solving ODEs I, table 5.2).
  constexpr double c2 = 1.0 / 5, c3 = 3.0 / 10, c4 = 4.0 / 5, c5 = 8.0 / 9;
  constexpr double a21 = 1.0 / 5;
  constexpr double a31 = 3.0 / 40, a32 = 9.0 / 40;
  constexpr double a41 = 44.0 / 45, a42 = -56.0 / 15, a43 = 32.0 / 9;
  constexpr double a51 = 19372.0 / 6561, a52 = -25360.0 / 2187, a53 = 64448.0 / 6561,
                   a54 = -212.0 / 729;
  constexpr double a61 = 9017.0 / 3168, a62 = -355.0 / 33, a63 = 46732.0 / 5247, a64 = 49.0 / 176,
                   a65 = -5103.0 / 18656;
  constexpr double b1 = 35.0 / 384, b3 = 500.0 / 1113, b4 = 125.0 / 192, b5 = -2187.0 / 6784,
                   b6 = 11.0 / 84;
  constexpr double e1 = 71.0 / 57600, e3 = -71.0 / 16695, e4 = 71.0 / 1920, e5 = -17253.0 / 339200,
                   e6 = 22.0 / 525, e7 = -1.0 / 40;
  (void)c2, (void)c3, (void)c4, (void)c5;  // autonomous system: stage times are not needed

  if (dt <= 0) return s;
  s = clamp(s);
  auto f = [&](ForceState x) { return derivative(law, x, rates); };
  auto axpy = [](ForceState x, double h, std::initializer_list<std::pair<double, ForceState>> ks) {
    for (const auto& [c, k] : ks) {
      x.att += h * c * k.att;
      x.def += h * c * k.def;
    }
    return x;
  };
  double t = 0, h = dt;
  ForceState k1 = f(s);
  for (int steps = 0; t < dt && steps < 200000; ++steps) {
    h = std::min(h, dt - t);
    const ForceState k2 = f(axpy(s, h, {{a21, k1}}));
    const ForceState k3 = f(axpy(s, h, {{a31, k1}, {a32, k2}}));
    const ForceState k4 = f(axpy(s, h, {{a41, k1}, {a42, k2}, {a43, k3}}));
    const ForceState k5 = f(axpy(s, h, {{a51, k1}, {a52, k2}, {a53, k3}, {a54, k4}}));
    const ForceState k6 = f(axpy(s, h, {{a61, k1}, {a62, k2}, {a63, k3}, {a64, k4}, {a65, k5}}));
    const ForceState next = axpy(s, h, {{b1, k1}, {b3, k3}, {b4, k4}, {b5, k5}, {b6, k6}});
    const ForceState k7 = f(next);
    const ForceState err =
        axpy({0, 0}, h, {{e1, k1}, {e3, k3}, {e4, k4}, {e5, k5}, {e6, k6}, {e7, k7}});
    const double scale_att =
        tolerance * std::max(1.0, std::max(std::abs(s.att), std::abs(next.att)));
    const double scale_def =
        tolerance * std::max(1.0, std::max(std::abs(s.def), std::abs(next.def)));
    const double ratio = std::max(std::abs(err.att) / scale_att, std::abs(err.def) / scale_def);
    const bool tiny = h <= 1e-13 * dt;
    if (std::isfinite(ratio) && (ratio <= 1 || tiny)) {
      t += h;
      s = clamp(next);
      k1 = f(s);
    }
    const double factor =
        std::isfinite(ratio)
            ? (ratio == 0 ? 5.0 : std::clamp(0.9 * std::pow(ratio, -0.2), 0.2, 5.0))
            : 0.1;
    h *= factor;
  }
  return s;
}

ForceState advance(const AttritionLaw& law, ForceState s, double dt, ReinforcementRates rates) {
  if (dt <= 0) return s;
  s = clamp(s);
  const bool no_rates = rates.att == 0 && rates.def == 0;
  const bool positive_rates = rates.att >= 0 && rates.def >= 0;
  switch (law.kind) {
    case LawKind::Square:
      if (law.a > 0 && law.d > 0 && s.att > 0 && s.def > 0) {
        auto at = [&](double t) { return square_closed(law, s, t, rates); };
        const double t_zero = first_zero(at, dt, no_rates);
        if (t_zero >= dt) return clamp(at(dt));
        return advance_numerically(law, snap_annihilated(at(t_zero)), dt - t_zero, rates);
      }
      break;
    case LawKind::Linear:
      if (no_rates) return linear_closed(law, s, dt);
      break;
    case LawKind::Logarithmic:
      if (positive_rates)
        return {decay_to(s.att, law.a, rates.att, dt), decay_to(s.def, law.d, rates.def, dt)};
      break;
    case LawKind::Helmbold:
      break;
  }
  return advance_numerically(law, s, dt, rates);
}

std::vector<ForceState> trajectory(const AttritionLaw& law, ForceState start, double step,
                                   int n_samples, std::span<const Reinforcement> impulses,
                                   ReinforcementRates rates) {
  std::vector<Reinforcement> sorted(impulses.begin(), impulses.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Reinforcement& x, const Reinforcement& y) { return x.time < y.time; });
  std::vector<ForceState> out;
  out.reserve(static_cast<std::size_t>(std::max(0, n_samples)));
  ForceState s = start;
  double t = 0;
  std::size_t next = 0;
  for (int k = 0; k < n_samples; ++k) {
    const double target = k * step;
    while (next < sorted.size() && sorted[next].time <= target + 1e-9 * std::max(1.0, step)) {
      s = advance(law, s, sorted[next].time - t, rates);
      t = std::max(t, sorted[next].time);
      s.att += sorted[next].att;
      s.def += sorted[next].def;
      ++next;
    }
    s = advance(law, s, target - t, rates);
    t = target;
    out.push_back(s);
  }
  return out;
}

}  // namespace flank::combat
