#pragma once
// Each subcommand lives in its own cmd_*.cpp and registers itself here, so front-end
// commands can be added without touching main.cpp.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "flank/core/parse.hpp"

namespace flank::cli {

struct Command {
  std::string name;
  // Adds the subcommand to `app` and returns a callable run when it was chosen; the
  // callable returns the process exit status.
  std::function<std::function<int()>(CLI::App& app)> setup;
};

std::vector<Command>& registry();

struct Register {
  explicit Register(Command c) { registry().push_back(std::move(c)); }
};

// Exit statuses shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;   // the job failed (I/O, internal error)
inline constexpr int kExitBadInput = 2;  // the user's input was wrong (flank::InputError)

// A CLI11 check for counts (-n, --seed, --folds, ...): digits only, within [lo, hi], so
// "-1" and 18446744073709551615 are refused with exit status 2 instead of wrapping.
inline CLI::Validator count_check(std::uint64_t lo, std::uint64_t hi) {
  return CLI::Validator(
      [lo, hi](std::string& s) {
        std::uint64_t v = 0;
        return check_count_text(s, lo, hi, v);
      },
      "COUNT");
}
inline CLI::Validator replications_check() {
  return count_check(1, kMaxReplications);
}
inline CLI::Validator seed_check() {
  return count_check(0, kMaxSeed);
}
// --threads: 0 (all cores) up to kMaxThreads; "-5" had meant "all" and 2^31 - 1 sized the
// replication waves past memory.
inline CLI::Validator threads_check() {
  return count_check(0, kMaxThreads);
}
// A finite number within [lo, hi]: CLI11 alone reads "nan" and "-5" as numbers (a budget of
// -5 or nan was silently taken as "no budget").
inline CLI::Validator number_check(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& s) -> std::string {
        double v = 0;
        if (!parse_finite(s, v)) return "expected a finite number, got '" + s + "'";
        if (v < lo || v > hi)
          return "expected a number in [" + CLI::detail::to_string(lo) + ", " +
                 CLI::detail::to_string(hi) + "], got " + s;
        return {};
      },
      "NUMBER");
}

// A CLI11 check for a file the command will write (-o, --json, --csv, --store, ...), run while
// the command line is parsed, so a mistyped directory is refused with exit status 2 before a
// long run rather than after it. "-" (standard output) always passes; otherwise the folder
// must exist and be writable, and the path must not be a folder. The write itself can still
// fail (disk full): that is reported when it happens, with status 1.
inline std::string output_path_problem(const std::string& path) {
  namespace fs = std::filesystem;
  if (path == "-") return "";
  if (path.empty()) return "empty file name";
  std::error_code ec;
  const fs::path p(path);
  if (fs::is_directory(p, ec)) return "'" + path + "' is a folder, not a file";
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::exists(dir, ec)) return "folder '" + dir.string() + "' does not exist";
  if (!fs::is_directory(dir, ec)) return "'" + dir.string() + "' is not a folder";
  if (access(dir.c_str(), W_OK | X_OK) != 0) return "folder '" + dir.string() + "' is not writable";
  if (fs::exists(p, ec) && access(p.c_str(), W_OK) != 0)
    return "'" + path + "' exists and is not writable";
  return "";
}
inline CLI::Validator output_path_check() {
  return CLI::Validator([](std::string& s) { return output_path_problem(s); }, "FILE");
}

}  // namespace flank::cli
