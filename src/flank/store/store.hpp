#pragma once
// SQLite results store for sweeps and plans, built to survive being killed at any moment.
//
// Durability: WAL journal with synchronous=NORMAL. In WAL mode a transaction that committed
// is never lost when the *process* dies (kill -9, crash, OOM): its frames are already in the
// WAL file and the next open replays them. NORMAL skips the fsync at each commit, so a power
// cut or kernel crash can lose the last few commits — but never corrupts the database, and a
// lost chunk is simply recomputed by `--resume` (results are a pure function of seed and
// replication indices). FULL would fsync every chunk for no gain in what the resume test
// guards against, at a real cost on small chunks.
//
// Exactly-once: each replication chunk is written in its own transaction under the unique key
// (study, point, first); resume computes only the chunks that are absent.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace flank::store {

struct Study {
  std::int64_t id = 0;
  std::string name;
  std::string kind;           // "sweep" or "plan"
  std::string design_yaml;    // the design / candidates file as given
  std::string scenario;       // base scenario ref
  std::string scenario_hash;  // 16 hex digits, of the base scenario
  std::uint64_t seed = 0;
  std::uint64_t replications = 0;
  std::uint64_t chunk = 0;
  std::string outputs;  // JSON array of metric names
  std::string status;   // "running" or "done"
  std::string created;  // ISO 8601 UTC; run information only
  std::string extra;    // JSON: kind-specific results (e.g. the planner's frontier)
};

struct Point {
  std::int64_t index = 0;
  std::string scenario;
  std::string role;
  std::string overrides;  // JSON array of "path=value"
  std::string factors;    // JSON array of numbers
  std::string status;     // "pending" or "done"
};

struct Chunk {
  std::uint64_t first = 0, count = 0;
  std::vector<std::uint8_t> outcomes;  // analysis::encode_outcomes
};

struct MetricRow {
  std::string name;
  double value = 0, lo = 0, hi = 0;
  std::uint64_t n = 0;
};

struct PointResult {
  std::uint64_t replications = 0;
  std::string layout;   // JSON: objective and escalation ids, horizon, scenario hash
  std::string summary;  // JSON summary of the point
  std::vector<MetricRow> metrics;
};

// Per-replication outcomes of a point as plain SQL rows (analysis/replications.hpp builds
// them): a column's values are parallel to `replications`; NaN is stored as NULL.
struct OutcomeColumn {
  std::string name;
  std::string type;  // "integer", "real" or "boolean"
  std::vector<double> values;
};
struct OutcomeRows {
  std::vector<std::uint64_t> replications;
  std::vector<OutcomeColumn> columns;
};

// How a command uses the store. Opening checks that the file is a flank results store (its
// application_id and schema, src/flank/store/store_open.cpp) before anything is written, so a
// foreign or damaged SQLite file, or one that cannot be read or written, is an InputError
// naming the file (exit status 2), not a raw SQLite message in the middle of a run.
enum class Access : std::uint8_t {
  Write,  // sweep, plan, game: created if absent; the file and its folder must be writable
  Read,   // results, findings, serve: must exist; read-only files and folders are fine (the
          // per-replication rows a read would cache are then built in memory instead)
};

class Store {
 public:
  explicit Store(const std::string& path, Access access = Access::Write);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Creates a study with all its points in one transaction, so a resumed run always finds
  // either nothing or the complete point list.
  std::int64_t create_study(const Study& study, const std::vector<Point>& points);
  std::vector<Study> studies();
  std::optional<Study> study(std::int64_t id);
  // The newest study of `kind` with this design text, seed and replication count.
  std::optional<Study> find_study(const std::string& kind, const std::string& design_yaml,
                                  std::uint64_t seed, std::uint64_t replications);
  void set_study_status(std::int64_t study, const std::string& status);
  void set_study_extra(std::int64_t study, const std::string& extra_json);

  std::vector<Point> points(std::int64_t study);
  // First replication of every stored chunk of a point, ascending.
  std::vector<std::uint64_t> chunk_firsts(std::int64_t study, std::int64_t point);
  // One transaction; throws if the chunk is already stored (a duplicate would be a bug).
  void put_chunk(std::int64_t study, std::int64_t point, const Chunk& chunk);
  std::vector<Chunk> chunks(std::int64_t study, std::int64_t point);  // ascending `first`

  // Stores a point's result and marks it done, in one transaction (idempotent).
  void put_result(std::int64_t study, std::int64_t point, const PointResult& result);
  std::optional<PointResult> result(std::int64_t study, std::int64_t point);

  // Replaces the point's per-replication rows, in one transaction.
  void put_outcomes(std::int64_t study, std::int64_t point, const OutcomeRows& rows);
  bool has_outcomes(std::int64_t study, std::int64_t point);
  OutcomeRows outcomes(std::int64_t study, std::int64_t point);  // ascending replication

  // True when opened for reading a file or folder this process may not write.
  bool read_only() const { return read_only_; }

 private:
  void open(Access access);
  sqlite3* db_ = nullptr;
  std::string path_;
  bool read_only_ = false;
  bool outcome_tables_ = true;  // false only in a read-only store written before they existed
};

}  // namespace flank::store
