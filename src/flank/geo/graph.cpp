#include "flank/geo/graph.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <numeric>
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

namespace {

// Compressed adjacency (CSR) so the Dijkstra runs walk flat arrays.
struct Adjacency {
  std::vector<std::uint32_t> start, target;
  std::vector<double> weight;

  Adjacency(std::size_t n, const std::vector<Edge>& edges) : start(n + 1, 0) {
    for (const auto& e : edges) {
      ++start[e.a + 1];
      ++start[e.b + 1];
    }
    for (std::size_t v = 0; v < n; ++v) start[v + 1] += start[v];
    target.resize(start[n]);
    weight.resize(start[n]);
    std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
    for (const auto& e : edges) {
      target[fill[e.a]] = e.b;
      weight[fill[e.a]++] = e.length;
      target[fill[e.b]] = e.a;
      weight[fill[e.b]++] = e.length;
    }
  }
};

// Per-thread Dijkstra state: an indexed 4-ary min-heap keyed by (distance, vertex), so each
// vertex sits in the heap at most once and an improvement is a sift-up, not a new entry.
class Dijkstra {
 public:
  explicit Dijkstra(std::size_t n) : dist_(n), next_(n), parent_(n), slot_(n) { heap_.reserve(n); }

  void run(const Adjacency& g, std::uint32_t s) {
    const double inf = std::numeric_limits<double>::infinity();
    std::fill(dist_.begin(), dist_.end(), inf);
    std::fill(next_.begin(), next_.end(), kNoHop);
    std::fill(slot_.begin(), slot_.end(), kUnseen);
    heap_.clear();
    dist_[s] = 0;
    parent_[s] = s;
    push(s);
    while (!heap_.empty()) {
      const std::uint32_t v = pop();
      // Settled in order of distance, so the parent's first hop is already known.
      next_[v] = v == s ? s : (parent_[v] == s ? v : next_[parent_[v]]);
      const double d = dist_[v];
      for (std::uint32_t k = g.start[v]; k < g.start[v + 1]; ++k) {
        const std::uint32_t w = g.target[k];
        if (slot_[w] == kDone) continue;
        const double nd = d + g.weight[k];
        if (slot_[w] == kUnseen) {
          dist_[w] = nd;
          parent_[w] = v;
          push(w);
        } else if (nd < dist_[w]) {
          dist_[w] = nd;
          parent_[w] = v;
          sift_up(slot_[w]);
        } else if (nd == dist_[w] && v < parent_[w]) {
          parent_[w] = v;
        }
      }
    }
  }

  std::span<const double> dist() const { return dist_; }
  std::span<const std::uint32_t> next() const { return next_; }

 private:
  static constexpr std::uint32_t kUnseen = kNoHop;
  static constexpr std::uint32_t kDone = kNoHop - 1;

  bool before(std::uint32_t a, std::uint32_t b) const {
    return dist_[a] < dist_[b] || (dist_[a] == dist_[b] && a < b);
  }
  void place(std::size_t i, std::uint32_t v) {
    heap_[i] = v;
    slot_[v] = static_cast<std::uint32_t>(i);
  }
  void push(std::uint32_t v) {
    heap_.push_back(v);
    slot_[v] = static_cast<std::uint32_t>(heap_.size() - 1);
    sift_up(heap_.size() - 1);
  }
  void sift_up(std::size_t i) {
    const std::uint32_t v = heap_[i];
    while (i > 0) {
      const std::size_t up = (i - 1) / 4;
      if (!before(v, heap_[up])) break;
      place(i, heap_[up]);
      i = up;
    }
    place(i, v);
  }
  std::uint32_t pop() {
    const std::uint32_t top = heap_[0];
    slot_[top] = kDone;
    const std::uint32_t last = heap_.back();
    heap_.pop_back();
    if (heap_.empty()) return top;
    std::size_t i = 0;
    const std::size_t n = heap_.size();
    for (;;) {
      const std::size_t first = 4 * i + 1;
      if (first >= n) break;
      std::size_t best = first;
      for (std::size_t c = first + 1; c < std::min(first + 4, n); ++c)
        if (before(heap_[c], heap_[best])) best = c;
      if (!before(heap_[best], last)) break;
      place(i, heap_[best]);
      i = best;
    }
    place(i, last);
    return top;
  }

  std::vector<double> dist_;
  std::vector<std::uint32_t> next_, parent_, slot_, heap_;
};

}  // namespace

void shortest_paths_from_each(std::size_t n, const std::vector<Edge>& edges, const RowSink& sink) {
  const Adjacency graph(n, edges);
  // Small theaters are done inline; threads only pay off for large graphs.
  const std::size_t grain = std::max<std::size_t>(1, 200000 / (edges.size() + n + 1));
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, grain),
                    [&](const tbb::blocked_range<std::size_t>& sources) {
                      Dijkstra dijkstra(n);
                      for (std::size_t s = sources.begin(); s != sources.end(); ++s) {
                        dijkstra.run(graph, static_cast<std::uint32_t>(s));
                        sink(static_cast<std::uint32_t>(s), dijkstra.dist(), dijkstra.next());
                      }
                    });
}

AllPairs all_pairs_shortest_paths(std::size_t n, const std::vector<Edge>& edges) {
  AllPairs out;
  out.n = n;
  out.dist.resize(n * n);
  out.next.resize(n * n);
  shortest_paths_from_each(
      n, edges,
      [&](std::uint32_t s, std::span<const double> dist, std::span<const std::uint32_t> next) {
        std::copy(dist.begin(), dist.end(), out.dist.begin() + static_cast<std::ptrdiff_t>(s * n));
        std::copy(next.begin(), next.end(), out.next.begin() + static_cast<std::ptrdiff_t>(s * n));
      });
  return out;
}

}  // namespace flank::geo
