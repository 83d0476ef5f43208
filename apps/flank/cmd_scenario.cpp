// `flank scenario check|show|list|dump|export`: validate scenario files, summarise one, list
// the built-ins, print the resolved document after extends: and --set, export its map.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "command.hpp"
#include "flank/core/atomic_file.hpp"
#include "flank/core/error.hpp"
#include "flank/core/rng.hpp"
#include "flank/report/geojson.hpp"
#include "flank/scenario/loader.hpp"

namespace {

using flank::Scenario;

std::string describe(const flank::Distribution& d) {
  using K = flank::Distribution::Kind;
  char text[200];
  switch (d.kind) {
    case K::Fixed:
      std::snprintf(text, sizeof text, "fixed %g", d.a);
      break;
    case K::Uniform:
      std::snprintf(text, sizeof text, "uniform [%g, %g]", d.a, d.b);
      break;
    case K::Triangular:
      std::snprintf(text, sizeof text, "triangular (min %g, mode %g, max %g)", d.a, d.b, d.c);
      break;
    case K::Normal:
      std::snprintf(text, sizeof text, "normal (mean %g, sd %g)", d.a, d.b);
      break;
    case K::Lognormal:
      std::snprintf(text, sizeof text, "lognormal (median %g, sigma %g)", d.a, d.b);
      break;
  }
  std::string out = text;
  if (d.kind != K::Fixed && d.kind != K::Uniform && d.kind != K::Triangular &&
      (std::isfinite(d.lo) || std::isfinite(d.hi))) {
    std::snprintf(text, sizeof text, ", clamped to [%g, %g]", d.lo, d.hi);
    out += text;
  }
  return out;
}

// Quantiles by sampling, so clamping is reflected exactly as the engine will draw it.
std::vector<double> quantiles(const flank::Distribution& d, const std::vector<double>& ps) {
  flank::RandomStream rng(1, 0, flank::Purpose::Analysis);
  std::vector<double> draws(20000);
  for (auto& x : draws) x = d.sample(rng);
  std::sort(draws.begin(), draws.end());
  std::vector<double> out;
  for (double p : ps) out.push_back(draws[static_cast<std::size_t>(p * (draws.size() - 1))]);
  return out;
}

// Word-wrapped text, each line indented.
std::string wrapped(const std::string& text, std::size_t width, const std::string& indent) {
  std::string out, line;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    std::size_t end = text.find(' ', i);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(i, end - i);
    i = end;
    if (word.empty()) continue;
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += indent + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out += indent + line + "\n";
  return out;
}

void show(const Scenario& s) {
  std::printf("%s — %s\n", s.id.c_str(), s.name.c_str());
  if (!s.description.empty()) std::printf("%s", wrapped(s.description, 96, "  ").c_str());
  std::printf("  file %s, start %s, horizon %g days in %g h steps, combat model %s\n",
              s.source_file.c_str(), s.start_date.c_str(), s.params.horizon_days,
              s.params.step_hours, s.params.combat_model.c_str());
  std::printf("  hash %016llx\n\n", static_cast<unsigned long long>(s.hash));

  for (int side = 0; side < flank::kSides; ++side) {
    std::printf("%s (%s)\n", s.sides[side].name.c_str(), s.sides[side].id.c_str());
    std::printf("  %-28s %6s %12s %12s %9s\n", "nation", "units", "personnel", "power", "arriving");
    double total_personnel = 0, total_power = 0;
    int total_units = 0;
    for (std::size_t n = 0; n < s.nations.size(); ++n) {
      int units = 0, arriving = 0;
      double personnel = 0, power = 0;
      for (const auto& u : s.units) {
        if (u.side != side || u.nation != n) continue;
        ++units;
        arriving += u.start == flank::kNone;
        personnel += u.personnel.mean();
        power += u.base_power;
      }
      if (units == 0) continue;
      std::printf("  %-28s %6d %12.0f %12.1f %9d\n",
                  (s.nations[n].name + " (" + s.nations[n].id + ")").c_str(), units, personnel,
                  power, arriving);
      total_personnel += personnel;
      total_power += power;
      total_units += units;
    }
    std::printf("  %-28s %6d %12.0f %12.1f\n\n", "total", total_units, total_personnel,
                total_power);
  }

  std::printf("Objectives\n");
  for (const auto& o : s.objectives) {
    std::string where;
    const auto names = [&](const std::vector<flank::RegionId>& rs) {
      std::string t;
      for (auto r : rs) t += (t.empty() ? "" : ", ") + s.regions[r].id;
      return t;
    };
    if (o.kind == flank::Objective::Kind::Capture)
      where = "capture " + names(o.regions);
    else
      where = "connect " + names(o.from) + " → " + names(o.to);
    std::printf("  %-24s %-5s value %-4g %s\n", o.id.c_str(), s.sides[o.side].id.c_str(), o.value,
                where.c_str());
  }

  std::map<std::string, int> by_country;
  for (const auto& r : s.regions) ++by_country[r.country];
  std::printf("\nRegions: %zu, links: %zu\n ", s.regions.size(), s.links.size());
  for (const auto& [country, count] : by_country) std::printf(" %s %d", country.c_str(), count);
  std::printf("\n");

  for (int side = 0; side < flank::kSides; ++side) {
    const auto& d = s.doctrine[side];
    if (!d.needs_decision && d.decision_delay_hours.kind == flank::Distribution::Kind::Fixed &&
        d.decision_delay_hours.a == 0)
      continue;
    const auto q = quantiles(d.decision_delay_hours, {0.1, 0.5, 0.9});
    std::printf("\n%s decision delay (hours): %s; mean %.1f, 10/50/90%% %.1f / %.1f / %.1f%s\n",
                s.sides[side].id.c_str(), describe(d.decision_delay_hours).c_str(),
                d.decision_delay_hours.mean(), q[0], q[1], q[2],
                d.needs_decision ? "" : " (not required to move)");
  }
  std::printf("\nSources: %zu\n", s.sources.size());
}

}  // namespace

