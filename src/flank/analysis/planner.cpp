#include "flank/analysis/planner.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace flank::analysis {
namespace {

using Mask = std::uint64_t;

class Search {
 public:
  Search(const std::vector<Candidate>& c, const AdversaryEvaluator& e, const PlannerOptions& o)
      : candidates_(c), evaluate_(e), options_(o) {}

  double cost(Mask m) const {
    double total = 0;
    for (std::size_t i = 0; i < candidates_.size(); ++i)
      if (m >> i & 1) total += candidates_[i].cost;
    return total;
  }

  // Estimate with at least `min_n` replications.
  const PostureEstimate& estimate(Mask m, std::uint64_t min_n) {
    auto [it, fresh] = cache_.try_emplace(m);
    PostureEstimate& e = it->second;
    if (fresh) {
      e.chosen.resize(candidates_.size());
      for (std::size_t i = 0; i < candidates_.size(); ++i) e.chosen[i] = (m >> i & 1) != 0;
      e.cost = cost(m);
      order_.push_back(m);
    }
    if (e.n < min_n) {
      const auto hits = evaluate_(e.chosen, e.n, min_n - e.n);
      if (hits.empty()) throw std::invalid_argument("planner: the evaluator returned no plans");
      if (e.plan_successes.empty()) e.plan_successes.assign(hits.size(), 0);
      if (hits.size() != e.plan_successes.size())
        throw std::invalid_argument("planner: the evaluator changed its number of plans");
      for (std::size_t k = 0; k < hits.size(); ++k) e.plan_successes[k] += hits[k];
      e.best_response = static_cast<std::size_t>(
          std::max_element(e.plan_successes.begin(), e.plan_successes.end()) -
          e.plan_successes.begin());
      e.successes = e.plan_successes[e.best_response];
      run_ += (min_n - e.n) * hits.size();
      e.n = min_n;
      e.risk = mc::wilson(e.successes, e.n);
      e.verdict = e.risk.hi <= options_.target  ? Verdict::Meets
                  : e.risk.lo > options_.target ? Verdict::Fails
                                                : Verdict::Unsure;
    }
    return e;
  }
  const PostureEstimate& estimate(Mask m) { return estimate(m, options_.initial_replications); }

  // Adds replications (doubling) while the interval straddles the target.
  const PostureEstimate& settle(Mask m) {
    const PostureEstimate* e = &estimate(m);
    while (e->verdict == Verdict::Unsure && e->n < options_.max_replications)
      e = &estimate(m, std::min(options_.max_replications, 2 * e->n));
    return *e;
  }

  bool meets(Mask m) { return settle(m).verdict == Verdict::Meets; }

  PlanResult result(std::string method, std::optional<Mask> best) const {
    PlanResult r;
    r.method = std::move(method);
    r.replications_run = run_;
    for (Mask m : order_) r.evaluated.push_back(cache_.at(m));
    if (best) r.best = cache_.at(*best);
    // Pareto frontier on (cost, estimated risk).
    std::vector<const PostureEstimate*> by_cost;
    for (const auto& [m, e] : cache_) by_cost.push_back(&e);
    std::stable_sort(by_cost.begin(), by_cost.end(), [](auto* a, auto* b) {
      return a->cost != b->cost ? a->cost < b->cost : a->risk.p < b->risk.p;
    });
    double best_risk = 2;
    for (const auto* e : by_cost)
      if (e->risk.p < best_risk) {
        r.frontier.push_back(*e);
        best_risk = e->risk.p;
      }
    return r;
  }

  std::size_t size() const { return candidates_.size(); }
  const PlannerOptions& options() const { return options_; }

