#pragma once
// The theater graph's whole-graph computations: connected components and all-pairs shortest
// paths with next hops, computed once when a scenario is compiled.
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <vector>

namespace flank::geo {

struct Edge {
  std::uint32_t a = 0, b = 0;
  double length = 0;  // non-negative
};

// Component index of every vertex (0-based, numbered by lowest vertex), undirected edges.
std::vector<std::uint32_t> components(std::size_t vertices, const std::vector<Edge>& edges);

inline constexpr std::uint32_t kNoHop = std::numeric_limits<std::uint32_t>::max();

// One Dijkstra row: distances from `source` (+inf when unreachable) and, for every target,
// the first vertex after `source` on a shortest path (`source` itself for the source,
// kNoHop when unreachable).
using RowSink = std::function<void(std::uint32_t source, std::span<const double> dist,
                                   std::span<const std::uint32_t> next)>;

// Dijkstra from every vertex with an indexed 4-ary heap, sources spread over threads (oneTBB).
// `sink` may run concurrently for different sources. Ties go to the lower vertex id, so the
// result is the same on every machine and thread count.
void shortest_paths_from_each(std::size_t vertices, const std::vector<Edge>& edges,
                              const RowSink& sink);

struct AllPairs {
  std::size_t n = 0;
  std::vector<double> dist;         // [from * n + to]
  std::vector<std::uint32_t> next;  // [from * n + to]
};
AllPairs all_pairs_shortest_paths(std::size_t vertices, const std::vector<Edge>& edges);

}  // namespace flank::geo
