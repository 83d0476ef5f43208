// write_file_atomically on targets that are not plain files. Renaming a temporary file over
// the target once turned this machine's /dev/null into a regular file (`--json /dev/null` run
// as root); a FIFO stands in for the device here so a regression cannot break the test host.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "flank/core/atomic_file.hpp"
#include "subprocess.hpp"

namespace flank {
namespace {

namespace fs = std::filesystem;
using test::read_text;
using test::TempDir;

TEST(AtomicOutputs, AFifoIsWrittenIntoNotReplaced) {
  TempDir dir;
  const fs::path fifo = dir / "pipe";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] { received = read_text(fifo); });
  write_file_atomically(fifo.string(), "{\"ok\": true}\n");
  reader.join();
  EXPECT_EQ(received, "{\"ok\": true}\n");
  EXPECT_TRUE(fs::is_fifo(fs::symlink_status(fifo)));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator{}), 1)
      << "a temporary file was left beside the FIFO";
}

TEST(AtomicOutputs, ASymlinkKeepsPointingAtItsTarget) {
  TempDir dir;
  std::ofstream(dir / "target.json") << "old\n";
  fs::create_symlink("target.json", dir / "link.json");
  write_file_atomically((dir / "link.json").string(), "new\n");
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(dir / "link.json")));
  EXPECT_EQ(read_text(dir / "target.json"), "new\n");
}

TEST(AtomicOutputs, FlankRunWritesIntoAFifo) {
  TempDir dir;
  const fs::path fifo = dir / "summary.json";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] { received = read_text(fifo); });
  const auto r = test::run_process(
      {FLANK_BINARY, "run", "builtin:test-duel", "-q", "-n", "5", "--json", fifo.string()}, 300,
      dir.path());
  if (r.exit_code != 0) std::ofstream(fifo) << "";  // unblock the reader
  reader.join();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(received.find("\"replications\""), std::string::npos) << received.substr(0, 200);
  EXPECT_TRUE(fs::is_fifo(fs::symlink_status(fifo)));
}

}  // namespace
}  // namespace flank
