// Scenario loader: regions, links, objectives and the theater graph checks.
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

void Compiler::regions(const Node* list) {
  each_item(list, "regions", kMaxRegions, &region_ids_,
            [&](const Node& item, const std::string& path, std::size_t) {
              Fields f(c_, item, path);
              Region r;
              r.id = f.required_string("id");
              r.name = f.string("name", r.id);
              const Node* country = f.require("country");
              if (country) c_.string(*country, f.at("country"), r.country);
              r.lat = f.required_number("lat");
              r.lon = f.required_number("lon");
              if (const Node* lat = item.find("lat"); lat && std::abs(r.lat) > 90)
                c_.error(*lat, f.at("lat"), "latitude must be within [-90, 90]");
              if (const Node* lon = item.find("lon"); lon && std::abs(r.lon) > 180)
                c_.error(*lon, f.at("lon"), "longitude must be within [-180, 180]");
              r.terrain = f.enumeration("terrain", Terrain::Mixed, true);
              r.urban = f.boolean("urban", false);
              r.objective_value = f.number("value", 0.0, Range::NonNegative);
              r.frontage_km = f.number("frontage_km", 0.0, Range::NonNegative);
              r.fortification = f.enumeration("fortification", Fortification::None, false);
              const Node* control = f.get("control");
              if (control) {
                r.initial_control = side(f, "control", kBlue, false);
              } else if (country && !r.country.empty()) {
                if (const auto it = nation_ids_.find(r.country); it != nation_ids_.end())
                  r.initial_control = s_.nations[it->second].side;
                else
                  c_.error(*country, f.at("country"),
                           "country '" + r.country +
                               "' is not a declared nation, so its side is unknown; declare it "
                               "under nations: or give control: red|blue" +
                               did_you_mean(r.country, countries_));
              }
              source(f, true);
              f.finish();
              s_.regions.push_back(std::move(r));
              region_nodes_.push_back(&item);
            });
  for (const auto& r : s_.regions) countries_.insert(r.country);
}

void Compiler::links(const Node* list) {
  std::set<std::pair<RegionId, RegionId>> seen;
  IdMap link_ids;
  each_item(list, "links", kMaxLinks, nullptr,
            [&](const Node& item, const std::string& path, std::size_t) {
              Fields f(c_, item, path);
              const std::string id = f.string("id");
              if (!id.empty() && !link_ids.emplace(id, 0).second)
                c_.error(*item.find("id"), f.at("id"), "duplicate id '" + id + "' in links");
              Link l;
              l.a = ref(f, "from", region_ids_, "region", true);
              l.b = ref(f, "to", region_ids_, "region", true);
              l.road = f.enumeration("road", RoadClass::Secondary, false);
              l.rail = f.boolean("rail", false);
              l.river = f.string("river");
              l.throughput = f.required_number("throughput", Range::Positive);
              const double sinuosity = f.number("sinuosity", kDefaultSinuosity, Range::Positive);
              if (const Node* n = item.find("sinuosity"); n && sinuosity < 1)
                c_.error(*n, f.at("sinuosity"),
                         "sinuosity is road length / straight-line length, so ≥ 1");
              const Node* length = f.get("length_km");
              double length_km = 0;
              if (length) c_.number(*length, f.at("length_km"), Range::Positive, length_km);
              source(f, true);
              f.finish();
              if (l.a == kNone || l.b == kNone) return;
              if (l.a == l.b) {
                c_.error(item, path, "a link must join two different regions");
                return;
              }
              if (!seen.insert({std::min(l.a, l.b), std::max(l.a, l.b)}).second) {
                c_.error(item, path,
                         "a second link between " + s_.regions[l.a].id + " and " +
                             s_.regions[l.b].id + " (links are undirected)");
                return;
              }
              const Region& a = s_.regions[l.a];
              const Region& b = s_.regions[l.b];
              l.length_km =
                  length ? length_km : geo::geodesic_km(a.lat, a.lon, b.lat, b.lon) * sinuosity;
              s_.links.push_back(std::move(l));
            });
}

