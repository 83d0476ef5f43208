// Scenario loader: sources, sides, nations, equipment, unit types, doctrine and units.
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

void Compiler::sources(const Node* list) {
  each_item(list, "sources", kMaxListItems * 10, &source_ids_,
            [&](const Node& item, const std::string& path, std::size_t) {
              Fields f(c_, item, path);
              SourceRef ref;
              ref.id = f.required_string("id");
              ref.text = f.required_string("text");
              ref.url = f.string("url");
              f.string("accessed");
              f.string("date");
              f.string("note");
              f.finish();
              s_.sources.push_back(std::move(ref));
            });
  citation_prefixes_.insert("S");
  for (const auto& src : s_.sources) {
    if (const std::string prefix = citation_prefix(src.id); !prefix.empty())
      citation_prefixes_.insert(prefix);
  }
}

void Compiler::sides(const Node* list) {
  if (!list) return;
  std::size_t count = 0;
  each_item(list, "sides", kMaxListItems, nullptr,
            [&](const Node& item, const std::string& path, std::size_t) {
              ++count;
              Fields f(c_, item, path);
              const std::string id = f.required_string("id");
              const std::string name = f.string("name", id);
              f.finish();
              int index = -1;
              if (id == "red") index = kRed;
              if (id == "blue") index = kBlue;
              if (index < 0) {
                if (const Node* n = item.find("id"))
                  c_.error(*n, join_path(path, "id"),
                           "sides are 'red' (the attacker) and 'blue', got '" + id + "'");
                return;
              }
              if (side_ids_.count(id)) {
                c_.error(item, path, "side '" + id + "' is given twice");
                return;
              }
              side_ids_[id] = static_cast<std::uint16_t>(index);
              s_.sides[index] = {id, name};
            });
  if (list->is_seq() && (count != 2 || side_ids_.size() != 2))
    c_.error(*list, "sides", "exactly two sides are needed: red and blue");
}

void Compiler::nations(const Node* list) {
  each_item(list, "nations", kMaxListItems, &nation_ids_,
            [&](const Node& item, const std::string& path, std::size_t) {
              Fields f(c_, item, path);
              Nation n;
              n.id = f.required_string("id");
              n.name = f.string("name", n.id);
              n.side = side(f, "side", kRed, true);
              f.finish();
              countries_.insert(n.id);
              s_.nations.push_back(std::move(n));
            });
}

void Compiler::equipment(const Node* list) {
  each_item(list, "equipment", kMaxListItems, &equipment_ids_,
            [&](const Node& item, const std::string& path, std::size_t) {
              Fields f(c_, item, path);
              EquipmentType e;
              e.id = f.required_string("id");
              f.string("name");
              e.score = f.required_number("score", Range::NonNegative);
              source(f, true);
              f.finish();
              s_.equipment.push_back(std::move(e));
            });
}

void Compiler::unit_types(const Node* list) {
  each_item(list, "unit_types", kMaxListItems, &type_ids_,
            [&](const Node& item, const std::string& path, std::size_t) {
              Fields f(c_, item, path);
              UnitType t;
              t.id = f.required_string("id");
              f.string("name");
              t.category = f.enumeration("category", UnitCategory::Mechanised, true);
              t.road_march_kmh = f.required_number("road_march_kmh", Range::Positive);
              t.offroad_factor = f.required_number("offroad_factor", Range::Probability);
              t.advance_factor = f.number("advance_factor", 1.0, Range::NonNegative);
              t.personnel_score = f.required_number("personnel_score", Range::NonNegative);
              t.tracked = f.boolean("tracked", false);
              source(f, true);
              f.finish();
              s_.unit_types.push_back(std::move(t));
            });
}

void Compiler::doctrine(const Node* map) {
  if (!map) return;
  Fields sides_f(c_, *map, "doctrine");
  for (SideId side_index : {kRed, kBlue}) {
    const char* side_name = side_index == kRed ? "red" : "blue";
    const Node* n = sides_f.get(side_name);
    if (!n) continue;
    Fields f(c_, *n, std::string("doctrine.") + side_name);
    SideDoctrine& d = s_.doctrine[side_index];
    each_item(f.get("axes"), f.at("axes"), kMaxListItems, &axis_ids_[side_index],
              [&](const Node& item, const std::string& path, std::size_t) {
                Fields a(c_, item, path);
                Axis axis;
                axis.id = a.required_string("id");
                axis.side = side_index;
                axis.path = region_list(a, "path", true);
                axis.weight = a.number("weight", 1.0, Range::NonNegative);
                a.finish();
                d.axes.push_back(std::move(axis));
              });
    d.commit_ratio = f.number("commit_ratio", d.commit_ratio, Range::Positive);
    d.halt_loss_fraction = f.number("halt_loss_fraction", d.halt_loss_fraction, Range::Probability);
    d.break_loss_fraction =
        f.number("break_loss_fraction", d.break_loss_fraction, Range::Probability);
    d.counterattack_ratio = f.number("counterattack_ratio", d.counterattack_ratio, Range::Positive);
    d.defence_posture = f.enumeration("defence_posture", d.defence_posture, false);
    d.needs_decision = f.boolean("needs_decision", d.needs_decision);
    d.counterattack_across_border =
        f.boolean("counterattack_across_border", d.counterattack_across_border);
    d.decision_delay_hours =
        f.dist("decision_delay_hours", Distribution::fixed(0), Range::NonNegative, false);
    d.supply_sources = region_list(f, "supply_sources", false);
    d.reallocate_after_hours =
        f.number("reallocate_after_hours", d.reallocate_after_hours, Range::NonNegative);
    d.reallocate_gain = f.number("reallocate_gain", d.reallocate_gain, Range::Positive);
    source(f, false);
    f.finish();
  }
  sides_f.finish();
}

