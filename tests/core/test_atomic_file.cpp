#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "flank/core/atomic_file.hpp"

namespace fs = std::filesystem;

static std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(AtomicFile, ReplacesContentAndLeavesNoTemporary) {
  const fs::path dir = fs::temp_directory_path() / "flank-atomic-test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto target = (dir / "out.json").string();
  flank::write_file_atomically(target, "first");
  flank::write_file_atomically(target, "second, longer");
  EXPECT_EQ(slurp(target), "second, longer");
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1);
  fs::remove_all(dir);
}

TEST(AtomicFile, MissingFolderIsAClearError) {
  try {
    flank::write_file_atomically("/nonexistent-dir-flank/x.json", "x");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir-flank/x.json"), std::string::npos);
  }
}
