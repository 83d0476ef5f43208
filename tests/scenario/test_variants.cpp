// extends: (deep merge, removal, cycles, missing files), --set overrides, built-ins, the
// resolved dump, and the `flank scenario` CLI.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "../cli_shell.hpp"
#include "flank/scenario/loader.hpp"
#include "small_scenario.hpp"

namespace flank {
namespace {

namespace fs = std::filesystem;
using test::kSmallScenario;

std::string all(const InputError& e) {
  return e.what();
}

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("flank-loader-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string write(const std::string& name, std::string_view text) const {
    std::ofstream(path_ / name) << text;
    return (path_ / name).string();
  }

 private:
  fs::path path_;
  static inline int counter_ = 0;
};

std::vector<Diagnostic> diagnostics_of(std::string_view ref, const LoadOptions& options = {}) {
  try {
    load_scenario(ref, options);
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

constexpr std::string_view kVariant = R"(extends: base.yaml
id: small-variant
units:
  - {id: red-1, cev: 0.9}
  - {id: blue-1, remove: true}
  - {id: blue-3, nation: BA, type: light_bde, personnel: 1000, start: charlie, source: "S1"}
objectives:
  - {id: take-charlie, regions: [bravo]}
parameters:
  horizon_days: 7
doctrine:
  blue:
    decision_delay_hours: 24
)";

TEST(Extends, DeepMergeByKeyAndId) {
  TempDir dir;
  dir.write("base.yaml", kSmallScenario);
  const Scenario s = load_scenario(dir.write("variant.yaml", kVariant));
  EXPECT_EQ(s.id, "small-variant");
  EXPECT_EQ(s.name, "Small test scenario");  // inherited
  ASSERT_EQ(s.units.size(), 3u);
  EXPECT_EQ(s.units[0].id, "red-1");
  EXPECT_DOUBLE_EQ(s.units[0].cev, 0.9);                                 // overlaid
  EXPECT_EQ(s.units[0].personnel.kind, Distribution::Kind::Triangular);  // kept
  EXPECT_EQ(s.units[0].equipment, (std::vector<double>{90, 120}));       // kept
  EXPECT_EQ(s.find_unit("blue-1"), kNone);                               // removed
  EXPECT_EQ(s.units[1].id, "blue-2");
  EXPECT_EQ(s.units[2].id, "blue-3");  // appended
  EXPECT_EQ(s.units[2].start, s.find_region("charlie"));
  // Lists of plain values are replaced, not merged.
  EXPECT_EQ(s.objectives[0].regions, (std::vector<RegionId>{s.find_region("bravo")}));
  EXPECT_DOUBLE_EQ(s.params.horizon_days, 7);
  EXPECT_DOUBLE_EQ(s.params.step_hours, 2);  // kept
  EXPECT_TRUE(s.doctrine[kBlue].needs_decision);
  EXPECT_EQ(s.doctrine[kBlue].decision_delay_hours.kind, Distribution::Kind::Fixed);
  EXPECT_DOUBLE_EQ(s.doctrine[kBlue].decision_delay_hours.a, 24);
}

TEST(Extends, DiagnosticsPointIntoTheRightFile) {
  TempDir dir;
  dir.write("base.yaml", test::replaced(kSmallScenario, "morale: 0.8", "morale: 7"));
  const std::string variant =
      dir.write("variant.yaml", test::replaced(kVariant, "cev: 0.9", "cev: -0.9"));
  const auto ds = diagnostics_of(variant);
  ASSERT_EQ(ds.size(), 2u);
  for (const auto& d : ds) {
    if (d.path == "units[red-1].cev") {
      EXPECT_EQ(d.where.file, variant);
      EXPECT_EQ(d.where.line, 4);
      EXPECT_EQ(d.where.column, test::position_of(kVariant, "0.9").second);
    } else {
      EXPECT_EQ(d.path, "units[red-1].morale");
      EXPECT_EQ(fs::path(d.where.file).filename(), "base.yaml");
      EXPECT_EQ(d.where.line, test::position_of(kSmallScenario, "morale: 0.8").first);
    }
  }
}

TEST(Extends, CycleIsAnError) {
  TempDir dir;
  const std::string a = dir.write("a.yaml", "extends: b.yaml\nid: a\n");
  dir.write("b.yaml", "extends: c.yaml\nid: b\n");
  dir.write("c.yaml", "extends: a.yaml\nid: c\n");
  const auto ds = diagnostics_of(a);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].path, "extends");
  EXPECT_NE(ds[0].message.find("extends: cycle"), std::string::npos) << ds[0].format();
  EXPECT_EQ(fs::path(ds[0].where.file).filename(), "c.yaml");
  EXPECT_EQ(ds[0].where.line, 1);
  EXPECT_EQ(ds[0].where.column, 10);
}

