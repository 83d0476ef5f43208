#include "flank/geo/graph.hpp"

#include <algorithm>
#include <functional>
#include <numeric>
#include <queue>
#include <utility>

namespace flank::geo {

std::vector<std::uint32_t> components(std::size_t vertices, const std::vector<Edge>& edges) {
  std::vector<std::uint32_t> parent(vertices);
  std::iota(parent.begin(), parent.end(), 0u);
  const auto root = [&](std::uint32_t v) {
    while (parent[v] != v) v = parent[v] = parent[parent[v]];
    return v;
  };
  for (const auto& e : edges) {
    const std::uint32_t ra = root(e.a), rb = root(e.b);
    if (ra != rb) parent[std::max(ra, rb)] = std::min(ra, rb);
  }
  std::vector<std::uint32_t> label(vertices), index_of_root(vertices, kNoHop);
  std::uint32_t next = 0;
  for (std::uint32_t v = 0; v < vertices; ++v) {
    const std::uint32_t r = root(v);
    if (index_of_root[r] == kNoHop) index_of_root[r] = next++;
    label[v] = index_of_root[r];
  }
  return label;
}

AllPairs all_pairs_shortest_paths(std::size_t n, const std::vector<Edge>& edges) {
  // Compressed adjacency (CSR) so the n Dijkstra runs walk flat arrays.
  std::vector<std::uint32_t> start(n + 1, 0);
  for (const auto& e : edges) {
    ++start[e.a + 1];
    ++start[e.b + 1];
  }
  for (std::size_t v = 0; v < n; ++v) start[v + 1] += start[v];
  std::vector<std::uint32_t> target(start[n]);
  std::vector<double> weight(start[n]);
  std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
  for (const auto& e : edges) {
    target[fill[e.a]] = e.b;
    weight[fill[e.a]++] = e.length;
    target[fill[e.b]] = e.a;
    weight[fill[e.b]++] = e.length;
  }

  AllPairs out;
  out.n = n;
  out.dist.assign(n * n, std::numeric_limits<double>::infinity());
  out.next.assign(n * n, kNoHop);
  using Item = std::pair<double, std::uint32_t>;
  std::vector<std::uint32_t> parent(n);
  std::vector<char> done(n);
  for (std::uint32_t s = 0; s < n; ++s) {
    double* dist = &out.dist[static_cast<std::size_t>(s) * n];
    std::uint32_t* next = &out.next[static_cast<std::size_t>(s) * n];
    std::fill(done.begin(), done.end(), 0);
    std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
    dist[s] = 0;
    next[s] = s;
    parent[s] = s;
    heap.push({0.0, s});
    while (!heap.empty()) {
      const auto [d, v] = heap.top();
      heap.pop();
      if (done[v]) continue;
      done[v] = 1;
      // Settled in order of distance, so the parent's first hop is already known.
      if (v != s) next[v] = parent[v] == s ? v : next[parent[v]];
      for (std::uint32_t k = start[v]; k < start[v + 1]; ++k) {
        const std::uint32_t w = target[k];
        const double nd = d + weight[k];
        if (nd < dist[w] || (nd == dist[w] && !done[w] && v < parent[w])) {
          dist[w] = nd;
          parent[w] = v;
          heap.push({nd, w});
        }
      }
    }
  }
  return out;
}

}  // namespace flank::geo
