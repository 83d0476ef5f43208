#include "flank/store/store.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>
#include <stdexcept>
#include <utility>

#include "flank/core/error.hpp"
#include "flank/store/store_detail.hpp"

namespace flank::store {
namespace {

using detail::Statement;
using detail::Transaction;

std::string now_utc() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Study read_study(const Statement& s) {
  Study st;
  st.id = s.i64(0);
  st.name = s.text(1);
  st.kind = s.text(2);
  st.design_yaml = s.text(3);
  st.scenario = s.text(4);
  st.scenario_hash = s.text(5);
  st.seed = s.u64(6);
  st.replications = s.u64(7);
  st.chunk = s.u64(8);
  st.outputs = s.text(9);
  st.status = s.text(10);
  st.created = s.text(11);
  st.extra = s.text(12);
  return st;
}

constexpr const char* kStudyColumns =
    "id, name, kind, design_yaml, scenario, scenario_hash, seed, replications, chunk, outputs, "
    "status, created, extra";

}  // namespace

Store::~Store() {
  sqlite3_close(db_);
}

std::int64_t Store::create_study(const Study& s, const std::vector<Point>& points) {
  Transaction tx(db_, path_);
  Statement ins(db_, path_,
                "INSERT INTO studies (name, kind, design_yaml, scenario, scenario_hash, seed, "
                "replications, chunk, outputs, status, created, extra) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)");
  ins.bind(1, s.name)
      .bind(2, s.kind)
      .bind(3, s.design_yaml)
      .bind(4, s.scenario)
      .bind(5, s.scenario_hash)
      .bind(6, s.seed)
      .bind(7, s.replications)
      .bind(8, s.chunk)
      .bind(9, s.outputs)
      .bind(10, s.created.empty() ? now_utc() : s.created)
      .bind(11, s.extra.empty() ? std::string("{}") : s.extra);
  ins.run();
  const std::int64_t id = sqlite3_last_insert_rowid(db_);
  Statement pt(db_, path_,
               "INSERT INTO points (study, idx, scenario, role, overrides, factors, status) "
               "VALUES (?, ?, ?, ?, ?, ?, 'pending')");
  for (const auto& p : points) {
    pt.bind(1, id).bind(2, p.index).bind(3, p.scenario).bind(4, p.role).bind(5, p.overrides);
    pt.bind(6, p.factors);
    pt.run();
    pt.reset();
  }
  tx.commit();
  return id;
}

std::vector<Study> Store::studies() {
  Statement s(db_, path_,
              (std::string("SELECT ") + kStudyColumns + " FROM studies ORDER BY id").c_str());
  std::vector<Study> out;
  while (s.step()) out.push_back(read_study(s));
  return out;
}

std::optional<Study> Store::study(std::int64_t id) {
  Statement s(db_, path_,
              (std::string("SELECT ") + kStudyColumns + " FROM studies WHERE id = ?").c_str());
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_study(s);
}

std::optional<Study> Store::find_study(const std::string& kind, const std::string& design_yaml,
                                       std::uint64_t seed, std::uint64_t replications) {
  Statement s(db_, path_,
              (std::string("SELECT ") + kStudyColumns +
               " FROM studies WHERE kind = ? AND design_yaml = ? AND seed = ? AND "
               "replications = ? ORDER BY id DESC LIMIT 1")
                  .c_str());
  s.bind(1, kind).bind(2, design_yaml).bind(3, seed).bind(4, replications);
  if (!s.step()) return std::nullopt;
  return read_study(s);
}

void Store::set_study_status(std::int64_t study, const std::string& status) {
  Statement s(db_, path_, "UPDATE studies SET status = ? WHERE id = ?");
  s.bind(1, status).bind(2, study);
  s.run();
}

void Store::set_study_extra(std::int64_t study, const std::string& extra_json) {
  Statement s(db_, path_, "UPDATE studies SET extra = ? WHERE id = ?");
  s.bind(1, extra_json).bind(2, study);
  s.run();
}

std::vector<Point> Store::points(std::int64_t study) {
  Statement s(db_, path_,
              "SELECT idx, scenario, role, overrides, factors, status FROM points WHERE study = ? "
              "ORDER BY idx");
  s.bind(1, study);
  std::vector<Point> out;
  while (s.step()) out.push_back({s.i64(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5)});
  return out;
}

std::vector<std::uint64_t> Store::chunk_firsts(std::int64_t study, std::int64_t point) {
  Statement s(db_, path_, "SELECT first FROM chunks WHERE study = ? AND point = ? ORDER BY first");
  s.bind(1, study).bind(2, point);
  std::vector<std::uint64_t> out;
  while (s.step()) out.push_back(s.u64(0));
  return out;
}

void Store::put_chunk(std::int64_t study, std::int64_t point, const Chunk& chunk) {
  Statement s(db_, path_,
              "INSERT INTO chunks (study, point, first, count, outcomes) VALUES (?, ?, ?, ?, ?)");
  s.bind(1, study).bind(2, point).bind(3, chunk.first).bind(4, chunk.count).bind(5, chunk.outcomes);
  // A single statement is its own transaction in SQLite: the chunk is stored whole or not at all.
  s.run();
}

std::vector<Chunk> Store::chunks(std::int64_t study, std::int64_t point) {
  Statement s(db_, path_,
              "SELECT first, count, outcomes FROM chunks WHERE study = ? AND point = ? "
              "ORDER BY first");
  s.bind(1, study).bind(2, point);
  std::vector<Chunk> out;
  while (s.step()) out.push_back({s.u64(0), s.u64(1), s.blob(2)});
  return out;
}

void Store::put_result(std::int64_t study, std::int64_t point, const PointResult& r) {
  Transaction tx(db_, path_);
  Statement sum(db_, path_,
                "INSERT OR REPLACE INTO summaries (study, point, replications, layout, summary) "
                "VALUES (?, ?, ?, ?, ?)");
  sum.bind(1, study).bind(2, point).bind(3, r.replications).bind(4, r.layout).bind(5, r.summary);
  sum.run();
  Statement met(db_, path_,
                "INSERT OR REPLACE INTO metrics (study, point, name, value, lo, hi, n) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (const auto& m : r.metrics) {
    met.bind(1, study).bind(2, point).bind(3, m.name).bind(4, m.value).bind(5, m.lo);
    met.bind(6, m.hi).bind(7, m.n);
    met.run();
    met.reset();
  }
  Statement st(db_, path_, "UPDATE points SET status = 'done' WHERE study = ? AND idx = ?");
  st.bind(1, study).bind(2, point);
  st.run();
  tx.commit();
}

std::optional<PointResult> Store::result(std::int64_t study, std::int64_t point) {
  Statement s(db_, path_,
              "SELECT replications, layout, summary FROM summaries WHERE study = ? AND point = ?");
  s.bind(1, study).bind(2, point);
  if (!s.step()) return std::nullopt;
  PointResult r{s.u64(0), s.text(1), s.text(2), {}};
  Statement m(db_, path_,
              "SELECT name, value, lo, hi, n FROM metrics WHERE study = ? AND point = ? "
              "ORDER BY name");
  m.bind(1, study).bind(2, point);
  while (m.step()) r.metrics.push_back({m.text(0), m.real(1), m.real(2), m.real(3), m.u64(4)});
  return r;
}

void Store::put_outcomes(std::int64_t study, std::int64_t point, const OutcomeRows& rows) {
  Transaction tx(db_, path_);
  for (const char* table : {"outcome_columns", "outcome_values"}) {
    Statement del(db_, path_,
                  (std::string("DELETE FROM ") + table + " WHERE study = ? AND point = ?").c_str());
    del.bind(1, study).bind(2, point);
    del.run();
  }
  Statement col(
      db_, path_,
      "INSERT INTO outcome_columns (study, point, col, name, type) VALUES (?, ?, ?, ?, ?)");
  Statement val(db_, path_,
                "INSERT INTO outcome_values (study, point, replication, col, value) "
                "VALUES (?, ?, ?, ?, ?)");
  for (std::size_t c = 0; c < rows.columns.size(); ++c) {
    const auto& column = rows.columns[c];
    if (column.values.size() != rows.replications.size())
      throw std::invalid_argument("store: outcome column " + column.name + " is ragged");
    col.bind(1, study).bind(2, point).bind(3, static_cast<std::int64_t>(c));
    col.bind(4, column.name).bind(5, column.type);
    col.run();
    col.reset();
    for (std::size_t r = 0; r < rows.replications.size(); ++r) {
      val.bind(1, study).bind(2, point).bind(3, rows.replications[r]);
      val.bind(4, static_cast<std::int64_t>(c));
      if (std::isnan(column.values[r]))
        val.bind_null(5);
      else
        val.bind(5, column.values[r]);
      val.run();
      val.reset();
    }
  }
  tx.commit();
}

bool Store::has_outcomes(std::int64_t study, std::int64_t point) {
  if (!outcome_tables_) return false;  // a read-only store from before the tables existed
  Statement s(db_, path_, "SELECT 1 FROM outcome_columns WHERE study = ? AND point = ? LIMIT 1");
  s.bind(1, study).bind(2, point);
  return s.step();
}

OutcomeRows Store::outcomes(std::int64_t study, std::int64_t point) {
  OutcomeRows out;
  if (!outcome_tables_) return out;
  Statement c(db_, path_,
              "SELECT name, type FROM outcome_columns WHERE study = ? AND point = ? ORDER BY col");
  c.bind(1, study).bind(2, point);
  while (c.step()) out.columns.push_back({c.text(0), c.text(1), {}});
  Statement v(db_, path_,
              "SELECT replication, col, value FROM outcome_values WHERE study = ? AND point = ? "
              "ORDER BY replication, col");
  v.bind(1, study).bind(2, point);
  const auto columns = static_cast<std::int64_t>(out.columns.size());
  while (v.step()) {
    const std::uint64_t rep = v.u64(0);
    if (out.replications.empty() || out.replications.back() != rep) {
      out.replications.push_back(rep);
      for (auto& col : out.columns) col.values.push_back(std::numeric_limits<double>::quiet_NaN());
    }
    const std::int64_t col = v.i64(1);
    if (col < 0 || col >= columns) throw std::runtime_error("store: outcome value without column");
    if (!v.is_null(2)) out.columns[static_cast<std::size_t>(col)].values.back() = v.real(2);
  }
  return out;
}

}  // namespace flank::store
