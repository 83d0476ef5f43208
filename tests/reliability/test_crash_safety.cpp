// Crash safety of everything flank writes: outputs appear whole or not at all (they are
// written with write_file_atomically), and the results store loses and duplicates nothing
// when `flank sweep` is killed with SIGKILL at arbitrary moments and then resumed. The store
// test extends tests/store/test_kill_resume.cpp (exports compared after 2 kills) with chains
// of up to 5 kills, kills of resumed runs, and chunk-level checks.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "flank/store/store.hpp"
#include "subprocess.hpp"

namespace flank {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::Child;
using test::ProcessResult;
using test::read_text;
using test::TempDir;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Fields that legitimately differ between two identical runs (clock, threads, host).
json without_run_info(json j) {
  if (j.is_object()) {
    j.erase("run_info");
    j.erase("created");
    j.erase("wall_seconds");
    for (auto& [key, value] : j.items()) value = without_run_info(value);
  } else if (j.is_array()) {
    for (auto& value : j) value = without_run_info(value);
  }
  return j;
}

std::vector<fs::path> leftovers(const fs::path& dir, const std::string& stem) {
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(stem + ".tmp")) found.push_back(entry.path());
  }
  return found;
}

std::vector<std::string> run_command(const TempDir& dir, std::uint64_t replications) {
  return {FLANK_BINARY,
          "run",
          "builtin:eastern-flank-2023",
          "-q",
          "--threads",
          "1",
          "-n",
          std::to_string(replications),
          "--seed",
          "7",
          "--json",
          (dir / "out.json").string(),
          "--csv",
          (dir / "out.csv").string(),
          "--timeline",
          "3",
          (dir / "timeline.json").string()};
}

TEST(CrashSafety, KilledRunLeavesThePreviousOutputsUntouched) {
  for (int signal : {SIGKILL, SIGTERM, SIGINT}) {
    TempDir dir;
    for (const char* name : {"out.json", "out.csv", "timeline.json"})
      std::ofstream(dir / name) << "previous " << name << "\n";
    Child child(run_command(dir, 1'000'000), dir.path());
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    child.kill(signal);
    const ProcessResult r = child.wait(30);
    EXPECT_FALSE(r.timed_out) << "signal " << signal << " did not stop flank run";
    EXPECT_NE(r.exit_code, 0) << "a million replications cannot have finished";
    for (const char* name : {"out.json", "out.csv", "timeline.json"}) {
      EXPECT_EQ(read_text(dir / name), std::string("previous ") + name + "\n")
          << name << " after signal " << signal;
      EXPECT_TRUE(leftovers(dir.path(), name).empty()) << name << " has a temporary file left";
    }
  }
}

// Kills at random moments through a short run, including while it writes: each output must
// then be absent or exactly the complete output of an uninterrupted run.
TEST(CrashSafety, RunKilledAtRandomMomentsLeavesCompleteFilesOrNone) {
  constexpr std::uint64_t kReplications = 300;
  TempDir reference;
  const auto start = std::chrono::steady_clock::now();
  const ProcessResult ok =
      test::run_process(run_command(reference, kReplications), 300, reference.path());
  const double duration = seconds_since(start);
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const json reference_json = without_run_info(json::parse(read_text(reference / "out.json")));
  const std::string reference_timeline = read_text(reference / "timeline.json");
  const std::string reference_csv = read_text(reference / "out.csv");
  ASSERT_FALSE(reference_timeline.empty());

  std::mt19937_64 rng(20260726);
  std::uniform_real_distribution<double> moment(0.0, 1.1 * duration);
  int complete_runs = 0;
  for (int attempt = 0; attempt < 6; ++attempt) {
    TempDir dir;
    Child child(run_command(dir, kReplications), dir.path());
    std::this_thread::sleep_for(std::chrono::duration<double>(moment(rng)));
    child.kill(SIGKILL);
    const ProcessResult r = child.wait(60);
    complete_runs += r.exit_code == 0;
    if (fs::exists(dir / "out.json")) {
      const std::string text = read_text(dir / "out.json");
      ASSERT_TRUE(json::accept(text)) << "partial out.json, attempt " << attempt;
      EXPECT_EQ(without_run_info(json::parse(text)), reference_json);
    }
    if (fs::exists(dir / "timeline.json")) {
      EXPECT_EQ(read_text(dir / "timeline.json"), reference_timeline) << "attempt " << attempt;
    }
    if (fs::exists(dir / "out.csv")) {
      const std::string csv = read_text(dir / "out.csv");
      EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'),
                std::count(reference_csv.begin(), reference_csv.end(), '\n'))
          << "partial out.csv, attempt " << attempt;
    }
  }
  RecordProperty("complete_runs", complete_runs);
}

