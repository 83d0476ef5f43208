// Opening a results store: the file checks, SQLite's mode, and the check that the file is a
// flank results store before anything is written to it. Issue 13: a foreign SQLite database
// met "no such column" in the middle of a command (exit 1), a read-only store could not even be
// listed, and `PRAGMA journal_mode=WAL` plus the schema were applied to whatever file was named.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>

#include "flank/core/error.hpp"
#include "flank/store/store.hpp"
#include "flank/store/store_detail.hpp"

namespace flank::store {
namespace detail {

void throw_error(sqlite3* db, const std::string& path) {
  const std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
  const auto input = [&](const std::string& what) {
    return InputError(Diagnostic{{path, 0, 0}, "", what});
  };
  switch (db ? sqlite3_extended_errcode(db) & 0xff : SQLITE_NOMEM) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      throw input("the results store is damaged (SQLite: " + msg +
                  "); restore it from a copy or start a new store");
    case SQLITE_READONLY:
      throw input("the results store cannot be written (SQLite: " + msg + ")");
    case SQLITE_CANTOPEN: {
      const int e = sqlite3_system_errno(db);
      throw input("cannot open the results store" +
                  (e != 0 ? ": " + std::string(std::strerror(e)) : " (SQLite: " + msg + ")"));
    }
    default:
      throw std::runtime_error("store: " + path + ": " + msg);
  }
}

void exec(sqlite3* db, const std::string& path, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) throw_error(db, path);
}

}  // namespace detail

