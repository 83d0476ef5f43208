#pragma once
// Compact, exact binary form of a run of Outcomes (doubles as raw IEEE bits, little-endian),
// used to store replication chunks and to ship them between MPI ranks. Decoding what was
// encoded gives back identical values, so summaries re-folded from stored chunks equal those
// of an uninterrupted run.
#include <cstdint>
#include <span>
#include <vector>

#include "flank/campaign/outcome.hpp"

namespace flank::analysis {

std::vector<std::uint8_t> encode_outcomes(std::span<const Outcome> outcomes);
// Throws std::runtime_error on malformed or truncated input.
std::vector<Outcome> decode_outcomes(std::span<const std::uint8_t> bytes);

}  // namespace flank::analysis
