#include "flank/mc/summary_fold.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "flank/core/error.hpp"

namespace flank::mc {
namespace {

constexpr int kPersonnelBins = 4000;
constexpr double kPersonnelBinsPerTotal = 2000;  // bin width = mean side total / 2000

// Smallest value x of the histogram with F(x) ≥ q (inverse empirical CDF).
template <typename Count>
double quantile(const Count* hist, int bins, std::uint64_t total, double q, double bin_width,
                double offset) {
  if (total == 0) return std::numeric_limits<double>::quiet_NaN();
  const double need = q * static_cast<double>(total);
  std::uint64_t cum = 0;
  for (int b = 0; b < bins; ++b) {
    cum += hist[b];
    if (static_cast<double>(cum) >= need - 1e-9 && cum > 0) return b * bin_width + offset;
  }
  return (bins - 1) * bin_width + offset;
}

}  // namespace

void require_finite(const Outcome& o, const std::string& scenario_file) {
  const char* bad = nullptr;
  const auto check = [&](const char* name, double v) {
    if (!bad && !std::isfinite(v)) bad = name;
  };
  for (double h : o.objective_hour) check("objective_hour", h);
  check("decision_hour", o.decision_hour);
  check("reinforcements_hour", o.reinforcements_hour);
  for (const auto& side : o.territory)
    for (double t : side) check("territory", t);
  for (int s = 0; s < kSides; ++s) {
    check("personnel_lost", o.personnel_lost[s]);
    check("power_lost_fraction", o.power_lost_fraction[s]);
    check("personnel_isolated", o.operations.personnel_isolated[s]);
    check("personnel_captured", o.operations.personnel_captured[s]);
    check("pockets", o.operations.pockets[s]);
  }
  for (double x : o.losses_by_category) check("losses_by_category", x);
  for (double h : o.escalation_hour) check("escalation_hour", h);
  check("regions_bypassed", o.operations.regions_bypassed);
  for (double e : o.operations.engagements) check("engagements", e);
  if (!bad) return;
  throw InputError(Diagnostic{
      {scenario_file, 0, 0},
      "replication " + std::to_string(o.replication),
      std::string("the outcome's ") + bad +
          " is not a finite number (NaN or infinite): the scenario's numbers are too extreme "
          "for the model's arithmetic"});
}

SummaryFold::SummaryFold(const Scenario& scenario)
    : scenario_file_(scenario.source_file),
      steps_(scenario.steps()),
      step_hours_(scenario.params.step_hours) {
  const std::size_t O = scenario.objectives.size();
  for (const auto& u : scenario.units) personnel_bin_[u.side] += u.personnel.mean();
  for (auto& b : personnel_bin_) b /= kPersonnelBinsPerTotal;
  ever_.assign(O, 0);
  before_.assign(O, 0);
  held_.assign(O, 0);
  hour_hist_.assign(O * (steps_ + 1), 0);
  personnel_hist_.assign(kSides * kPersonnelBins, 0);
  by_category_.assign(kSides * static_cast<std::size_t>(UnitCategory::Count), 0);
  escalation_.assign(scenario.escalation.size(), 0);
}

void SummaryFold::clear() {
  n_ = 0;
  std::fill(ever_.begin(), ever_.end(), 0);
  std::fill(before_.begin(), before_.end(), 0);
  std::fill(held_.begin(), held_.end(), 0);
  std::fill(hour_hist_.begin(), hour_hist_.end(), 0);
  std::fill(personnel_hist_.begin(), personnel_hist_.end(), 0);
  std::fill(by_category_.begin(), by_category_.end(), 0.0);
  std::fill(escalation_.begin(), escalation_.end(), 0);
  territory_ = {};
  personnel_ = power_lost_ = {};
  any_escalation_ = 0;
  decision_hour_ = 0;
  operations_ = {};
}

namespace {
// a += b × scale, field by field.
void accumulate(Operations& a, const Operations& b, double scale = 1) {
  for (int s = 0; s < kSides; ++s) {
    a.personnel_isolated[s] += b.personnel_isolated[s] * scale;
    a.personnel_captured[s] += b.personnel_captured[s] * scale;
    a.pockets[s] += b.pockets[s] * scale;
  }
  a.regions_bypassed += b.regions_bypassed * scale;
  for (std::size_t k = 0; k < a.engagements.size(); ++k)
    a.engagements[k] += b.engagements[k] * scale;
}
}  // namespace

void SummaryFold::add(const Outcome& o) {
  require_finite(o, scenario_file_);
  ++n_;
  for (std::size_t i = 0; i < held_.size() && i < o.held_at_end.size(); ++i)
    held_[i] += o.held_at_end[i];
  for (std::size_t i = 0; i < ever_.size(); ++i) {
    const double h = o.objective_hour[i];
    if (h < 0) continue;
    ++ever_[i];
    before_[i] += o.before_reinforcements[i];
    const long bin = std::clamp<long>(std::lround(h / step_hours_), 0, steps_);
    ++hour_hist_[i * (steps_ + 1) + bin];
  }
  for (int s = 0; s < kSides; ++s) {
    for (int k = 0; k < 4; ++k) territory_[s][k] += o.territory[s][k];
    personnel_[s] += o.personnel_lost[s];
    power_lost_[s] += o.power_lost_fraction[s];
    const double b = personnel_bin_[s] > 0 ? o.personnel_lost[s] / personnel_bin_[s] : 0;
    const int bin = static_cast<int>(std::clamp(b, 0.0, kPersonnelBins - 1.0));
    ++personnel_hist_[s * kPersonnelBins + bin];
  }
  for (std::size_t i = 0; i < by_category_.size() && i < o.losses_by_category.size(); ++i)
    by_category_[i] += o.losses_by_category[i];
  bool any = false;
  for (std::size_t i = 0; i < escalation_.size(); ++i) {
    escalation_[i] += o.escalation[i];
    any = any || o.escalation[i];
  }
  any_escalation_ += any;
  decision_hour_ += o.decision_hour;
  accumulate(operations_, o.operations);
}

void SummaryFold::merge(const SummaryFold& c) {
  n_ += c.n_;
  for (std::size_t i = 0; i < ever_.size(); ++i)
    ever_[i] += c.ever_[i], before_[i] += c.before_[i], held_[i] += c.held_[i];
  for (std::size_t i = 0; i < hour_hist_.size(); ++i) hour_hist_[i] += c.hour_hist_[i];
  for (std::size_t i = 0; i < personnel_hist_.size(); ++i)
    personnel_hist_[i] += c.personnel_hist_[i];
  for (int s = 0; s < kSides; ++s) {
    for (int k = 0; k < 4; ++k) territory_[s][k] += c.territory_[s][k];
    personnel_[s] += c.personnel_[s];
    power_lost_[s] += c.power_lost_[s];
  }
  for (std::size_t i = 0; i < by_category_.size(); ++i) by_category_[i] += c.by_category_[i];
  for (std::size_t i = 0; i < escalation_.size(); ++i) escalation_[i] += c.escalation_[i];
  any_escalation_ += c.any_escalation_;
  decision_hour_ += c.decision_hour_;
  accumulate(operations_, c.operations_);
}

Summary SummaryFold::summary(const Scenario& scenario) const {
  Summary s;
  s.scenario_id = scenario.id;
  s.scenario_name = scenario.name;
  s.scenario_hash = scenario.hash;
  s.replications = n_;
  s.combat_model = scenario.params.combat_model;
  s.step_hours = step_hours_;
  s.horizon_days = scenario.params.horizon_days;
  const double n = static_cast<double>(std::max<std::uint64_t>(n_, 1));
  const int days = static_cast<int>(std::ceil(steps_ * step_hours_ / 24.0 - 1e-9));
  for (std::size_t i = 0; i < ever_.size(); ++i) {
    ObjectiveSummary os;
    os.id = scenario.objectives[i].id;
    os.name = scenario.objectives[i].name;
    os.achieved = ever_[i];
    os.ever = wilson(ever_[i], n_);
    os.before_reinforcements = wilson(before_[i], n_);
    os.held_at_end = wilson(held_[i], n_);
    const std::uint32_t* hist = &hour_hist_[i * (steps_ + 1)];
    std::uint64_t cum = 0;
    int step = 0;
    for (int d = 0; d <= days; ++d) {
      for (; step <= steps_ && step * step_hours_ <= 24.0 * d + 1e-9; ++step) cum += hist[step];
      os.by_day.push_back(wilson(cum, n_));
    }
    constexpr double kQ[] = {0.05, 0.25, 0.5, 0.75, 0.95};
    for (int k = 0; k < 5; ++k)
      os.hour_quantiles[k] = quantile(hist, steps_ + 1, ever_[i], kQ[k], step_hours_, 0);
    // The censored median: the never-fell replications sit at the horizon, past every bin.
    os.median_hours_censored = steps_ * step_hours_;
    if (n_ > 0 && 2 * ever_[i] >= n_)
      os.median_hours_censored = quantile(hist, steps_ + 1, n_, 0.5, step_hours_, 0);
    const int bins = static_cast<int>(std::ceil(steps_ * step_hours_ / kHistogramBinHours)) + 1;
    os.hour_histogram.assign(bins, 0);
    for (int b = 0; b <= steps_; ++b)
      os.hour_histogram[std::min(
          bins - 1, static_cast<int>(b * step_hours_ / kHistogramBinHours))] += hist[b];
    s.objectives.push_back(std::move(os));
  }
  for (int side = 0; side < kSides; ++side) {
    for (int k = 0; k < 4; ++k) s.territory_mean[side][k] = territory_[side][k] / n;
    s.personnel_lost_mean[side] = personnel_[side] / n;
    s.power_lost_fraction_mean[side] = power_lost_[side] / n;
    constexpr double kQ[] = {0.05, 0.5, 0.95};
    for (int k = 0; k < 3; ++k)
      s.personnel_lost_quantiles[side][k] =
          n_ == 0 ? 0
                  : quantile(&personnel_hist_[side * kPersonnelBins], kPersonnelBins, n_, kQ[k],
                             personnel_bin_[side], 0.5 * personnel_bin_[side]);
  }
  s.losses_by_category_mean.resize(by_category_.size());
  for (std::size_t i = 0; i < by_category_.size(); ++i)
    s.losses_by_category_mean[i] = by_category_[i] / n;
  for (int c = 0; c < static_cast<int>(UnitCategory::Count); ++c)
    s.category_names.emplace_back(to_string(static_cast<UnitCategory>(c)));
  for (std::size_t i = 0; i < escalation_.size(); ++i) {
    s.escalation_ids.push_back(scenario.escalation[i].id);
    s.escalation_names.push_back(scenario.escalation[i].name);
    s.escalation.push_back(wilson(escalation_[i], n_));
  }
  s.any_escalation = wilson(any_escalation_, n_);
  s.decision_hour_mean = decision_hour_ / n;
  accumulate(s.operations_mean, operations_, 1.0 / n);
  return s;
}

Summary summarise(const Scenario& scenario, std::uint64_t seed, std::span<const Outcome> outcomes) {
  SummaryFold all(scenario), chunk(scenario);
  for (std::size_t begin = 0; begin < outcomes.size(); begin += kFoldChunk) {
    chunk.clear();
    const std::size_t end = std::min<std::size_t>(outcomes.size(), begin + kFoldChunk);
    for (std::size_t r = begin; r < end; ++r) chunk.add(outcomes[r]);
    all.merge(chunk);
  }
  Summary s = all.summary(scenario);
  s.seed = seed;
  return s;
}

}  // namespace flank::mc
