// flank: the command-line front end. Subcommands register themselves (command.hpp).
#include <algorithm>
#include <cstdio>
#include <map>

#include "command.hpp"
#include "flank/core/error.hpp"
#include "suggest.hpp"

namespace flank::cli {
std::vector<Command>& registry() {
  static std::vector<Command> r;
  return r;
}
}  // namespace flank::cli

int main(int argc, char** argv) {
  using namespace flank::cli;
  CLI::App app{"flank: campaign simulation for NATO's eastern flank", "flank"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "flank 0.1.0");
  auto& cmds = registry();
  std::sort(cmds.begin(), cmds.end(),
            [](const Command& a, const Command& b) { return a.name < b.name; });
  std::map<CLI::App*, std::function<int()>> runners;
  for (auto& c : cmds) {
    auto before = app.get_subcommands({});
    auto run = c.setup(app);
    for (auto* sub : app.get_subcommands({}))
      if (std::find(before.begin(), before.end(), sub) == before.end()) runners[sub] = run;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version come here too, with status 0: nothing was mistyped then.
    if (e.get_exit_code() != 0)
      for (const auto& line : suggestions(app)) std::fprintf(stderr, "%s\n", line.c_str());
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kExitBadInput;
  }
  try {
    for (auto* sub : app.get_subcommands())
      if (auto it = runners.find(sub); it != runners.end()) return it->second();
    return kExitFailure;
  } catch (const flank::InputError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "flank: %s\n", e.what());
    return kExitFailure;
  }
}
