// `flank about`: what this build is and what it embeds.
#include <cstdio>

#include "command.hpp"
#include "flank/core/embedded.hpp"

namespace {
flank::cli::Register reg{
    {"about", [](CLI::App& app) {
       app.add_subcommand("about", "Show the build and the files embedded in it");
       return [] {
         std::printf("flank 0.1.0 — embedded files:\n");
         for (const auto& f : flank::embedded_files())
           std::printf("  %-60s %8zu bytes\n", std::string(f.path).c_str(), f.data.size());
         return 0;
       };
     }}};
}  // namespace
