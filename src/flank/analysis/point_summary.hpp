#pragma once
// The engine's run Summary of a sweep point, rebuilt from its stored outcomes. The fold mirrors
// mc::run's (replications accumulated in blocks of 32 consecutive indices, blocks merged in
// order, step-resolution hour histograms, personnel histograms of 1/2000 of the side's mean
// total), so the summary of replications [0, n) equals what `flank run -n n` reports for the
// same scenario and seed, bit for bit; report::summary_json then writes it.
#include <span>

#include "flank/campaign/outcome.hpp"
#include "flank/mc/runner.hpp"
#include "flank/scenario/scenario.hpp"

namespace flank::analysis {

// `outcomes` must be replications [0, n) in order.
mc::Summary summarise(const Scenario& scenario, std::uint64_t seed,
                      std::span<const Outcome> outcomes);

}  // namespace flank::analysis
