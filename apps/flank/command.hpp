#pragma once
// Each subcommand lives in its own cmd_*.cpp and registers itself here, so front-end
// commands can be added without touching main.cpp.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

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

}  // namespace flank::cli
