// Every broken scenario in cases/ must make `flank scenario check` exit with status 2 and a
// message naming the file, the line (when the table gives one) and what is wrong — never a
// crash, a hang or another status. The cases too big to commit are generated here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "../reliability/subprocess.hpp"
#include "../scenario/small_scenario.hpp"

namespace flank {
namespace {

namespace fs = std::filesystem;
using test::ProcessResult;
using test::TempDir;

const fs::path kCases = fs::path(FLANK_SOURCE_DIR) / "tests/malformed/cases";
// Generous: the sanitizer build is several times slower, and a hang is what we look for.
constexpr double kTimeoutSeconds = 60;

struct Expected {
  std::string file;
  int line = 0;       // 0: no line asserted
  int last_line = 0;  // the message may point at any line in [line, last_line]
  std::string fragment;
};

void PrintTo(const Expected& e, std::ostream* os) {
  *os << e.file;
}

std::vector<Expected> expected_table() {
  std::ifstream in(fs::path(FLANK_SOURCE_DIR) / "tests/malformed/expected.txt");
  std::vector<Expected> table;
  std::string row;
  while (std::getline(in, row)) {
    if (row.empty() || row[0] == '#') continue;
    std::istringstream fields(row);
    Expected e;
    std::string line;
    std::getline(fields, e.file, '\t');
    std::getline(fields, line, '\t');
    std::getline(fields, e.fragment);
    if (line != "-") {
      const auto dash = line.find('-');
      e.line = std::stoi(line.substr(0, dash));
      e.last_line = dash == std::string::npos ? e.line : std::stoi(line.substr(dash + 1));
    }
    table.push_back(e);
  }
  return table;
}

ProcessResult check(const fs::path& file, const fs::path& capture_dir) {
  return test::run_process({FLANK_BINARY, "scenario", "check", file.string()}, kTimeoutSeconds,
                           capture_dir);
}

void expect_rejected(const ProcessResult& r, const std::string& label,
                     const std::string& fragment) {
  EXPECT_FALSE(r.timed_out) << label << ": no answer within " << kTimeoutSeconds << " s";
  EXPECT_EQ(r.signal, 0) << label << ": killed by signal " << r.signal << "\n" << r.err;
  EXPECT_EQ(r.exit_code, 2) << label << "\n" << r.err;
  EXPECT_NE(r.err.find(fragment), std::string::npos)
      << label << ": expected '" << fragment << "' in:\n"
      << r.err;
  EXPECT_EQ(r.err.find("AddressSanitizer"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("runtime error"), std::string::npos) << r.err;
}

TEST(Malformed, TableCoversAtLeastFortyCommittedFiles) {
  const auto table = expected_table();
  EXPECT_GE(table.size(), 40u);
  for (const auto& e : table) EXPECT_TRUE(fs::exists(kCases / e.file)) << e.file;
}

class MalformedCase : public ::testing::TestWithParam<Expected> {};

TEST_P(MalformedCase, ExitsWithStatusTwoAndSaysWhere) {
  const Expected& e = GetParam();
  TempDir tmp;
  const fs::path file = kCases / e.file;
  const ProcessResult r = check(file, tmp.path());
  expect_rejected(r, e.file, e.fragment);
  // The message names the file as given, and the line when one is expected.
  bool located = r.err.find(file.string() + ":") != std::string::npos;
  if (e.line > 0) {
    located = false;
    for (int line = e.line; line <= e.last_line; ++line)
      located = located ||
                r.err.find(file.string() + ":" + std::to_string(line) + ":") != std::string::npos;
  }
  EXPECT_TRUE(located || (e.line == 0 && r.err.find(file.string()) != std::string::npos))
      << e.file << ": expected " << file.string() << ":" << e.line << " in:\n"
      << r.err;
}

std::string case_name(const ::testing::TestParamInfo<Expected>& info) {
  std::string name = info.param.file.substr(0, info.param.file.rfind('.'));
  for (auto& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, MalformedCase, ::testing::ValuesIn(expected_table()), case_name);

// ---- generated at test time (too big to commit)

TEST(MalformedGenerated, HundredMegabyteFileIsRefusedBeforeParsing) {
  TempDir tmp;
  const fs::path file = tmp / "huge.yaml";
  {
    std::ofstream out(file, std::ios::binary);
    out << "flank: 1\nid: huge\ndescription: \"";
    const std::string block(1 << 20, 'x');
    for (int i = 0; i < 100; ++i) out << block;
    out << "\"\n";
  }
  ASSERT_GT(fs::file_size(file), 100u << 20);
  const auto r = check(file, tmp.path());
  expect_rejected(r, "100 MB file", "limit is");
  EXPECT_NE(r.err.find(file.string()), std::string::npos) << r.err;
}

TEST(MalformedGenerated, DeeplyNestedFlowListsDoNotOverflowTheStack) {
  TempDir tmp;
  const fs::path file = tmp / "deep.yaml";
  std::ofstream(file) << "flank: 1\nid: deep\nx: " << std::string(200000, '[') << "\n";
  expect_rejected(check(file, tmp.path()), "200,000 nested [", "deep.yaml");
}

TEST(MalformedGenerated, DeeplyNestedBlockMapsDoNotOverflowTheStack) {
  TempDir tmp;
  const fs::path file = tmp / "deep-block.yaml";
  {
    std::ofstream out(file);
    out << "flank: 1\nid: deep\nx:\n";
    for (int i = 0; i < 5000; ++i) out << std::string(i + 1, ' ') << "- k:\n";
  }
  expect_rejected(check(file, tmp.path()), "5,000 nested block maps", "deep-block.yaml");
}

TEST(MalformedGenerated, TooManyRegionsIsALimitNotAnExhaustion) {
  TempDir tmp;
  const fs::path file = tmp / "many-regions.yaml";
  std::string extra;
  for (int i = 0; i < 4001; ++i)
    extra += "  - {id: r" + std::to_string(i) +
             ", country: BA, lat: 50.0, lon: " + std::to_string(10.0 + i * 1e-3) +
             ", terrain: open, source: \"S1\"}\n";
  std::ofstream(file) << test::replaced(test::kSmallScenario, "regions:\n", "regions:\n" + extra);
  expect_rejected(check(file, tmp.path()), "4,005 regions", "limit is 4000");
}

TEST(MalformedGenerated, TooManyUnitsIsALimit) {
  TempDir tmp;
  const fs::path file = tmp / "many-units.yaml";
  std::string extra;
  for (int i = 0; i < 10001; ++i)
    extra += "  - {id: u" + std::to_string(i) +
             ", nation: BA, type: light_bde, personnel: 100, "
             "start: bravo, source: \"S1\"}\n";
  std::ofstream(file) << test::replaced(test::kSmallScenario, "units:\n", "units:\n" + extra);
  expect_rejected(check(file, tmp.path()), "10,004 units", "limit is 10000");
}

TEST(MalformedGenerated, MissingFileAndDirectoryAreInputErrors) {
  TempDir tmp;
  expect_rejected(check(tmp / "does-not-exist.yaml", tmp.path()), "missing file",
                  "does-not-exist.yaml");
  expect_rejected(check(tmp.path(), tmp.path()), "a directory", tmp.path().string());
}

TEST(MalformedGenerated, SpecialFilesAreRefusedWithoutReadingForever) {
  TempDir tmp;
  expect_rejected(check("/dev/zero", tmp.path()), "/dev/zero", "/dev/zero");
}

}  // namespace
}  // namespace flank
