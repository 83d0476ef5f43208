#include "flank/combat/dupuy.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>

#include "flank/core/embedded.hpp"
#include "flank/core/error.hpp"
#include "flank/history/battles.hpp"

namespace flank::combat {
namespace {

constexpr std::string_view kShippedPath = "data/calibration/dupuy.yaml";
constexpr double kSizeScale = 1e4;  // personnel at which the size terms vanish

class Reader {
 public:
  Reader(const YAML::Node& root, const std::string& file) : root_(root), file_(file) {}

  // Reads root[section][key] into `out` when present; keeps the default otherwise.
  void number(const char* section, const char* key, double& out, bool positive = false) {
    const YAML::Node s = root_[section];
    if (!s) return;
    const YAML::Node v = s[key];
    if (!v) return;
    const std::string path = std::string(section) + "." + key;
    try {
      out = v.as<double>();
    } catch (const YAML::Exception&) {
      sink_.add(at(v), path, "expected a number");
      return;
    }
    if (!std::isfinite(out) || (positive && out <= 0))
      sink_.add(at(v), path, positive ? "expected a positive number" : "expected a finite number");
  }
  SourceLocation at(const YAML::Node& n) const {
    return {file_, n.Mark().line + 1, n.Mark().column + 1};
  }
  DiagnosticSink& sink() { return sink_; }

 private:
  const YAML::Node& root_;
  const std::string& file_;
  DiagnosticSink sink_;
};

}  // namespace

DupuyCalibration parse_calibration(std::string_view yaml, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    throw InputError(Diagnostic{{file, e.mark.line + 1, e.mark.column + 1}, "", e.msg});
  }
  if (!root.IsMap())
    throw InputError(Diagnostic{{file, 1, 1}, "", "expected a mapping (calibration document)"});
  DupuyCalibration c;
  Reader r(root, file);
  r.number("strength", "tank", c.w_tank);
  r.number("strength", "artillery", c.w_artillery);
  r.number("strength", "sortie", c.w_sortie);
  r.number("factors", "cea_step", c.cea_step, true);
  r.number("factors", "surprise_step", c.surprise_step, true);
  r.number("factors", "air_superiority", c.air_superiority, true);
  r.number("factors", "wet_weather", c.wet_weather, true);
  r.number("factors", "river", c.river, true);
  for (int t = 0; t < static_cast<int>(Terrain::Count); ++t) {
    if (const YAML::Node td = root["factors"]["terrain_defence"]; td && td.IsMap()) {
      if (const YAML::Node v = td[to_string(static_cast<Terrain>(t))]; v) {
        try {
          c.terrain_defence[t] = v.as<double>();
        } catch (const YAML::Exception&) {
          r.sink().add(r.at(v),
                       std::string("factors.terrain_defence.") + to_string(static_cast<Terrain>(t)),
                       "expected a number");
        }
      }
    }
  }
  for (int p = 0; p < static_cast<int>(Posture::Count); ++p) {
    if (const YAML::Node ps = root["factors"]["posture"]; ps && ps.IsMap()) {
      if (const YAML::Node v = ps[to_string(static_cast<Posture>(p))]; v) {
        try {
          c.posture[p] = v.as<double>();
        } catch (const YAML::Exception&) {
          r.sink().add(r.at(v),
                       std::string("factors.posture.") + to_string(static_cast<Posture>(p)),
                       "expected a number");
        }
      }
    }
  }
  r.number("winner", "intercept", c.win_intercept);
  r.number("winner", "slope", c.win_slope);
  r.number("casualties", "attacker_log_rate", c.att_rate_log);
  r.number("casualties", "attacker_size", c.att_rate_size);
  r.number("casualties", "attacker_exponent", c.att_rate_exponent);
  r.number("casualties", "defender_log_rate", c.def_rate_log);
  r.number("casualties", "defender_size", c.def_rate_size);
  r.number("casualties", "defender_exponent", c.def_rate_exponent);
  r.number("advance", "intercept", c.advance_intercept);
  r.number("advance", "slope", c.advance_slope);
  r.number("duration", "intercept", c.duration_intercept);
  r.number("duration", "slope", c.duration_slope);
  auto era_pair = [&](const char* section, const char* key, std::array<double, 2>& out) {
    const std::string k0 = std::string(key) + "_before_1900", k1 = std::string(key) + "_1900_1939";
    r.number(section, k0.c_str(), out[0]);
    r.number(section, k1.c_str(), out[1]);
  };
  era_pair("casualties", "attacker_era", c.att_rate_era);
  era_pair("casualties", "defender_era", c.def_rate_era);
  era_pair("duration", "era", c.duration_era);
  era_pair("advance", "era", c.advance_era);
  if (const YAML::Node cev = root["factors"]["cev"]; cev) {
    if (!cev.IsMap()) {
      r.sink().add(r.at(cev), "factors.cev", "expected a mapping of factor name to step");
    } else {
      for (const auto& kv : cev) {
        const std::string name = kv.first.as<std::string>();
        int f = 0;
        while (f < history::kQualityFactors && name != history::kQualityFactorNames[f]) ++f;
        if (f == history::kQualityFactors) {
          r.sink().add(r.at(kv.first), "factors.cev." + name,
                       "unknown factor (cea, leada, trnga, morala, logsa, momnta, intela, techa, "
                       "inita)");
          continue;
        }
        try {
          c.cev_step[f] = kv.second.as<double>();
          c.cev_used[f] = true;
        } catch (const YAML::Exception&) {
          r.sink().add(r.at(kv.second), "factors.cev." + name, "expected a number");
        }
      }
    }
  }
  r.number("helmbold", "own_exponent", c.helmbold_own);
  r.number("helmbold", "enemy_exponent", c.helmbold_enemy);
  if (const YAML::Node p = root["provenance"]; p && p.IsMap()) {
    for (const auto& kv : p)
      c.provenance += kv.first.as<std::string>() + ": " + YAML::Dump(kv.second) + "\n";
  }
  r.sink().throw_if_any();
  return c;
}

