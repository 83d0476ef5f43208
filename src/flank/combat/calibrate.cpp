#include "flank/combat/calibrate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <sstream>

#include "flank/combat/fit.hpp"
#include "flank/core/rng.hpp"

namespace flank::combat {
namespace {

using history::Battle;

double or_zero(double v) {
  return std::isnan(v) ? 0.0 : v;
}

bool has_strengths(const Battle& b) {
  return b.att_strength > 0 && b.def_strength > 0;
}

double strength(double personnel, double tanks, double artillery, double sorties,
                const DupuyCalibration& c) {
  return personnel + c.w_tank * or_zero(tanks) + c.w_artillery * or_zero(artillery) +
         c.w_sortie * or_zero(sorties);
}

double sigmoid(double z) {
  return 1.0 / (1.0 + std::exp(-z));
}

// Ordinary least squares via the normal equations (a tiny ridge keeps empty indicator
// columns, e.g. an era missing from a fold, solvable).
std::vector<double> least_squares(const std::vector<std::vector<double>>& x,
                                  const std::vector<double>& y) {
  const int k = x.empty() ? 0 : static_cast<int>(x[0].size());
  std::vector<double> a(static_cast<std::size_t>(k * k), 0.0), b(k, 0.0);
  for (std::size_t i = 0; i < x.size(); ++i)
    for (int p = 0; p < k; ++p) {
      b[p] += x[i][p] * y[i];
      for (int q = 0; q < k; ++q) a[p * k + q] += x[i][p] * x[i][q];
    }
  for (int p = 0; p < k; ++p) a[p * k + p] += 1e-8 * (1 + a[p * k + p]);
  if (!solve_linear(a, b, k)) b.assign(k, 0.0);
  return b;
}

// Least absolute deviations (median regression) by iteratively reweighted least squares:
// advance rates have heavy tails (pursuits, routs), and the score is a median error.
std::vector<double> least_absolute(const std::vector<std::vector<double>>& x,
                                   const std::vector<double>& y) {
  std::vector<double> beta = least_squares(x, y);
  std::vector<std::vector<double>> xw(x.size());
  std::vector<double> yw(y.size());
  for (int it = 0; it < 60; ++it) {
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double r = y[i] - std::inner_product(x[i].begin(), x[i].end(), beta.begin(), 0.0);
      const double w = std::sqrt(1.0 / std::max(std::abs(r), 0.05));
      xw[i] = x[i];
      for (double& v : xw[i]) v *= w;
      yw[i] = y[i] * w;
    }
    beta = least_squares(xw, yw);
  }
  return beta;
}

// Ridge-penalised logistic regression by Newton's method; returns the coefficients and the
// penalised log-likelihood.
std::pair<std::vector<double>, double> logistic(const std::vector<std::vector<double>>& x,
                                                const std::vector<double>& y, double ridge) {
  const int k = x.empty() ? 0 : static_cast<int>(x[0].size());
  std::vector<double> beta(k, 0.0);
  double loglik = 0;
  for (int it = 0; it < 100; ++it) {
    std::vector<double> h(static_cast<std::size_t>(k * k), 0.0), g(k, 0.0);
    loglik = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double z = std::inner_product(x[i].begin(), x[i].end(), beta.begin(), 0.0);
      const double p = sigmoid(z);
      loglik += y[i] > 0.5 ? std::log(std::max(p, 1e-300)) : std::log(std::max(1 - p, 1e-300));
      const double w = p * (1 - p);
      for (int a = 0; a < k; ++a) {
        g[a] += x[i][a] * (y[i] - p);
        for (int b = 0; b < k; ++b) h[a * k + b] += w * x[i][a] * x[i][b];
      }
    }
    for (int a = 1; a < k; ++a) {
      g[a] -= ridge * beta[a];
      h[a * k + a] += ridge;
      loglik -= 0.5 * ridge * beta[a] * beta[a];
    }
    h[0] += 1e-9;
    if (!solve_linear(h, g, k)) break;
    double step = 0;
    for (int a = 0; a < k; ++a) {
      beta[a] += g[a];
      step = std::max(step, std::abs(g[a]));
    }
    if (step < 1e-10) break;
  }
  return {beta, loglik};
}

