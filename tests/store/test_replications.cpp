// Per-replication outcomes: the tidy table (analysis/replications.hpp) and its plain-SQL copy
// in the store, read back with bare SQLite as an analyst without flank would, including
// stores written before the table existed.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <tuple>

#include "fake_model.hpp"
#include "flank/analysis/outcome_codec.hpp"
#include "flank/analysis/replications.hpp"
#include "flank/store/store.hpp"

using namespace flank;
using namespace flank::analysis;

namespace {

std::string temp_db(const std::string& name) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("flank-repl-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return path.string();
}

const char* kDesign = R"(
study: unit
design: full_factorial
factors:
  - {path: a.x, levels: [0, 0.4]}
outputs: [p:corridor, lost:red]
)";

// (point, replication, name) -> value (NaN for NULL), straight from the view.
std::map<std::tuple<int, int, std::string>, double> read_view(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db,
                               "SELECT point, replication, name, value FROM "
                               "replication_outcomes WHERE study = 1",
                               -1, &st, nullptr),
            SQLITE_OK);
  std::map<std::tuple<int, int, std::string>, double> out;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const double v =
        sqlite3_column_type(st, 3) == SQLITE_NULL ? std::nan("") : sqlite3_column_double(st, 3);
    out[{sqlite3_column_int(st, 0), sqlite3_column_int(st, 1),
         reinterpret_cast<const char*>(sqlite3_column_text(st, 2))}] = v;
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

void run_sweep(const std::string& path) {
  const Design design = parse_design(kDesign, "unit.yaml");
  store::Store db(path);
  fake::FakeModel model;
  SweepOptions o;
  o.seed = 5;
  o.replications = 30;
  o.chunk = 12;
  Sweep sweep(design, db, model, o);
  sweep.run();
}

std::vector<Outcome> fake_outcomes(std::uint64_t n) {
  fake::FakeModel model;
  return model.run({0, "builtin:x", {}, {}, "design"}, 5, 0, n);
}

}  // namespace

TEST(Replications, TableHasTypedColumnsAndMissingHours) {
  const auto outcomes = fake_outcomes(40);
  const OutcomeLayout layout{{"corridor", "vilnius"}, {"flag"}, 720};
  const auto table = replication_table(layout, outcomes);
  std::map<std::string, const Column*> by_name;
  for (const auto& c : table) {
    EXPECT_EQ(c.values.size(), outcomes.size()) << c.name;
    by_name[c.name] = &c;
  }
  ASSERT_EQ(table[0].name, "replication");
  EXPECT_EQ(table[0].type, Column::Type::Integer);
  ASSERT_TRUE(by_name.count("hour:vilnius") && by_name.count("held_at_end:corridor") &&
              by_name.count("escalation:flag") && by_name.count("lost:red") &&
              by_name.count("captured:blue") && by_name.count("engagements:overrun") &&
              by_name.count("losses:red:armoured"));
  EXPECT_EQ(by_name["held_at_end:corridor"]->type, Column::Type::Boolean);
  int never = 0;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    EXPECT_EQ(table[0].values[i], static_cast<double>(outcomes[i].replication));
    const double h = by_name["hour:vilnius"]->values[i];
    if (outcomes[i].objective_hour[1] == kNever) {
      EXPECT_TRUE(std::isnan(h));
      ++never;
    } else {
      EXPECT_EQ(h, outcomes[i].objective_hour[1]);
    }
    EXPECT_EQ(by_name["escalation:flag"]->values[i], outcomes[i].escalation[0]);
    EXPECT_EQ(by_name["escalation:any"]->values[i], outcomes[i].escalation[0]);
    EXPECT_EQ(by_name["lost:red"]->values[i], outcomes[i].personnel_lost[0]);
  }
  EXPECT_GT(never, 0);  // the fake model's vilnius falls in about 30 % of runs

  // CSV: header of the column names; an empty field where the hour is missing; reals
  // printed so they read back exactly.
  const std::string csv = replication_csv(table);
  const std::string header = csv.substr(0, csv.find('\n'));
  EXPECT_EQ(header.rfind("replication,hour:corridor,before_reinforcements:corridor,", 0), 0u);
  EXPECT_EQ(static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')),
            outcomes.size() + 1);
  EXPECT_NE(csv.find(fmt::format(",{},", outcomes[0].personnel_lost[0])), std::string::npos);
}

TEST(Replications, SweepWritesThemAsPlainSql) {
  const auto path = temp_db("sweep.db");
  run_sweep(path);
  const auto view = read_view(path);
  // 2 points × 30 replications × every column but `replication`.
  const auto outcomes = fake_outcomes(30);
  const auto table = replication_table({{"corridor", "vilnius"}, {"flag"}, 720}, outcomes);
  EXPECT_EQ(view.size(), 2 * 30 * (table.size() - 1));
  // Point 1's rows are its stored chunks' outcomes, column by column.
  store::Store db(path);
  const auto chunks = db.chunks(1, 1);
  std::vector<Outcome> point1;
  for (const auto& c : chunks) {
    auto part = decode_outcomes(c.outcomes);
    point1.insert(point1.end(), part.begin(), part.end());
  }
  ASSERT_EQ(point1.size(), 30u);
  const auto expected = replication_table({{"corridor", "vilnius"}, {"flag"}, 720}, point1);
  for (std::size_t c = 1; c < expected.size(); ++c)
    for (std::size_t r = 0; r < 30; ++r) {
      const double got = view.at({1, static_cast<int>(r), expected[c].name});
      const double want = expected[c].values[r];
      if (std::isnan(want))
        EXPECT_TRUE(std::isnan(got)) << expected[c].name;
      else
        EXPECT_EQ(got, want) << expected[c].name << " rep " << r;
    }
  // And the export reads the same rows back, point by point.
  const auto study = study_replications(db, 1);
  ASSERT_EQ(study[0].name, "point");
  ASSERT_EQ(study[1].name, "replication");
  EXPECT_EQ(study[0].values.size(), 60u);
  EXPECT_EQ(study[0].values[45], 1.0);
  EXPECT_EQ(study[1].values[45], 15.0);
}

TEST(Replications, OlderStoresGainTheTableAndAreFilledFromChunks) {
  const auto path = temp_db("old.db");
  run_sweep(path);
  const auto reference = read_view(path);
  {
    // A store written before the table existed: no view, no tables, chunks only.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "DROP VIEW replication_outcomes; DROP TABLE outcome_values; "
                           "DROP TABLE outcome_columns;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  {
    store::Store db(path);  // re-creates the empty tables
    EXPECT_FALSE(db.has_outcomes(1, 0));
    const auto study = study_replications(db, 1);  // fills them from the chunks
    EXPECT_EQ(study[0].values.size(), 60u);
    EXPECT_TRUE(db.has_outcomes(1, 0));
  }
  const auto again = read_view(path);
  ASSERT_EQ(again.size(), reference.size());
  for (const auto& [key, v] : reference) {
    const double w = again.at(key);
    EXPECT_TRUE((std::isnan(v) && std::isnan(w)) || v == w) << std::get<2>(key);
  }
}
