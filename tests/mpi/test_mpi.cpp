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