// ln R0: weighted strength ratio after Dupuy's fixed posture, terrain and river factors.
double log_base_ratio(const Battle& b, const DupuyCalibration& c) {
  const double sa = strength(b.att_strength, b.att_tanks, b.att_artillery, b.att_sorties, c);
  const double sd = strength(b.def_strength, b.def_tanks, b.def_artillery, b.def_sorties, c);
  const Posture post = b.posture_known ? b.def_posture : Posture::Hasty;
  const Terrain terr = b.terrain_known ? b.terrain : Terrain::Mixed;
  return std::log(sa / sd) - std::log(c.posture[static_cast<int>(post)]) -
         std::log(c.terrain_defence[static_cast<int>(terr)]) - (b.river ? std::log(c.river) : 0.0);
}

std::vector<double> winner_features(const Battle& b, const DupuyCalibration& c,
                                    const CalibrationOptions& o) {
  std::vector<double> x{1.0, log_base_ratio(b, c), or_zero(b.surprise), or_zero(b.air_superiority),
                        or_zero(b.wet)};
  for (int f = 0; f < history::kQualityFactors; ++f)
    if (o.cev_factors[f]) x.push_back(or_zero(b.quality[f]));
  return x;
}

double era_flag(const Battle& b, int era) {
  return DupuyModel::era_of(std::isnan(b.year) ? 2000 : b.year) == era ? 1.0 : 0.0;
}

double observed_fraction(double casualties, double personnel) {
  return std::clamp(casualties / personnel, 1e-4, 0.95);
}

double median(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(mid), v.end());
  double m = v[mid];
  if (v.size() % 2 == 0)
    m = 0.5 * (m + *std::max_element(v.begin(), v.begin() + static_cast<long>(mid)));
  return m;
}

}  // namespace

CalibrationOptions options_from(const DupuyCalibration& c) {
  CalibrationOptions o;
  o.fixed = c;
  for (int f = 0; f < history::kQualityFactors; ++f) o.cev_factors[f] = c.cev_used[f];
  return o;
}

Prediction predict(const DupuyModel& model, const Battle& b) {
  Prediction out;
  if (!has_strengths(b)) return out;
  const DupuyCalibration& c = model.calibration();
  double cev = b.cev;
  if (std::isnan(cev)) {
    double log_cev = 0;
    for (int f = 0; f < history::kQualityFactors; ++f)
      if (c.cev_used[f]) log_cev += or_zero(b.quality[f]) * std::log(c.cev_step[f]);
    cev = std::exp(log_cev);
  }
  const double att_multiplier = std::pow(c.surprise_step, or_zero(b.surprise)) *
                                std::pow(c.air_superiority, or_zero(b.air_superiority)) *
                                std::pow(c.wet_weather, or_zero(b.wet));
  EngagementInput in;
  in.hours = 24;
  in.att_personnel = b.att_strength;
  in.def_personnel = b.def_strength;
  in.att_power = strength(b.att_strength, b.att_tanks, b.att_artillery, b.att_sorties, c) * cev *
                 att_multiplier;
  in.def_power = strength(b.def_strength, b.def_tanks, b.def_artillery, b.def_sorties, c);
  in.def_posture = b.posture_known ? b.def_posture : Posture::Hasty;
  in.terrain = b.terrain_known ? b.terrain : Terrain::Mixed;
  in.river = b.river;
  Parameters p;
  p.posture_factor = c.posture;
  p.terrain_defence = c.terrain_defence;
  p.river_crossing_factor = c.river;
  p.surprise_factor = 1;
  p.terrain_advance.fill(1.0);
  const EngagementResult r = model.resolve(in, p);
  out.valid = r.force_ratio > 0;
  if (!out.valid) return out;
  const int era = DupuyModel::era_of(std::isnan(b.year) ? 2000 : b.year);
  out.force_ratio = r.force_ratio;
  out.win_probability = model.win_probability(r.force_ratio);
  out.duration_days = model.expected_duration_days(b.att_strength + b.def_strength, era);
  out.att_fraction =
      -std::expm1(-model.att_rate_per_day(r.force_ratio, b.att_strength, era) * out.duration_days);
  out.def_fraction =
      -std::expm1(-model.def_rate_per_day(r.force_ratio, b.def_strength, era) * out.duration_days);
  out.advance_km_per_day = model.advance_km_per_day(r.force_ratio, era);
  return out;
}