void Compiler::units(const Node* list) {
  each_item(list, "units", kMaxUnits, &unit_ids_,
            [&](const Node& item, const std::string& path, std::size_t) {
              Fields f(c_, item, path);
              Unit u;
              u.id = f.required_string("id");
              u.name = f.string("name", u.id);
              u.nation = ref(f, "nation", nation_ids_, "nation", true);
              u.side = u.nation == kNone ? kRed : s_.nations[u.nation].side;
              u.side = side(f, "side", u.side, false);
              if (u.nation == kNone) u.nation = 0;
              u.type = ref(f, "type", type_ids_, "unit type", true);
              if (u.type == kNone) u.type = 0;
              u.personnel = f.dist("personnel", {}, Range::NonNegative, true);
              u.equipment.assign(s_.equipment.size(), 0.0);
              if (const Node* eq = f.get("equipment"); eq && !eq->is_null()) {
                if (!eq->is_map()) {
                  c_.error(*eq, f.at("equipment"),
                           "expected a map of equipment id to count, got " + describe(*eq));
                } else {
                  for (const auto& e : eq->map) {
                    const std::string p = f.at("equipment") + "." + e.key;
                    const auto it = equipment_ids_.find(e.key);
                    if (it == equipment_ids_.end()) {
                      std::vector<std::string> names;
                      for (const auto& eqt : s_.equipment) names.push_back(eqt.id);
                      c_.error(e.key_where, p,
                               "unknown equipment '" + e.key + "'" + did_you_mean(e.key, names));
                      continue;
                    }
                    double count = 0;
                    if (c_.number(e.value, p, Range::NonNegative, count))
                      u.equipment[it->second] = count;
                  }
                }
              }
              u.cev = f.number("cev", 1.0, Range::Positive);
              u.readiness_hours = f.number("readiness_hours", 0.0, Range::NonNegative);
              u.supply = f.number("supply", 1.0, Range::Probability);
              u.morale = f.number("morale", 1.0, Range::Probability);
              const Node* start = f.get("start");
              const Node* arrival = f.get("arrival");
              if (start && arrival)
                c_.error(*arrival, f.at("arrival"),
                         "a unit has either start: (in place at hour 0) or arrival: (arrives "
                         "later), not both");
              if (!start && !arrival && f.ok())
                c_.error(item, path, "a unit needs start: (a region) or arrival: {region: ...}");
              if (start) u.start = ref(*start, f.at("start"), region_ids_, "region");
              if (arrival) {
                Fields a(c_, *arrival, f.at("arrival"));
                u.arrival.entry = ref(a, "region", region_ids_, "region", true);
                u.arrival.earliest_hour = a.number("earliest_hour", 0.0, Range::NonNegative);
                u.arrival.after_decision = a.boolean("after_decision", false);
                u.arrival.delay_hours =
                    a.dist("delay_hours", Distribution::fixed(0), Range::NonNegative, false);
                a.finish();
              }
              u.main_reinforcement = f.boolean("main_reinforcement", false);
              u.cost = f.number("cost", 0.0, Range::NonNegative);
              if (const Node* axis = f.get("axis"); axis && !axis->is_null()) {
                const std::uint16_t a =
                    ref(*axis, f.at("axis"), axis_ids_[u.side],
                        u.side == kRed ? "axis of red's doctrine" : "axis of blue's doctrine");
                if (a != kNone) u.axis = s_.doctrine[u.side].axes[a].id;
              }
              source(f, true);
              f.finish();
              s_.units.push_back(std::move(u));
              unit_nodes_.push_back(&item);
            });
  // A side without units is meaningless for the engine (nothing to attack or defend with);
  // `units: []` had loaded, run and reported a campaign.
  if (list && list->is_seq()) {
    std::array<std::size_t, kSides> per_side{};
    for (const auto& u : s_.units) ++per_side[u.side];
    for (SideId s = 0; s < kSides; ++s)
      if (per_side[s] == 0)
        c_.error(*list, "units",
                 "the " + std::string(s == kRed ? "red" : "blue") +
                     " side has no units; each side needs at least one");
  }
}

}  // namespace flank::loader_detail
