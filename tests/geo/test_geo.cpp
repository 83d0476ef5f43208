// Geodesic distances against known city pairs, and shortest paths checked by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "flank/geo/geodesy.hpp"
#include "flank/geo/graph.hpp"

namespace flank::geo {
namespace {

TEST(Geodesy, CityPairs) {
  // Vilnius–Kaunas ≈ 90 km and Hrodna–Suwałki ≈ 74 km, centre to centre.
  EXPECT_NEAR(geodesic_km(54.6833, 25.2833, 54.9000, 23.9333), 90, 1);
  EXPECT_NEAR(geodesic_km(53.6667, 23.8167, 54.0833, 22.9333), 74, 1);
}

TEST(Geodesy, ClosedForms) {
  // One degree of longitude on the equator is a·π/180 on WGS84 (a = 6378.137 km).
  EXPECT_NEAR(geodesic_km(0, 0, 0, 1), 6378.137 * M_PI / 180, 1e-6);
  // Pole to pole along a meridian: twice the quarter meridian, 10001.965729 km (WGS84).
  EXPECT_NEAR(geodesic_km(90, 0, -90, 0), 2 * 10001.965729, 1e-3);
  EXPECT_DOUBLE_EQ(geodesic_km(54.1, 23.1, 54.1, 23.1), 0);
  EXPECT_DOUBLE_EQ(geodesic_km(54, 23, 55, 25), geodesic_km(55, 25, 54, 23));
}

// A small graph worked by hand:
//
//   0 --4-- 1 --1-- 2
//   |               |
//   +-------7-------+      3 --2-- 4      (5 isolated)
//
// 0→2: via 1 costs 5 < 7. 2→0: back through 1. 3 and 4 form their own component.
std::vector<Edge> sample() {
  return {{0, 1, 4}, {1, 2, 1}, {0, 2, 7}, {3, 4, 2}};
}

TEST(Graph, ShortestPathsByHand) {
  const AllPairs p = all_pairs_shortest_paths(6, sample());
  const auto d = [&](int a, int b) { return p.dist[a * 6 + b]; };
  const auto hop = [&](int a, int b) { return p.next[a * 6 + b]; };
  EXPECT_DOUBLE_EQ(d(0, 2), 5);
  EXPECT_EQ(hop(0, 2), 1u);
  EXPECT_DOUBLE_EQ(d(2, 0), 5);
  EXPECT_EQ(hop(2, 0), 1u);
  EXPECT_DOUBLE_EQ(d(0, 1), 4);
  EXPECT_EQ(hop(0, 1), 1u);
  EXPECT_DOUBLE_EQ(d(1, 0), 4);
  EXPECT_DOUBLE_EQ(d(3, 4), 2);
  EXPECT_EQ(hop(3, 4), 4u);
  EXPECT_EQ(hop(1, 1), 1u);
  EXPECT_DOUBLE_EQ(d(1, 1), 0);
  EXPECT_TRUE(std::isinf(d(0, 3)));
  EXPECT_EQ(hop(0, 3), kNoHop);
  EXPECT_EQ(hop(5, 0), kNoHop);
  EXPECT_EQ(hop(5, 5), 5u);
}

TEST(Graph, TiesGoToTheLowerVertex) {
  // A square 0–1–3 and 0–2–3 with equal sides: both routes cost 2; the lower id (1) wins.
  const AllPairs p = all_pairs_shortest_paths(4, {{0, 2, 1}, {2, 3, 1}, {0, 1, 1}, {1, 3, 1}});
  EXPECT_DOUBLE_EQ(p.dist[0 * 4 + 3], 2);
  EXPECT_EQ(p.next[0 * 4 + 3], 1u);
  EXPECT_EQ(p.next[3 * 4 + 0], 1u);
  EXPECT_EQ(p.next[1 * 4 + 2], 0u);
}

TEST(Graph, Components) {
  EXPECT_EQ(components(6, sample()), (std::vector<std::uint32_t>{0, 0, 0, 1, 1, 2}));
  EXPECT_EQ(components(3, {}), (std::vector<std::uint32_t>{0, 1, 2}));
}

TEST(Graph, FollowingHopsWalksAShortestPath) {
  // A 20×20 grid with unit edges: following next hops from any vertex to any other takes
  // exactly the Manhattan distance in steps, and the distances add up along the way.
  const int n = 20;
  std::vector<Edge> edges;
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c) {
      const auto v = static_cast<std::uint32_t>(r * n + c);
      if (c + 1 < n) edges.push_back({v, v + 1, 1});
      if (r + 1 < n) edges.push_back({v, v + static_cast<std::uint32_t>(n), 1});
    }
  const std::size_t vertices = n * n;
  const AllPairs p = all_pairs_shortest_paths(vertices, edges);
  for (std::uint32_t a = 0; a < vertices; a += 37)
    for (std::uint32_t b = 0; b < vertices; b += 11) {
      const int manhattan = std::abs(int(a / n) - int(b / n)) + std::abs(int(a % n) - int(b % n));
      EXPECT_DOUBLE_EQ(p.dist[a * vertices + b], manhattan);
      int steps = 0;
      for (std::uint32_t v = a; v != b; v = p.next[v * vertices + b]) {
        ASSERT_LT(steps, manhattan);
        ++steps;
      }
      EXPECT_EQ(steps, manhattan);
    }
}

}  // namespace
}  // namespace flank::geo
