#include <gtest/gtest.h>

#include <cmath>

#include "flank/core/error.hpp"
#include "flank/core/rng.hpp"
#include "flank/scenario/scenario.hpp"

using namespace flank;

TEST(RandomStream, SameKeySameSequence) {
  RandomStream a(42, 7, Purpose::Combat), b(42, 7, Purpose::Combat);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.next_u32(), b.next_u32());
}

TEST(RandomStream, KeysGiveIndependentStreams) {
  RandomStream base(42, 7, Purpose::Combat);
  RandomStream other_rep(42, 8, Purpose::Combat), other_purpose(42, 7, Purpose::Movement),
      other_seed(43, 7, Purpose::Combat);
  const auto x = base.next_u64();
  EXPECT_NE(x, other_rep.next_u64());
  EXPECT_NE(x, other_purpose.next_u64());
  EXPECT_NE(x, other_seed.next_u64());
}

TEST(RandomStream, UniformAndNormalMoments) {
  RandomStream r(1, 0, Purpose::Analysis);
  const int n = 200000;
  double su = 0, sn = 0, sn2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    su += u;
    const double z = r.normal();
    sn += z;
    sn2 += z * z;
  }
  EXPECT_NEAR(su / n, 0.5, 0.005);
  EXPECT_NEAR(sn / n, 0.0, 0.01);
  EXPECT_NEAR(sn2 / n, 1.0, 0.015);
}

TEST(Distribution, TriangularMeanAndBounds) {
  Distribution d{Distribution::Kind::Triangular, 3000, 4500, 8000};
  RandomStream r(5, 0, Purpose::ScenarioDraw);
  double s = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const double v = d.sample(r);
    ASSERT_GE(v, 3000);
    ASSERT_LE(v, 8000);
    s += v;
  }
  EXPECT_NEAR(s / n, d.mean(), 20);
}

TEST(Diagnostic, FormatsFileLineColumnAndPath) {
  Diagnostic d{{"a.yaml", 12, 5}, "units[2].personnel", "expected a number"};
  EXPECT_EQ(d.format(), "a.yaml:12:5: units[2].personnel: expected a number");
}
