#pragma once
// Runs the built flank binary through the shell from the source folder and captures its
// output, for the tests that check a command end to end (test_mc, test_game, test_scenario).
// Tests that must watch signals, deadlines or stderr apart use reliability/subprocess.hpp.
#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace flank::test {

struct ShellResult {
  int status = -1;  // exit status, -1 when the command did not exit normally
  std::string out;  // stdout, and stderr too when asked for
};

inline ShellResult sh(const std::string& args, bool with_stderr = false) {
  const std::string cmd = std::string("cd '") + FLANK_SOURCE_DIR + "' && '" + FLANK_BINARY + "' " +
                          args + (with_stderr ? " 2>&1" : " 2>/dev/null");
  ShellResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

}  // namespace flank::test
