#pragma once
// The theater graph's whole-graph computations: connected components and all-pairs shortest
// paths with next hops, computed once when a scenario is compiled.
#include <cstdint>
#include <limits>
#include <vector>

namespace flank::geo {

struct Edge {
  std::uint32_t a = 0, b = 0;
  double length = 0;  // non-negative
};

// Component index of every vertex (0-based, numbered by lowest vertex), undirected edges.
std::vector<std::uint32_t> components(std::size_t vertices, const std::vector<Edge>& edges);

inline constexpr std::uint32_t kNoHop = std::numeric_limits<std::uint32_t>::max();

struct AllPairs {
  std::size_t n = 0;
  std::vector<double> dist;         // [from * n + to]; +inf when unreachable
  std::vector<std::uint32_t> next;  // first vertex after `from` on a shortest path; from→from
                                    // is `from`; kNoHop when unreachable
};

// Dijkstra from every vertex (O(V·E log V)); ties go to the lower vertex id so the result is
// the same on every machine.
AllPairs all_pairs_shortest_paths(std::size_t vertices, const std::vector<Edge>& edges);

}  // namespace flank::geo
