// Validation against CDB90: the stored cross-validated metrics are reproduced by the code,
// the model beats the base rate out of sample, and `flank validate --json` has the documented
// members.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "flank/combat/calibrate.hpp"
#include "flank/core/embedded.hpp"
#include "flank/history/battles.hpp"
#include "flank/history/csv.hpp"

namespace flank::combat {
namespace {

std::vector<history::Battle> cdb90() {
  return history::read_battles(
      history::CsvTable::load("<built-in>/data/history/cdb90/cdb90_battles_flat.csv"),
      history::BattleFormat::Cdb90);
}

YAML::Node stored() {
  const auto text = embedded_file("data/calibration/dupuy.yaml");
  EXPECT_TRUE(text.has_value());
  return YAML::Load(std::string(*text));
}

TEST(Validate, StoredCrossValidatedMetricsAreReproduced) {
  const YAML::Node cv = stored()["cv"];
  ASSERT_TRUE(cv);
  const auto& shipped = shipped_calibration();
  const auto battles = cdb90();
  const ValidationResult r = validate(battles, shipped, true, cv["folds"].as<int>(),
                                      cv["seed"].as<std::uint64_t>(), options_from(shipped));
  // Stored with 6 significant digits.
  EXPECT_EQ(r.winner.n, cv["with_winner"].as<int>());
  EXPECT_NEAR(r.winner.accuracy, cv["winner"]["accuracy"].as<double>(), 1e-5);
  EXPECT_NEAR(r.winner.brier, cv["winner"]["brier"].as<double>(), 1e-5);
  EXPECT_NEAR(r.always_attacker.brier, cv["always_attacker"]["brier"].as<double>(), 1e-5);
  EXPECT_NEAR(r.troop_ratio.brier, cv["troop_ratio_logistic"]["brier"].as<double>(), 1e-5);
  EXPECT_NEAR(r.att_log_fraction.model, cv["attacker_log_fraction_mae"]["model"].as<double>(),
              1e-4);
  // The full-data fit stored beside the metrics is what fit_calibration gives today.
  const DupuyCalibration again = fit_calibration(battles, options_from(shipped));
  EXPECT_NEAR(again.win_slope, shipped.win_slope, 1e-4 * std::abs(shipped.win_slope));
  EXPECT_NEAR(again.win_intercept, shipped.win_intercept,
              1e-4 + 1e-4 * std::abs(shipped.win_intercept));
}

TEST(Validate, BeatsTheBaseRateOutOfSample) {
  const auto& shipped = shipped_calibration();
  const auto battles = cdb90();
  const ValidationResult r = validate(battles, shipped, true, 5, 12345, options_from(shipped));
  // Always-attacker on battles with a winner: p(1 − p) with p ≈ 0.64 (320 of 500).
  EXPECT_NEAR(r.always_attacker.brier, 0.64 * 0.36, 0.01);
  EXPECT_LT(r.winner.brier, r.always_attacker.brier);
  EXPECT_LT(r.winner.brier, r.troop_ratio.brier);
  EXPECT_GT(r.winner.accuracy, r.always_attacker.accuracy);
  // Every draw is excluded from the winner scores, never counted as a loss.
  EXPECT_EQ(r.draws_excluded, 38);
  EXPECT_EQ(r.winner.n, 499);
  // Calibration: within each populated bin, the observed win rate is near the prediction.
  for (const auto& b : r.calibration)
    if (b.n >= 30) {
      EXPECT_NEAR(b.observed, b.mean_predicted, 0.15) << b.lo;
    }
}

TEST(Validate, PredictionsNeverReadOutcomes) {
  const auto& shipped = shipped_calibration();
  const DupuyModel model(shipped);
  auto battles = cdb90();
  for (std::size_t i = 0; i < 50; ++i) {
    history::Battle b = battles[i];
    const Prediction before = predict(model, b);
    b.winner = -b.winner;
    b.att_casualties = b.def_casualties = 1;
    b.duration_days = 99;
    b.km_advanced = -40;
    const Prediction after = predict(model, b);
    EXPECT_EQ(before.win_probability, after.win_probability);
    EXPECT_EQ(before.att_fraction, after.att_fraction);
    EXPECT_EQ(before.advance_km_per_day, after.advance_km_per_day);
  }
}

TEST(Validate, CliJsonHasDocumentedMembers) {
  const std::string cmd = std::string(FLANK_BINARY) +
                          " validate battles data/history/cdb90/cdb90_battles_flat.csv --format "
                          "cdb90 --json 2>&1";
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  ASSERT_EQ(pclose(p), 0) << out;
  const auto j = nlohmann::json::parse(out);
  for (const char* k : {"accuracy", "brier"}) {
    EXPECT_TRUE(j["winner"][k].is_number()) << k;
    EXPECT_TRUE(j["baselines"]["always_attacker"][k].is_number()) << k;
    EXPECT_TRUE(j["baselines"]["troop_ratio_logistic"][k].is_number()) << k;
  }
  EXPECT_EQ(j["winner"]["calibration"].size(), 5u);
  EXPECT_TRUE(j["casualties"]["attacker_log_fraction"]["median_abs_error"].is_number());
  EXPECT_TRUE(j["advance"]["km_per_day"]["median_abs_error"].is_number());
}

std::string run(const std::string& args) {
  std::string out;
  FILE* p = popen((std::string(FLANK_BINARY) + " " + args + " 2>&1").c_str(), "r");
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  EXPECT_EQ(pclose(p), 0) << out;
  return out;
}

TEST(Validate, CliScoresAndPredictsFlankFormatTables) {
  // Three battles in flank's format: the stronger, surprising attacker should be favoured.
  const std::string path = testing::TempDir() + "flank_battles.csv";
  {
    FILE* f = fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    fputs(
        "id,year,att_strength,def_strength,att_tanks,def_tanks,def_posture,terrain,weather,"
        "surprise,air_superiority,cev,winner,att_casualties,def_casualties,duration_days,"
        "km_advanced\n"
        "strong,1944,60000,15000,300,40,hasty,open,dry,2,1,1.5,attacker,2000,5000,3,30\n"
        "weak,1944,15000,30000,20,100,fortified,urban,wet,0,-1,0.8,defender,4000,800,2,-1\n"
        "unknown,1944,20000,20000,,,,,,,,,,,,,\n",
        f);
    fclose(f);
  }
  const auto j = nlohmann::json::parse(run("validate battles " + path + " --format flank --json"));
  EXPECT_EQ(j["battles"], 3);
  EXPECT_EQ(j["winner"]["n"], 2);
  const std::string csv = run("validate battles " + path + " --predictions -");
  const auto rows = history::CsvTable::parse(csv, "predictions");
  ASSERT_EQ(rows.rows(), 3u);
  const int p = rows.column("p_attacker_wins");
  EXPECT_GT(rows.required(0, p), 0.8);
  EXPECT_LT(rows.required(1, p), 0.2);
  EXPECT_GT(rows.required(2, p), 0.0);
  EXPECT_LT(rows.required(2, p), 1.0);
}

TEST(Validate, CliRejectsBadInputWithExitStatus2) {
  const std::string cmd = std::string(FLANK_BINARY) +
                          " validate battles data/history/ardennes_daily_wiper2000.csv --format "
                          "cdb90 > /dev/null 2>&1";
  const int status = std::system(cmd.c_str());
  EXPECT_EQ(WEXITSTATUS(status), 2);
}

}  // namespace
}  // namespace flank::combat
