// `mpirun -n 2 flank sweep --mpi` gives exactly the study a single process gives.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const char* kDesign = R"(study: mpi
scenario: builtin:eastern-flank-2023
variants: [builtin:wagner-25k, builtin:delay-14d]
outputs: [p:suwalki-corridor:day7, p:vilnius, median_hours:vilnius, lost:blue]
replications: 30
chunk: 4
)";

int run(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::pair<std::string, std::string> exports(const fs::path& db, const fs::path& dir) {
  const auto json = dir / "export.json", csv = dir / "export.csv";
  EXPECT_EQ(run({FLANK_BINARY, "results", "--store", db.string(), "--study", "1", "--json",
                 json.string(), "--csv", csv.string()}),
            0);
  auto j = nlohmann::ordered_json::parse(read(json));
  j.erase("run_info");
  return {j.dump(1), read(csv)};
}

}  // namespace

TEST(Mpi, TwoRanksGiveTheSingleProcessResults) {
  if (std::system("command -v mpirun > /dev/null 2>&1") != 0) GTEST_SKIP() << "no mpirun";
  const auto dir = fs::temp_directory_path() / ("flank-mpi-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto design = dir / "design.yaml";
  std::ofstream(design) << kDesign;
  const auto single = dir / "single.db", parallel = dir / "mpi.db";

  ASSERT_EQ(run({FLANK_BINARY, "sweep", "--design", design.string(), "--store", single.string(),
                 "--threads", "1", "--quiet"}),
            0);
  // Containers often run as root; Open MPI refuses that unless told it is intended.
  ::setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
  ::setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
  ASSERT_EQ(
      run({"mpirun", "--oversubscribe", "-n", "2", FLANK_BINARY, "sweep", "--design",
           design.string(), "--store", parallel.string(), "--threads", "1", "--quiet", "--mpi"}),
      0);
  const auto [json_single, csv_single] = exports(single, dir);
  const auto [json_mpi, csv_mpi] = exports(parallel, dir);
  EXPECT_EQ(csv_mpi, csv_single);
  EXPECT_EQ(json_mpi, json_single);
  const auto j = nlohmann::json::parse(json_mpi);
  EXPECT_EQ(j["points"].size(), 3u);
  EXPECT_EQ(j["study"]["status"], "done");
  fs::remove_all(dir);
}

namespace {

// Three plans (one may be raced out after the first batch) against two options.
const char* kGamePlans = R"(study: mpi-game
scenario: builtin:eastern-flank-2023
candidates: builtin:posture-candidates
payoff: p:vilnius:day14
replications: 24
first_batch: 8
chunk: 5
bootstrap: 30
seed: 2
plans:
  - {id: base, source: "the scenario"}
  - {id: hold, source: "assumption", set: ["doctrine.red.axes[kaliningrad].path=[gusev]"]}
  - {id: meek, source: "assumption", set: ["doctrine.red.commit_ratio=6"]}
options:
  - {id: today, posture: []}
  - {id: uk, posture: [uk-bde-vilnius]}
)";

}  // namespace

TEST(Mpi, GameOnTwoRanksIsTheSingleProcessGame) {
  if (std::system("command -v mpirun > /dev/null 2>&1") != 0) GTEST_SKIP() << "no mpirun";
  const auto dir = fs::temp_directory_path() / ("flank-mpi-game-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto plans = dir / "plans.yaml";
  std::ofstream(plans) << kGamePlans;
  const auto single = dir / "single.db", parallel = dir / "mpi.db";
  const auto game = [&](std::vector<std::string> prefix, const fs::path& db, const char* threads,
                        const fs::path& json) {
    prefix.insert(prefix.end(), {"game", "--plans", plans.string(), "--threads", threads, "--quiet",
                                 "--json", json.string()});
    if (!db.empty()) prefix.insert(prefix.end(), {"--store", db.string()});
    if (prefix.front() == "mpirun") prefix.push_back("--mpi");
    return run(prefix);
  };
  ASSERT_EQ(game({FLANK_BINARY}, single, "2", dir / "single.json"), 0);
  ::setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
  ::setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
  const std::vector<std::string> two{"mpirun", "--oversubscribe", "-n", "2", FLANK_BINARY};
  ASSERT_EQ(game(two, parallel, "1", dir / "mpi.json"), 0);
  // Three ranks, no store: the units are kept in memory on rank 0.
  const std::vector<std::string> three{"mpirun", "--oversubscribe", "-n", "3", FLANK_BINARY};
  ASSERT_EQ(game(three, {}, "1", dir / "memory.json"), 0);

  const auto reference = read(dir / "single.json");
  EXPECT_EQ(read(dir / "mpi.json"), reference);
  EXPECT_EQ(read(dir / "memory.json"), reference);
  const auto j = nlohmann::json::parse(reference);
  // Whether racing drops `meek` depends on the engine's numbers (it did before displacement);
  // the ranks must agree with the single process either way, which the comparisons above hold.
  EXPECT_EQ(j["replications"].get<int>(), 24);
  const auto [json_single, csv_single] = exports(single, dir);
  const auto [json_mpi, csv_mpi] = exports(parallel, dir);
  EXPECT_EQ(csv_mpi, csv_single);
  EXPECT_EQ(json_mpi, json_single);
  fs::remove_all(dir);
}
