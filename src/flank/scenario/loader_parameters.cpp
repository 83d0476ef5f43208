// Scenario loader: escalation rules and the parameters: section (operations included).
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <unordered_map>

#include "flank/combat/combat.hpp"
#include "flank/core/embedded.hpp"
#include "flank/forces/power.hpp"
#include "flank/geo/geodesy.hpp"
#include "flank/geo/graph.hpp"
#include "flank/scenario/citations.hpp"
#include "flank/scenario/document.hpp"
#include "flank/scenario/loader_detail.hpp"

namespace flank::loader_detail {

void Compiler::escalation(const Node* list) {
  IdMap ids;
  each_item(list, "escalation", kMaxListItems, nullptr,
            [&](const Node& item, const std::string& path, std::size_t) {
              Fields f(c_, item, path);
              EscalationRule e;
              e.id = f.required_string("id");
              if (!e.id.empty() && !ids.emplace(e.id, 0).second)
                c_.error(*item.find("id"), f.at("id"), "duplicate id '" + e.id + "' in escalation");
              e.name = f.string("name", e.id);
              const std::string kind = f.required_string("kind");
              const bool side_needed = kind != "objective_taken";
              e.side = side(f, "side", kBlue, side_needed);
              f.get("countries");
              f.get("regions");
              f.get("from");
              f.get("threshold");
              f.get("objective");
              if (kind == "enters_country") {
                e.kind = EscalationRule::Kind::EntersCountry;
                const Node* countries = f.require("countries");
                if (countries && !countries->is_seq()) {
                  c_.error(*countries, f.at("countries"), "expected a list of country codes");
                } else if (countries) {
                  for (std::size_t i = 0; i < countries->seq.size(); ++i) {
                    std::string code;
                    const std::string p = f.at("countries") + "[" + std::to_string(i) + "]";
                    if (!c_.string(countries->seq[i], p, code)) continue;
                    if (!countries_.count(code))
                      c_.error(countries->seq[i], p,
                               "unknown country '" + code + "'" + did_you_mean(code, countries_));
                    e.countries.push_back(code);
                  }
                }
              } else if (kind == "isolated") {
                e.kind = EscalationRule::Kind::Isolated;
                e.regions = region_list(f, "regions", true);
                e.from = region_list(f, "from", true);
              } else if (kind == "losses_above") {
                e.kind = EscalationRule::Kind::LossesAbove;
                e.threshold = f.required_number("threshold", Range::Probability);
              } else if (kind == "objective_taken") {
                e.kind = EscalationRule::Kind::ObjectiveTaken;
                e.objective = ref(f, "objective", objective_ids_, "objective", true);
                if (e.objective != kNone) e.side = s_.objectives[e.objective].side;
              } else if (const Node* k = item.find("kind"); k && k->is_scalar()) {
                const std::vector<std::string> kinds{"enters_country", "isolated", "losses_above",
                                                     "objective_taken"};
                c_.error(*k, f.at("kind"),
                         "unknown escalation kind '" + kind + "'" + did_you_mean(kind, kinds) +
                             "; one of: enters_country, isolated, losses_above, objective_taken");
              }
              e.probability = f.required_number("probability", Range::Probability);
              source(f, true);
              f.finish();
              s_.escalation.push_back(std::move(e));
            });
}

void Compiler::parameters(const Node* map) {
  if (!map) return;
  Parameters& p = s_.params;
  Fields f(c_, *map, "parameters");
  p.step_hours = f.number("step_hours", p.step_hours, Range::Positive);
  if (const Node* n = map->find("step_hours"); n && p.step_hours < kMinStepHours)
    c_.error(*n, "parameters.step_hours", "the step must be at least 0.25 hours");
  if (const Node* n = map->find("step_hours"); n && p.step_hours > 24)
    c_.error(*n, "parameters.step_hours", "the step must be at most 24 hours");
  p.horizon_days = f.number("horizon_days", p.horizon_days, Range::Positive);
  if (const Node* n = map->find("horizon_days"); n && p.horizon_days > kMaxHorizonDays)
    c_.error(*n, "parameters.horizon_days", "the horizon is at most 1000 days");
  p.combat_model = f.string("combat_model", p.combat_model);
  if (const Node* n = map->find("combat_model"); n && n->is_scalar()) {
    const auto names = combat::model_names();
    if (!names.empty() && std::find(names.begin(), names.end(), p.combat_model) == names.end()) {
      std::string list;
      for (const auto& m : names) list += (list.empty() ? "" : ", ") + m;
      c_.error(*n, "parameters.combat_model",
               "unknown combat model '" + p.combat_model + "'" +
                   did_you_mean(p.combat_model, names) + "; one of: " + list);
    }
  }
  p.noise_sigma = f.number("noise_sigma", p.noise_sigma, Range::NonNegative);
  p.river_crossing_factor =
      f.number("river_crossing_factor", p.river_crossing_factor, Range::Positive);
  p.cost_units = f.string("cost_units", p.cost_units);

  if (const Node* n = f.get("posture_factor")) {
    Fields g(c_, *n, f.at("posture_factor"));
    for (int i = 0; i < static_cast<int>(Posture::Count); ++i)
      p.posture_factor[i] =
          g.number(to_string(static_cast<Posture>(i)), p.posture_factor[i], Range::Positive);
    source(g, false);
    g.finish();
  }
  if (const Node* n = f.get("terrain")) {
    Fields g(c_, *n, f.at("terrain"));
    for (int i = 0; i < static_cast<int>(Terrain::Count); ++i) {
      const char* name = to_string(static_cast<Terrain>(i));
      if (const Node* t = g.get(name)) {
        Fields h(c_, *t, g.at(name));
        p.terrain_defence[i] = h.number("defence", p.terrain_defence[i], Range::Positive);
        p.terrain_advance[i] = h.number("advance", p.terrain_advance[i], Range::NonNegative);
        p.terrain_movement[i] = h.number("movement", p.terrain_movement[i], Range::NonNegative);
        source(h, false);
        h.finish();
      }
    }
    source(g, false);
    g.finish();
  }
  if (const Node* n = f.get("road_speed")) {
    Fields g(c_, *n, f.at("road_speed"));
    for (int i = 0; i < static_cast<int>(RoadClass::Count); ++i)
      p.road_speed[i] =
          g.number(to_string(static_cast<RoadClass>(i)), p.road_speed[i], Range::Positive);
    source(g, false);
    g.finish();
  }
  if (const Node* n = f.get("surprise")) {
    Fields g(c_, *n, f.at("surprise"));
    p.surprise_factor = g.number("factor", p.surprise_factor, Range::Positive);
    p.surprise_hours = g.number("hours", p.surprise_hours, Range::NonNegative);
    source(g, false);
    g.finish();
  }
  if (const Node* n = f.get("supply")) {
    Fields g(c_, *n, f.at("supply"));
    p.out_of_supply_factor =
        g.number("out_of_supply_factor", p.out_of_supply_factor, Range::Probability);
    p.supply_recovery_per_day =
        g.number("recovery_per_day", p.supply_recovery_per_day, Range::NonNegative);
    p.supply_loss_per_day = g.number("loss_per_day", p.supply_loss_per_day, Range::NonNegative);
    source(g, false);
    g.finish();
  }
  if (const Node* n = f.get("operations")) operations(*n, f.at("operations"));
  if (const Node* n = f.get("air")) {
    Fields g(c_, *n, f.at("air"));
    for (SideId side_index : {kRed, kBlue}) {
      const char* name = side_index == kRed ? "red" : "blue";
      const Node* a = g.get(name);
      if (!a) continue;
      Fields h(c_, *a, g.at(name));
      AirParams& air = p.air[side_index];
      air.sorties_per_day = h.number("sorties_per_day", air.sorties_per_day, Range::NonNegative);
      air.cas_share = h.number("cas_share", air.cas_share, Range::Probability);
      air.power_per_sortie = h.number("power_per_sortie", air.power_per_sortie, Range::NonNegative);
      air.interdiction_slow =
          h.number("interdiction_slow", air.interdiction_slow, Range::Probability);
      air.interdiction_attrition =
          h.number("interdiction_attrition", air.interdiction_attrition, Range::Probability);
      p.air_defence_factor[side_index] =
          h.number("air_defence", p.air_defence_factor[side_index], Range::Probability);
      source(h, false);
      h.finish();
    }
    source(g, false);
    g.finish();
  }
  source(f, true);
  f.finish();
}

// parameters.operations: the operational layer's constants (docs/scenario-format.md). Every key
// is optional; a missing one keeps the calibrated default in OperationalParams.
void Compiler::operations(const Node& map, const std::string& path) {
  OperationalParams& o = s_.params.ops;
  Fields f(c_, map, path);
  struct Key {
    const char* name;
    double OperationalParams::*member;
    Range range;
    double max = 1e300;  // values past this cannot mean anything (see the table's bounds)
  };
  static const Key kKeys[] = {
      {"screen_density", &OperationalParams::screen_density, Range::NonNegative},
      {"prepared_density", &OperationalParams::prepared_density, Range::NonNegative},
      {"prepared_hours", &OperationalParams::prepared_hours, Range::NonNegative},
      {"fortify_time_factor", &OperationalParams::fortify_time_factor, Range::Positive},
      {"urban_frontage_km", &OperationalParams::urban_frontage_km, Range::Positive},
      {"ratio_exponent", &OperationalParams::ratio_exponent, Range::NonNegative, 1000},
      {"ratio_cap", &OperationalParams::ratio_cap, Range::Positive, 1000},
      {"stall_ratio", &OperationalParams::stall_ratio, Range::NonNegative},
      {"overrun_ratio", &OperationalParams::overrun_ratio, Range::Positive},
      {"overrun_capture_fraction", &OperationalParams::overrun_capture_fraction,
       Range::Probability},
      {"displaced_capture_fraction", &OperationalParams::displaced_capture_fraction,
       Range::Probability},
      {"reform_hours", &OperationalParams::reform_hours, Range::NonNegative, 1e6},
      {"disorganised_power_factor", &OperationalParams::disorganised_power_factor,
       Range::Probability},
      {"preparation_density_cap", &OperationalParams::preparation_density_cap, Range::NonNegative},
      {"exploitation_kmday", &OperationalParams::exploitation_kmday, Range::NonNegative, 1000},
      {"exploitation_fatigue_per_day", &OperationalParams::exploitation_fatigue_per_day,
       Range::NonNegative},
      {"exploitation_march_hours", &OperationalParams::exploitation_march_hours, Range::NonNegative,
       24},
      {"rest_hours", &OperationalParams::rest_hours, Range::NonNegative},
      {"bridge_intact_probability", &OperationalParams::bridge_intact_probability,
       Range::Probability},
      {"crossing_delay_hours", &OperationalParams::crossing_delay_hours, Range::NonNegative},
      {"endurance_median_days", &OperationalParams::endurance_median_days, Range::Positive},
      {"endurance_sigma", &OperationalParams::endurance_sigma, Range::NonNegative},
      {"urban_endurance_factor", &OperationalParams::urban_endurance_factor, Range::Positive},
      {"low_density_sigma_factor", &OperationalParams::low_density_sigma_factor, Range::Positive},
      {"isolated_surrender_fraction", &OperationalParams::isolated_surrender_fraction,
       Range::Probability},
      {"noise_hours", &OperationalParams::noise_hours, Range::Positive},
      {"mask_ratio", &OperationalParams::mask_ratio, Range::NonNegative, 1000},
  };
  for (const Key& k : kKeys) {
    o.*k.member = f.number(k.name, o.*k.member, k.range);
    if (const Node* n = map.find(k.name); n && o.*k.member > k.max)
      c_.error(*n, f.at(k.name), "must be at most " + std::to_string(static_cast<int>(k.max)));
  }
  if (const Node* n = f.get("advance_kmday")) {
    Fields g(c_, *n, f.at("advance_kmday"));
    for (int i = 0; i < static_cast<int>(DefenceClass::Count); ++i)
      o.advance_kmday[i] =
          g.number(to_string(static_cast<DefenceClass>(i)), o.advance_kmday[i], Range::NonNegative);
    source(g, false);
    g.finish();
  }
  if (const Node* n = map.find("stall_ratio"); n && o.stall_ratio >= o.ratio_cap)
    c_.error(*n, f.at("stall_ratio"), "must be below ratio_cap");
  source(f, false);
  f.finish();
}

}  // namespace flank::loader_detail
