// Bad input to the commands other than `scenario check` (tests/malformed covers that): exit
// status 2 with a message naming the file, never a nonsense result or exit 1.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../scenario/small_scenario.hpp"
#include "subprocess.hpp"

namespace flank {
namespace {

using test::ProcessResult;
using test::TempDir;

ProcessResult flank(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), FLANK_BINARY);
  return test::run_process(args, 300, dir.path());
}

// "nan" and "inf" parse as numbers (std::from_chars); `flank fit` printed NaN fits and picked
// a "best" model with exit status 0.
TEST(CliInputs, NonFiniteCellsInADailySeriesAreRefused) {
  for (const std::string bad : {"nan", "inf", "-inf", "infinity"}) {
    TempDir dir;
    std::ofstream(dir / "series.csv")
        << "day,forces_a,casualties_a,forces_b,casualties_b\n"
        << "1,1000,10,900,5\n2,990,12,895,6\n3,978," << bad << ",889,4\n4,960,9,885,5\n";
    const ProcessResult r = flank(dir, {"fit", (dir / "series.csv").string()});
    EXPECT_EQ(r.exit_code, 2) << bad << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find("series.csv:4:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("finite"), std::string::npos) << r.err;
  }
}

// A results store that is not SQLite was "flank: store: file is not a database", exit 1.
TEST(CliInputs, AStoreThatIsNotADatabaseIsBadInput) {
  TempDir dir;
  {
    std::ofstream out(dir / "results.db", std::ios::binary);
    for (int i = 0; i < 4096; ++i) out.put(static_cast<char>((i * 131 + 7) & 0xff));
  }
  const ProcessResult r = flank(dir, {"results", "--store", (dir / "results.db").string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("results.db"), std::string::npos) << r.err;
}

TEST(CliInputs, MissingInputFilesAreBadInput) {
  TempDir dir;
  const std::string missing = (dir / "missing.csv").string();
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"fit", missing},
                                             {"validate", "battles", missing},
                                             {"run", (dir / "missing.yaml").string(), "-n", "1"}}) {
    const ProcessResult r = flank(dir, args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << "\n" << r.err;
    EXPECT_NE(r.err.find("missing."), std::string::npos) << args[0] << "\n" << r.err;
  }
}

// Issue 13's corpus of bad input to commands other than `scenario check`: each case must give
// exit status 2 and a message holding the fragment (the file's name where there is a file).
struct BadInput {
  std::string label;
  std::vector<std::string> args;  // "{dir}" is replaced by the case's scratch directory
  std::string fragment;
};

std::vector<BadInput> bad_inputs() {
  return {
      {"replications 2^64-1",
       {"run", "{dir}/small.yaml", "-n", "18446744073709551615"},
       "100000000"},
      {"replications 0", {"run", "{dir}/small.yaml", "-n", "0"}, "replications"},
      {"negative seed", {"run", "{dir}/small.yaml", "-n", "10", "--seed", "-1"}, "seed"},
      {"sweep replications 2^64-1",
       {"sweep", "--design", "{dir}/design.yaml", "--store", "{dir}/s.db", "-n",
        "18446744073709551615"},
       "100000000"},
      {"plan negative seed", {"plan", "{dir}/plan.yaml", "--seed", "-1"}, "seed"},
      {"override extreme sigma",
       {"run", "{dir}/small.yaml", "-n", "10", "--set", "parameters.noise_sigma=1e200"},
       "must be within"},
      {"override extreme personnel",
       {"run", "{dir}/small.yaml", "-n", "10", "--set", "units[blue-1].personnel=1e300"},
       "must be within"},
      {"design points 2^32+1",
       {"sweep", "--design", "{dir}/huge-design.yaml", "--store", "{dir}/s.db"},
       "huge-design.yaml"},
      {"validate battles, no battle",
       {"validate", "battles", "{dir}/zero.csv", "--format", "cdb90"},
       "zero.csv"},
      {"validate battles, one battle",
       {"validate", "battles", "{dir}/one.csv", "--format", "cdb90"},
       "one.csv"},
      {"folds above the data",
       {"validate", "battles", "{dir}/few.csv", "--format", "cdb90", "--folds", "9"},
       "few.csv"},
      {"folds above the limit",
       {"validate", "battles", "{dir}/few.csv", "--format", "cdb90", "--folds", "100000"},
       "folds"},
      {"fit on 1e308", {"fit", "{dir}/extreme.csv"}, "extreme.csv"},
      {"fit on constant data", {"fit", "{dir}/constant.csv"}, "constant.csv"},
      {"fit on a FIFO", {"fit", "{dir}/fifo.csv"}, "not a regular file"},
      {"fit on /dev/zero", {"fit", "/dev/zero"}, "/dev/zero"},
      {"validate battles on a FIFO", {"validate", "battles", "{dir}/fifo.csv"}, "fifo.csv"},
      {"design file is a FIFO",
       {"sweep", "--design", "{dir}/fifo.csv", "--store", "{dir}/s.db"},
       "fifo.csv"},
      {"design file is /dev/zero",
       {"sweep", "--design", "/dev/zero", "--store", "{dir}/s.db"},
       "/dev/zero"},
      {"report from /dev/zero", {"report", "/dev/zero", "-o", "{dir}/r.html"}, "/dev/zero"},
  };
}

