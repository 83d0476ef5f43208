// RAND's 2016 Baltic wargames as flank scenarios (scenarios/plausibility/): both files load
// from disk and as built-ins, every citation is declared and every declared source is used,
// the seven-brigade posture matches what RAND published about it, and on the same seeds it
// never makes Red's campaign easier. No test pins flank's outputs: docs/validation.md §8
// reports them, and they may change whenever the model does.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "flank/mc/runner.hpp"
#include "flank/scenario/citations.hpp"
#include "flank/scenario/loader.hpp"

namespace flank {
namespace {

const std::string kDir = std::string(FLANK_SOURCE_DIR) + "/scenarios/plausibility/";
const std::string kBaseFile = kDir + "rand-2016-baltics.yaml";
const std::string kVariantFile = kDir + "rand-2016-seven-brigades.yaml";

const Scenario& base() {
  static const Scenario s = load_scenario(kBaseFile);
  return s;
}
const Scenario& variant() {
  static const Scenario s = load_scenario(kVariantFile);
  return s;
}

// Every `source:` string in a YAML document, wherever it sits.
void collect_sources(const YAML::Node& node, std::vector<std::string>& out) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      if (kv.first.as<std::string>() == "source" && kv.second.IsScalar())
        out.push_back(kv.second.as<std::string>());
      else
        collect_sources(kv.second, out);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) collect_sources(item, out);
  }
}

TEST(RandBaltics, BothScenariosLoadFromDiskAndAsBuiltins) {
  EXPECT_EQ(base().id, "rand-2016-baltics");
  EXPECT_EQ(variant().id, "rand-2016-seven-brigades");
  // The variant's relative `extends:` must resolve inside the binary too.
  EXPECT_EQ(load_scenario("builtin:rand-2016-baltics").hash, base().hash);
  EXPECT_EQ(load_scenario("builtin:rand-2016-seven-brigades").hash, variant().hash);
  EXPECT_GE(base().regions.size(), 15u);
  EXPECT_LE(base().regions.size(), 25u);
  for (const char* objective : {"riga", "tallinn"}) {
    const auto& objectives = base().objectives;
    EXPECT_TRUE(std::any_of(objectives.begin(), objectives.end(), [&](const Objective& o) {
      return o.id == objective;
    })) << objective;
  }
  EXPECT_EQ(base().params.horizon_days, 30);
}

TEST(RandBaltics, EveryCitationIsDeclaredAndEverySourceIsUsedOrAnAssumption) {
  const YAML::Node base_doc = YAML::LoadFile(kBaseFile);
  const YAML::Node variant_doc = YAML::LoadFile(kVariantFile);
  std::set<std::string> declared;
  for (const auto& s : base_doc["sources"]) declared.insert(s["id"].as<std::string>());
  ASSERT_FALSE(variant_doc["sources"]) << "the variant cites the base file's sources";

  std::vector<std::string> texts;
  collect_sources(base_doc, texts);
  collect_sources(variant_doc, texts);
  ASSERT_GT(texts.size(), 60u);
  // As the loader: a token is a citation when its letters are S or those of a declared id
  // (so "W4" is checked, "M1" - a tank - is not).
  std::set<std::string> prefixes{"S"};
  for (const auto& id : declared) prefixes.insert(citation_prefix(id));
  std::set<std::string> cited;
  for (const auto& text : texts) {
    bool grounded = text.find("assumption") != std::string::npos;
    for (const auto& token : citation_tokens(text)) {
      if (!prefixes.count(citation_prefix(token))) continue;
      EXPECT_TRUE(declared.count(token)) << "'" << token << "' in: " << text;
      cited.insert(token);
      grounded = grounded || declared.count(token);
    }
    EXPECT_TRUE(grounded) << "neither a declared source nor an assumption: " << text;
  }
  for (const auto& id : declared) EXPECT_TRUE(cited.count(id)) << id << " is never cited";
}

// R1: "about seven brigades, including three heavy armored brigades ... ready to fight at the
// onset of hostilities"; R5: 30,000-35,000 soldiers.
TEST(RandBaltics, SevenBrigadeVariantIsRandsPosture) {
  std::vector<const Unit*> added;
  for (const auto& unit : variant().units)
    if (base().find_unit(unit.id) == kNone) added.push_back(&unit);
  ASSERT_EQ(added.size(), 7u);
  int armoured = 0;
  double soldiers = 0;
  for (const Unit* unit : added) {
    EXPECT_EQ(unit->side, kBlue) << unit->id;
    EXPECT_NE(unit->start, kNone) << unit->id << " must be in place at hour 0";
    EXPECT_EQ(unit->readiness_hours, 0) << unit->id;
    if (variant().unit_types[unit->type].category == UnitCategory::Armoured) ++armoured;
    soldiers += unit->personnel.mean();
  }
  EXPECT_EQ(armoured, 3);
  EXPECT_GE(soldiers, 30000);
  EXPECT_LE(soldiers, 35000);
  // Nothing else changes: the variant only adds units.
  EXPECT_EQ(variant().units.size(), base().units.size() + 7);
  EXPECT_EQ(variant().regions.size(), base().regions.size());
  EXPECT_EQ(variant().links.size(), base().links.size());
}

const mc::ObjectiveSummary& objective(const mc::Summary& summary, const std::string& id) {
  for (const auto& o : summary.objectives)
    if (o.id == id) return o;
  throw std::runtime_error("no objective " + id);
}

// Adding seven ready brigades to Blue, all else equal, on the same seeds, must not help Red.
TEST(RandBaltics, SevenBrigadesNeverHelpRed) {
  mc::RunConfig config;
  config.seed = 1;
  config.replications = 200;
  config.threads = 2;
  const mc::Summary without = mc::run(base(), config);
  const mc::Summary with = mc::run(variant(), config);
  for (const char* id : {"riga", "tallinn"}) {
    const auto &a = objective(without, id), &b = objective(with, id);
    EXPECT_LE(b.ever.p, a.ever.p) << id;
    for (int day : kTerritoryDays) EXPECT_LE(b.by_day[day].p, a.by_day[day].p) << id << day;
  }
  for (int k = 0; k < 4; ++k)
    EXPECT_GE(with.territory_mean[kBlue][k], without.territory_mean[kBlue][k] - 1e-12)
        << "day " << kTerritoryDays[k];
}

// The campaign-level check of docs/validation.md §8, pinned: with the 2015 posture Tallinn
// falls within a week in nearly every campaign (median 68 h at 1,000 replications), and RAND's
// seven brigades keep both capitals in most (Riga falls in 29 %, Tallinn in 6 %, after day 23).
TEST(RandBaltics, TheOperationalLayerReproducesRandsPostureContrast) {
  mc::RunConfig config;
  config.seed = 1;
  config.replications = 200;
  const mc::Summary without = mc::run(base(), config);
  const mc::Summary with = mc::run(variant(), config);
  EXPECT_GT(objective(without, "tallinn").by_day[7].p, 0.9);
  EXPECT_GT(objective(without, "riga").by_day[14].p, 0.7);
  EXPECT_GT(objective(without, "tallinn").hour_quantiles[2], 48);  // about RAND's 36-60 h
  EXPECT_LT(objective(without, "tallinn").hour_quantiles[2], 96);  // and within four days
  EXPECT_LT(objective(with, "tallinn").ever.p, 0.15);
  EXPECT_LT(objective(with, "riga").ever.p, 0.45);
  EXPECT_EQ(objective(with, "riga").by_day[14].p, 0.0);  // never in the first two weeks
}

}  // namespace
}  // namespace flank
