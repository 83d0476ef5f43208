// Checks the built-in scenario's data against the published figures it cites. These tests
// read the embedded YAML directly (not through the loader), so they pin the data itself:
// coordinates against published distances, eFP strengths against NATO's figures (S61),
// Wagner's personnel against the July-August 2023 counts, Belarus's totals against IISS/CIA.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <GeographicLib/Geodesic.hpp>
#include <algorithm>
#include <cctype>
#include <map>
#include <queue>
#include <set>
#include <string>
#include <vector>

#include "flank/core/embedded.hpp"

namespace {

constexpr const char* kScenarioPath = "scenarios/eastern-flank-2023.yaml";

YAML::Node load_embedded(const std::string& path) {
  const auto text = flank::embedded_file(path);
  if (!text) throw std::runtime_error("not embedded: " + path);
  return YAML::Load(std::string(*text));
}

const YAML::Node& scenario() {
  static const YAML::Node root = load_embedded(kScenarioPath);
  return root;
}

YAML::Node find_by_id(const YAML::Node& list, const std::string& id) {
  for (const auto& item : list)
    if (item["id"] && item["id"].as<std::string>() == id) return item;
  return YAML::Node(YAML::NodeType::Undefined);
}

double km_between(const YAML::Node& a, const YAML::Node& b) {
  double metres = 0;
  GeographicLib::Geodesic::WGS84().Inverse(a["lat"].as<double>(), a["lon"].as<double>(),
                                           b["lat"].as<double>(), b["lon"].as<double>(), metres);
  return metres / 1000.0;
}

double region_km(const std::string& a, const std::string& b) {
  const auto& regions = scenario()["regions"];
  return km_between(find_by_id(regions, a), find_by_id(regions, b));
}

bool has_link(const std::string& a, const std::string& b) {
  for (const auto& link : scenario()["links"]) {
    const auto from = link["from"].as<std::string>(), to = link["to"].as<std::string>();
    if ((from == a && to == b) || (from == b && to == a)) return true;
  }
  return false;
}

YAML::Node link_between(const std::string& a, const std::string& b) {
  for (const auto& link : scenario()["links"]) {
    const auto from = link["from"].as<std::string>(), to = link["to"].as<std::string>();
    if ((from == a && to == b) || (from == b && to == a)) return link;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

// Personnel as (min, mode, max); a fixed number gives three equal values.
struct Spread {
  double min = 0, mode = 0, max = 0;
};
Spread personnel(const YAML::Node& unit) {
  const auto p = unit["personnel"];
  if (p.IsScalar()) {
    const double v = p.as<double>();
    return {v, v, v};
  }
  EXPECT_EQ(p["dist"].as<std::string>(), "triangular") << unit["id"].as<std::string>();
  return {p["min"].as<double>(), p["mode"].as<double>(), p["max"].as<double>()};
}

std::string nation_side(const std::string& nation) {
  return find_by_id(scenario()["nations"], nation)["side"].as<std::string>();
}

std::string type_category(const std::string& type) {
  return find_by_id(scenario()["unit_types"], type)["category"].as<std::string>();
}

}  // namespace

TEST(BuiltinTheater, HasAtLeast45RegionsIncludingTheNamedTowns) {
  const auto& regions = scenario()["regions"];
  EXPECT_GE(regions.size(), 45u);
  const std::vector<std::string> required{
      "suwalki",      "sejny",      "augustow",       "elk",        "olecko",
      "goldap",       "lomza",      "bialystok",      "sokolka",    "hajnowka",
      "gizycko",      "olsztyn",    "biala-podlaska", "warsaw",     "lazdijai",
      "druskininkai", "kalvarija",  "marijampole",    "alytus",     "varena",
      "salcininkai",  "kaunas",     "jonava",         "vilnius",    "pabrade",
      "ukmerge",      "panevezys",  "siauliai",       "utena",      "klaipeda",
      "taurage",      "daugavpils", "jekabpils",      "jelgava",    "bauska",
      "riga",         "adazi",      "kaliningrad",    "gusev",      "chernyakhovsk",
      "sovetsk",      "hrodna",     "lida",           "shchuchyn",  "vawkavysk",
      "slonim",       "navahrudak", "ashmyany",       "astravyets", "smarhon",
      "maladzyechna", "minsk",      "baranavichy",    "brest",      "asipovichy",
      "pastavy",      "lepel"};
  for (const auto& id : required) EXPECT_TRUE(find_by_id(regions, id)) << id;
}

TEST(BuiltinTheater, KeyPlacesMatchThePublishedCoordinates) {
  // scenario-facts.md key-places table (SimpleMaps World Cities Basic, S120; Augustów S121).
  const std::map<std::string, std::pair<double, double>> published{
      {"suwalki", {54.0833, 22.9333}},    {"augustow", {53.850, 22.967}},
      {"hrodna", {53.6667, 23.8167}},     {"vilnius", {54.6833, 25.2833}},
      {"kaunas", {54.9000, 23.9333}},     {"kaliningrad", {54.7167, 20.5000}},
      {"gusev", {54.5922, 22.1997}},      {"minsk", {53.9022, 27.5618}},
      {"riga", {56.9475, 24.1069}},       {"lida", {53.8872, 25.3028}},
      {"marijampole", {54.5567, 23.3544}}};
  for (const auto& [id, coordinates] : published) {
    const auto region = find_by_id(scenario()["regions"], id);
    EXPECT_NEAR(region["lat"].as<double>(), coordinates.first, 1e-3) << id;
    EXPECT_NEAR(region["lon"].as<double>(), coordinates.second, 1e-3) << id;
  }
}

TEST(BuiltinTheater, GreatCircleDistancesMatchTheFactSheet) {
  // Great-circle distances published in scenario-facts.md §6 (rounded to 1 km there).
  EXPECT_NEAR(region_km("hrodna", "suwalki"), 74, 1.5);
  EXPECT_NEAR(region_km("gusev", "suwalki"), 74, 1.5);
  EXPECT_NEAR(region_km("suwalki", "marijampole"), 59, 1.5);
  EXPECT_NEAR(region_km("lida", "vilnius"), 89, 1.5);
  EXPECT_NEAR(region_km("kaunas", "vilnius"), 90, 1.5);
  EXPECT_NEAR(region_km("minsk", "vilnius"), 171, 2);
  EXPECT_NEAR(region_km("asipovichy", "minsk"), 98, 2);
  EXPECT_NEAR(region_km("brest", "warsaw"), 180, 2);
  EXPECT_NEAR(region_km("vilnius", "riga"), 262, 3);
  // Lida air base lies ~40 km from the Lithuanian border (S13): Šalčininkai, just inside
  // Lithuania, must be within ~40-60 km of Lida.
  EXPECT_LT(region_km("lida", "salcininkai"), 60);
}

TEST(BuiltinTheater, RegionsAreDistinctAreasOfTwentyToFortyKilometres) {
  // Centres of regions 20-40 km across sit at least ~15 km apart. Within 200 km of the
  // gap's centre (S103: 54.2 N, 23.4 E) the theater is tiled densely (nearest neighbour
  // <= 70 km); rear areas such as Warsaw or Vitsyebsk may be sparser.
  YAML::Node gap_centre;
  gap_centre["lat"] = 54.2;
  gap_centre["lon"] = 23.4;
  const auto& regions = scenario()["regions"];
  for (std::size_t i = 0; i < regions.size(); ++i) {
    double nearest = 1e9;
    for (std::size_t j = 0; j < regions.size(); ++j)
      if (i != j) nearest = std::min(nearest, km_between(regions[i], regions[j]));
    EXPECT_GE(nearest, 15) << regions[i]["id"];
    EXPECT_LE(nearest, km_between(regions[i], gap_centre) < 200 ? 70 : 130) << regions[i]["id"];
  }
}

TEST(BuiltinTheater, GraphIsConnected) {
  std::map<std::string, std::vector<std::string>> adjacent;
  for (const auto& region : scenario()["regions"]) adjacent[region["id"].as<std::string>()];
  for (const auto& link : scenario()["links"]) {
    const auto a = link["from"].as<std::string>(), b = link["to"].as<std::string>();
    ASSERT_TRUE(adjacent.count(a)) << a;
    ASSERT_TRUE(adjacent.count(b)) << b;
    adjacent[a].push_back(b);
    adjacent[b].push_back(a);
  }
  std::set<std::string> seen{"hrodna"};
  std::queue<std::string> frontier;
  frontier.push("hrodna");
  while (!frontier.empty()) {
    const auto here = frontier.front();
    frontier.pop();
    for (const auto& next : adjacent[here])
      if (seen.insert(next).second) frontier.push(next);
  }
  EXPECT_EQ(seen.size(), adjacent.size());
  // Two to four links per region on average.
  const double mean_degree = 2.0 * scenario()["links"].size() / adjacent.size();
  EXPECT_GE(mean_degree, 2.0);
  EXPECT_LE(mean_degree, 4.0);
}

TEST(BuiltinTheater, ViaBalticaAndTheGapRailwayAreThere) {
  // E67 / Via Baltica (S105-S107): Łomża-Ełk-Suwałki-Budzisko-Marijampolė-Kaunas-Riga.
  const std::vector<std::string> via_baltica{"warsaw",    "zambrow",   "lomza",       "elk",
                                             "suwalki",   "kalvarija", "marijampole", "kaunas",
                                             "panevezys", "bauska",    "riga"};
  for (std::size_t i = 0; i + 1 < via_baltica.size(); ++i)
    EXPECT_TRUE(has_link(via_baltica[i], via_baltica[i + 1]))
        << via_baltica[i] << "-" << via_baltica[i + 1];
  // The only railway through the gap (S108): Suwałki-Trakiszki-Mockava-Šeštokai-Marijampolė-Kaunas.
  const std::vector<std::string> rail{"suwalki", "kalvarija", "marijampole", "kaunas"};
  for (std::size_t i = 0; i + 1 < rail.size(); ++i)
    EXPECT_TRUE(link_between(rail[i], rail[i + 1])["rail"].as<bool>()) << rail[i];
  // The Belarus and Kaliningrad sides of the gap.
  EXPECT_TRUE(has_link("hrodna", "sejny"));
  EXPECT_TRUE(has_link("hrodna", "druskininkai"));
  EXPECT_TRUE(has_link("gusev", "goldap"));
  // The Narew is crossed at Łomża (S106), the Western Bug at Brest, the Neman at Kaunas.
  EXPECT_EQ(link_between("zambrow", "lomza")["river"].as<std::string>(), "Narew");
  EXPECT_EQ(link_between("brest", "biala-podlaska")["river"].as<std::string>(), "Bug");
  EXPECT_EQ(link_between("marijampole", "kaunas")["river"].as<std::string>(), "Neman");
}

TEST(BuiltinTheater, KaunasVilniusLinkIsAboutOneHundredKilometres) {
  const auto link = link_between("kaunas", "vilnius");
  ASSERT_TRUE(link);
  const double length = link["length_km"]
                            ? link["length_km"].as<double>()
                            : region_km("kaunas", "vilnius") *
                                  (link["sinuosity"] ? link["sinuosity"].as<double>() : 1.25);
  EXPECT_GE(length, 90);
  EXPECT_LE(length, 110);
}

TEST(BuiltinSources, EverythingHasASourceAndEveryCitedIdIsDeclared) {
  std::set<std::string> declared;
  for (const auto& s : scenario()["sources"]) {
    EXPECT_FALSE(s["text"].as<std::string>().empty());
    declared.insert(s["id"].as<std::string>());
  }
  auto check = [&](const YAML::Node& item, const std::string& where) {
    ASSERT_TRUE(item["source"]) << where;
    const auto text = item["source"].as<std::string>();
    EXPECT_FALSE(text.empty()) << where;
    // Every S<n> token must be a declared source.
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] != 'S' || (i > 0 && std::isalnum(static_cast<unsigned char>(text[i - 1]))))
        continue;
      std::size_t end = i + 1;
      while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
      if (end == i + 1 ||
          (end < text.size() &&
           (std::isalpha(static_cast<unsigned char>(text[end])) || text[end] == '-')))
        continue;
      EXPECT_TRUE(declared.count(text.substr(i, end - i))) << where << ": " << text;
    }
  };
  for (const char* list : {"regions", "units", "equipment", "unit_types", "escalation"})
    for (const auto& item : scenario()[list])
      check(item, list + std::string(" ") + item["id"].as<std::string>());
  for (const auto& link : scenario()["links"])
    check(link, "link " + link["from"].as<std::string>() + "-" + link["to"].as<std::string>());
  check(scenario()["parameters"], "parameters");
  check(scenario()["doctrine"]["red"], "doctrine.red");
  check(scenario()["doctrine"]["blue"], "doctrine.blue");
}

