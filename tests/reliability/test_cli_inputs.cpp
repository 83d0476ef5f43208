// Bad input to the commands other than `scenario check` (tests/malformed covers that): exit
// status 2 with a message naming the file, never a nonsense result or exit 1.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

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

}  // namespace
}  // namespace flank
