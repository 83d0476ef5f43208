#pragma once
// Battle tables for validating combat models: the CAA Database of Battles (CDB90 flat file)
// and flank's own battle-table format (docs/validation.md lists its columns). Missing values
// are NaN. Outcome fields (winner, casualties, duration, advance) are read only to score
// predictions; predictions never see them.
#include <array>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "flank/history/csv.hpp"
#include "flank/scenario/scenario.hpp"

namespace flank::history {

inline constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

// CDB90's relative factor scores (attacker's advantage, −4..4) that flank may use as CEV
// components. The "degree of influence" scores (quala … deepa) are judgements of what decided
// the outcome and are never read.
enum class QualityFactor : int {
  Cea,
  Leada,
  Trnga,
  Morala,
  Logsa,
  Momnta,
  Intela,
  Techa,
  Inita,
  Count
};
inline constexpr const char* kQualityFactorNames[] = {
    "cea", "leada", "trnga", "morala", "logsa", "momnta", "intela", "techa", "inita"};
inline constexpr int kQualityFactors = static_cast<int>(QualityFactor::Count);

struct Battle {
  std::string id, name;
  int line = 0;            // source line, for messages
  double year = kMissing;  // start year
  // Pre-battle information.
  double att_strength = kMissing, def_strength = kMissing;  // personnel
  double att_tanks = kMissing, def_tanks = kMissing;
  double att_artillery = kMissing, def_artillery = kMissing;
  double att_sorties = kMissing, def_sorties = kMissing;  // close-air-support sorties
  Posture def_posture = Posture::Hasty;
  bool posture_known = false;
  Terrain terrain = Terrain::Mixed;
  bool terrain_known = false;
  bool river = false;                           // attack across a river
  double wet = kMissing;                        // 1 wet/precipitation, 0 dry
  double surprise = kMissing;                   // −3..3 (negative: defender's surprise)
  double air_superiority = kMissing;            // −1..1
  double cev = kMissing;                        // attacker/defender CEV ratio (flank format)
  std::array<double, kQualityFactors> quality;  // CDB90 scores, NaN when absent
  // Outcome.
  double winner = kMissing;  // +1 attacker, 0 draw, −1 defender
  double att_casualties = kMissing, def_casualties = kMissing;
  double duration_days = kMissing;
  double km_advanced = kMissing;  // negative: attacker retreated

  Battle() { quality.fill(kMissing); }
};

enum class BattleFormat { Cdb90, Flank };

std::vector<Battle> read_battles(const CsvTable& table, BattleFormat format);

}  // namespace flank::history