DupuyCalibration fit_calibration(std::span<const Battle> battles, const CalibrationOptions& o) {
  DupuyCalibration best = o.fixed;
  for (int f = 0; f < history::kQualityFactors; ++f) {
    best.cev_used[f] = o.cev_factors[f];
    best.cev_step[f] = 1;
  }
  std::vector<const Battle*> decided;
  for (const Battle& b : battles)
    if (has_strengths(b) && (b.winner == 1 || b.winner == -1)) decided.push_back(&b);
  std::vector<double> y;
  for (const Battle* b : decided) y.push_back(b->winner == 1 ? 1.0 : 0.0);

  // 1. Winner link, with the strength weights chosen by penalised likelihood.
  double best_loglik = -std::numeric_limits<double>::infinity();
  std::vector<double> best_beta;
  for (double wt : o.tank_weights)
    for (double wa : o.artillery_weights)
      for (double ws : o.sortie_weights) {
        DupuyCalibration c = best;
        c.w_tank = wt;
        c.w_artillery = wa;
        c.w_sortie = ws;
        std::vector<std::vector<double>> x;
        for (const Battle* b : decided) x.push_back(winner_features(*b, c, o));
        auto [beta, loglik] = logistic(x, y, o.ridge);
        if (loglik > best_loglik) {
          best_loglik = loglik;
          best_beta = beta;
          best.w_tank = wt;
          best.w_artillery = wa;
          best.w_sortie = ws;
        }
      }
  if (best_beta.empty()) return best;
  // θ/β1 turns each factor's logit effect into a power multiplier; β1 is kept away from zero
  // so the multipliers stay finite if troop ratio carried no signal in a fold.
  const double slope = std::max(best_beta[1], 0.05);
  best.win_intercept = best_beta[0];
  best.win_slope = slope;
  best.surprise_step = std::exp(best_beta[2] / slope);
  best.air_superiority = std::exp(best_beta[3] / slope);
  best.wet_weather = std::exp(best_beta[4] / slope);
  for (int f = 0, i = 5; f < history::kQualityFactors; ++f)
    if (o.cev_factors[f]) best.cev_step[f] = std::exp(best_beta[i++] / slope);

  // 2-4. Casualty, duration and advance links on ln R from the engine's own path.
  const DupuyModel partial(best);
  std::vector<std::vector<double>> xa, xd, xt, xv;
  std::vector<double> ya, yd, yt, yv;
  for (const Battle& b : battles) {
    const Prediction p = predict(partial, b);
    if (!p.valid) continue;
    const double lr = std::log(p.force_ratio), e0 = era_flag(b, 0), e1 = era_flag(b, 1);
    const bool has_days = b.duration_days > 0;
    if (has_days) {
      xt.push_back({1, std::log((b.att_strength + b.def_strength) / 1e4), e0, e1});
      yt.push_back(std::log(b.duration_days));
    }
    if (has_days && b.att_casualties >= 0) {
      const double f = observed_fraction(b.att_casualties, b.att_strength);
      xa.push_back({1, std::log(b.att_strength / 1e4), lr, e0, e1});
      ya.push_back(std::log(-std::log1p(-f) / b.duration_days));
    }
    if (has_days && b.def_casualties >= 0) {
      const double f = observed_fraction(b.def_casualties, b.def_strength);
      xd.push_back({1, std::log(b.def_strength / 1e4), lr, e0, e1});
      yd.push_back(std::log(-std::log1p(-f) / b.duration_days));
    }
    if (has_days && !std::isnan(b.km_advanced)) {
      xv.push_back({1, p.win_probability, e0, e1});
      yv.push_back(b.km_advanced / b.duration_days);
    }
  }
  if (!xa.empty()) {
    const auto a = least_squares(xa, ya);
    best.att_rate_log = a[0];
    best.att_rate_size = a[1];
    best.att_rate_exponent = -a[2];
    best.att_rate_era = {a[3], a[4]};
  }
  if (!xd.empty()) {
    const auto d = least_squares(xd, yd);
    best.def_rate_log = d[0];
    best.def_rate_size = d[1];
    best.def_rate_exponent = d[2];
    best.def_rate_era = {d[3], d[4]};
  }
  if (!xt.empty()) {
    const auto t = least_squares(xt, yt);
    best.duration_intercept = t[0];
    best.duration_slope = t[1];
    best.duration_era = {t[2], t[3]};
  }
  if (!xv.empty()) {
    const auto v = least_absolute(xv, yv);
    best.advance_intercept = v[0];
    best.advance_slope = v[1];
    best.advance_era = {v[2], v[3]};
  }
  return best;
}