TEST(Extends, MissingBaseIsAnError) {
  TempDir dir;
  const std::string v = dir.write("v.yaml", "# variant\nextends: nope.yaml\nid: v\n");
  const auto ds = diagnostics_of(v);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].where.file, v);
  EXPECT_EQ(ds[0].where.line, 2);
  EXPECT_NE(ds[0].message.find("no such file"), std::string::npos);
  EXPECT_NE(ds[0].message.find("nope.yaml"), std::string::npos);
  const auto builtin = diagnostics_of(dir.write("w.yaml", "extends: builtin:test-duell\n"));
  ASSERT_EQ(builtin.size(), 1u);
  EXPECT_NE(builtin[0].message.find("did you mean 'test-duel'"), std::string::npos);
}

TEST(Extends, FolderIsNotAScenario) {
  TempDir dir;
  const std::string folder = fs::path(dir.write("x.yaml", "")).parent_path().string();
  const auto ds = diagnostics_of(folder);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_NE(ds[0].message.find("not a regular file"), std::string::npos) << ds[0].format();
}

// Issue 13 item 6: a NUL inside an `extends:` path used to be cut there, so another file was
// read; now it is an error at the key, with the NUL shown escaped.
TEST(Extends, APathWithANulInsideIsAnError) {
  TempDir dir;
  dir.write("base", "id: base\n");
  const std::string v = dir.write("v.yaml", "extends: \"base\\0.yaml\"\n");
  const auto ds = diagnostics_of(v);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].where.line, 1);
  EXPECT_NE(ds[0].message.find("NUL"), std::string::npos) << ds[0].format();
  EXPECT_NE(ds[0].message.find("base\\0.yaml"), std::string::npos) << ds[0].format();
}

TEST(Extends, RemovingAnAbsentItemIsAnError) {
  TempDir dir;
  dir.write("base.yaml", kSmallScenario);
  const auto ds = diagnostics_of(
      dir.write("v.yaml", "extends: base.yaml\nunits:\n  - {id: blue-9, remove: true}\n"));
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].path, "units[blue-9]");
  EXPECT_EQ(ds[0].where.line, 3);
}

TEST(Extends, BuiltinBase) {
  TempDir dir;
  const Scenario duel = load_scenario("builtin:test-duel");
  const Scenario s = load_scenario(dir.write(
      "v.yaml", "extends: builtin:test-duel\nid: duel-short\nparameters: {horizon_days: 3}\n"));
  EXPECT_EQ(s.id, "duel-short");
  EXPECT_DOUBLE_EQ(s.params.horizon_days, 3);
  EXPECT_EQ(s.units.size(), duel.units.size());
  EXPECT_NE(s.hash, duel.hash);
}

TEST(Extends, EmbeddedFileExtendsRelativePath) {
  const Scenario duel = load_scenario("builtin:test-duel");
  const Scenario s = load_scenario("builtin:test-duel-short");
  EXPECT_EQ(s.name, "Test duel, two days");
  EXPECT_DOUBLE_EQ(s.params.horizon_days, 2);
  EXPECT_DOUBLE_EQ(s.params.step_hours, duel.params.step_hours);
  EXPECT_EQ(s.units.size(), duel.units.size());
  EXPECT_EQ(s.source_file, "<built-in>/scenarios/test/duel-short.yaml");
}