namespace {
flank::cli::Register reg{
    {"scenario", [](CLI::App& app) {
       auto* cmd = app.add_subcommand("scenario", "Check, show, list or dump scenarios");
       cmd->require_subcommand(1);
       struct Options {
         std::vector<std::string> files;
         std::string file;
         std::vector<std::string> overrides;
         std::string geojson;
       };
       auto opts = std::make_shared<Options>();
       auto* check = cmd->add_subcommand("check", "Validate scenario files; exit 2 on errors");
       check->add_option("files", opts->files, "Scenario files or builtin:<id>")->required();
       check->add_option("--set", opts->overrides, "Override PATH=VALUE (repeatable)");
       auto* show_cmd = cmd->add_subcommand("show", "Summarise a scenario");
       show_cmd->add_option("file", opts->file,
                            "Scenario file or builtin:<id> (default: built-in)");
       show_cmd->add_option("--set", opts->overrides, "Override PATH=VALUE (repeatable)");
       auto* list = cmd->add_subcommand("list", "List the built-in scenarios");
       auto* dump =
           cmd->add_subcommand("dump", "Print the resolved YAML (after extends and --set)");
       dump->add_option("file", opts->file, "Scenario file or builtin:<id> (default: built-in)");
       dump->add_option("--set", opts->overrides, "Override PATH=VALUE (repeatable)");
       auto* export_cmd = cmd->add_subcommand("export", "Export a scenario's map for GIS tools");
       export_cmd->add_option("file", opts->file,
                              "Scenario file or builtin:<id> (default: built-in)");
       export_cmd->add_option("--set", opts->overrides, "Override PATH=VALUE (repeatable)");
       export_cmd
           ->add_option(
               "--geojson", opts->geojson,
               "Write regions (points) and links (lines) as GeoJSON to FILE ('-' = stdout)")
           ->required()
           ->check(flank::cli::output_path_check());

       return [=]() -> int {
         const flank::LoadOptions load{opts->overrides};
         if (check->parsed()) {
           int status = flank::cli::kExitOk;
           for (const auto& f : opts->files) {
             try {
               const Scenario s = flank::load_scenario(f, load);
               std::printf("ok: %s (%zu regions, %zu links, %zu units)\n", s.id.c_str(),
                           s.regions.size(), s.links.size(), s.units.size());
             } catch (const flank::InputError& e) {
               std::fprintf(stderr, "%s\n", e.what());
               status = flank::cli::kExitBadInput;
             }
           }
           return status;
         }
         if (show_cmd->parsed()) {
           show(flank::load_scenario(opts->file, load));
           return flank::cli::kExitOk;
         }
         if (list->parsed()) {
           const auto list = flank::builtin_scenarios();
           int width = 0;
           for (const auto& b : list) width = std::max(width, static_cast<int>(b.id.size()) + 8);
           for (const auto& b : list)
             std::printf("%-*s  %s\n", width, ("builtin:" + b.id).c_str(), b.name.c_str());
           return flank::cli::kExitOk;
         }
         if (dump->parsed()) {
           std::fputs(flank::resolved_yaml(opts->file, load).c_str(), stdout);
           return flank::cli::kExitOk;
         }
         if (export_cmd->parsed()) {
           const std::string text =
               flank::report::scenario_geojson(flank::load_scenario(opts->file, load)).dump() +
               "\n";
           if (opts->geojson == "-")
             std::fputs(text.c_str(), stdout);
           else
             flank::write_file_atomically(opts->geojson, text);
           return flank::cli::kExitOk;
         }
         return flank::cli::kExitFailure;
       };
     }}};
}  // namespace