 private:
  const std::vector<Candidate>& candidates_;
  const AdversaryEvaluator& evaluate_;
  const PlannerOptions& options_;
  std::map<Mask, PostureEstimate> cache_;
  std::vector<Mask> order_;
  std::uint64_t run_ = 0;
};

PlanResult exact(Search& s, const std::vector<Mask>& affordable) {
  for (Mask m : affordable) s.estimate(m);
  std::optional<Mask> best;
  for (Mask m : affordable) {
    // Settling is needed only where the first estimate leaves meeting possible.
    if (s.estimate(m).verdict != Verdict::Fails && s.meets(m)) {
      best = m;
      break;
    }
  }
  return s.result("exact", best);
}

PlanResult greedy(Search& s, const std::vector<Candidate>& candidates) {
  const std::size_t k = candidates.size();
  const double budget = s.options().budget;
  Mask current = 0;
  std::optional<Mask> best;
  if (s.meets(current)) best = current;
  while (!best) {
    const double p0 = s.estimate(current).risk.p;
    std::optional<Mask> next;
    double best_gain = -1e300;
    for (std::size_t i = 0; i < k; ++i) {
      if (current >> i & 1) continue;
      const Mask m = current | Mask{1} << i;
      if (s.cost(m) > budget) continue;
      const double gain = (p0 - s.estimate(m).risk.p) / std::max(candidates[i].cost, 1e-9);
      if (gain > best_gain) {
        best_gain = gain;
        next = m;
      }
    }
    if (!next) break;
    current = *next;
    if (s.meets(current)) best = current;
  }
  if (!best) return s.result("greedy+local", std::nullopt);
  // Local search: drop a unit, or swap one for a cheaper one, while still meeting.
  bool improved = true;
  while (improved) {
    improved = false;
    std::vector<Mask> moves;
    for (std::size_t i = 0; i < k; ++i) {
      if (!(*best >> i & 1)) continue;
      moves.push_back(*best & ~(Mask{1} << i));
      for (std::size_t j = 0; j < k; ++j)
        if (!(*best >> j & 1)) moves.push_back((*best & ~(Mask{1} << i)) | Mask{1} << j);
    }
    std::stable_sort(moves.begin(), moves.end(),
                     [&](Mask a, Mask b) { return s.cost(a) < s.cost(b); });
    for (Mask m : moves) {
      if (s.cost(m) >= s.cost(*best)) break;
      if (s.estimate(m).verdict != Verdict::Fails && s.meets(m)) {
        best = m;
        improved = true;
        break;
      }
    }
  }
  return s.result("greedy+local", best);
}

}  // namespace

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::Meets:
      return "meets";
    case Verdict::Fails:
      return "fails";
    case Verdict::Unsure:
      return "unsure";
  }
  return "?";
}

PlanResult plan(const std::vector<Candidate>& candidates, const PostureEvaluator& evaluate,
                const PlannerOptions& options) {
  const AdversaryEvaluator one = [&](const std::vector<bool>& chosen, std::uint64_t first,
                                     std::uint64_t count) {
    return std::vector<std::uint64_t>{evaluate(chosen, first, count)};
  };
  return plan(candidates, one, options);
}

PlanResult plan(const std::vector<Candidate>& candidates, const AdversaryEvaluator& evaluate,
                const PlannerOptions& options) {
  if (candidates.size() > 63) throw std::invalid_argument("planner: at most 63 candidates");
  if (options.initial_replications == 0)
    throw std::invalid_argument("planner: initial replications must be positive");
  Search s(candidates, evaluate, options);
  const std::size_t k = candidates.size();
  if (k <= options.exact_limit && k < 20) {
    std::vector<Mask> affordable;
    for (Mask m = 0; m < (Mask{1} << k); ++m)
      if (s.cost(m) <= options.budget) affordable.push_back(m);
    if (affordable.size() <= options.max_enumerated) {
      std::stable_sort(affordable.begin(), affordable.end(),
                       [&](Mask a, Mask b) { return s.cost(a) < s.cost(b); });
      return exact(s, affordable);
    }
  }
  return greedy(s, candidates);
}

}  // namespace flank::analysis