TEST(Overrides, NestedIdAndIndexPaths) {
  const Scenario s = load_scenario_text(
      kSmallScenario, "small.yaml",
      {{"parameters.horizon_days=14", "units[red-1].cev=0.9", "units[1].morale=0.5",
        "units[blue-2].personnel={dist: uniform, min: 3000, max: 5000}",
        "doctrine.blue.decision_delay_hours=0", "parameters.air.blue.cas_share=0.25",
        "doctrine.red.axes[north].weight=3"}});
  EXPECT_DOUBLE_EQ(s.params.horizon_days, 14);
  EXPECT_DOUBLE_EQ(s.units[0].cev, 0.9);
  EXPECT_DOUBLE_EQ(s.units[1].morale, 0.5);
  EXPECT_EQ(s.units[2].personnel.kind, Distribution::Kind::Uniform);
  EXPECT_DOUBLE_EQ(s.units[2].personnel.mean(), 4000);
  EXPECT_EQ(s.doctrine[kBlue].decision_delay_hours.kind, Distribution::Kind::Fixed);
  EXPECT_DOUBLE_EQ(s.doctrine[kBlue].decision_delay_hours.a, 0);
  EXPECT_DOUBLE_EQ(s.params.air[kBlue].cas_share, 0.25);
  EXPECT_DOUBLE_EQ(s.doctrine[kRed].axes[0].weight, 3);
}

TEST(Overrides, ApplyAfterExtends) {
  TempDir dir;
  dir.write("base.yaml", kSmallScenario);
  const Scenario s =
      load_scenario(dir.write("variant.yaml", kVariant), {{"units[blue-3].personnel=1500"}});
  EXPECT_DOUBLE_EQ(s.units[2].personnel.a, 1500);
}

TEST(Overrides, MissingPathNamesTheOverride) {
  for (const std::string o : {"units[nobody].cev=1", "parameters.nothing.x=1", "units[9].cev=1",
                              "id.x=1", "units[red-1=1"}) {
    try {
      load_scenario_text(kSmallScenario, "small.yaml", {{o}});
      ADD_FAILURE() << o;
    } catch (const InputError& e) {
      ASSERT_EQ(e.diagnostics().size(), 1u) << all(e);
      EXPECT_EQ(e.diagnostics()[0].where.file, "--set " + o) << all(e);
    }
  }
}

TEST(Overrides, MistypedIdSuggestsTheClosest) {
  try {
    load_scenario_text(kSmallScenario, "small.yaml", {{"units[blue-3].cev=1"}});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(all(e).find("'units' has no item [blue-3] (did you mean [blue-1]?)"),
              std::string::npos)
        << all(e);
  }
}

TEST(Overrides, ValuesAreValidatedLikeTheFile) {
  try {
    load_scenario_text(kSmallScenario, "small.yaml",
                       {{"units[red-1].cev=-1", "units[red-1].cve=1"}});
    FAIL();
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 2u) << all(e);
    const std::string text = all(e);
    EXPECT_NE(text.find("--set units[red-1].cev=-1: units[red-1].cev: must be > 0"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("--set units[red-1].cve=1: units[red-1].cve: unknown key 'cve' (did you "
                        "mean 'cev'?)"),
              std::string::npos)
        << text;
  }
}

TEST(Overrides, UnreadableValueNamesTheOverride) {
  try {
    load_scenario_text(kSmallScenario, "small.yaml", {{"units[red-1].axis=[x"}});
    FAIL();
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u) << all(e);
    EXPECT_EQ(e.diagnostics()[0].where.file, "--set units[red-1].axis=[x");
    EXPECT_NE(e.diagnostics()[0].message.find("cannot read the value"), std::string::npos);
  }
}

TEST(Dump, ResolvedYamlReloadsToTheSameScenario) {
  TempDir dir;
  dir.write("base.yaml", kSmallScenario);
  const std::string variant = dir.write("variant.yaml", kVariant);
  const LoadOptions options{{"units[red-1].morale=0.4"}};
  const Scenario direct = load_scenario(variant, options);
  const std::string dumped = resolved_yaml(variant, options);
  EXPECT_EQ(dumped.find("extends"), std::string::npos);
  EXPECT_EQ(dumped.find("remove"), std::string::npos);
  const Scenario reloaded = load_scenario_text(dumped, "dump.yaml");
  EXPECT_EQ(reloaded.hash, direct.hash);
  EXPECT_DOUBLE_EQ(reloaded.units[0].morale, 0.4);
  EXPECT_EQ(reloaded.units.size(), direct.units.size());
}