namespace {

using detail::Statement;

// Written into every store this flank creates (PRAGMA application_id: "FLNK"), with the
// schema version in PRAGMA user_version. Stores written before the stamp existed have 0 and
// are recognised by their tables, then stamped on their next write. Tables added later with
// CREATE TABLE IF NOT EXISTS (as outcome_columns was) need no new version; a change older
// flanks cannot read does.
constexpr std::int64_t kApplicationId = 0x464C4E4B;
constexpr std::int64_t kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS studies (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  design_yaml TEXT NOT NULL,
  scenario TEXT NOT NULL,
  scenario_hash TEXT NOT NULL,
  seed INTEGER NOT NULL,
  replications INTEGER NOT NULL,
  chunk INTEGER NOT NULL,
  outputs TEXT NOT NULL,
  status TEXT NOT NULL,
  created TEXT NOT NULL,
  extra TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS points (
  study INTEGER NOT NULL REFERENCES studies(id),
  idx INTEGER NOT NULL,
  scenario TEXT NOT NULL,
  role TEXT NOT NULL,
  overrides TEXT NOT NULL,
  factors TEXT NOT NULL,
  status TEXT NOT NULL,
  PRIMARY KEY (study, idx)
);
CREATE TABLE IF NOT EXISTS chunks (
  study INTEGER NOT NULL,
  point INTEGER NOT NULL,
  first INTEGER NOT NULL,
  count INTEGER NOT NULL,
  outcomes BLOB NOT NULL,
  PRIMARY KEY (study, point, first)
);
CREATE TABLE IF NOT EXISTS summaries (
  study INTEGER NOT NULL,
  point INTEGER NOT NULL,
  replications INTEGER NOT NULL,
  layout TEXT NOT NULL,
  summary TEXT NOT NULL,
  PRIMARY KEY (study, point)
);
CREATE TABLE IF NOT EXISTS metrics (
  study INTEGER NOT NULL,
  point INTEGER NOT NULL,
  name TEXT NOT NULL,
  value REAL,
  lo REAL,
  hi REAL,
  n INTEGER NOT NULL,
  PRIMARY KEY (study, point, name)
);
-- Per-replication outcomes in plain SQL (docs/formats.md): column names once per point,
-- values keyed by (replication, column). Created on open, so older stores gain them; their
-- rows are filled from the chunks when first exported (analysis::ensure_replications).
CREATE TABLE IF NOT EXISTS outcome_columns (
  study INTEGER NOT NULL,
  point INTEGER NOT NULL,
  col INTEGER NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  PRIMARY KEY (study, point, col)
);
CREATE TABLE IF NOT EXISTS outcome_values (
  study INTEGER NOT NULL,
  point INTEGER NOT NULL,
  replication INTEGER NOT NULL,
  col INTEGER NOT NULL,
  value REAL,
  PRIMARY KEY (study, point, replication, col)
) WITHOUT ROWID;
CREATE VIEW IF NOT EXISTS replication_outcomes AS
  SELECT v.study, v.point, v.replication, c.name, c.type, v.value
  FROM outcome_values v JOIN outcome_columns c USING (study, point, col);
)sql";

// Without these a file is not a flank store (or a damaged one); the others are created on open.
const std::set<std::string> kCoreTables = {"studies", "points", "chunks", "summaries", "metrics"};

using Tables = std::map<std::string, std::set<std::string>>;  // table -> its columns

struct Identity {
  std::int64_t application_id = 0, user_version = 0;
  Tables tables;
};

Identity identify(sqlite3* db, const std::string& path) {
  Identity id;
  {
    Statement s(db, path, "PRAGMA application_id");
    if (s.step()) id.application_id = s.i64(0);
  }
  {
    Statement s(db, path, "PRAGMA user_version");
    if (s.step()) id.user_version = s.i64(0);
  }
  Statement s(db, path,
              "SELECT m.name, p.name FROM sqlite_master AS m, pragma_table_info(m.name) AS p "
              "WHERE m.type IN ('table', 'view')");
  while (s.step()) id.tables[s.text(0)].insert(s.text(1));
  return id;
}

// The tables and columns of kSchema, read back from an in-memory database so the check cannot
// drift from the schema.
const Tables& expected_tables() {
  static const Tables tables = [] {
    const std::string name = ":memory:";
    sqlite3* db = nullptr;
    if (sqlite3_open(name.c_str(), &db) != SQLITE_OK) detail::throw_error(db, name);
    detail::exec(db, name, kSchema);
    Tables t = identify(db, name).tables;
    sqlite3_close(db);
    return t;
  }();
  return tables;
}

// What is wrong with the file as a flank store, or "" (which includes an empty database).
std::string problem(const Identity& id) {
  if (id.application_id != 0 && id.application_id != kApplicationId)
    return fmt::format(
        "not a flank results store: an SQLite database of another application "
        "(application_id 0x{:08x})",
        static_cast<std::uint32_t>(id.application_id));
  const bool ours = id.application_id == kApplicationId;
  if (ours && id.user_version > kSchemaVersion)
    return fmt::format(
        "written by a newer flank (store schema {}; this flank reads schema {} and older)",
        id.user_version, kSchemaVersion);
  if (id.tables.empty()) return ours ? "the results store is damaged: it has no tables" : "";
  const std::string prefix =
      ours ? "the results store is damaged: " : "not a flank results store: ";
  if (!ours && !id.tables.count("studies")) {
    std::string names;
    int shown = 0;
    for (const auto& [table, columns] : id.tables)
      if (shown++ < 8) names += (names.empty() ? "" : ", ") + table;
    if (id.tables.size() > 8) names += ", ...";
    return prefix + "an SQLite database with the tables " + names + " and no 'studies'";
  }
  for (const auto& [table, columns] : expected_tables()) {
    const auto it = id.tables.find(table);
    if (it == id.tables.end()) {
      if (kCoreTables.count(table)) return prefix + "it has no table '" + table + "'";
      continue;
    }
    for (const auto& column : columns)
      if (!it->second.count(column))
        return prefix + "the table '" + table + "' has no column '" + column + "'";
  }
  return "";
}

// A "file:" URI for SQLite naming `path`, with the characters URIs give a meaning escaped.
std::string file_uri(const std::string& path) {
  std::string uri = "file:";
  for (const char c : path) {
    if (c == '%' || c == '?' || c == '#' || static_cast<unsigned char>(c) < 0x20)
      uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    else
      uri += c;
  }
  return uri;
}

}  // namespace

