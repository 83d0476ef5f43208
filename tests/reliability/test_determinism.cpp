// Determinism guard: results must not depend on the thread count. tests/mc checks the bench
// signature at 1 and 2 threads; this adds 8 (more threads than this machine's cores, so
// chunks finish out of order) and checks the JSON summary of `flank run` the same way.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "subprocess.hpp"

namespace flank {
namespace {

using nlohmann::json;
using test::ProcessResult;
using test::read_text;
using test::TempDir;

TEST(Determinism, BenchSignatureHoldsAtEightThreads) {
  TempDir dir;
  const ProcessResult r = test::run_process(
      {FLANK_BINARY, "bench", "--check", "--replications", "200", "--threads", "8",
       "--signature-file", std::string(FLANK_SOURCE_DIR) + "/bench/signature.txt"},
      600, dir.path());
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("signature OK"), std::string::npos) << r.out << r.err;
}

TEST(Determinism, RunSummaryIsTheSameAtOneAndEightThreads) {
  TempDir dir;
  json summaries[2];
  int i = 0;
  for (const char* threads : {"1", "8"}) {
    const std::string out = (dir / (std::string("t") + threads + ".json")).string();
    const ProcessResult r =
        test::run_process({FLANK_BINARY, "run", "builtin:eastern-flank-2023", "-q", "-n", "150",
                           "--seed", "4", "--threads", threads, "--json", out},
                          600, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    summaries[i] = json::parse(read_text(out));
    summaries[i].erase("run_info");
    ++i;
  }
  EXPECT_EQ(summaries[0], summaries[1]);
}

}  // namespace
}  // namespace flank