TEST(Builtins, ListedByIdAndLoadable) {
  const auto list = builtin_scenarios();
  bool duel = false, flank = false;
  for (const auto& b : list) {
    duel = duel || (b.id == "test-duel" && b.path == "scenarios/test/duel.yaml");
    flank =
        flank || (b.id == "eastern-flank-2023" && b.path == "scenarios/eastern-flank-2023.yaml");
  }
  EXPECT_TRUE(duel);
  EXPECT_TRUE(flank);
  EXPECT_TRUE(std::is_sorted(list.begin(), list.end(),
                             [](const auto& a, const auto& b) { return a.id < b.id; }));
  EXPECT_EQ(load_scenario("").id, "eastern-flank-2023");
}

// Every embedded scenario (the default, its variants, test scenarios) must load; a failure
// prints the loader's diagnostics for the scenario's author.
TEST(Builtins, EveryBuiltinLoads) {
  for (const auto& b : builtin_scenarios()) {
    try {
      const Scenario s = load_scenario("builtin:" + b.id);
      EXPECT_EQ(s.id, b.id);
      EXPECT_FALSE(s.units.empty()) << b.id;
      for (std::size_t i = 0; i < s.regions.size(); ++i)
        EXPECT_LT(s.dist_km[i], std::numeric_limits<float>::infinity()) << b.id;
    } catch (const InputError& e) {
      ADD_FAILURE() << b.path << " does not load:\n" << e.what();
    }
  }
}

using CliRun = test::ShellResult;
CliRun run(const std::string& args) {
  return test::sh(args, true);
}

TEST(Cli, CheckReportsOkOrErrorsWithExitStatus) {
  const std::string bad = std::string(FLANK_SOURCE_DIR) + "/tests/data/bad-scenarios/";
  const CliRun ok = run("scenario check builtin:test-duel");
  EXPECT_EQ(ok.status, 0) << ok.out;
  EXPECT_EQ(ok.out, "ok: test-duel (2 regions, 1 links, 2 units)\n");

  const CliRun unknown = run("scenario check " + bad + "unknown-key.yaml");
  EXPECT_EQ(unknown.status, 2) << unknown.out;
  EXPECT_NE(unknown.out.find("unknown-key.yaml:51:5: units[red-1].strat: unknown key 'strat' "
                             "(did you mean 'start'?)"),
            std::string::npos)
      << unknown.out;
  for (const char* file : {"syntax.yaml", "cycle-a.yaml", "missing-base.yaml"}) {
    const CliRun r = run("scenario check " + bad + file);
    EXPECT_EQ(r.status, 2) << file << ": " << r.out;
    EXPECT_NE(r.out.find(file), std::string::npos) << r.out;
  }
  const CliRun cycle = run("scenario check " + bad + "cycle-a.yaml");
  EXPECT_NE(cycle.out.find("extends: cycle"), std::string::npos) << cycle.out;
  // One bad file among good ones still fails the whole check.
  const CliRun mixed = run("scenario check builtin:test-duel " + bad + "syntax.yaml");
  EXPECT_EQ(mixed.status, 2);
  EXPECT_NE(mixed.out.find("ok: test-duel"), std::string::npos);
}

TEST(Cli, ShowListDump) {
  const CliRun list = run("scenario list");
  EXPECT_EQ(list.status, 0);
  EXPECT_NE(list.out.find("builtin:test-duel"), std::string::npos) << list.out;
  const CliRun show = run("scenario show builtin:test-duel --set units[red-1].personnel=2000");
  EXPECT_EQ(show.status, 0) << show.out;
  EXPECT_NE(show.out.find("Redland (RA)"), std::string::npos) << show.out;
  const CliRun dump = run("scenario dump builtin:test-duel --set parameters.horizon_days=3");
  EXPECT_EQ(dump.status, 0) << dump.out;
  EXPECT_NE(dump.out.find("horizon_days: 3"), std::string::npos) << dump.out;
  const CliRun bad_set = run("scenario show builtin:test-duel --set units[nobody].cev=1");
  EXPECT_EQ(bad_set.status, 2) << bad_set.out;
  EXPECT_NE(bad_set.out.find("--set units[nobody].cev=1"), std::string::npos) << bad_set.out;
}

}  // namespace
}  // namespace flank
