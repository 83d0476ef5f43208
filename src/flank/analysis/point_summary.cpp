#include "flank/analysis/point_summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace flank::analysis {
namespace {

constexpr std::size_t kBlock = 32;  // mc::run's fold block
constexpr int kPersonnelBins = 4000;
constexpr double kPersonnelBinsPerTotal = 2000;

struct Sums {
  std::vector<std::uint64_t> ever, before;
  std::vector<std::uint32_t> hour_hist;
  std::array<std::array<double, 4>, kSides> territory{};
  std::array<double, kSides> personnel{}, power_lost{};
  std::vector<std::uint32_t> personnel_hist;
  std::vector<double> by_category;
  std::vector<std::uint64_t> escalation;
  std::uint64_t any_escalation = 0, n = 0;
  double decision_hour = 0;

  Sums(std::size_t objectives, int steps, std::size_t categories, std::size_t rules)
      : ever(objectives),
        before(objectives),
        hour_hist(objectives * (steps + 1)),
        personnel_hist(kSides * kPersonnelBins),
        by_category(categories),
        escalation(rules) {}

  void add(const Outcome& o, int steps, double step_hours,
           const std::array<double, kSides>& personnel_bin) {
    ++n;
    for (std::size_t i = 0; i < ever.size(); ++i) {
      const double h = o.objective_hour[i];
      if (h < 0) continue;
      ++ever[i];
      before[i] += o.before_reinforcements[i];
      ++hour_hist[i * (steps + 1) + std::clamp<long>(std::lround(h / step_hours), 0, steps)];
    }
    for (int s = 0; s < kSides; ++s) {
      for (int k = 0; k < 4; ++k) territory[s][k] += o.territory[s][k];
      personnel[s] += o.personnel_lost[s];
      power_lost[s] += o.power_lost_fraction[s];
      const double b = personnel_bin[s] > 0 ? o.personnel_lost[s] / personnel_bin[s] : 0;
      ++personnel_hist[s * kPersonnelBins +
                       static_cast<int>(std::clamp(b, 0.0, kPersonnelBins - 1.0))];
    }
    for (std::size_t i = 0; i < by_category.size() && i < o.losses_by_category.size(); ++i)
      by_category[i] += o.losses_by_category[i];
    bool any = false;
    for (std::size_t i = 0; i < escalation.size(); ++i) {
      escalation[i] += o.escalation[i];
      any = any || o.escalation[i];
    }
    any_escalation += any;
    decision_hour += o.decision_hour;
  }

  void merge(const Sums& c) {
    n += c.n;
    for (std::size_t i = 0; i < ever.size(); ++i) ever[i] += c.ever[i], before[i] += c.before[i];
    for (std::size_t i = 0; i < hour_hist.size(); ++i) hour_hist[i] += c.hour_hist[i];
    for (std::size_t i = 0; i < personnel_hist.size(); ++i)
      personnel_hist[i] += c.personnel_hist[i];
    for (int s = 0; s < kSides; ++s) {
      for (int k = 0; k < 4; ++k) territory[s][k] += c.territory[s][k];
      personnel[s] += c.personnel[s];
      power_lost[s] += c.power_lost[s];
    }
    for (std::size_t i = 0; i < by_category.size(); ++i) by_category[i] += c.by_category[i];
    for (std::size_t i = 0; i < escalation.size(); ++i) escalation[i] += c.escalation[i];
    any_escalation += c.any_escalation;
    decision_hour += c.decision_hour;
  }
};

template <typename Count>
double quantile(const Count* hist, int bins, std::uint64_t total, double q, double width,
                double offset) {
  if (total == 0) return std::numeric_limits<double>::quiet_NaN();
  const double need = q * static_cast<double>(total);
  std::uint64_t cum = 0;
  for (int b = 0; b < bins; ++b) {
    cum += hist[b];
    if (static_cast<double>(cum) >= need - 1e-9 && cum > 0) return b * width + offset;
  }
  return (bins - 1) * width + offset;
}

}  // namespace