ValidationResult validate(std::span<const Battle> battles, const DupuyCalibration& shipped,
                          bool refit, int folds, std::uint64_t seed,
                          const CalibrationOptions& options) {
  ValidationResult res;
  res.battles = static_cast<int>(battles.size());
  res.folds = folds;
  res.seed = seed;
  res.refit = refit;
  std::vector<std::size_t> usable;
  for (std::size_t i = 0; i < battles.size(); ++i)
    if (has_strengths(battles[i])) usable.push_back(i);
  res.predicted = static_cast<int>(usable.size());
  // Seeded Fisher–Yates shuffle, then round-robin folds.
  RandomStream rng(seed, 0, Purpose::Analysis);
  std::vector<std::size_t> order = usable;
  for (std::size_t i = order.size(); i > 1; --i)
    std::swap(order[i - 1], order[static_cast<std::size_t>(rng.uniform() * i) % i]);
  std::vector<int> fold_of(battles.size(), -1);
  for (std::size_t k = 0; k < order.size(); ++k) fold_of[order[k]] = static_cast<int>(k % folds);

  struct Row {
    Prediction model;
    double p_attacker = 0, p_ratio = 0;
    double base_log_fraction[2] = {0, 0};
    double base_advance = 0;
  };
  std::vector<Row> rows(battles.size());
  const DupuyModel shipped_model(shipped);
  for (int fold = 0; fold < folds; ++fold) {
    std::vector<Battle> train;
    for (std::size_t i : usable)
      if (fold_of[i] != fold) train.push_back(battles[i]);
    // Baselines from the training folds.
    double wins = 0, decided = 0;
    std::vector<std::vector<double>> xr;
    std::vector<double> yr, lf[2], adv;
    for (const Battle& b : train) {
      if (b.winner == 1 || b.winner == -1) {
        decided += 1;
        wins += b.winner == 1;
        xr.push_back({1, std::log(b.att_strength / b.def_strength)});
        yr.push_back(b.winner == 1 ? 1.0 : 0.0);
      }
      if (b.att_casualties >= 0)
        lf[0].push_back(std::log(observed_fraction(b.att_casualties, b.att_strength)));
      if (b.def_casualties >= 0)
        lf[1].push_back(std::log(observed_fraction(b.def_casualties, b.def_strength)));
      if (b.duration_days > 0 && !std::isnan(b.km_advanced))
        adv.push_back(b.km_advanced / b.duration_days);
    }
    const double base_rate = decided > 0 ? wins / decided : 0.5;
    const auto ratio_beta = logistic(xr, yr, 0.0).first;
    const double base_lf[2] = {median(lf[0]), median(lf[1])}, base_adv = median(adv);
    std::unique_ptr<DupuyModel> fitted;
    if (refit) fitted = std::make_unique<DupuyModel>(fit_calibration(train, options));
    for (std::size_t i : usable) {
      if (fold_of[i] != fold) continue;
      const Battle& b = battles[i];
      Row& r = rows[i];
      r.model = predict(refit ? *fitted : shipped_model, b);
      r.p_attacker = base_rate;
      r.p_ratio =
          ratio_beta.size() == 2
              ? sigmoid(ratio_beta[0] + ratio_beta[1] * std::log(b.att_strength / b.def_strength))
              : base_rate;
      r.base_log_fraction[0] = base_lf[0];
      r.base_log_fraction[1] = base_lf[1];
      r.base_advance = base_adv;
    }
  }

  // Scores.
  auto score = [](ScoreSet& s, double p, double y) {
    ++s.n;
    s.accuracy += ((p >= 0.5) == (y > 0.5)) ? 1 : 0;
    s.brier += (p - y) * (p - y);
    const double pc = std::clamp(p, 1e-12, 1 - 1e-12);
    s.log_loss -= y > 0.5 ? std::log(pc) : std::log(1 - pc);
  };
  res.calibration.resize(5);
  for (int k = 0; k < 5; ++k) res.calibration[k] = {0.2 * k, 0.2 * (k + 1), 0, 0, 0};
  std::vector<double> err_att, err_def, err_adv, base_att, base_def, base_adv;
  for (std::size_t i : usable) {
    const Battle& b = battles[i];
    const Row& r = rows[i];
    if (!r.model.valid) continue;
    if (b.winner == 0) ++res.draws_excluded;
    if (b.winner == 1 || b.winner == -1) {
      const double y = b.winner == 1 ? 1.0 : 0.0;
      score(res.winner, r.model.win_probability, y);
      score(res.always_attacker, r.p_attacker, y);
      score(res.troop_ratio, r.p_ratio, y);
      const int bin = std::min(4, static_cast<int>(r.model.win_probability * 5));
      auto& cb = res.calibration[bin];
      ++cb.n;
      cb.mean_predicted += r.model.win_probability;
      cb.observed += y;
    }
    if (b.att_casualties >= 0) {
      const double lf = std::log(observed_fraction(b.att_casualties, b.att_strength));
      err_att.push_back(std::abs(std::log(std::max(r.model.att_fraction, 1e-4)) - lf));
      base_att.push_back(std::abs(r.base_log_fraction[0] - lf));
    }
    if (b.def_casualties >= 0) {
      const double lf = std::log(observed_fraction(b.def_casualties, b.def_strength));
      err_def.push_back(std::abs(std::log(std::max(r.model.def_fraction, 1e-4)) - lf));
      base_def.push_back(std::abs(r.base_log_fraction[1] - lf));
    }
    if (b.duration_days > 0 && !std::isnan(b.km_advanced)) {
      const double v = b.km_advanced / b.duration_days;
      err_adv.push_back(std::abs(r.model.advance_km_per_day - v));
      base_adv.push_back(std::abs(r.base_advance - v));
    }
  }
  for (ScoreSet* s : {&res.winner, &res.always_attacker, &res.troop_ratio})
    if (s->n > 0) {
      s->accuracy /= s->n;
      s->brier /= s->n;
      s->log_loss /= s->n;
    }
  for (auto& cb : res.calibration)
    if (cb.n > 0) {
      cb.mean_predicted /= cb.n;
      cb.observed /= cb.n;
    }
  res.att_log_fraction = {static_cast<int>(err_att.size()), median(err_att), median(base_att)};
  res.def_log_fraction = {static_cast<int>(err_def.size()), median(err_def), median(base_def)};
  res.advance_km_per_day = {static_cast<int>(err_adv.size()), median(err_adv), median(base_adv)};
  return res;
}