void write_corpus_files(const TempDir& dir) {
  std::ofstream(dir / "small.yaml") << test::kSmallScenario;
  std::ofstream(dir / "design.yaml")
      << "study: t\nscenario: " << (dir / "small.yaml").string()
      << "\nfactors:\n  - {path: parameters.noise_sigma, levels: [0.1, 0.2]}\n"
         "outputs: [p:corridor]\nreplications: 10\nseed: 1\n";
  std::ofstream(dir / "huge-design.yaml")
      << "study: t\nscenario: " << (dir / "small.yaml").string()
      << "\ndesign: {kind: latin_hypercube, points: 4294967297}\n"
         "factors:\n  - {path: parameters.noise_sigma, range: [0.1, 0.2]}\n"
         "outputs: [p:corridor]\nreplications: 10\nseed: 1\n";
  std::ofstream(dir / "plan.yaml") << "scenario: " << (dir / "small.yaml").string() << "\n";
  std::ofstream(dir / "extreme.csv") << "day,forces_a,casualties_a,forces_b,casualties_b\n"
                                     << "1,1e308,1e307,1e308,1e307\n2,1e308,1e307,1e308,1e306\n"
                                     << "3,1e308,1e306,1e308,1e307\n4,1e308,1e307,1e308,1e307\n";
  std::ofstream(dir / "constant.csv") << "day,forces_a,casualties_a,forces_b,casualties_b\n"
                                      << "1,1000,10,900,5\n2,1000,10,900,5\n"
                                      << "3,1000,10,900,5\n4,1000,10,900,5\n";
  // A FIFO nobody writes to: a reader that opens it without care blocks forever.
  EXPECT_EQ(::mkfifo((dir / "fifo.csv").c_str(), 0600), 0);
  std::ifstream table(std::filesystem::path(FLANK_SOURCE_DIR) /
                      "data/history/cdb90/cdb90_battles_flat.csv");
  std::string header, row;
  std::getline(table, header);
  std::ofstream zero(dir / "zero.csv"), one(dir / "one.csv"), few(dir / "few.csv");
  zero << header << "\n";
  one << header << "\n";
  few << header << "\n";
  for (int i = 0; i < 8 && std::getline(table, row); ++i) {
    if (i == 0) one << row << "\n";
    few << row << "\n";
  }
}

TEST(CliInputs, CorpusOfBadInputGivesStatusTwoAndSaysWhat) {
  int passed = 0;
  const auto corpus = bad_inputs();
  for (const BadInput& c : corpus) {
    TempDir dir;
    write_corpus_files(dir);
    std::vector<std::string> args = c.args;
    for (auto& a : args)
      if (const auto at = a.find("{dir}"); at != std::string::npos)
        a.replace(at, 5, dir.path().string());
    const ProcessResult r = flank(dir, args);
    EXPECT_EQ(r.signal, 0) << c.label << ": signal " << r.signal << "\n" << r.err;
    EXPECT_EQ(r.exit_code, 2) << c.label << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find(c.fragment), std::string::npos)
        << c.label << ": expected '" << c.fragment << "' in:\n"
        << r.err;
    passed += r.exit_code == 2 && r.err.find(c.fragment) != std::string::npos;
  }
  std::printf("bad-input corpus: %d of %zu cases exit 2 with the expected message\n", passed,
              corpus.size());
}

}  // namespace
}  // namespace flank
