#pragma once
// Internal to the store (store.cpp, store_open.cpp): SQLite statements, transactions and the
// mapping of SQLite's errors to what the user is told.
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

namespace flank::store::detail {

// The error for the last failed call on `db`. A damaged file (SQLITE_CORRUPT, SQLITE_NOTADB),
// a read-only one (SQLITE_READONLY) or one that cannot be opened (SQLITE_CANTOPEN) is the
// user's input problem: InputError naming the file, so the CLI exits with status 2. Anything
// else (disk full, I/O error, a lock held too long) is the job failing: std::runtime_error.
[[noreturn]] void throw_error(sqlite3* db, const std::string& path);

void exec(sqlite3* db, const std::string& path, const char* sql);

class Statement {
 public:
  Statement(sqlite3* db, const std::string& path, const char* sql) : db_(db), path_(path) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) throw_error(db_, path_);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, std::int64_t v) {
    check(sqlite3_bind_int64(stmt_, i, v));
    return *this;
  }
  Statement& bind(int i, std::uint64_t v) { return bind(i, static_cast<std::int64_t>(v)); }
  Statement& bind(int i, double v) {
    check(sqlite3_bind_double(stmt_, i, v));
    return *this;
  }
  Statement& bind_null(int i) {
    check(sqlite3_bind_null(stmt_, i));
    return *this;
  }
  Statement& bind(int i, const std::string& v) {
    check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind(int i, const std::vector<std::uint8_t>& v) {
    check(sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    return *this;
  }
  // True while a row is available.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw_error(db_, path_);
  }
  void run() {
    while (step()) {
    }
    sqlite3_reset(stmt_);
  }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  bool is_null(int c) const { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }
  std::int64_t i64(int c) const { return sqlite3_column_int64(stmt_, c); }
  std::uint64_t u64(int c) const { return static_cast<std::uint64_t>(i64(c)); }
  double real(int c) const { return sqlite3_column_double(stmt_, c); }
  std::string text(int c) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c))) : "";
  }
  std::vector<std::uint8_t> blob(int c) const {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, c));
    return p ? std::vector<std::uint8_t>(p, p + sqlite3_column_bytes(stmt_, c))
             : std::vector<std::uint8_t>{};
  }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) throw_error(db_, path_);
  }
  sqlite3* db_;
  const std::string& path_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Commits on success, rolls back if an exception leaves the scope.
class Transaction {
 public:
  Transaction(sqlite3* db, const std::string& path) : db_(db), path_(path) {
    exec(db_, path_, "BEGIN IMMEDIATE");
  }
  void commit() {
    exec(db_, path_, "COMMIT");
    done_ = true;
  }
  ~Transaction() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

 private:
  sqlite3* db_;
  const std::string& path_;
  bool done_ = false;
};

}  // namespace flank::store::detail