TEST(BuiltinForces, EfpBattlegroupsMatchNatoJune2022Figures) {
  // S61 (NATO figures via LSM, 28 Jun 2022): Latvia 1,887, Lithuania 1,632, Poland 1,033,
  // Estonia 1,430.
  const auto& units = scenario()["units"];
  EXPECT_EQ(personnel(find_by_id(units, "efp-lv")).mode, 1887);
  EXPECT_EQ(personnel(find_by_id(units, "efp-lt")).mode, 1632);
  EXPECT_EQ(personnel(find_by_id(units, "efp-pl")).mode, 1033);
  EXPECT_EQ(personnel(find_by_id(units, "efp-ee")).mode, 1430);
  // The battlegroups on the corridor (all eFP units but Estonia's) sum to NATO's total.
  double sum = 0;
  for (const auto& unit : units) {
    const auto id = unit["id"].as<std::string>();
    if (id.rfind("efp-", 0) == 0 && id != "efp-ee") sum += personnel(unit).mode;
  }
  EXPECT_EQ(sum, 1887 + 1632 + 1033);
}

TEST(BuiltinForces, BelarusTotalsStayWithinPublishedStrength) {
  // S1: ~45,000 active, of which ~25,000 Army and ~5,000 SOF; S2: ~48,000 (IISS 2022).
  // Territorial defence is a separate, unknown-size force (S2, S3).
  double mode = 0, max = 0;
  for (const auto& unit : scenario()["units"]) {
    if (unit["nation"].as<std::string>() != "BY") continue;
    if (type_category(unit["type"].as<std::string>()) == "territorial") continue;
    const auto p = personnel(unit);
    mode += p.mode;
    max += p.max;
  }
  // Even counting the SOF brigades (S1: ~5,000 SOF besides the Army), the modes stay within
  // the Army's ~25,000.
  EXPECT_LE(mode, 25000);
  EXPECT_LE(max, 48000);
  // Ukraine's Hromov: ~15,000 Belarusian troops could take part (S16); the modes should not
  // be wildly below that.
  EXPECT_GE(mode, 15000);
}

