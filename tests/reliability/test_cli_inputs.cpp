// Bad input to the commands other than `scenario check` (tests/malformed covers that): exit
// status 2 with a message naming the file, never a nonsense result or exit 1.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../scenario/small_scenario.hpp"
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
      {"plan negative seed", {"plan", "--candidates", "{dir}/plan.yaml", "--seed", "-1"}, "seed"},
      // `flank game` wrapped these to 2^64 - 1 and ran practically forever.
      {"game negative replications",
       {"game", "--plans", "builtin:red-plans", "-n", "-1"},
       "replications"},
      {"game negative seed", {"game", "--plans", "builtin:red-plans", "--seed", "-1"}, "seed"},
      {"game negative first batch",
       {"game", "--plans", "builtin:red-plans", "--first-batch", "-1"},
       "first-batch"},
      {"game negative bootstrap",
       {"game", "--plans", "builtin:red-plans", "--bootstrap", "-1"},
       "bootstrap"},
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
      // Issue 13 item 6, the rest: values that were silently ignored or accepted.
      {"plan --budget -5",
       {"plan", "--candidates", "{dir}/plan.yaml", "--budget", "-5"},
       "--budget"},
      {"plan --budget nan",
       {"plan", "--candidates", "{dir}/plan.yaml", "--budget", "nan"},
       "finite"},
      {"plan budget: -5 in the file",
       {"plan", "--candidates", "{dir}/plan-negative-budget.yaml"},
       "plan-negative-budget.yaml:3"},
      {"plan replications: 0 in the file",
       {"plan", "--candidates", "{dir}/plan-zero-reps.yaml"},
       "plan-zero-reps.yaml:3"},
      {"plan, a red unit as a candidate",
       {"plan", "--candidates", "{dir}/plan-red-unit.yaml"},
       "plan-red-unit.yaml:4"},
      {"plan, an unknown unit", {"plan", "--candidates", "{dir}/plan-unknown-unit.yaml"}, "nosuch"},
      {"plan, an unknown start region",
       {"plan", "--candidates", "{dir}/plan-unknown-region.yaml"},
       "plan-unknown-region.yaml:4"},
      {"plan, a red nation defined",
       {"plan", "--candidates", "{dir}/plan-red-define.yaml"},
       "red nation"},
      {"plan, one unit in two candidates",
       {"plan", "--candidates", "{dir}/plan-twice.yaml"},
       "plan-twice.yaml:5"},
      {"plan, 64 candidates", {"plan", "--candidates", "{dir}/plan-64.yaml"}, "the limit is 63"},
      {"plan --exact-limit -1",
       {"plan", "--candidates", "{dir}/plan.yaml", "--exact-limit", "-1"},
       "--exact-limit"},
      {"plan --threads -5",
       {"plan", "--candidates", "{dir}/plan.yaml", "--threads", "-5"},
       "--threads"},
      {"sweep --threads 2^31-1",
       {"sweep", "--design", "{dir}/design.yaml", "--store", "{dir}/s.db", "--threads",
        "2147483647"},
       "--threads"},
      {"units: []", {"run", "{dir}/no-units.yaml", "-n", "1"}, "no-units.yaml:"},
      {"a side without units", {"run", "{dir}/red-only.yaml", "-n", "1"}, "blue side has no units"},
      {"points x replications past the study limit",
       {"sweep", "--design", "{dir}/big-design.yaml", "--store", "{dir}/s.db", "-n", "100000"},
       "replications in one study"},
      {"points x chunks past the study limit",
       {"sweep", "--design", "{dir}/big-design.yaml", "--store", "{dir}/s.db", "-n", "1000",
        "--chunk", "1"},
       "chunks in one study"},
      {"points x variants past the point limit",
       {"sweep", "--design", "{dir}/variants-design.yaml", "--store", "{dir}/s.db"},
       "variants-design.yaml"},
      {"design tornado: maybe",
       {"sweep", "--design", "{dir}/tornado-design.yaml", "--store", "{dir}/s.db"},
       "tornado-design.yaml:3"},
      // Found by the hostile pass over every subcommand.
      {"game plans file is a FIFO", {"game", "--plans", "{dir}/fifo.csv", "-q"}, "fifo.csv"},
      {"game plans file is /dev/zero", {"game", "--plans", "/dev/zero", "-q"}, "/dev/zero"},
      {"plan --adversary a FIFO",
       {"plan", "--candidates", "{dir}/plan.yaml", "-q", "--adversary", "{dir}/fifo.csv"},
       "fifo.csv"},
      {"run --threads 2^31-1",
       {"run", "{dir}/small.yaml", "-n", "1", "-q", "--threads", "2147483647"},
       "--threads"},
      {"results --json into a directory",
       {"results", "--store", "{dir}/results.db", "--study", "1", "--json", "{dir}"},
       "a folder, not a file"},
      {"findings into a missing folder",
       {"findings", "--store", "{dir}/results.db", "-o", "{dir}/no/such/f.md"},
       "does not exist"},
      {"serve with a foreign store",
       {"serve", "--port", "0", "--store", "{dir}/foreign.db"},
       "not a flank results store"},
  };
}