Store::Store(const std::string& path, Access access) : path_(path) {
  try {
    open(access);
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

void Store::open(Access access) {
  namespace fs = std::filesystem;
  const auto fail = [&](const std::string& what) {
    throw InputError(Diagnostic{{path_, 0, 0}, "", what});
  };
  const auto why = [] { return std::string(std::strerror(errno)); };
  if (path_.empty()) fail("the results store needs a file name");
  if (path_.find('\0') != std::string::npos) fail("the path contains a NUL character");
  // Checked here rather than left to SQLite: it would block opening a FIFO, open a directory
  // only to fail later with "unable to open database file", and read /dev/zero as a database.
  struct stat st {};
  const bool exists = ::stat(path_.c_str(), &st) == 0;
  if (!exists && errno != ENOENT) fail("cannot open the results store: " + why());
  if (exists && S_ISDIR(st.st_mode)) fail("the results store is a directory, not a file");
  if (exists && !S_ISREG(st.st_mode)) fail("the results store is not a regular file");
  if (!exists && access == Access::Read) fail("no such results store");
  const fs::path parent = fs::path(path_).parent_path();
  const std::string dir = parent.empty() ? "." : parent.string();
  if (exists && ::access(path_.c_str(), R_OK) != 0) fail("cannot read the results store: " + why());
  const bool file_writable = !exists || ::access(path_.c_str(), W_OK) == 0;
  const std::string file_why = file_writable ? "" : why();
  const bool dir_writable = ::access(dir.c_str(), W_OK) == 0;
  const std::string dir_why = dir_writable ? "" : why();
  if (access == Access::Write) {
    if (!exists && !fs::is_directory(dir))
      fail("cannot create the results store: there is no folder " + dir);
    if (!file_writable)
      fail("the results store is read-only (" + file_why +
           "); this command writes into it: give a writable file (reading it with `flank "
           "results` works)");
    if (!dir_writable)
      fail("cannot write the results store: its folder " + dir + " is not writable (" + dir_why +
           "); SQLite keeps the store's journal (-wal, -shm) beside it");
  }
  read_only_ = access == Access::Read && !(file_writable && dir_writable);

  // SQLite gives "", ":memory:" and (with URIs enabled) "file:..." names meanings of their own:
  // a sweep into ":memory:" ran to the end and kept nothing.
  std::string name = path_;
  if (name == ":memory:" || name.starts_with("file:")) name = "./" + name;
  int flags =
      access == Access::Write ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READWRITE;
  if (read_only_) {
    flags = SQLITE_OPEN_READONLY;
    // Reading a WAL database needs its -shm file, which cannot be created in a read-only
    // folder. Without a -wal file holding commits there is nothing beyond the main file, so it
    // is read as immutable (no locks, no -shm); with one, SQLite must replay it.
    std::error_code ec;
    const auto wal = fs::file_size(path_ + "-wal", ec);
    if (!dir_writable && (ec || wal == 0)) {
      name = file_uri(path_);
      name += "?immutable=1";
      flags |= SQLITE_OPEN_URI;
    }
  }
  if (sqlite3_open_v2(name.c_str(), &db_, flags, nullptr) != SQLITE_OK)
    detail::throw_error(db_, path_);
  sqlite3_busy_timeout(db_, 10000);
  if (!read_only_ && sqlite3_db_readonly(db_, "main") == 1)
    fail("the results store is read-only (SQLite opened it for reading only)");

  Identity id;
  try {
    id = identify(db_, path_);
  } catch (const InputError&) {
    if ((sqlite3_extended_errcode(db_) & 0xff) == SQLITE_NOTADB)
      fail("not a flank results store (not an SQLite database)");
    if (read_only_ && (sqlite3_extended_errcode(db_) & 0xff) == SQLITE_READONLY)
      fail("cannot read the results store: its folder " + dir +
           " is read-only and SQLite must replay " + path_ +
           "-wal; copy the store and its -wal file to a writable folder");
    throw;
  }
  if (const std::string p = problem(id); !p.empty()) fail(p);
  if (read_only_) {
    if (id.tables.empty()) fail("no flank results in it: an empty database");
    outcome_tables_ = id.tables.count("outcome_columns") && id.tables.count("outcome_values");
    return;
  }
  if (access == Access::Read && id.tables.empty())
    fail("no flank results in it: an empty database");

  // Only now that the file is known to be flank's (or empty) is anything written to it.
  detail::exec(db_, path_, "PRAGMA journal_mode=WAL");
  detail::exec(db_, path_, "PRAGMA synchronous=NORMAL");
  detail::exec(db_, path_, "PRAGMA foreign_keys=ON");
  // A complete, stamped store needs no write: readers (flank serve, results) then never queue
  // for the write lock behind a running sweep.
  bool complete = id.application_id == kApplicationId && id.user_version == kSchemaVersion;
  for (const auto& [table, columns] : expected_tables())
    complete = complete && id.tables.count(table);
  if (complete) return;
  detail::Transaction tx(db_, path_);
  // Again inside the transaction: another process may have created the store meanwhile.
  const Identity now = identify(db_, path_);
  if (const std::string p = problem(now); !p.empty()) fail(p);
  detail::exec(db_, path_, kSchema);
  if (now.application_id != kApplicationId)
    detail::exec(db_, path_, fmt::format("PRAGMA application_id={}", kApplicationId).c_str());
  if (now.user_version < kSchemaVersion)
    detail::exec(db_, path_, fmt::format("PRAGMA user_version={}", kSchemaVersion).c_str());
  tx.commit();
}

}  // namespace flank::store
