// Results stores that are not what they claim (issue 13 item 6): a foreign or damaged SQLite
// file, a store that cannot be read, one that can be read but not written, and paths that are
// not files. Each is exit status 2 naming the file and saying what is wrong, before any work;
// reading a read-only store works.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../scenario/small_scenario.hpp"
#include "flank/core/error.hpp"
#include "flank/store/store.hpp"
#include "subprocess.hpp"

namespace flank {
namespace {

using test::ProcessResult;
using test::TempDir;

ProcessResult flank(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), FLANK_BINARY);
  return test::run_process(args, 300, dir.path());
}

void sql(const std::filesystem::path& db, const std::string& text) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(h, text.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(h);
  sqlite3_close(h);
}

void write_design(const TempDir& dir) {
  std::ofstream(dir / "small.yaml") << test::kSmallScenario;
  std::ofstream(dir / "design.yaml")
      << "study: t\nscenario: " << (dir / "small.yaml").string()
      << "\ndesign: full_factorial\nfactors:\n"
         "  - {path: parameters.noise_sigma, levels: [0.1, 0.2]}\n"
         "outputs: [p:corridor]\nreplications: 20\nchunk: 5\nseed: 1\n";
}

struct StoreCase {
  std::string label;
  std::vector<std::string> args;  // "{dir}" is the case's folder
  std::string fragment;
};

// Every command that opens a store, on each bad store.
std::vector<std::vector<std::string>> store_commands(const std::string& store) {
  return {{"results", "--store", store},
          {"findings", "--store", store},
          {"sweep", "--design", "{dir}/design.yaml", "--store", store, "--resume", "-q"},
          {"plan", "--candidates", "{dir}/plan.yaml", "--store", store, "-q"}};
}

TEST(StoreInputs, ForeignDamagedAndOddStoresAreBadInputForEveryCommand) {
  const std::vector<std::pair<std::string, std::string>> stores = {
      // A SQLite database with a `studies` table of its own: "no such column", exit 1.
      {"foreign.db", "not a flank results store"},
      {"other-app.db", "another application"},
      {"truncated.db", "damaged"},
      {"newer.db", "newer flank"},
      {"empty-dir", "a directory"},
      {"fifo.db", "not a regular file"},
  };
  int passed = 0, total = 0;
  for (const auto& [name, fragment] : stores) {
    for (auto args : store_commands("{dir}/" + name)) {
      TempDir dir;
      write_design(dir);
      std::ofstream(dir / "plan.yaml")
          << "scenario: " << (dir / "small.yaml").string()
          << "\ntarget: \"p:corridor<=0.5\"\nreplications: 10\nmax_replications: 10\n"
          << "candidates:\n  - {id: c1, unit: blue-2, start: charlie, cost: 1}\n";
      sql(dir / "foreign.db", "CREATE TABLE studies (x, y); INSERT INTO studies VALUES (1, 2);");
      sql(dir / "other-app.db", "PRAGMA application_id = 1234; CREATE TABLE t (x);");
      {
        // A real store, cut at half its size (as a copy interrupted or a full disk leaves it).
        store::Store db((dir / "truncated.db").string());
        store::Study s;
        s.name = "t";
        s.kind = "sweep";
        const auto id = db.create_study(s, {{0, "x", "design", "[]", "[]", "pending"}});
        for (std::uint64_t c = 0; c < 16; ++c)
          db.put_chunk(id, 0, {c * 10, 10, std::vector<std::uint8_t>(8000, 7)});
      }
      sql(dir / "newer.db", "SELECT 1");
      { store::Store db((dir / "newer.db").string()); }
      sql(dir / "newer.db", "PRAGMA user_version = 99");
      std::filesystem::resize_file(dir / "truncated.db",
                                   std::filesystem::file_size(dir / "truncated.db") / 2);
      std::filesystem::create_directory(dir / "empty-dir");
      ASSERT_EQ(::mkfifo((dir / "fifo.db").c_str(), 0600), 0);
      for (auto& a : args)
        if (const auto at = a.find("{dir}"); at != std::string::npos)
          a.replace(at, 5, dir.path().string());
      const ProcessResult r = flank(dir, args);
      ++total;
      EXPECT_FALSE(r.timed_out) << name << " " << args[0];
      EXPECT_EQ(r.exit_code, 2) << name << " " << args[0] << "\n" << r.out << r.err;
      // The directory is refused by the CLI for results/findings (--store must be a file).
      const bool named = r.err.find(name) != std::string::npos;
      const bool said = r.err.find(fragment) != std::string::npos ||
                        (name == "empty-dir" && (r.err.find("directory") != std::string::npos ||
                                                 r.err.find("a folder") != std::string::npos));
      EXPECT_TRUE(named && said) << name << " " << args[0] << ": expected '" << fragment
                                 << "' in:\n"
                                 << r.err;
      EXPECT_EQ(r.err.find("no such column"), std::string::npos) << r.err;
      passed += r.exit_code == 2 && named && said;
      // Nothing was written into a file that is not flank's.
      if (name == "foreign.db") {
        EXPECT_FALSE(std::filesystem::exists(dir / "foreign.db-wal")) << args[0];
      }
    }
  }
  std::printf("store corpus: %d of %d cases exit 2 naming the file and the problem\n", passed,
              total);
}

