#include "flank/server/scenario_info.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdio>

#include "flank/core/embedded.hpp"
#include "flank/scenario/loader.hpp"

namespace flank::server {
namespace {

using nlohmann::json;

json scalar_to_json(const std::string& s) {
  if (s == "true") return true;
  if (s == "false") return false;
  if (s == "null" || s == "~") return nullptr;
  double d = 0;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, d);
  if (ec == std::errc() && ptr == end && !s.empty()) return d;
  return s;
}

json node_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return scalar_to_json(node.Scalar());
    case YAML::NodeType::Sequence: {
      json a = json::array();
      for (const auto& item : node) a.push_back(node_to_json(item));
      return a;
    }
    case YAML::NodeType::Map: {
      json o = json::object();
      for (const auto& kv : node) o[kv.first.as<std::string>()] = node_to_json(kv.second);
      return o;
    }
    default:
      return nullptr;
  }
}

// Every `source:` whose text names an assumption, with where it sits ("units[by-6-mech]").
void collect_assumptions(const YAML::Node& node, const std::string& path, json& out) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>();
      const std::string child = path.empty() ? key : path + "." + key;
      if (key == "source" && kv.second.IsScalar()) {
        const std::string text = kv.second.Scalar();
        if (text.find("assumption") != std::string::npos)
          out.push_back({{"path", path}, {"text", text}});
      } else {
        collect_assumptions(kv.second, child, out);
      }
    }
  } else if (node.IsSequence()) {
    std::size_t i = 0;
    for (const auto& item : node) {
      std::string label = std::to_string(i);
      if (item.IsMap() && item["id"] && item["id"].IsScalar())
        label = item["id"].Scalar();
      else if (item.IsMap() && item["from"] && item["to"] && item["from"].IsScalar() &&
               item["to"].IsScalar())
        label = item["from"].Scalar() + "-" + item["to"].Scalar();
      collect_assumptions(item, path + "[" + label + "]", out);
      ++i;
    }
  }
}

json sources_by_id(const YAML::Node& list) {
  json out = json::object();
  if (!list || !list.IsSequence()) return out;
  for (const auto& item : list)
    if (item.IsMap() && item["id"] && item["source"] && item["source"].IsScalar())
      out[item["id"].as<std::string>()] = item["source"].Scalar();
  return out;
}

std::string hex16(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

json yaml_text_to_json(std::string_view yaml) {
  return node_to_json(YAML::Load(std::string(yaml)));
}

json scenario_info(const Scenario& scenario, std::string_view ref,
                   const std::vector<std::string>& overrides) {
  json info{{"id", scenario.id},
            {"name", scenario.name},
            {"description", scenario.description},
            {"start", scenario.start_date},
            {"hash", hex16(scenario.hash)},
            {"combat_model", scenario.params.combat_model},
            {"overrides", overrides},
            {"counts",
             {{"regions", scenario.regions.size()},
              {"links", scenario.links.size()},
              {"units", scenario.units.size()},
              {"objectives", scenario.objectives.size()},
              {"escalation rules", scenario.escalation.size()},
              {"horizon (days)", scenario.params.horizon_days}}}};
  json sources = json::array();
  for (const auto& s : scenario.sources)
    sources.push_back({{"id", s.id}, {"text", s.text}, {"url", s.url}});
  info["sources"] = std::move(sources);
  json objectives = json::array();
  for (const auto& o : scenario.objectives) objectives.push_back({{"id", o.id}, {"name", o.name}});
  info["objectives"] = std::move(objectives);

  // Per-item sources and assumptions live in the document, not in the compiled Scenario.
  LoadOptions options;
  options.overrides = overrides;
  const YAML::Node doc = YAML::Load(resolved_yaml(ref, options));
  info["region_sources"] = sources_by_id(doc["regions"]);
  info["unit_sources"] = sources_by_id(doc["units"]);
  json link_sources = json::object();
  if (doc["links"] && doc["links"].IsSequence())
    for (const auto& l : doc["links"])
      if (l.IsMap() && l["from"] && l["to"] && l["source"] && l["source"].IsScalar())
        link_sources[l["from"].as<std::string>() + "|" + l["to"].as<std::string>()] =
            l["source"].Scalar();
  info["link_sources"] = std::move(link_sources);
  json assumptions = json::array();
  collect_assumptions(doc, "", assumptions);
  info["assumptions"] = std::move(assumptions);
  if (doc["parameters"]) info["parameters"] = node_to_json(doc["parameters"]);
  return info;
}

json validation_summary(std::string_view combat_model) {
  const std::string path = "data/calibration/" + std::string(combat_model) + ".yaml";
  auto text = embedded_file(path);
  if (!text) return nullptr;
  json out = yaml_text_to_json(*text);
  if (out.is_object()) out["file"] = path;
  return out;
}

}  // namespace flank::server
