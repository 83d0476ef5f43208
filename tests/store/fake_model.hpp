#pragma once
// A synthetic PointModel: outcomes are a pure function of (seed, replication, point factors),
// with known probabilities, so sweeps can be tested without the campaign engine.
#include <cmath>

#include "flank/analysis/sweep.hpp"
#include "flank/core/rng.hpp"

namespace flank::fake {

class FakeModel : public analysis::PointModel {
 public:
  // P(corridor) = 0.2 + 0.5·x0 + 0.1·x1 where x are the point's factors (0 when absent);
  // scenario refs containing "worse" add 0.1.
  static double corridor_p(const analysis::DesignPoint& p) {
    double v = 0.2;
    if (p.factors.size() > 0) v += 0.5 * p.factors[0];
    if (p.factors.size() > 1) v += 0.1 * p.factors[1];
    if (p.scenario.find("worse") != std::string::npos) v += 0.1;
    return v;
  }

  analysis::PointInfo info(const analysis::DesignPoint&) override {
    return {{{"corridor", "vilnius"}, {"flag"}, 720}, "fake", 0x1234};
  }

  std::vector<Outcome> run(const analysis::DesignPoint& p, std::uint64_t seed, std::uint64_t first,
                           std::uint64_t count) override {
    calls += 1;
    replications += count;
    std::vector<Outcome> out;
    for (std::uint64_t r = first; r < first + count; ++r) {
      RandomStream rng(seed, r, Purpose::ScenarioDraw);
      Outcome o;
      o.replication = r;
      const double u = rng.uniform();
      const bool falls = u < corridor_p(p);
      o.objective_hour = {falls ? std::floor(24 + 300 * u) : kNever,
                          rng.uniform() < 0.3 ? std::floor(rng.uniform(48, 700)) : kNever};
      o.before_reinforcements = {static_cast<std::uint8_t>(falls && u < 0.1), 0};
      o.held_at_end = {static_cast<std::uint8_t>(falls && u < 0.2), 0};
      o.decision_hour = rng.uniform(0, 200);
      o.territory[0] = {0.1, 0.2, 0.3, 0.4};
      o.territory[1] = {0.9, 0.8, 0.7, 0.6};
      o.personnel_lost = {rng.uniform(1000, 5000), rng.uniform(500, 3000)};
      o.losses_by_category.assign(4, 1.0);
      o.escalation = {static_cast<std::uint8_t>(rng.uniform() < 0.2)};
      o.escalation_hour = {o.escalation[0] ? 100.0 : kNever};
      out.push_back(std::move(o));
    }
    return out;
  }

  int calls = 0;
  std::uint64_t replications = 0;
};

}  // namespace flank::fake
