#include "flank/history/battles.hpp"

#include <charconv>

namespace flank::history {
namespace {

double opt(const CsvTable& t, std::size_t r, int col) {
  if (col < 0) return kMissing;
  const auto v = t.number(r, col);
  return v ? *v : kMissing;
}

void check_range(const CsvTable& t, std::size_t r, int col, double v, double lo, double hi) {
  if (std::isnan(v)) return;
  if (v < lo || v > hi)
    throw InputError(Diagnostic{t.where(r, col), t.header()[col],
                                "value " + t.cell(r, col) + " outside [" + std::to_string(int(lo)) +
                                    ", " + std::to_string(int(hi)) + "]"});
}

void check_count(const CsvTable& t, std::size_t r, int col, double v) {
  if (!std::isnan(v) && v < 0)
    throw InputError(Diagnostic{t.where(r, col), t.header()[col], "must not be negative"});
}

// CDB90 codes: post1 HD/PD/FD/DL/WD; terra1 three letters (relief R/G/F, cover B/M/D/W,
// special M marsh / U urban / D dunes / 0); wx1 five letters, the first D dry / W wet and the
// second S/O no precipitation, L/H light/heavy.
void read_cdb90_row(const CsvTable& t, std::size_t r, Battle& b) {
  auto col = [&](const char* name) { return t.column(name); };
  b.id = t.cell(r, col("isqno"));
  b.name = t.cell(r, col("name"));
  if (const int c = col("start_datetime"); c >= 0 && t.cell(r, c).size() >= 4) {
    // std::stod would throw std::invalid_argument past the InputError boundary (exit 1).
    const std::string& date = t.cell(r, c);
    int year = 0;
    const auto [end, ec] = std::from_chars(date.data(), date.data() + 4, year);
    if (ec != std::errc() || end != date.data() + 4)
      throw InputError(
          Diagnostic{t.where(r, c), "start_datetime",
                     "expected a date starting with a 4-digit year, found '" + date + "'"});
    b.year = year;
  }
  b.att_strength = opt(t, r, col("stra"));
  b.def_strength = opt(t, r, col("strd"));
  if (std::isnan(b.att_strength)) b.att_strength = opt(t, r, col("intsta"));
  if (std::isnan(b.def_strength)) b.def_strength = opt(t, r, col("intstd"));
  b.att_tanks = opt(t, r, col("tanka"));
  b.def_tanks = opt(t, r, col("tankd"));
  b.att_artillery = opt(t, r, col("artya"));
  b.def_artillery = opt(t, r, col("artyd"));
  b.att_sorties = opt(t, r, col("flya"));
  b.def_sorties = opt(t, r, col("flyd"));
  const std::string& post = t.cell(r, col("post1"));
  b.posture_known = true;
  if (post == "HD")
    b.def_posture = Posture::Hasty;
  else if (post == "PD")
    b.def_posture = Posture::Prepared;
  else if (post == "FD")
    b.def_posture = Posture::Fortified;
  else if (post == "DL")
    b.def_posture = Posture::Delay;
  else if (post == "WD")
    b.def_posture = Posture::Withdrawal;
  else
    b.posture_known = false;
  const std::string& terr = t.cell(r, col("terra1"));
  if (terr.size() == 3) {
    b.terrain_known = true;
    if (terr[2] == 'U')
      b.terrain = Terrain::Urban;
    else if (terr[2] == 'M')
      b.terrain = Terrain::Marsh;
    else if (terr[1] == 'W')
      b.terrain = Terrain::Forest;
    else if (terr[1] == 'M' || terr[0] == 'G')
      b.terrain = Terrain::Mixed;
    else if (terr[1] == 'B' || terr[1] == 'D')
      b.terrain = Terrain::Open;
    else
      b.terrain_known = false;
  }
  const std::string& wx = t.cell(r, col("wx1"));
  if (wx.size() >= 2 && wx[0] != '0')
    b.wet = (wx[0] == 'W' || wx[1] == 'L' || wx[1] == 'H') ? 1.0 : 0.0;
  for (const char* plan : {"pria1", "pria2", "pria3"})
    if (const int c = col(plan); c >= 0 && t.cell(r, c) == "RC") b.river = true;
  b.surprise = opt(t, r, col("surpa"));
  b.air_superiority = opt(t, r, col("aeroa"));
  for (int f = 0; f < kQualityFactors; ++f) b.quality[f] = opt(t, r, col(kQualityFactorNames[f]));
  b.winner = opt(t, r, col("wina"));
  b.att_casualties = opt(t, r, col("casa"));
  b.def_casualties = opt(t, r, col("casd"));
  b.duration_days = opt(t, r, col("duration_days_1"));
  b.km_advanced = opt(t, r, col("kmda"));
}

void read_flank_row(const CsvTable& t, std::size_t r, Battle& b) {
  auto col = [&](const char* name) { return t.column(name); };
  b.id = t.cell(r, col("id"));
  if (const int c = col("name"); c >= 0) b.name = t.cell(r, c);
  b.year = opt(t, r, col("year"));
  struct Count {
    const char* name;
    double* out;
  };
  for (const Count& c : {Count{"att_strength", &b.att_strength},
                         {"def_strength", &b.def_strength},
                         {"att_tanks", &b.att_tanks},
                         {"def_tanks", &b.def_tanks},
                         {"att_artillery", &b.att_artillery},
                         {"def_artillery", &b.def_artillery},
                         {"att_sorties", &b.att_sorties},
                         {"def_sorties", &b.def_sorties},
                         {"att_casualties", &b.att_casualties},
                         {"def_casualties", &b.def_casualties},
                         {"duration_days", &b.duration_days}}) {
    *c.out = opt(t, r, col(c.name));
    check_count(t, r, col(c.name), *c.out);
  }
  b.km_advanced = opt(t, r, col("km_advanced"));
  if (const int c = col("def_posture"); c >= 0 && !t.cell(r, c).empty()) {
    if (!parse(t.cell(r, c), b.def_posture))
      throw InputError(Diagnostic{t.where(r, c), "def_posture",
                                  "unknown posture '" + t.cell(r, c) +
                                      "' (attack, hasty, prepared, fortified, delay, withdrawal)"});
    b.posture_known = true;
  }
  if (const int c = col("terrain"); c >= 0 && !t.cell(r, c).empty()) {
    if (!parse(t.cell(r, c), b.terrain))
      throw InputError(Diagnostic{
          t.where(r, c), "terrain",
          "unknown terrain '" + t.cell(r, c) + "' (open, mixed, forest, marsh, urban, lakes)"});
    b.terrain_known = true;
  }
  if (const int c = col("weather"); c >= 0 && !t.cell(r, c).empty()) {
    const std::string& w = t.cell(r, c);
    if (w != "dry" && w != "wet")
      throw InputError(
          Diagnostic{t.where(r, c), "weather", "expected dry or wet, found '" + w + "'"});
    b.wet = w == "wet" ? 1.0 : 0.0;
  }
  if (const int c = col("river"); c >= 0) {
    const double v = opt(t, r, c);
    check_range(t, r, c, v, 0, 1);
    b.river = v == 1;
  }
  b.surprise = opt(t, r, col("surprise"));
  check_range(t, r, col("surprise"), b.surprise, -3, 3);
  b.air_superiority = opt(t, r, col("air_superiority"));
  check_range(t, r, col("air_superiority"), b.air_superiority, -1, 1);
  b.cev = opt(t, r, col("cev"));
  if (!std::isnan(b.cev) && b.cev <= 0)
    throw InputError(Diagnostic{t.where(r, col("cev")), "cev", "must be positive (a ratio)"});
  if (const int c = col("winner"); c >= 0 && !t.cell(r, c).empty()) {
    const std::string& w = t.cell(r, c);
    if (w == "attacker" || w == "1")
      b.winner = 1;
    else if (w == "defender" || w == "-1")
      b.winner = -1;
    else if (w == "draw" || w == "0")
      b.winner = 0;
    else
      throw InputError(Diagnostic{t.where(r, c), "winner",
                                  "expected attacker, defender or draw, found '" + w + "'"});
  }
}

}  // namespace

std::vector<Battle> read_battles(const CsvTable& table, BattleFormat format) {
  const char* const required_cdb90[] = {"isqno", "name", "stra", "strd", "post1", "terra1", "wx1"};
  const char* const required_flank[] = {"id", "att_strength", "def_strength"};
  const auto required = format == BattleFormat::Cdb90
                            ? std::span<const char* const>(required_cdb90)
                            : std::span<const char* const>(required_flank);
  DiagnosticSink sink;
  for (const char* name : required)
    if (!table.has(name))
      sink.add(
          {table.file(), 1, 1}, name,
          std::string("missing column '") + name + "'" +
              (format == BattleFormat::Cdb90 ? " (is this the CDB90 flat file? try --format flank)"
                                             : " (see docs/validation.md for the columns)"));
  sink.throw_if_any();
  std::vector<Battle> battles(table.rows());
  for (std::size_t r = 0; r < table.rows(); ++r) {
    battles[r].line = table.line(r);
    if (format == BattleFormat::Cdb90)
      read_cdb90_row(table, r, battles[r]);
    else
      read_flank_row(table, r, battles[r]);
    for (double v : {battles[r].att_strength, battles[r].def_strength})
      if (!std::isnan(v) && v <= 0)
        throw InputError(Diagnostic{table.where(r, -1), "", "strength must be positive"});
  }
  return battles;
}

}  // namespace flank::history
