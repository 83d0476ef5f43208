// History readers: CSV parsing with locations, the CDB90 flat file and flank battle tables.
#include <gtest/gtest.h>

#include "flank/core/error.hpp"
#include "flank/history/battles.hpp"
#include "flank/history/csv.hpp"

namespace flank::history {
namespace {

TEST(Csv, ParsesQuotesBlanksAndLocations) {
  const auto t = CsvTable::parse("a,b,c\n1,\"x, \"\"y\"\"\",\n\n2,3,4\n", "t.csv");
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.cell(0, 1), "x, \"y\"");
  EXPECT_FALSE(t.number(0, 2).has_value());
  EXPECT_EQ(t.line(1), 4);
  EXPECT_EQ(t.where(1, 2).column, 5);
  EXPECT_THROW(CsvTable::parse("a,b\n1\n", "t.csv"), InputError);
  EXPECT_THROW(CsvTable::parse("a\n\"open\n", "t.csv"), InputError);
}

TEST(Csv, BadNumberNamesFileLineColumnAndColumnName) {
  const auto t = CsvTable::parse("id,att_strength\n1,12x\n", "b.csv");
  try {
    t.number(0, 1);
    FAIL();
  } catch (const InputError& e) {
    const auto& d = e.diagnostics().at(0);
    EXPECT_EQ(d.where.file, "b.csv");
    EXPECT_EQ(d.where.line, 2);
    EXPECT_EQ(d.where.column, 3);
    EXPECT_EQ(d.path, "att_strength");
  }
}

// Counts from the CDB90 code lists: 539 battles; wina 320 attacker wins, 180 defeats, 38 draws
// and one blank (data/history/cdb90, README of the shared history data).
TEST(Cdb90, ReadsTheFlatFile) {
  const auto table = CsvTable::load("<built-in>/data/history/cdb90/cdb90_battles_flat.csv");
  const auto battles = read_battles(table, BattleFormat::Cdb90);
  ASSERT_EQ(battles.size(), 539u);
  int wins = 0, losses = 0, draws = 0;
  for (const auto& b : battles) {
    wins += b.winner == 1;
    losses += b.winner == -1;
    draws += b.winner == 0;
  }
  EXPECT_EQ(wins, 320);
  EXPECT_EQ(losses, 180);
  EXPECT_EQ(draws, 38);
  // Battle 1, Nieuport 1600: 11,500 against 11,300, hasty defence on rolling bare dunes,
  // attacker lost, 4,000 attacker casualties, retreat of 6.4 km.
  const Battle& n = battles[0];
  EXPECT_EQ(n.name, "NIEUPORT");
  EXPECT_EQ(n.year, 1600);
  EXPECT_EQ(n.att_strength, 11500);
  EXPECT_EQ(n.def_strength, 11300);
  EXPECT_EQ(n.def_posture, Posture::Hasty);
  EXPECT_EQ(n.terrain, Terrain::Open);
  EXPECT_EQ(n.winner, -1);
  EXPECT_EQ(n.att_casualties, 4000);
  EXPECT_EQ(n.km_advanced, -6.4);
  EXPECT_EQ(n.quality[static_cast<int>(QualityFactor::Leada)], -1);
}

TEST(Cdb90, CasualtyFractionsAgreeWithTheDerivedTable) {
  // cdb90_derived_metrics.csv was computed separately from the same source.
  const auto battles = read_battles(
      CsvTable::load("<built-in>/data/history/cdb90/cdb90_battles_flat.csv"), BattleFormat::Cdb90);
  const auto derived = CsvTable::load("<built-in>/data/history/cdb90/cdb90_derived_metrics.csv");
  ASSERT_EQ(derived.rows(), battles.size());
  const int fa = derived.column("frac_cas_att"), fd = derived.column("frac_cas_def");
  int compared = 0;
  for (std::size_t i = 0; i < battles.size(); ++i) {
    const auto a = derived.number(i, fa), d = derived.number(i, fd);
    if (!a || !d || std::isnan(battles[i].att_casualties) || std::isnan(battles[i].def_casualties))
      continue;
    EXPECT_NEAR(battles[i].att_casualties / battles[i].att_strength, *a, 1e-4 + 1e-3 * *a) << i;
    EXPECT_NEAR(battles[i].def_casualties / battles[i].def_strength, *d, 1e-4 + 1e-3 * *d) << i;
    ++compared;
  }
  EXPECT_GT(compared, 500);
}

TEST(FlankFormat, ReadsDocumentedColumnsAndMissingValues) {
  const auto t = CsvTable::parse(
      "id,att_strength,def_strength,att_tanks,def_posture,terrain,weather,surprise,"
      "air_superiority,cev,winner,att_casualties,duration_days,km_advanced\n"
      "b1,30000,10000,200,prepared,forest,wet,2,1,1.2,attacker,900,3,12\n"
      "b2,20000,15000,,,,,,,,,,,\n",
      "f.csv");
  const auto b = read_battles(t, BattleFormat::Flank);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].def_posture, Posture::Prepared);
  EXPECT_EQ(b[0].terrain, Terrain::Forest);
  EXPECT_EQ(b[0].wet, 1);
  EXPECT_EQ(b[0].cev, 1.2);
  EXPECT_EQ(b[0].winner, 1);
  EXPECT_TRUE(std::isnan(b[1].att_tanks));
  EXPECT_FALSE(b[1].posture_known);
  EXPECT_TRUE(std::isnan(b[1].winner));
}

TEST(FlankFormat, RejectsBadValuesWithLocation) {
  const auto t = CsvTable::parse("id,att_strength,def_strength,terrain\nb1,1,2,jungle\n", "f.csv");
  try {
    read_battles(t, BattleFormat::Flank);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.diagnostics().at(0).where.line, 2);
    EXPECT_EQ(e.diagnostics().at(0).where.column, 8);
    EXPECT_EQ(e.diagnostics().at(0).path, "terrain");
  }
  EXPECT_THROW(read_battles(CsvTable::parse("id,def_strength\n", "g.csv"), BattleFormat::Flank),
               InputError);
}

}  // namespace
}  // namespace flank::history