mc::Summary summarise(const Scenario& scenario, std::uint64_t seed,
                      std::span<const Outcome> outcomes) {
  const int steps = scenario.steps();
  const double step_hours = scenario.params.step_hours;
  const std::size_t O = scenario.objectives.size(), E = scenario.escalation.size();
  const std::size_t C = kSides * static_cast<std::size_t>(UnitCategory::Count);
  std::array<double, kSides> personnel_bin{};
  for (const auto& u : scenario.units) personnel_bin[u.side] += u.personnel.mean();
  for (auto& b : personnel_bin) b /= kPersonnelBinsPerTotal;

  Sums all(O, steps, C, E);
  for (std::size_t begin = 0; begin < outcomes.size(); begin += kBlock) {
    Sums block(O, steps, C, E);
    for (std::size_t r = begin; r < std::min(outcomes.size(), begin + kBlock); ++r)
      block.add(outcomes[r], steps, step_hours, personnel_bin);
    all.merge(block);
  }

  mc::Summary s;
  s.scenario_id = scenario.id;
  s.scenario_name = scenario.name;
  s.scenario_hash = scenario.hash;
  s.seed = seed;
  s.replications = outcomes.size();
  s.combat_model = scenario.params.combat_model;
  s.step_hours = step_hours;
  s.horizon_days = scenario.params.horizon_days;
  const double n = static_cast<double>(std::max<std::uint64_t>(all.n, 1));
  const int days = static_cast<int>(std::ceil(steps * step_hours / 24.0 - 1e-9));
  for (std::size_t i = 0; i < O; ++i) {
    mc::ObjectiveSummary os;
    os.id = scenario.objectives[i].id;
    os.name = scenario.objectives[i].name;
    os.achieved = all.ever[i];
    os.ever = mc::wilson(all.ever[i], all.n);
    os.before_reinforcements = mc::wilson(all.before[i], all.n);
    const std::uint32_t* hist = &all.hour_hist[i * (steps + 1)];
    std::uint64_t cum = 0;
    int step = 0;
    for (int d = 0; d <= days; ++d) {
      for (; step <= steps && step * step_hours <= 24.0 * d + 1e-9; ++step) cum += hist[step];
      os.by_day.push_back(mc::wilson(cum, all.n));
    }
    constexpr double kQ[] = {0.05, 0.25, 0.5, 0.75, 0.95};
    for (int k = 0; k < 5; ++k)
      os.hour_quantiles[k] = quantile(hist, steps + 1, all.ever[i], kQ[k], step_hours, 0);
    const int bins = static_cast<int>(std::ceil(steps * step_hours / mc::kHistogramBinHours)) + 1;
    os.hour_histogram.assign(bins, 0);
    for (int b = 0; b <= steps; ++b)
      os.hour_histogram[std::min(
          bins - 1, static_cast<int>(b * step_hours / mc::kHistogramBinHours))] += hist[b];
    s.objectives.push_back(std::move(os));
  }
  for (int side = 0; side < kSides; ++side) {
    for (int k = 0; k < 4; ++k) s.territory_mean[side][k] = all.territory[side][k] / n;
    s.personnel_lost_mean[side] = all.personnel[side] / n;
    s.power_lost_fraction_mean[side] = all.power_lost[side] / n;
    constexpr double kQ[] = {0.05, 0.5, 0.95};
    for (int k = 0; k < 3; ++k)
      s.personnel_lost_quantiles[side][k] =
          all.n == 0 ? 0
                     : quantile(&all.personnel_hist[side * kPersonnelBins], kPersonnelBins, all.n,
                                kQ[k], personnel_bin[side], 0.5 * personnel_bin[side]);
  }
  s.losses_by_category_mean.resize(C);
  for (std::size_t i = 0; i < C; ++i) s.losses_by_category_mean[i] = all.by_category[i] / n;
  for (int c = 0; c < static_cast<int>(UnitCategory::Count); ++c)
    s.category_names.emplace_back(to_string(static_cast<UnitCategory>(c)));
  for (std::size_t i = 0; i < E; ++i) {
    s.escalation_ids.push_back(scenario.escalation[i].id);
    s.escalation_names.push_back(scenario.escalation[i].name);
    s.escalation.push_back(mc::wilson(all.escalation[i], all.n));
  }
  s.any_escalation = mc::wilson(all.any_escalation, all.n);
  s.decision_hour_mean = all.decision_hour / n;
  return s;
}

}  // namespace flank::analysis