// ---- the results store under kill -9

constexpr const char* kDesign = R"(study: crash-safety
scenario: builtin:test-duel
design: full_factorial
factors:
  - {path: parameters.noise_sigma, levels: [0.1, 0.3]}
  - {path: "units[red-1].cev", levels: [0.8, 1.2]}
outputs: [p:take-west, lost:red]
replications: 4000
seed: 5
chunk: 100
)";

std::vector<std::string> sweep_command(const TempDir& dir, bool resume) {
  std::vector<std::string> args{FLANK_BINARY, "sweep",
                                "--design",   (dir / "design.yaml").string(),
                                "--store",    (dir / "results.db").string(),
                                "-q",         "--threads",
                                "1"};
  if (resume) args.push_back("--resume");
  return args;
}

TEST(CrashSafety, ResultsStoreSurvivesRepeatedKillNine) {
  TempDir straight;
  std::ofstream(straight / "design.yaml") << kDesign;
  const auto start = std::chrono::steady_clock::now();
  const ProcessResult ok = test::run_process(sweep_command(straight, false), 600, straight.path());
  const double duration = seconds_since(start);
  ASSERT_EQ(ok.exit_code, 0) << ok.err;

  TempDir dir;
  std::ofstream(dir / "design.yaml") << kDesign;
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> moment(0.05 * duration, 0.5 * duration);
  int kills = 0;
  bool finished = false;
  for (int attempt = 0; attempt < 5 && !finished; ++attempt) {
    Child child(sweep_command(dir, fs::exists(dir / "results.db")), dir.path());
    std::this_thread::sleep_for(std::chrono::duration<double>(moment(rng)));
    child.kill(SIGKILL);
    const ProcessResult r = child.wait(60);
    kills += r.signal == SIGKILL;
    finished = r.exit_code == 0;
  }
  EXPECT_GE(kills, 3) << "the sweep is too short for the kills to land mid-way";
  const ProcessResult resumed = test::run_process(sweep_command(dir, true), 600, dir.path());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;

  // Every point holds each replication exactly once, and every stored chunk is byte for byte
  // the chunk of the uninterrupted run (tests/store/test_kill_resume.cpp compares the exports).
  store::Store db((dir / "results.db").string());
  store::Store reference((straight / "results.db").string());
  const auto studies = db.studies();
  ASSERT_EQ(studies.size(), 1u) << "a resumed sweep must not start a second study";
  EXPECT_EQ(studies[0].status, "done");
  const auto points = db.points(studies[0].id);
  ASSERT_EQ(points.size(), 4u);
  for (const auto& p : points) {
    const auto chunks = db.chunks(studies[0].id, p.index);
    const auto expected = reference.chunks(reference.studies()[0].id, p.index);
    std::uint64_t next = 0;
    for (const auto& c : chunks) {
      EXPECT_EQ(c.first, next) << "point " << p.index << ": gap or overlap";
      next = c.first + c.count;
    }
    EXPECT_EQ(next, 4000u) << "point " << p.index;
    ASSERT_EQ(chunks.size(), expected.size()) << "point " << p.index;
    for (std::size_t i = 0; i < chunks.size(); ++i)
      EXPECT_TRUE(chunks[i].outcomes == expected[i].outcomes)
          << "point " << p.index << " chunk at " << chunks[i].first << " differs";
  }
}

}  // namespace
}  // namespace flank