TEST(BuiltinForces, WagnerIsASeparateLightForceSpanningTheCounts) {
  const auto wagner = find_by_id(scenario()["units"], "wg-tsel");
  ASSERT_TRUE(wagner);
  const auto p = personnel(wagner);
  EXPECT_EQ(p.min, 3450);   // S38: Hajun, 3,450-3,650 arrived by 24 Jul
  EXPECT_EQ(p.max, 8000);   // S39: camp built for ~8,000
  EXPECT_GE(p.mode, 4400);  // S41: Hajun <=4,500, CNR 4,400 (mid-Aug)
  EXPECT_LE(p.mode, 4500);
  EXPECT_GT(wagner["cev"].as<double>(), 1.0);
  EXPECT_EQ(type_category(wagner["type"].as<std::string>()), "light_infantry");
  const auto equipment = wagner["equipment"];
  EXPECT_FALSE(equipment["tank"]) << "heavy kit went to the Russian MoD (S34, S35)";
  EXPECT_FALSE(equipment["ifv"]);
  EXPECT_EQ(wagner["axis"].as<std::string>(), "wagner");
  EXPECT_EQ(wagner["start"].as<std::string>(), "asipovichy");
}

TEST(BuiltinForces, KaliningradAndRussianReinforcementsStayWithinTheirSources) {
  double kaliningrad_max = 0, reinforcement_mode = 0, reinforcement_tanks = 0;
  for (const auto& unit : scenario()["units"]) {
    if (unit["nation"].as<std::string>() != "RU") continue;
    if (unit["arrival"]) {
      reinforcement_mode += personnel(unit).mode;
      if (unit["equipment"]["tank"]) reinforcement_tanks += unit["equipment"]["tank"].as<double>();
    } else {
      kaliningrad_max += personnel(unit).max;
    }
  }
  EXPECT_LE(kaliningrad_max, 12000);           // S51: ~12,000 before the war, depleted since
  EXPECT_NEAR(reinforcement_mode, 9000, 900);  // S19: the joint group's Russian part
  EXPECT_LE(reinforcement_tanks, 170);         // S19: ~170 tanks
}

