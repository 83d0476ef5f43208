#pragma once
// Counter-based random streams (Random123 Philox4x32-10). A stream is keyed by
// (seed, replication, purpose), so any replication can be replayed alone and results do not
// depend on how replications are spread over threads or MPI ranks.
#include <Random123/philox.h>

#include <cmath>
#include <cstdint>
#include <numbers>

namespace flank {

// What a stream is for. Never renumber: the numbers are part of the reproducibility contract.
enum class Purpose : std::uint32_t {
  ScenarioDraw = 1,  // per-replication draws of scenario distributions (sizes, delays)
  Combat = 2,
  Movement = 3,
  Air = 4,
  Escalation = 5,
  Reinforcement = 6,
  Doctrine = 7,
  Isolation = 8,   // bridges taken intact, endurance of isolated units
  Analysis = 100,  // bootstrap and design sampling in analysis code
};

class RandomStream {
 public:
  RandomStream(std::uint64_t seed, std::uint64_t replication, Purpose purpose) {
    key_ = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
    ctr_ = {{0, 0, static_cast<std::uint32_t>(replication), static_cast<std::uint32_t>(purpose)}};
    ctr_.v[1] = static_cast<std::uint32_t>(replication >> 32) << 16;
  }

  std::uint32_t next_u32() {
    if (idx_ == 4) {
      out_ = gen_(ctr_, key_);
      if (++ctr_.v[0] == 0) ++ctr_.v[1];
      idx_ = 0;
    }
    return out_.v[idx_++];
  }
  std::uint64_t next_u64() {
    std::uint64_t hi = next_u32();
    return (hi << 32) | next_u32();
  }
  // Uniform in (0, 1): never exactly 0 or 1, so logs are safe.
  double uniform() { return (static_cast<double>(next_u64() >> 11) + 0.5) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  double normal() {
    // Box-Muller without caching the second value keeps the stream position a pure
    // function of the number of calls.
    const double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
  // Lognormal multiplier with median 1 and log-sd sigma.
  double lognormal_factor(double sigma) { return sigma > 0 ? std::exp(sigma * normal()) : 1.0; }
  bool bernoulli(double p) { return uniform() < p; }

 private:
  using Gen = r123::Philox4x32;
  Gen gen_;
  Gen::key_type key_;
  Gen::ctr_type ctr_;
  Gen::ctr_type out_{};
  int idx_ = 4;
};

}  // namespace flank
