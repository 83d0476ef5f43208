#pragma once
// The compiled, immutable Scenario: everything a campaign needs, names resolved to dense
// integer ids, shared read-only by every thread (see DESIGN.md §2, STYLE.md "model and data
// apart"). It is produced by compile() from a loaded ScenarioSpec (scenario/loader.hpp) and
// never changes afterwards. Per-replication randomness is described here (Distribution) and
// drawn by the engine from streams keyed by (seed, replication, purpose).
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "flank/core/rng.hpp"

namespace flank {

using SideId = std::uint8_t;  // 0 = red (attacker by convention), 1 = blue
using NationId = std::uint16_t;
using RegionId = std::uint16_t;
using LinkId = std::uint16_t;
using UnitId = std::uint16_t;
using UnitTypeId = std::uint16_t;
using EquipmentId = std::uint16_t;
using ObjectiveId = std::uint16_t;
inline constexpr std::uint16_t kNone = std::numeric_limits<std::uint16_t>::max();
inline constexpr int kSides = 2;
inline constexpr SideId kRed = 0;
inline constexpr SideId kBlue = 1;

enum class Terrain : std::uint8_t { Open, Mixed, Forest, Marsh, Urban, Lakes, Count };
enum class RoadClass : std::uint8_t { Motorway, Primary, Secondary, Minor, Track, Count };
enum class UnitCategory : std::uint8_t {
  Armoured,
  Mechanised,
  Motorised,
  LightInfantry,
  Airborne,
  Artillery,
  RocketArtillery,
  AirDefence,
  Territorial,
  Count
};
// Dupuy postures; the defender's posture multiplies its power.
enum class Posture : std::uint8_t { Attack, Hasty, Prepared, Fortified, Delay, Withdrawal, Count };
// What a defence in a region amounts to, from force-to-space and time in place (docs/model.md
// "Posture"). A region's own works are given on the same scale (None = no works).
enum class DefenceClass : std::uint8_t { Screen, Hasty, Prepared, Fortified, Count };
enum class Fortification : std::uint8_t { None, Prepared, Fortified, Count };

// A per-replication random quantity. Fixed values are Distribution{Kind::Fixed, v}.
struct Distribution {
  enum class Kind : std::uint8_t { Fixed, Uniform, Triangular, Normal, Lognormal };
  Kind kind = Kind::Fixed;
  // Fixed: a. Uniform: [a, b]. Triangular: min a, mode b, max c. Normal: mean a, sd b.
  // Lognormal: median a, log-sd b. Every kind is then clamped to [lo, hi].
  double a = 0, b = 0, c = 0;
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();