TEST(BuiltinForces, EveryUnitIsPlacedOnceAndBlueUnitsHaveACost) {
  int main_reinforcements = 0;
  for (const auto& unit : scenario()["units"]) {
    const auto id = unit["id"].as<std::string>();
    EXPECT_NE(static_cast<bool>(unit["start"]), static_cast<bool>(unit["arrival"])) << id;
    if (nation_side(unit["nation"].as<std::string>()) != "blue") continue;
    ASSERT_TRUE(unit["cost"]) << id;
    EXPECT_GT(unit["cost"].as<double>(), 0) << id;
    if (unit["main_reinforcement"] && unit["main_reinforcement"].as<bool>()) {
      ++main_reinforcements;
      ASSERT_TRUE(unit["arrival"]) << id;
      EXPECT_TRUE(unit["arrival"]["after_decision"].as<bool>()) << id;
    }
  }
  EXPECT_GE(main_reinforcements, 4);
}

TEST(BuiltinVariants, EachExtendsTheBaseAndAnswersAQuestion) {
  for (const std::string name :
       {"wagner-integrated", "wagner-25k", "vilnius-decisions", "uk-today", "uk-larger-army",
        "delay-0d", "delay-7d", "delay-14d", "nato-counteroffensive"}) {
    const auto variant = load_embedded("scenarios/variants/" + name + ".yaml");
    EXPECT_EQ(variant["id"].as<std::string>(), name);
    EXPECT_EQ(variant["extends"].as<std::string>(), "builtin:eastern-flank-2023");
    EXPECT_NE(variant["description"].as<std::string>().find("uestion"), std::string::npos) << name;
  }
  const auto wagner = load_embedded("scenarios/variants/wagner-25k.yaml");
  EXPECT_EQ(find_by_id(wagner["units"], "wg-tsel")["personnel"]["mode"].as<double>(),
            25000);  // S31: Prigozhin's claim
  for (const auto& [name, hours] : std::vector<std::pair<std::string, double>>{
           {"delay-0d", 0}, {"delay-7d", 168}, {"delay-14d", 336}}) {
    const auto variant = load_embedded("scenarios/variants/" + name + ".yaml");
    EXPECT_EQ(variant["doctrine"]["blue"]["decision_delay_hours"].as<double>(), hours) << name;
  }
}