// A store that is not flank's is refused before anything is written: no WAL mode switched on,
// no tables added (the schema was applied to whatever file was named).
TEST(StoreInputs, AForeignDatabaseIsLeftUntouched) {
  TempDir dir;
  const auto path = dir / "app.db";
  sql(path, "CREATE TABLE points (a); CREATE TABLE notes (b);");
  const auto before = test::read_text(path);
  EXPECT_THROW(store::Store(path.string()), InputError);
  EXPECT_THROW(store::Store(path.string(), store::Access::Read), InputError);
  EXPECT_EQ(test::read_text(path), before);
}

// A store written before the application_id stamp is recognised by its tables and stamped on
// its next write; the stamp is what tells a flank store from another program's database.
TEST(StoreInputs, AnUnstampedFlankStoreIsStillRead) {
  TempDir dir;
  const auto path = dir / "old.db";
  {
    store::Store db(path.string());
    store::Study s;
    s.name = "old";
    s.kind = "sweep";
    db.create_study(s, {});
  }
  sql(path, "PRAGMA application_id = 0; PRAGMA user_version = 0;");
  store::Store db(path.string(), store::Access::Read);
  ASSERT_EQ(db.studies().size(), 1u);
  EXPECT_EQ(db.studies()[0].name, "old");
}

TEST(StoreInputs, SpecialSqliteNamesAreFiles) {
  // ":memory:" had run a whole sweep into memory and kept nothing; "file:..." is a URI to
  // SQLite when URIs are on. Both are plain files now. The relative names go to the working
  // folder, so the test moves into its own for the duration.
  TempDir dir;
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  for (const std::string name : {":memory:", "file:x.db?mode=memory"}) {
    {
      store::Store db(name);
      store::Study s;
      s.name = "kept";
      s.kind = "sweep";
      db.create_study(s, {});
    }
    EXPECT_TRUE(std::filesystem::exists(dir / name)) << name;
    store::Store again(name, store::Access::Read);
    EXPECT_EQ(again.studies().size(), 1u) << name;
  }
  std::filesystem::current_path(cwd);
}

// Read-only stores, as an unprivileged user: root reads and writes any file whatever its mode,
// so under root the commands run through setpriv as nobody.
std::vector<std::string> as_unprivileged(std::vector<std::string> args) {
  if (::geteuid() != 0) return args;
  args.insert(args.begin(),
              {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"});
  return args;
}

TEST(StoreInputs, AReadOnlyStoreCanBeReadButNotWritten) {
  if (::geteuid() == 0 && ::access("/usr/bin/setpriv", X_OK) != 0)
    GTEST_SKIP() << "running as root without setpriv";
  TempDir dir;
  write_design(dir);
  const std::string store = (dir / "ro" / "results.db").string();
  std::filesystem::create_directory(dir / "ro");
  ProcessResult r =
      flank(dir, {"sweep", "--design", (dir / "design.yaml").string(), "--store", store, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Folder and file read-only for everybody: SQLite cannot create the WAL's -shm beside it.
  ::chmod(dir.path().c_str(), 0755);
  ::chmod(store.c_str(), 0444);
  ::chmod((dir / "ro").c_str(), 0555);
  const auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), FLANK_BINARY);
    return test::run_process(as_unprivileged(args), 300, dir.path());
  };
  r = run({"results", "--store", store});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("done"), std::string::npos) << r.out;
  r = run({"results", "--store", store, "--study", "1", "--replications", "-"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("point,replication"), std::string::npos) << r.out.substr(0, 200);
  r = run({"results", "--store", store, "--study", "1", "--json", "-"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // Writing is refused at once, naming the file.
  r = run({"sweep", "--design", (dir / "design.yaml").string(), "--store", store, "--resume", "-n",
           "40", "-q"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  // Either the store's own check ("results.db ... read-only") or, first, the command line's
  // output-path check (the folder cannot take SQLite's journal: "not writable").
  const bool store_said =
      r.err.find("results.db") != std::string::npos && r.err.find("read-only") != std::string::npos;
  EXPECT_TRUE(store_said || r.err.find("not writable") != std::string::npos) << r.err;
  // A file nobody may read.
  ::chmod(store.c_str(), 0000);
  r = run({"results", "--store", store});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("results.db"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cannot read"), std::string::npos) << r.err;
  ::chmod((dir / "ro").c_str(), 0755);
  ::chmod(store.c_str(), 0644);
}

}  // namespace
}  // namespace flank
