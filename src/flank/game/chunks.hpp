#pragma once
// A game's work in units that can be stored, resumed and shipped between MPI ranks, as a
// sweep's are (analysis/sweep.hpp): each range the estimator asks for (game/estimate.hpp,
// EstimateOptions::prepare) is cut into chunks of at most `chunk` replications from the
// range's own first replication. The ranges are the same in every run of the same game (the
// first batch, then the rest), so the units are too, and a unit's outcomes are a pure
// function of (cell, seed, replication range): a resumed or distributed game equals an
// uninterrupted one.
#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "flank/campaign/outcome.hpp"
#include "flank/game/estimate.hpp"
#include "flank/store/store.hpp"

namespace flank::game {

struct WorkUnit {
  std::size_t cell = 0;  // plan * options + option
  std::uint64_t first = 0, count = 0;
  bool operator==(const WorkUnit&) const = default;
};

std::vector<WorkUnit> split_ranges(const std::vector<CellRange>& ranges, std::size_t options,
                                   std::uint64_t chunk);

// Where computed units (analysis::encode_outcomes bytes) are kept.
class ChunkCache {
 public:
  virtual ~ChunkCache() = default;
  virtual bool has(const WorkUnit& unit) = 0;
  // Throws if the unit is already there: computing one twice would be a bug.
  virtual void put(const WorkUnit& unit, const std::vector<std::uint8_t>& encoded) = 0;
  // Outcomes of replications [first, first + count) of a cell, in order, from the units that
  // tile exactly that range; throws std::runtime_error when they do not.
  std::vector<Outcome> get(std::size_t cell, std::uint64_t first, std::uint64_t count);

 protected:
  // The cell's units, ascending first replication.
  virtual std::vector<store::Chunk> units(std::size_t cell) = 0;
};

class MemoryCache final : public ChunkCache {
 public:
  bool has(const WorkUnit& unit) override;
  void put(const WorkUnit& unit, const std::vector<std::uint8_t>& encoded) override;

 protected:
  std::vector<store::Chunk> units(std::size_t cell) override;

 private:
  std::map<std::pair<std::size_t, std::uint64_t>, store::Chunk> chunks_;
};

// The chunks table of a results store: a study's point is a cell. Each put is one SQLite
// transaction, so a kill loses at most the unit being computed.
class StoreCache final : public ChunkCache {
 public:
  StoreCache(store::Store& store, std::int64_t study, std::size_t cells);
  bool has(const WorkUnit& unit) override;
  void put(const WorkUnit& unit, const std::vector<std::uint8_t>& encoded) override;

 protected:
  std::vector<store::Chunk> units(std::size_t cell) override;

 private:
  store::Store& store_;
  std::int64_t study_;
  std::vector<std::set<std::uint64_t>> firsts_;  // stored units per cell, read once
};

}  // namespace flank::game