  static Distribution fixed(double v) { return {Kind::Fixed, v}; }
  double sample(RandomStream& rng) const;
  double mean() const;  // of the unclamped distribution; used for summaries and scaling
};

struct Side {
  std::string id;    // "red" / "blue"
  std::string name;  // "Russia and Belarus", "NATO"
};

struct Nation {
  std::string id;  // ISO-like code: PL, LT, LV, BY, RU, WG (Wagner), US, DE, UK, CA, ...
  std::string name;
  SideId side = kRed;
};

struct Region {
  std::string id, name;
  std::string country;  // ISO code of the country the region lies in (PL, LT, LV, BY, RU)
  double lat = 0, lon = 0;
  Terrain terrain = Terrain::Mixed;
  bool urban = false;
  double objective_value = 0;  // weight in territory scores
  SideId initial_control = kBlue;
  // Front a defender must cover, km; 0 = derived (docs/model.md "Posture": the mean length of
  // the region's links, or a city's footprint when urban).
  double frontage_km = 0;
  Fortification fortification = Fortification::None;  // works in place at the start
  std::vector<LinkId> links;                          // incident links
};

struct Link {
  RegionId a = kNone, b = kNone;
  double length_km = 0;  // geodesic centre-to-centre (GeographicLib) × road sinuosity
  RoadClass road = RoadClass::Secondary;
  bool rail = false;
  std::string river;      // river crossed on this link, "" if none (Neman, Neris, Narew, Bug)
  double throughput = 0;  // brigades per day that can use the link
  RegionId other(RegionId r) const { return r == a ? b : a; }
};

struct EquipmentType {
  std::string id;    // tank, ifv, apc, tube, mlrs, atgm, sam ...
  double score = 0;  // combat-power score per item (WEI/WUV-style)
};

struct UnitType {
  std::string id;
  UnitCategory category = UnitCategory::Mechanised;
  double road_march_kmh = 0;   // on a motorway, unopposed
  double offroad_factor = 0;   // multiplier on march speed when the link has no road class
  double advance_factor = 1;   // multiplier on combat advance rate
  double personnel_score = 0;  // combat-power score per soldier
  bool tracked = false;
};

struct Arrival {
  RegionId entry = kNone;
  double earliest_hour = 0;     // from campaign start
  bool after_decision = false;  // the delay counts from the side's political decision
  Distribution delay_hours;     // added to earliest_hour (or to the decision hour)
};

struct Unit {
  std::string id, name;
  SideId side = kRed;
  NationId nation = 0;
  UnitTypeId type = 0;
  Distribution personnel;         // drawn once per replication
  std::vector<double> equipment;  // dense by EquipmentId, at the mean personnel
  double cev = 1;                 // combat effectiveness value (quality, experience)
  double readiness_hours = 0;     // from decision to movable
  double supply = 1;              // initial supply state in [0, 1]
  double morale = 1;              // initial morale in [0, 1]
  RegionId start = kNone;         // kNone when the unit arrives by schedule
  Arrival arrival;
  bool main_reinforcement = false;  // counts for "reinforcements arrived before X fell"
  double cost = 0;                  // for the posture planner (arbitrary units, e.g. M EUR/yr)
  std::string axis;                 // doctrine axis id the unit is assigned to, "" = any
  double base_power = 0;            // equipment·score + personnel·score at mean personnel
};

struct Objective {
  enum class Kind : std::uint8_t { Capture, Connect };
  std::string id, name;
  SideId side = kRed;  // side that tries to achieve it
  Kind kind = Kind::Capture;
  std::vector<RegionId> regions;   // Capture: all must be controlled by `side`
  std::vector<RegionId> from, to;  // Connect: a land path of `side`-controlled regions
  double value = 1;
};

struct Axis {
  std::string id;
  SideId side = kRed;
  std::vector<RegionId> path;  // ordered regions from start line to objective
  double weight = 1;           // share of uncommitted units sent along it
};

struct SideDoctrine {
  std::vector<Axis> axes;
  double commit_ratio = 1.5;         // attack only when local force ratio ≥ this
  double halt_loss_fraction = 0.5;   // stop offensive operations past this share of losses
  double break_loss_fraction = 0.4;  // a unit withdraws past this loss fraction (breakpoint)
  double counterattack_ratio = 2.0;  // defender counterattacks at ≥ this local ratio
  Posture defence_posture = Posture::Hasty;
  bool needs_decision = false;  // may not leave own territory before the political decision
  // Once decided, reserves may strike enemy forces one region beyond the own border (into
  // enemy land). Off: they only retake own land, whatever the decision.
  bool counterattack_across_border = true;
  // Reallocation: a free axis unit whose axis is done, or has not moved its front for this
  // long, joins the open axis whose estimate beats its own by reallocate_gain (docs/model.md
  // "Reallocation"; QJM: an engagement lasts at most five days before it goes holding).
  double reallocate_after_hours = 120;
  double reallocate_gain = 1.5;
  Distribution decision_delay_hours;  // hours from campaign start to the side's decision
  // Regions the side's supply is traced from (ports, railheads, the home country's interior).
  // Empty: every region of one of the side's own countries, as before this key existed.
  std::vector<RegionId> supply_sources;
};

struct EscalationRule {
  enum class Kind : std::uint8_t {
    EntersCountry,   // a unit of `side` enters a region whose country is in `countries`
    Isolated,        // `regions` cut off over land from `from` (e.g. Kaliningrad isolated)
    LossesAbove,     // `side` lost more than `threshold` of its initial power
    ObjectiveTaken,  // objective `objective` achieved
  };
  std::string id, name;
  Kind kind = Kind::EntersCountry;
  SideId side = kBlue;
  std::vector<std::string> countries;
  std::vector<RegionId> regions, from;
  double threshold = 0;
  ObjectiveId objective = kNone;
  double probability = 0;  // chance the flag is raised when the condition first holds
};

struct AirParams {
  double sorties_per_day = 0;
  double cas_share = 0.5;             // the rest goes to interdiction
  double power_per_sortie = 0;        // combat power added per close-support sortie in a battle
  double interdiction_slow = 0;       // march-speed loss per interdiction sortie on a link
  double interdiction_attrition = 0;  // strength fraction lost per interdiction sortie
};

// The operational layer: posture from force-to-space, advance through a defended region,
// overrun, exploitation, river crossings and isolation (docs/model.md "Operational
// resolution"). Defaults: screen_density, prepared_density, advance_kmday (hasty, prepared,
// fortified), overrun_ratio, exploitation_kmday and the displacement constants are fitted on
// the campaign cases of advance_rates.csv (docs/validation.md §9, `flank validate campaigns --fit
// data/calibration/operations-grid.yaml`); the others are the priors named in docs/model.md.
struct OperationalParams {
  // Force-to-space, men per km of frontage.
  double screen_density = 75;    // below: a screen, whatever the time in place
  double prepared_density = 75;  // below: no prepared defence without works
  // Hours in place to prepare at the reference density of 1,000 men/km; at density ρ it takes
  // prepared_hours × 1000 / min(ρ, preparation_density_cap) (QJM: 5 days at 1 m of front per
  // man or less, 10 days at 2 m).
  double prepared_hours = 120;
  // Preparation is no faster above this density (QJM: 5 days at 1 m of front per man or less,
  // research survey §1.3 item 6); 0: no floor (prepared_hours × 1000 / ρ at any density).
  double preparation_density_cap = 1000;
  double fortify_time_factor = 3;  // fortifying takes this many times longer than preparing
  double urban_frontage_km = 10;   // a city's footprint when the region gives no frontage
  // Advance through a defended region, km/day at modified force ratio 1 for advance_factor 1,
  // by DefenceClass; × min(R, ratio_cap)^ratio_exponent, none below stall_ratio.
  std::array<double, static_cast<int>(DefenceClass::Count)> advance_kmday{8, 16, 0.25, 0.01};
  double ratio_exponent = 1.5;
  double ratio_cap = 6;
  double stall_ratio = 0.75;
  // Overrun: at a modified ratio >= overrun_ratio against a screen or hasty defence outside a
  // city the attacker moves at the exploitation rate, and on taking the region captures this
  // share of the defenders' remaining strength; the rest retreat broken.
  double overrun_ratio = 3;
  double overrun_capture_fraction = 0.3;
  // Displacement: defenders an assault pushes out of a region lose this share of their strength
  // as prisoners in the pursuit, and on reaching the region they fall back to are disorganised
  // for reform_hours: they add nothing to its density or time in place, and fight at
  // disorganised_power_factor of their power (docs/model.md "Displacement"). Fitted on the
  // campaign cases; 0 / 0 / 1 turns it off.
  double displaced_capture_fraction = 0.25;
  double reform_hours = 72;
  double disorganised_power_factor = 0.5;
  // Exploitation through undefended enemy land: km/day for advance_factor 1, falling with days
  // of continuous advance, and at most the column's march speed on the link (road class,
  // terrain) for exploitation_march_hours a day.
  double exploitation_kmday = 240;
  double exploitation_fatigue_per_day = 0.1;  // rate × 1 / (1 + fatigue × days advancing)
  double exploitation_march_hours = 10;
  double rest_hours = 12;  // a halt this long resets the fatigue clock
  // A river on the link: the bridge is taken intact with this probability, else the attack
  // waits crossing_delay_hours (assault crossing, bridging) before it advances.
  double bridge_intact_probability = 0.3;
  double crossing_delay_hours = 24;
  // Isolation: a unit with no supply path draws an endurance (lognormal, days), longer in a
  // city and more spread for a thin defence; on expiry it surrenders isolated_surrender_fraction
  // of its strength and the rest tries to break out.
  double endurance_median_days = 7;
  double endurance_sigma = 0.3;
  double urban_endurance_factor = 2;
  double low_density_sigma_factor = 2;
  double isolated_surrender_fraction = 0.5;
  // Bypass (docs/model.md "Bypass and masking"): an axis goes round a defended city or
  // fortified region that is not one of its side's objectives when it can leave a containing
  // force of mask_ratio × the defenders' power and still commit past it; 0: never bypass.
  double mask_ratio = 1;
  // Engagement noise is drawn once per engagement and redrawn every noise_hours of model time,
  // so that the answer does not depend on the step length.
  double noise_hours = 24;
};

struct Parameters {
  double step_hours = 1;
  double horizon_days = 30;
  std::array<double, static_cast<int>(Posture::Count)> posture_factor{1.0, 1.3, 1.5,
                                                                      1.6, 1.2, 1.15};
  std::array<double, static_cast<int>(Terrain::Count)> terrain_defence{1, 1, 1, 1, 1, 1};
  std::array<double, static_cast<int>(Terrain::Count)> terrain_advance{1, 1, 1, 1, 1, 1};
  std::array<double, static_cast<int>(Terrain::Count)> terrain_movement{1, 1, 1, 1, 1, 1};
  std::array<double, static_cast<int>(RoadClass::Count)> road_speed{1, 0.9, 0.7, 0.5, 0.3};
  double river_crossing_factor = 1.5;  // defender multiplier when the attack crosses a river
  double surprise_factor = 1.0;        // attacker multiplier during the surprise window
  double surprise_hours = 0;
  double out_of_supply_factor = 0.5;  // power multiplier for units cut off from supply
  double supply_recovery_per_day = 0.5;
  double supply_loss_per_day = 0.25;
  double noise_sigma = 0.2;            // lognormal spread of per-battle outcomes
  std::string combat_model = "dupuy";  // name understood by combat::make_model
  std::array<AirParams, kSides> air{};
  std::array<double, kSides> air_defence_factor{1,
                                                1};  // fraction of enemy sorties that get through
  std::string cost_units;  // what Unit::cost counts, e.g. "M EUR/yr" (for reports)
  OperationalParams ops;
};

// One entry of the scenario's `sources:` list; `source:` fields cite these by id.
struct SourceRef {
  std::string id, text, url;
};

struct Scenario {
  std::string id, name, description;
  std::string start_date;  // ISO 8601, the campaign's hour 0
  std::string source_file;
  std::uint64_t hash = 0;  // of the canonical resolved document; ties results to their input
  std::array<Side, kSides> sides;
  std::vector<Nation> nations;
  std::vector<Region> regions;
  std::vector<Link> links;
  std::vector<EquipmentType> equipment;
  std::vector<UnitType> unit_types;
  std::vector<Unit> units;
  std::vector<Objective> objectives;
  std::array<SideDoctrine, kSides> doctrine;
  std::vector<EscalationRule> escalation;
  Parameters params;
  std::vector<SourceRef> sources;