std::string calibration_yaml(const DupuyCalibration& c, const ValidationResult& cv,
                             const std::string& data_file, const std::string& date,
                             const std::string& commit) {
  auto num = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return std::string(buf);
  };
  std::ostringstream o;
  o << "# Dupuy-style combat model calibration: src/flank/combat/dupuy.hpp (model),\n"
       "# src/flank/combat/calibrate.hpp (method), docs/validation.md (results).\n"
       "# Regenerate: flank validate battles data/history/cdb90/cdb90_battles_flat.csv \\\n"
       "#   --format cdb90 --refit --folds "
    << cv.folds << " --seed " << cv.seed << " --write-calibration data/calibration/dupuy.yaml\n";
  o << "provenance:\n"
    << "  data: " << data_file << "\n"
    << "  method: ridge logistic winner link on ln power ratio; least-squares casualty-rate, "
       "duration and advance links; strength weights by grid\n"
    << "  folds: " << cv.folds << "\n  seed: " << cv.seed << "\n"
    << "  date: " << date << "\n  commit: " << (commit.empty() ? "unknown" : commit) << "\n";
  o << "strength: {tank: " << num(c.w_tank) << ", artillery: " << num(c.w_artillery)
    << ", sortie: " << num(c.w_sortie) << "}\n";
  o << "factors:\n  surprise_step: " << num(c.surprise_step)
    << "\n  air_superiority: " << num(c.air_superiority)
    << "\n  wet_weather: " << num(c.wet_weather) << "\n  river: " << num(c.river) << "\n  cev: {";
  bool first = true;
  for (int f = 0; f < history::kQualityFactors; ++f)
    if (c.cev_used[f]) {
      o << (first ? "" : ", ") << history::kQualityFactorNames[f] << ": " << num(c.cev_step[f]);
      first = false;
    }
  o << "}\n  posture: {";
  for (int p = 0; p < static_cast<int>(Posture::Count); ++p)
    o << (p ? ", " : "") << to_string(static_cast<Posture>(p)) << ": " << num(c.posture[p]);
  o << "}\n  terrain_defence: {";
  for (int t = 0; t < static_cast<int>(Terrain::Count); ++t)
    o << (t ? ", " : "") << to_string(static_cast<Terrain>(t)) << ": " << num(c.terrain_defence[t]);
  o << "}\n";
  o << "winner: {intercept: " << num(c.win_intercept) << ", slope: " << num(c.win_slope) << "}\n";
  o << "casualties:\n  attacker_log_rate: " << num(c.att_rate_log)
    << "\n  attacker_size: " << num(c.att_rate_size)
    << "\n  attacker_exponent: " << num(c.att_rate_exponent)
    << "\n  attacker_era_before_1900: " << num(c.att_rate_era[0])
    << "\n  attacker_era_1900_1939: " << num(c.att_rate_era[1])
    << "\n  defender_log_rate: " << num(c.def_rate_log)
    << "\n  defender_size: " << num(c.def_rate_size)
    << "\n  defender_exponent: " << num(c.def_rate_exponent)
    << "\n  defender_era_before_1900: " << num(c.def_rate_era[0])
    << "\n  defender_era_1900_1939: " << num(c.def_rate_era[1]) << "\n";
  o << "duration: {intercept: " << num(c.duration_intercept) << ", slope: " << num(c.duration_slope)
    << ", era_before_1900: " << num(c.duration_era[0])
    << ", era_1900_1939: " << num(c.duration_era[1]) << "}\n";
  o << "advance: {intercept: " << num(c.advance_intercept) << ", slope: " << num(c.advance_slope)
    << ", era_before_1900: " << num(c.advance_era[0])
    << ", era_1900_1939: " << num(c.advance_era[1]) << "}\n";
  o << "helmbold: {own_exponent: " << num(c.helmbold_own)
    << ", enemy_exponent: " << num(c.helmbold_enemy) << "}\n";
  o << "# Out-of-sample metrics of this method (every battle predicted by a fit without it).\n";
  o << "cv:\n  folds: " << cv.folds << "\n  seed: " << cv.seed << "\n  battles: " << cv.battles
    << "\n  predicted: " << cv.predicted << "\n  with_winner: " << cv.winner.n
    << "\n  draws_excluded: " << cv.draws_excluded
    << "\n  winner: {accuracy: " << num(cv.winner.accuracy) << ", brier: " << num(cv.winner.brier)
    << ", log_loss: " << num(cv.winner.log_loss) << "}\n"
    << "  always_attacker: {accuracy: " << num(cv.always_attacker.accuracy)
    << ", brier: " << num(cv.always_attacker.brier) << "}\n"
    << "  troop_ratio_logistic: {accuracy: " << num(cv.troop_ratio.accuracy)
    << ", brier: " << num(cv.troop_ratio.brier) << "}\n"
    << "  attacker_log_fraction_mae: {model: " << num(cv.att_log_fraction.model)
    << ", baseline: " << num(cv.att_log_fraction.baseline) << "}\n"
    << "  defender_log_fraction_mae: {model: " << num(cv.def_log_fraction.model)
    << ", baseline: " << num(cv.def_log_fraction.baseline) << "}\n"
    << "  advance_km_per_day_mae: {model: " << num(cv.advance_km_per_day.model)
    << ", baseline: " << num(cv.advance_km_per_day.baseline) << "}\n";
  return o.str();
}

}  // namespace flank::combat
