// A sweep killed with SIGKILL at random moments and resumed ends with exactly the results of an
// uninterrupted run: the exports are compared byte for byte (the JSON without its run_info).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../spawn.hpp"

namespace {

namespace fs = std::filesystem;

const char* kDesign = R"(study: kill-resume
scenario: builtin:eastern-flank-2023
design: full_factorial
factors:
  - {path: doctrine.blue.decision_delay_hours, levels: [0, 168]}
  - {path: parameters.noise_sigma, levels: [0.1, 0.3]}
outputs: [p:suwalki-corridor:day7, p:vilnius:day14, median_hours:vilnius, lost:red]
replications: 40
chunk: 5
)";

fs::path work_dir() {
  const auto dir = fs::temp_directory_path() / ("flank-kill-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

using flank::test::spawn;
using flank::test::wait_for;

int run(const std::vector<std::string>& args) {
  return wait_for(spawn(args));
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void remove_db(const fs::path& db) {
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
}

std::vector<std::string> sweep_args(const fs::path& design, const fs::path& db, bool resume) {
  std::vector<std::string> a{FLANK_BINARY, "sweep",     "--design", design.string(), "--store",
                             db.string(),  "--threads", "2",        "--quiet"};
  if (resume) a.push_back("--resume");
  return a;
}

// Exports study 1 and returns (JSON without run_info, CSV).
std::pair<std::string, std::string> exports(const fs::path& db, const fs::path& dir) {
  const auto json = dir / "export.json", csv = dir / "export.csv";
  EXPECT_EQ(run({FLANK_BINARY, "results", "--store", db.string(), "--study", "1", "--json",
                 json.string(), "--csv", csv.string()}),
            0);
  auto j = nlohmann::ordered_json::parse(read(json));
  EXPECT_TRUE(j.contains("run_info"));
  j.erase("run_info");
  return {j.dump(1), read(csv)};
}

}  // namespace

TEST(KillResume, SigkillAtRandomMomentsThenResumeMatchesUninterruptedRun) {
  const auto dir = work_dir();
  const auto design = dir / "design.yaml";
  std::ofstream(design) << kDesign;

  const auto reference_db = dir / "reference.db";
  remove_db(reference_db);
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(run(sweep_args(design, reference_db, false)), 0);
  const double full_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto [reference_json, reference_csv] = exports(reference_db, dir);
  const auto j = nlohmann::json::parse(reference_json);
  ASSERT_EQ(j["points"].size(), 4u);
  for (const auto& p : j["points"]) EXPECT_EQ(p["replications"], 40);

  std::random_device entropy;
  std::mt19937_64 rng(entropy());
  for (int trial = 0; trial < 3; ++trial) {
    const auto db = dir / "killed.db";
    remove_db(db);
    // Up to two kills per trial, each at a random moment within the uninterrupted run time.
    for (int kill = 0; kill < 2; ++kill) {
      const double at = std::uniform_real_distribution<double>(0.0, full_seconds)(rng);
      const pid_t pid = spawn(sweep_args(design, db, kill > 0));
      std::this_thread::sleep_for(std::chrono::duration<double>(at));
      ::kill(pid, SIGKILL);
      const int status = wait_for(pid);
      SCOPED_TRACE("trial " + std::to_string(trial) + " kill " + std::to_string(kill) + " after " +
                   std::to_string(at) + " s, status " + std::to_string(status));
    }
    ASSERT_EQ(run(sweep_args(design, db, true)), 0);
    const auto [json, csv] = exports(db, dir);
    EXPECT_EQ(csv, reference_csv) << "trial " << trial;
    EXPECT_EQ(json, reference_json) << "trial " << trial;
  }
  fs::remove_all(dir);
}
