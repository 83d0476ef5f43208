#include "flank/game/chunks.hpp"

#include <fmt/format.h>

#include <iterator>
#include <stdexcept>

#include "flank/analysis/outcome_codec.hpp"

namespace flank::game {

std::vector<WorkUnit> split_ranges(const std::vector<CellRange>& ranges, std::size_t options,
                                   std::uint64_t chunk) {
  if (chunk == 0) throw std::invalid_argument("game: the chunk size must be positive");
  std::vector<WorkUnit> units;
  for (const auto& r : ranges)
    for (std::uint64_t first = r.first; first < r.first + r.count; first += chunk)
      units.push_back(
          {r.plan * options + r.option, first, std::min(chunk, r.first + r.count - first)});
  return units;
}

std::vector<Outcome> ChunkCache::get(std::size_t cell, std::uint64_t first, std::uint64_t count) {
  std::vector<Outcome> out;
  out.reserve(count);
  std::uint64_t next = first;
  for (const auto& c : units(cell)) {
    if (c.first + c.count <= first || c.first >= first + count) continue;
    if (c.first != next || c.first + c.count > first + count)
      throw std::runtime_error(
          fmt::format("game: stored chunks of cell {} do not tile replications [{}, {})", cell,
                      first, first + count));
    auto part = analysis::decode_outcomes(c.outcomes);
    if (part.size() != c.count)
      throw std::runtime_error(fmt::format(
          "game: a stored chunk of cell {} has {} outcomes, not {}", cell, part.size(), c.count));
    out.insert(out.end(), std::make_move_iterator(part.begin()),
               std::make_move_iterator(part.end()));
    next = c.first + c.count;
  }
  if (next != first + count)
    throw std::runtime_error(fmt::format("game: replications [{}, {}) of cell {} are not computed",
                                         next, first + count, cell));
  return out;
}

bool MemoryCache::has(const WorkUnit& u) {
  return chunks_.contains({u.cell, u.first});
}

void MemoryCache::put(const WorkUnit& u, const std::vector<std::uint8_t>& encoded) {
  if (!chunks_.emplace(std::pair{u.cell, u.first}, store::Chunk{u.first, u.count, encoded}).second)
    throw std::logic_error(fmt::format("game: unit ({}, {}) computed twice", u.cell, u.first));
}

std::vector<store::Chunk> MemoryCache::units(std::size_t cell) {
  std::vector<store::Chunk> out;
  for (auto it = chunks_.lower_bound({cell, 0}); it != chunks_.end() && it->first.first == cell;
       ++it)
    out.push_back(it->second);
  return out;
}

StoreCache::StoreCache(store::Store& store, std::int64_t study, std::size_t cells)
    : store_(store), study_(study), firsts_(cells) {
  for (std::size_t c = 0; c < cells; ++c)
    for (auto f : store_.chunk_firsts(study_, static_cast<std::int64_t>(c))) firsts_[c].insert(f);
}

bool StoreCache::has(const WorkUnit& u) {
  return firsts_.at(u.cell).contains(u.first);
}

void StoreCache::put(const WorkUnit& u, const std::vector<std::uint8_t>& encoded) {
  store_.put_chunk(study_, static_cast<std::int64_t>(u.cell), {u.first, u.count, encoded});
  firsts_.at(u.cell).insert(u.first);
}

std::vector<store::Chunk> StoreCache::units(std::size_t cell) {
  return store_.chunks(study_, static_cast<std::int64_t>(cell));
}

}  // namespace flank::game
