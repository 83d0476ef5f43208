#pragma once
// Running a design: every point × every replication chunk, stored as it completes, resumable
// after a kill at any moment. The engine is reached through PointModel so the orchestration
// can be tested with a synthetic model and so the MPI driver (apps/flank) can compute units on
// any rank while rank 0 alone writes the store.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "flank/analysis/design.hpp"
#include "flank/analysis/metrics.hpp"
#include "flank/campaign/outcome.hpp"
#include "flank/store/store.hpp"

namespace flank::analysis {

struct PointInfo {
  OutcomeLayout layout;
  std::string scenario_id;
  std::uint64_t scenario_hash = 0;
};

class PointModel {
 public:
  virtual ~PointModel() = default;
  virtual PointInfo info(const DesignPoint& point) = 0;
  // Outcomes of replications [first, first + count), in replication order.
  virtual std::vector<Outcome> run(const DesignPoint& point, std::uint64_t seed,
                                   std::uint64_t first, std::uint64_t count) = 0;
  // JSON summary of the point from replications [0, n) in order. The engine model writes the
  // engine's own summary format (docs/formats.md, without run_info); the default writes the
  // compact point_summary_json below.
  virtual std::string summary_json(const DesignPoint& point, std::uint64_t seed,
                                   std::span<const Outcome> outcomes);
};

// The real engine: load_scenario(point.scenario, overrides) then mc::run. Keeps the compiled
// scenario of the most recent point, since units of one point come in a row.
std::unique_ptr<PointModel> make_engine_model(int threads);

struct WorkUnit {
  std::size_t point = 0;
  std::uint64_t first = 0, count = 0;
};

struct SweepOptions {
  std::uint64_t seed = 1;
  std::uint64_t replications = 1000;
  std::uint64_t chunk = 200;
  bool resume = false;
};

// Encoded outcomes of one unit of work; what every MPI rank computes.
std::vector<std::uint8_t> compute_unit(PointModel& model, const DesignPoint& point,
                                       std::uint64_t seed, const WorkUnit& unit);

// The JSON summary of one point, computed from its outcomes (deterministic: same outcomes,
// same bytes).
std::string point_summary_json(const PointInfo& info, std::span<const Outcome> outcomes);
std::string layout_json(const PointInfo& info);
OutcomeLayout parse_layout(const std::string& json);

class Sweep {
 public:
  // Creates the study (or, with options.resume, reopens the newest matching one; if none
  // exists a new one is started). Throws InputError if a resumed study's points differ.
  Sweep(const Design& design, store::Store& store, PointModel& model, const SweepOptions& options);

  std::int64_t study_id() const { return study_; }
  bool resumed() const { return resumed_; }
  const std::vector<DesignPoint>& points() const { return points_; }
  // Units whose chunk is not stored yet, point-major, ascending first replication.
  std::vector<WorkUnit> pending();
  std::vector<std::uint8_t> compute(const WorkUnit& unit);  // encoded outcomes
  void store(const WorkUnit& unit, const std::vector<std::uint8_t>& encoded);
  // Folds every point that has all its chunks but no result yet; marks the study done when
  // every point is.
  void finish();
  // pending → compute → store → finish; progress(done, total) after each unit.
  void run(const std::function<void(std::size_t, std::size_t)>& progress = {});

 private:
  const Design& design_;
  store::Store& store_;
  PointModel& model_;
  SweepOptions options_;
  std::vector<DesignPoint> points_;
  std::int64_t study_ = 0;
  bool resumed_ = false;
  std::uint64_t scenario_hash_ = 0;
};

}  // namespace flank::analysis