// A store holding one finished sweep (2 points, 10 replications), made by the real binary.
std::filesystem::path sample_store() {
  static const TempDir d;  // removed at exit
  static const bool made = [] {
    std::ofstream(d / "small.yaml") << test::kSmallScenario;
    std::ofstream(d / "design.yaml") << "study: t\nscenario: " << (d / "small.yaml").string()
                                     << "\ndesign: full_factorial\nfactors:\n"
                                        "  - {path: parameters.noise_sigma, levels: [0.1, 0.2]}\n"
                                        "outputs: [p:corridor]\nreplications: 10\nseed: 1\n";
    const ProcessResult r = flank(d, {"sweep", "--design", (d / "design.yaml").string(), "--store",
                                      (d / "results.db").string(), "-q"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return true;
  }();
  EXPECT_TRUE(made);
  return d / "results.db";
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
  const std::string scenario = "scenario: " + (dir / "small.yaml").string() + "\n";
  std::ofstream(dir / "plan.yaml")
      << scenario << "target: \"p:corridor<=0.5\"\nreplications: 10\nmax_replications: 10\n"
      << "candidates:\n  - {id: c1, unit: blue-2, start: charlie, cost: 1}\n";
  std::ofstream(dir / "plan-negative-budget.yaml")
      << scenario << "target: \"p:corridor<=0.5\"\nbudget: -5\n"
      << "candidates:\n  - {id: c1, unit: blue-2, start: charlie, cost: 1}\n";
  std::ofstream(dir / "plan-zero-reps.yaml")
      << scenario << "target: \"p:corridor<=0.5\"\nreplications: 0\n"
      << "candidates:\n  - {id: c1, unit: blue-2, start: charlie, cost: 1}\n";
  std::ofstream(dir / "plan-red-unit.yaml")
      << scenario << "target: \"p:corridor<=0.5\"\ncandidates:\n"
      << "  - {id: c1, unit: red-1, start: charlie, cost: 1}\n";
  std::ofstream(dir / "plan-unknown-unit.yaml")
      << scenario << "target: \"p:corridor<=0.5\"\ncandidates:\n"
      << "  - {id: c1, unit: nosuch, start: charlie, cost: 1}\n";
  std::ofstream(dir / "plan-unknown-region.yaml")
      << scenario << "target: \"p:corridor<=0.5\"\ncandidates:\n"
      << "  - {id: c1, unit: blue-2, start: atlantis, cost: 1}\n";
  std::ofstream(dir / "plan-red-define.yaml")
      << scenario << "target: \"p:corridor<=0.5\"\ncandidates:\n"
      << "  - id: c1\n    cost: 1\n    define: {id: red-new, nation: RA, type: mech_bde, "
         "personnel: 100, start: alpha, source: S1}\n";
  std::ofstream(dir / "plan-twice.yaml") << scenario << "target: \"p:corridor<=0.5\"\ncandidates:\n"
                                         << "  - {id: c1, unit: blue-2, start: charlie, cost: 1}\n"
                                         << "  - {id: c2, unit: blue-2, start: bravo, cost: 1}\n";
  {
    std::ofstream many(dir / "plan-64.yaml");
    many << scenario << "target: \"p:corridor<=0.5\"\ncandidates:\n";
    for (int i = 0; i < 64; ++i)
      many << "  - {id: c" << i << ", unit: blue-2, start: charlie, cost: 1}\n";
  }
  // The small scenario without units, and with its red unit only.
  const std::string small(test::kSmallScenario);
  const auto units = small.find("\nunits:\n"), objectives = small.find("\nobjectives:\n");
  const auto blue = small.find("  - id: blue-1\n");
  std::ofstream(dir / "no-units.yaml")
      << small.substr(0, units) << "\nunits: []" << small.substr(objectives);
  std::ofstream(dir / "red-only.yaml") << small.substr(0, blue) << small.substr(objectives + 1);
  // 1,000,000 points: at the point limit, past the study limits with large -n or small chunks.
  std::ofstream(dir / "big-design.yaml")
      << "study: t\n"
      << scenario
      << "design: {kind: latin_hypercube, points: 1000000}\n"
         "factors:\n  - {path: parameters.noise_sigma, range: [0.1, 0.2]}\n"
         "outputs: [p:corridor]\n";
  std::ofstream(dir / "variants-design.yaml")
      << "study: t\n"
      << scenario << "design: {kind: latin_hypercube, points: 1000000}\nvariants: ["
      << (dir / "small.yaml").string()
      << "]\nfactors:\n  - {path: parameters.noise_sigma, range: [0.1, 0.2]}\n"
         "outputs: [p:corridor]\n";
  std::ofstream(dir / "tornado-design.yaml")
      << "study: t\n"
      << scenario
      << "design: {kind: saltelli, base_samples: 4, tornado: maybe}\n"
         "factors:\n  - {path: parameters.noise_sigma, range: [0.1, 0.2]}\n"
         "outputs: [p:corridor]\n";
  std::ofstream(dir / "extreme.csv") << "day,forces_a,casualties_a,forces_b,casualties_b\n"
                                     << "1,1e308,1e307,1e308,1e307\n2,1e308,1e307,1e308,1e306\n"
                                     << "3,1e308,1e306,1e308,1e307\n4,1e308,1e307,1e308,1e307\n";
  std::ofstream(dir / "constant.csv") << "day,forces_a,casualties_a,forces_b,casualties_b\n"
                                      << "1,1000,10,900,5\n2,1000,10,900,5\n"
                                      << "3,1000,10,900,5\n4,1000,10,900,5\n";
  // A finished sweep's store (made once, copied), and a SQLite file of another program.
  std::filesystem::copy_file(sample_store(), dir / "results.db");
  { store::Store other((dir / "foreign.db").string()); }
  {
    sqlite3* h = nullptr;
    sqlite3_open((dir / "foreign.db").c_str(), &h);
    sqlite3_exec(h, "PRAGMA application_id = 7", nullptr, nullptr, nullptr);
    sqlite3_close(h);
  }
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