  // Precomputed by compute_routes: all-pairs shortest path (km over links) and next hop,
  // row-major [from][to]; and the same over each side's own land only (regions it holds at the
  // start), kNone where own land does not connect the two.
  std::vector<float> dist_km;
  std::vector<RegionId> next_hop;
  std::array<std::vector<RegionId>, kSides> own_next_hop;
  float distance(RegionId a, RegionId b) const { return dist_km[a * regions.size() + b]; }
  RegionId hop(RegionId a, RegionId b) const { return next_hop[a * regions.size() + b]; }
  RegionId own_hop(SideId side, RegionId a, RegionId b) const {
    return own_next_hop[side][a * regions.size() + b];
  }

  RegionId find_region(std::string_view id) const;  // kNone when absent (never in hot loops)
  UnitId find_unit(std::string_view id) const;
  int steps() const { return static_cast<int>(params.horizon_days * 24 / params.step_hours + 0.5); }
};

// Fills dist_km, next_hop and own_next_hop from regions and links (Dijkstra from every region).
void compute_routes(Scenario& scenario);

const char* to_string(Terrain);
const char* to_string(RoadClass);
const char* to_string(UnitCategory);
const char* to_string(Posture);
const char* to_string(DefenceClass);
const char* to_string(Fortification);
// Parse helpers return false on unknown names (the loader turns that into a diagnostic).
bool parse(std::string_view, Terrain&);
bool parse(std::string_view, RoadClass&);
bool parse(std::string_view, UnitCategory&);
bool parse(std::string_view, Posture&);
bool parse(std::string_view, DefenceClass&);
bool parse(std::string_view, Fortification&);

}  // namespace flank
