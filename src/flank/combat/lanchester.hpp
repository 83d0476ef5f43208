#pragma once
// Lanchester-type attrition kernels behind one form (Helmbold 1965; Bracken 1995):
//
//   dA/dt = −a · A^p  · D^q  + rA(t)
//   dD/dt = −d · D^pd · A^qd + rD(t)
//
// A, D: the two sides' strengths; a, d: attrition coefficients (a is the rate at which D's
// fire destroys A); p, pd: own-strength exponents; q, qd: enemy-strength exponents;
// rA, rD: reinforcement rates (strength per time unit, constant between calls) plus
// impulses at given times. Time units are the caller's (Engel's coefficients are per day).
// Special cases:  square law p = 0, q = 1 (aimed fire);  linear law p = 1, q = 1 (area fire);
// logarithmic law p = 1, q = 0 (losses proportional to own strength).
//
// Integration: closed forms where they exist (square law with or without constant rates:
// cosh/sinh about the equilibrium; linear law without rates: the logistic solution from the
// invariant d·A − a·D; logarithmic law: exponential decay to rA/a), otherwise adaptive
// Dormand–Prince RK5(4) with a mixed tolerance of 1e-10 · max(1, |x|) per step. A side that
// reaches zero is annihilated: it is held at zero (its losses stop, and it inflicts none when
// its exponent is positive) until a reinforcement lifts it.
#include <span>
#include <string_view>
#include <vector>

namespace flank::combat {

enum class LawKind { Square, Linear, Logarithmic, Helmbold };

std::string_view to_string(LawKind);
// Accepts "square", "linear", "log"/"logarithmic", "helmbold"; false on anything else.
bool parse(std::string_view, LawKind&);

struct AttritionLaw {
  LawKind kind = LawKind::Square;
  double a = 0, d = 0;
  double p = 0, q = 1;    // attacker's own / enemy exponents
  double pd = 0, qd = 1;  // defender's own / enemy exponents

  static AttritionLaw square(double a, double d) { return {LawKind::Square, a, d, 0, 1, 0, 1}; }
  static AttritionLaw linear(double a, double d) { return {LawKind::Linear, a, d, 1, 1, 1, 1}; }
  static AttritionLaw logarithmic(double a, double d) {
    return {LawKind::Logarithmic, a, d, 1, 0, 1, 0};
  }
  static AttritionLaw helmbold(double a, double d, double p, double q, double pd, double qd) {
    return {LawKind::Helmbold, a, d, p, q, pd, qd};
  }
  // The law's exponents for `kind` (Helmbold keeps the given ones).
  static AttritionLaw of_kind(LawKind kind, double a, double d, double p = 0.5, double q = 0.5,
                              double pd = 0.5, double qd = 0.5);
};

struct ForceState {
  double att = 0, def = 0;
};

struct ReinforcementRates {
  double att = 0, def = 0;  // strength per time unit
};

struct Reinforcement {
  double time = 0;  // impulse time; applied after integrating up to it
  double att = 0, def = 0;
};

// Right-hand side of the ODE at `s` (annihilated sides held at zero).
ForceState derivative(const AttritionLaw& law, ForceState s, ReinforcementRates rates = {});

// Advances `s` by `dt` with constant rates, exactly where a closed form exists. Allocates
// nothing; safe to call in hot loops.
ForceState advance(const AttritionLaw& law, ForceState s, double dt, ReinforcementRates rates = {});

// Advances by adaptive RK5(4) regardless of closed forms (used by tests to cross-check).
ForceState advance_numerically(const AttritionLaw& law, ForceState s, double dt,
                               ReinforcementRates rates = {}, double tolerance = 1e-10);

// Samples the trajectory at t = 0, step, 2·step, … , n_samples−1 steps. Impulses whose time
// equals a sample time are applied before that sample is recorded (Engel's convention:
// the strength reported for a landing day includes that day's landing).
std::vector<ForceState> trajectory(const AttritionLaw& law, ForceState start, double step,
                                   int n_samples, std::span<const Reinforcement> impulses = {},
                                   ReinforcementRates rates = {});

}  // namespace flank::combat