const DupuyCalibration& shipped_calibration() {
  static const DupuyCalibration c = [] {
    const auto text = embedded_file(kShippedPath);
    if (!text) return DupuyCalibration{};
    return parse_calibration(*text, "<built-in>/" + std::string(kShippedPath));
  }();
  return c;
}

double DupuyModel::win_probability(double ratio) const {
  const double z = cal_.win_intercept + cal_.win_slope * std::log(ratio);
  return 1.0 / (1.0 + std::exp(-z));
}

double DupuyModel::att_rate_per_day(double ratio, double att_personnel, int era) const {
  const double size = std::log(std::max(att_personnel, 1.0) / kSizeScale);
  return std::exp(cal_.att_rate_log + (era < 2 ? cal_.att_rate_era[era] : 0.0) +
                  cal_.att_rate_size * size - cal_.att_rate_exponent * std::log(ratio));
}

double DupuyModel::def_rate_per_day(double ratio, double def_personnel, int era) const {
  const double size = std::log(std::max(def_personnel, 1.0) / kSizeScale);
  return std::exp(cal_.def_rate_log + (era < 2 ? cal_.def_rate_era[era] : 0.0) +
                  cal_.def_rate_size * size + cal_.def_rate_exponent * std::log(ratio));
}

double DupuyModel::advance_km_per_day(double ratio, int era) const {
  return std::max(0.0, cal_.advance_intercept + (era < 2 ? cal_.advance_era[era] : 0.0) +
                           cal_.advance_slope * win_probability(ratio));
}

double DupuyModel::expected_duration_days(double total_personnel, int era) const {
  return std::exp(cal_.duration_intercept + (era < 2 ? cal_.duration_era[era] : 0.0) +
                  cal_.duration_slope * std::log(std::max(total_personnel, 1.0) / kSizeScale));
}

EngagementResult DupuyModel::resolve(const EngagementInput& in, const Parameters& p) const {
  EngagementResult r;
  const double def_mod = p.posture_factor[static_cast<int>(in.def_posture)] *
                         p.terrain_defence[static_cast<int>(in.terrain)] *
                         (in.river ? p.river_crossing_factor : 1.0);
  const double att =
      (in.att_power + in.att_air_power) * (in.surprise ? p.surprise_factor : 1.0) * in.att_noise;
  const double def = (in.def_power + in.def_air_power) * def_mod * in.def_noise;
  if (att <= 0 || def <= 0) return r;
  r.force_ratio = att / def;
  const double days = in.hours / 24.0;
  // Rates are per day of continuous combat; over a step the surviving share decays
  // exponentially, which keeps long steps below 100 % loss.
  r.att_loss_fraction = -std::expm1(-att_rate_per_day(r.force_ratio, in.att_personnel) * days);
  r.def_loss_fraction = -std::expm1(-def_rate_per_day(r.force_ratio, in.def_personnel) * days);
  r.advance_km =
      advance_km_per_day(r.force_ratio) * p.terrain_advance[static_cast<int>(in.terrain)] * days;
  return r;
}

}  // namespace flank::combat
