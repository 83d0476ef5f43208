// Every kind of bad input yields a diagnostic naming file, line, column and key path; the
// positions are computed from the test text itself.
#include <gtest/gtest.h>

#include <string>

#include "flank/scenario/loader.hpp"
#include "small_scenario.hpp"

namespace flank {
namespace {

using test::kSmallScenario;
using test::position_of;
using test::replaced;

std::vector<Diagnostic> diagnostics_of(std::string_view text, const LoadOptions& options = {}) {
  try {
    load_scenario_text(text, "bad.yaml", options);
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

std::string all(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) out += d.format() + "\n";
  return out;
}

// Asserts a diagnostic with this exact key path whose message contains `fragment`, located
// where `needle` first occurs in `text`.
void expect_error(std::string_view text, std::string_view needle, std::string_view path,
                  std::string_view fragment) {
  const auto ds = diagnostics_of(text);
  ASSERT_FALSE(ds.empty()) << "no error for " << path;
  const auto [line, column] = position_of(text, needle);
  ASSERT_GT(line, 0) << "test needle not in text: " << needle;
  for (const auto& d : ds) {
    if (d.path != path || d.message.find(fragment) == std::string::npos) continue;
    EXPECT_EQ(d.where.file, "bad.yaml");
    EXPECT_EQ(d.where.line, line) << d.format();
    EXPECT_EQ(d.where.column, column) << d.format();
    const std::string prefix = "bad.yaml:" + std::to_string(line) + ":" + std::to_string(column) +
                               ": " + std::string(path) + ": ";
    EXPECT_EQ(d.format().substr(0, prefix.size()), prefix);
    return;
  }
  ADD_FAILURE() << "expected '" << fragment << "' at " << path << ", got:\n" << all(ds);
}

TEST(ScenarioErrors, ValidBaseLoads) {
  EXPECT_TRUE(diagnostics_of(kSmallScenario).empty()) << all(diagnostics_of(kSmallScenario));
}

TEST(ScenarioErrors, YamlSyntaxError) {
  const std::string text =
      replaced(kSmallScenario, "name: \"Small test scenario\"", "name: \"Small test scenario");
  const auto ds = diagnostics_of(text);
  ASSERT_EQ(ds.size(), 1u) << all(ds);
  EXPECT_NE(ds[0].message.find("YAML syntax error"), std::string::npos);
  EXPECT_EQ(ds[0].where.file, "bad.yaml");
  // yaml-cpp marks where it noticed the unterminated string: that line or the next.
  const int line = position_of(text, "name: \"Small").first;
  EXPECT_GE(ds[0].where.line, line);
  EXPECT_LE(ds[0].where.line, line + 1);
  EXPECT_GT(ds[0].where.column, 0);
}

TEST(ScenarioErrors, SecondYamlDocumentIsAnError) {
  const std::string text = std::string(kSmallScenario) + "---\nid: other\n";
  const auto ds = diagnostics_of(text);
  ASSERT_EQ(ds.size(), 1u) << all(ds);
  EXPECT_NE(ds[0].message.find("one YAML document"), std::string::npos);
  EXPECT_EQ(ds[0].where.line, position_of(text, "id: other").first);
}

TEST(ScenarioErrors, StartMustBeARealIsoDate) {
  for (const char* bad : {"2023-13-45", "2023-02-29T00:00:00Z", "15.07.2023", "2023-07-15T25:00"})
    expect_error(replaced(kSmallScenario, "2023-07-15T00:00:00Z", bad), bad, "start", "ISO 8601");
  for (const char* good : {"2024-02-29", "2023-07-15T06:30:00+02:00", "2023-07-15 06:30"})
    EXPECT_TRUE(diagnostics_of(replaced(kSmallScenario, "2023-07-15T00:00:00Z", good)).empty())
        << good;
}

TEST(ScenarioErrors, InvalidUtf8IsLocated) {
  const std::string text = replaced(kSmallScenario, "name: Bravo", "name: Br\xE9vo");
  const auto ds = diagnostics_of(text);
  ASSERT_EQ(ds.size(), 1u) << all(ds);
  EXPECT_NE(ds[0].message.find("not valid UTF-8 (byte 0xE9)"), std::string::npos) << all(ds);
  const auto [line, column] = position_of(text, "\xE9");
  EXPECT_EQ(ds[0].where.line, line);
  EXPECT_EQ(ds[0].where.column, column);
}

TEST(ScenarioErrors, DuplicateKey) {
  const std::string text =
      replaced(kSmallScenario, "  step_hours: 2\n", "  step_hours: 2\n  step_hours: 3\n");
  expect_error(text, "step_hours: 3", "parameters.step_hours", "duplicate key 'step_hours'");
}

TEST(ScenarioErrors, UnknownKeySuggestsClosest) {
  const std::string text = replaced(kSmallScenario, "cev: 1.2", "cve: 1.2");
  expect_error(text, "cve", "units[red-1].cve", "unknown key 'cve' (did you mean 'cev'?)");
}

TEST(ScenarioErrors, WrongType) {
  expect_error(replaced(kSmallScenario, "readiness_hours: 12", "readiness_hours: soon"), "soon",
               "units[red-1].readiness_hours", "expected a number");
  expect_error(replaced(kSmallScenario, "rail: true", "rail: often"), "often", "links[0].rail",
               "expected true or false");
  expect_error(replaced(kSmallScenario, "cev: 1.2", "cev: \"1.2\""), "\"1.2\"", "units[red-1].cev",
               "expected a number");
  expect_error(replaced(kSmallScenario, "regions: [charlie]", "regions: charlie"), "charlie, value",
               "objectives[take-charlie].regions", "expected a list");
}

TEST(ScenarioErrors, MissingRequiredKey) {
  const std::string text = replaced(kSmallScenario, "    type: light_bde\n", "");
  expect_error(text, "id: blue-1", "units[blue-1]", "missing required key 'type'");
}

TEST(ScenarioErrors, MissingSource) {
  const std::string text = replaced(kSmallScenario, "value: 5, source: \"S2\"}", "value: 5}");
  expect_error(text, "{id: charlie", "regions[charlie]", "missing required key 'source'");
}

TEST(ScenarioErrors, DuplicateId) {
  const std::string text = replaced(kSmallScenario, "id: blue-2", "id: blue-1");
  const std::size_t second = text.find("id: blue-1", text.find("id: blue-1") + 1);
  const auto [line, column] = test::position_at(text, second + 4);
  const auto ds = diagnostics_of(text);
  bool found = false;
  for (const auto& d : ds)
    if (d.path == "units[blue-1].id" && d.message == "duplicate id 'blue-1' in units") {
      found = true;
      EXPECT_EQ(d.where.line, line);
      EXPECT_EQ(d.where.column, column);
    }
  EXPECT_TRUE(found) << all(ds);
}

TEST(ScenarioErrors, UnknownReferences) {
  expect_error(replaced(kSmallScenario, "start: bravo", "start: brav0"), "brav0",
               "units[blue-1].start", "unknown region 'brav0' (did you mean 'bravo'?)");
  expect_error(replaced(kSmallScenario, "type: light_bde", "type: light_bd"), "light_bd\n",
               "units[blue-1].type", "unknown unit type 'light_bd'");
  expect_error(replaced(kSmallScenario, "    nation: BA\n    type: light",
                        "    nation: XX\n    type: light"),
               "XX", "units[blue-1].nation", "unknown nation 'XX'");
  expect_error(replaced(kSmallScenario, "{tank: 60}", "{tnk: 60}"), "tnk",
               "units[blue-2].equipment.tnk", "unknown equipment 'tnk' (did you mean 'tank'?)");
  expect_error(replaced(kSmallScenario, "objective: corridor", "objective: coridor"), "coridor",
               "escalation[corridor-closed].objective",
               "unknown objective 'coridor' (did you mean 'corridor'?)");
  expect_error(replaced(kSmallScenario, "axis: north", "axis: nord"), "nord", "units[red-1].axis",
               "unknown axis of red's doctrine 'nord' (did you mean 'north'?)");
  expect_error(replaced(kSmallScenario, "personnel_score: 0.02, source: \"S2\"",
                        "personnel_score: 0.02, source: \"S9\""),
               "\"S9\"", "unit_types[light_bde].source", "cites source S9");
  expect_error(replaced(kSmallScenario, "path: [alpha, bravo]", "path: [alpha, bravoo]"), "bravoo",
               "doctrine.red.axes[south].path[1]", "unknown region 'bravoo'");
  expect_error(replaced(kSmallScenario, "{id: BA, name: Blueland, side: blue}",
                        "{id: BA, name: Blueland, side: green}"),
               "green", "nations[BA].side", "unknown side 'green'");
}

TEST(ScenarioErrors, CitationsOfEveryDeclaredPrefixAreChecked) {
  // Declaring W1 makes W<n> a citation form; T-72 and MB2023-like tokens are not citations.
  std::string text =
      replaced(kSmallScenario, "  - {id: S2, text: \"Test source two\"}\n",
               "  - {id: S2, text: \"Test source two\"}\n  - {id: W1, text: \"W\"}\n");
  text = replaced(text, "source: \"S1, S2\"", "source: \"S1, W1, T72, T-72; W7\"");
  const auto ds = diagnostics_of(text);
  ASSERT_EQ(ds.size(), 1u) << all(ds);
  EXPECT_EQ(ds[0].path, "units[blue-2].source");
  EXPECT_NE(ds[0].message.find("cites source W7"), std::string::npos);
  EXPECT_EQ(ds[0].where.line, position_of(text, "\"S1, W1").first);
}

TEST(ScenarioErrors, NumbersOutOfRange) {
  expect_error(replaced(kSmallScenario, "personnel: 2000", "personnel: -2000"), "-2000",
               "units[blue-1].personnel", "must be ≥ 0");
  expect_error(replaced(kSmallScenario, "cev: 1.2", "cev: .inf"), ".inf", "units[red-1].cev",
               "finite");
  expect_error(replaced(kSmallScenario, "cev: 1.2", "cev: .nan"), ".nan", "units[red-1].cev",
               "finite");
  expect_error(replaced(kSmallScenario, "probability: 0.5", "probability: 1.75"), "1.75",
               "escalation[blue-in-redland].probability", "probability in [0, 1]");
  expect_error(replaced(kSmallScenario, "morale: 0.8", "morale: -0.1"), "-0.1",
               "units[red-1].morale", "probability in [0, 1]");
  expect_error(replaced(kSmallScenario, "lat: 54.5, lon: 24.0", "lat: 94.5, lon: 24.0"), "94.5",
               "regions[delta].lat", "latitude");
}

TEST(ScenarioErrors, BadDistributions) {
  expect_error(replaced(kSmallScenario, "{dist: uniform, min: 24, max: 72}",
                        "{dist: uniform, min: 80, max: 72}"),
               "{dist: uniform", "units[blue-2].arrival.delay_hours", "min (80");
  expect_error(replaced(kSmallScenario, "sd: 500", "sd: -5"), "-5", "units[blue-2].personnel.sd",
               "sd must be ≥ 0");
  expect_error(replaced(kSmallScenario, "min: 3000, mode: 4000", "min: 4500, mode: 4000"),
               "{dist: triangular", "units[red-1].personnel", "min ≤ mode ≤ max");
  expect_error(replaced(kSmallScenario, "dist: lognormal", "dist: lognormel"), "lognormel",
               "doctrine.blue.decision_delay_hours.dist",
               "unknown distribution 'lognormel' (did you mean 'lognormal'?)");
  expect_error(replaced(kSmallScenario, "sigma: 0.5, max: 336", "sigma: 0.5, max: 336, mean: 3"),
               "mean: 3", "doctrine.blue.decision_delay_hours.mean", "unknown key 'mean'");
}

TEST(ScenarioErrors, StartAndArrival) {
  const std::string both = replaced(kSmallScenario, "    arrival: {region: delta",
                                    "    start: bravo\n    arrival: {region: delta");
  expect_error(both, "{region: delta", "units[blue-2].arrival", "not both");
  const std::string neither = replaced(kSmallScenario, "    start: bravo\n", "");
  expect_error(neither, "id: blue-1", "units[blue-1]", "needs start:");
}

TEST(ScenarioErrors, DisconnectedGraphNamesComponents) {
  const std::string text = replaced(
      kSmallScenario,
      "  - {from: charlie, to: delta, road: minor, throughput: 2, length_km: 30, source: \"S1\"}\n",
      "");
  const auto ds = diagnostics_of(text);
  bool graph = false, objective = false;
  for (const auto& d : ds) {
    if (d.path == "links" && d.message.find("not connected") != std::string::npos) {
      graph = true;
      EXPECT_NE(d.message.find("component 1: alpha, bravo, charlie"), std::string::npos);
      EXPECT_NE(d.message.find("component 2: delta"), std::string::npos);
      EXPECT_EQ(d.where.line, position_of(text, "  - {from: alpha, to: bravo").first);
    }
    if (d.path == "objectives[corridor]" &&
        d.message.find("objective unreachable for red") != std::string::npos) {
      objective = true;
      EXPECT_EQ(d.where.line, position_of(text, "{id: corridor").first);
    }
  }
  EXPECT_TRUE(graph) << all(ds);
  EXPECT_TRUE(objective) << all(ds);
}

TEST(ScenarioErrors, CaptureObjectiveCutOffFromItsSide) {
  // A Blue-held island with no Red unit: Red's capture objective there cannot be reached.
  std::string text = replaced(
      kSmallScenario, "links:\n",
      "  - {id: echo, country: BA, lat: 55.0, lon: 25.0, terrain: open, source: \"S1\"}\nlinks:\n");
  text = replaced(text, "regions: [charlie]", "regions: [echo]");
  expect_error(text, "{id: take-charlie", "objectives[take-charlie]",
               "objective unreachable for red: region 'echo'");
}

TEST(ScenarioErrors, Limits) {
  expect_error(replaced(kSmallScenario, "horizon_days: 20", "horizon_days: 1200"), "1200",
               "parameters.horizon_days", "at most 1000 days");
  expect_error(replaced(kSmallScenario, "step_hours: 2", "step_hours: 0.1"), "0.1",
               "parameters.step_hours", "at least 0.25 hours");
  // 4,001 regions.
  std::string many = "regions:\n";
  for (int i = 0; i < 4001; ++i)
    many += "  - {id: r" + std::to_string(i) +
            ", country: BA, lat: 54, lon: 23, terrain: open, source: S1}\n";
  const std::string text = replaced(kSmallScenario, "regions:\n", many + "old_regions:\n");
  expect_error(text, "- {id: r0,", "regions", "4001 items; the limit is 4000");
}

TEST(ScenarioErrors, NestingTooDeep) {
  std::string deep = "flank: 1\nid: deep\nx: ";
  for (int i = 0; i < 100; ++i) deep += "[";
  for (int i = 0; i < 100; ++i) deep += "]";
  const auto ds = diagnostics_of(deep);
  ASSERT_FALSE(ds.empty());
  EXPECT_NE(all(ds).find("nesting deeper than 64"), std::string::npos) << all(ds);
  EXPECT_EQ(ds[0].where.line, 3);
}

TEST(ScenarioErrors, ParserRecursionIsBounded) {
  // Deep enough to trip yaml-cpp's own recursion guard before the loader sees a node.
  const std::string deep = "x: " + std::string(100000, '[');
  const auto ds = diagnostics_of(deep);
  ASSERT_EQ(ds.size(), 1u) << all(ds);
  EXPECT_NE(ds[0].message.find("nesting deeper than 64"), std::string::npos) << all(ds);
}

TEST(ScenarioErrors, FileTooLarge) {
  std::string big(std::size_t{16} << 20, '#');
  big += "\n";
  const auto ds = diagnostics_of(big);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_NE(ds[0].message.find("16 MiB"), std::string::npos);
}

TEST(ScenarioErrors, AliasExpansionIsBounded) {
  // "Billion laughs": nine levels of ten aliases each would be 10^9 nodes once expanded.
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) text += std::string(k ? ", " : "") + "*a" + std::to_string(i - 1);
    text += "]\n";
  }
  const auto ds = diagnostics_of(text);
  EXPECT_NE(all(ds).find("nodes (aliases?)"), std::string::npos) << all(ds);
}

TEST(ScenarioErrors, EveryErrorIsReportedAtOnce) {
  std::string text = replaced(kSmallScenario, "cev: 1.2", "cve: 1.2");
  text = replaced(text, "probability: 0.5", "probability: 2");
  text = replaced(text, "start: bravo", "start: nowhere");
  text = replaced(text, "horizon_days: 20", "horizon_days: -1");
  const auto ds = diagnostics_of(text);
  EXPECT_EQ(ds.size(), 4u) << all(ds);
  try {
    load_scenario_text(text, "bad.yaml");
    FAIL();
  } catch (const InputError& e) {
    const std::string what = e.what();
    for (const char* path : {"units[red-1].cve", "escalation[blue-in-redland].probability",
                             "units[blue-1].start", "parameters.horizon_days"})
      EXPECT_NE(what.find(path), std::string::npos) << path;
  }
}

TEST(ScenarioErrors, SidesMustBeRedAndBlue) {
  const std::string text = replaced(kSmallScenario, "  - {id: blue, name: \"Blue side\"}\n", "");
  const auto ds = diagnostics_of(text);
  EXPECT_NE(all(ds).find("exactly two sides"), std::string::npos) << all(ds);
}

}  // namespace
}  // namespace flank

namespace flank {
namespace {

// parameters.operations: bounds, unknown keys and nested classes, each at its file position.
TEST(ScenarioErrors, OperationalParameters) {
  const auto with_ops = [](std::string_view ops) {
    return replaced(kSmallScenario, "  step_hours: 2\n",
                    "  step_hours: 2\n  operations: " + std::string(ops) + "\n");
  };
  expect_error(with_ops("{exploitation_march_hours: 30}"), "30",
               "parameters.operations.exploitation_march_hours", "at most 24");
  expect_error(with_ops("{overrun_capture_fraction: 1.5}"), "1.5",
               "parameters.operations.overrun_capture_fraction", "");
  expect_error(with_ops("{advance_kmday: {hasty: -2}}"), "-2",
               "parameters.operations.advance_kmday.hasty", "≥ 0");
  expect_error(with_ops("{exploitaton_kmday: 60}"), "exploitaton_kmday",
               "parameters.operations.exploitaton_kmday", "did you mean");
  expect_error(with_ops("{stall_ratio: 7.25, ratio_cap: 6}"), "7.25",
               "parameters.operations.stall_ratio", "below ratio_cap");
}

}  // namespace
}  // namespace flank