void Compiler::objectives(const Node* list) {
  each_item(list, "objectives", kMaxListItems, &objective_ids_,
            [&](const Node& item, const std::string& path, std::size_t) {
              Fields f(c_, item, path);
              Objective o;
              o.id = f.required_string("id");
              o.name = f.string("name", o.id);
              o.side = side(f, "side", kRed, true);
              const std::string kind = f.required_string("kind");
              if (kind == "capture") {
                o.kind = Objective::Kind::Capture;
                o.regions = region_list(f, "regions", true);
                f.get("from");
                f.get("to");
              } else if (kind == "connect") {
                o.kind = Objective::Kind::Connect;
                o.from = region_list(f, "from", true);
                o.to = region_list(f, "to", true);
                f.get("regions");
              } else {
                if (const Node* k = item.find("kind"); k && k->is_scalar())
                  c_.error(*k, f.at("kind"),
                           "unknown objective kind '" + kind + "'" +
                               did_you_mean(kind, std::vector<std::string>{"capture", "connect"}) +
                               "; one of: capture, connect");
                f.get("regions");
                f.get("from");
                f.get("to");
              }
              o.value = f.number("value", 1.0, Range::NonNegative);
              source(f, false);
              f.finish();
              s_.objectives.push_back(std::move(o));
              objective_nodes_.push_back(&item);
            });
}

void Compiler::graph_checks() {
  const std::size_t n = s_.regions.size();
  if (n == 0) return;
  std::vector<geo::Edge> edges;
  edges.reserve(s_.links.size());
  for (const auto& l : s_.links) edges.push_back({l.a, l.b, l.length_km});
  const auto component = geo::components(n, edges);
  const std::uint32_t count = *std::max_element(component.begin(), component.end()) + 1;
  if (count > 1) {
    std::vector<std::vector<std::string>> members(count);
    for (std::size_t r = 0; r < n; ++r) members[component[r]].push_back(s_.regions[r].id);
    std::string text;
    for (std::uint32_t k = 0; k < count; ++k) {
      text += "\n    component " + std::to_string(k + 1) + ": ";
      const std::size_t shown = std::min<std::size_t>(members[k].size(), 12);
      for (std::size_t i = 0; i < shown; ++i) text += (i ? ", " : "") + members[k][i];
      if (members[k].size() > shown)
        text += ", … (" + std::to_string(members[k].size()) + " regions)";
    }
    const Node* links = root_.find("links");
    c_.error(links ? *links : root_, "links",
             "the theater graph is not connected; add links joining these " +
                 std::to_string(count) + " components:" + text);
  }
  // Where each side can act from: its units' start and entry regions and its own territory.
  std::array<std::vector<char>, kSides> present{std::vector<char>(count, 0),
                                                std::vector<char>(count, 0)};
  for (const auto& r : s_.regions)
    present[r.initial_control][component[&r - s_.regions.data()]] = 1;
  for (const auto& u : s_.units) {
    const RegionId r = u.start != kNone ? u.start : u.arrival.entry;
    if (r != kNone) present[u.side][component[r]] = 1;
  }
  for (std::size_t i = 0; i < s_.objectives.size(); ++i) {
    const Objective& o = s_.objectives[i];
    const std::string path = item_path("objectives", *objective_nodes_[i], i);
    const std::string& side_name = s_.sides[o.side].id;
    for (const RegionId r : o.regions)
      if (!present[o.side][component[r]])
        c_.error(*objective_nodes_[i], path,
                 "objective unreachable for " + side_name + ": region '" + s_.regions[r].id +
                     "' is cut off from every " + side_name + " unit and region");
    if (o.kind == Objective::Kind::Connect && !o.from.empty() && !o.to.empty()) {
      bool joined = false;
      for (const RegionId a : o.from)
        for (const RegionId b : o.to)
          joined = joined || (component[a] == component[b] && present[o.side][component[a]]);
      if (!joined)
        c_.error(*objective_nodes_[i], path,
                 "objective unreachable for " + side_name +
                     ": no land path joins its from: and to: regions");
    }
  }
}

}  // namespace flank::loader_detail
