#include "flank/scenario/loader.hpp"

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

namespace flank {
namespace loader_detail {

std::uint16_t Compiler::ref(const Node& n, const std::string& path, const IdMap& ids,
                            std::string_view what) {
  std::string text;
  if (!c_.string(n, path, text)) return kNone;
  if (const auto it = ids.find(text); it != ids.end()) return it->second;
  std::vector<std::string> names;
  names.reserve(ids.size());
  for (const auto& [name, index] : ids) names.push_back(name);
  std::sort(names.begin(), names.end());
  c_.error(n, path, "unknown " + std::string(what) + " '" + text + "'" + did_you_mean(text, names));
  return kNone;
}

std::uint16_t Compiler::ref(Fields& f, std::string_view key, const IdMap& ids,
                            std::string_view what, bool required) {
  const Node* n = required ? f.require(key) : f.get(key);
  if (!n || n->is_null()) return kNone;
  return ref(*n, f.at(key), ids, what);
}

std::vector<RegionId> Compiler::region_list(Fields& f, std::string_view key, bool required) {
  std::vector<RegionId> out;
  const Node* n = required ? f.require(key) : f.get(key);
  if (!n) return out;
  if (!n->is_seq()) {
    c_.error(*n, f.at(key), "expected a list of region ids, got " + describe(*n));
    return out;
  }
  if (required && n->seq.empty()) c_.error(*n, f.at(key), "must name at least one region");
  for (std::size_t i = 0; i < n->seq.size(); ++i) {
    const RegionId r =
        ref(n->seq[i], f.at(key) + "[" + std::to_string(i) + "]", region_ids_, "region");
    if (r != kNone) out.push_back(r);
  }
  return out;
}

SideId Compiler::side(Fields& f, std::string_view key, SideId fallback, bool required) {
  const std::uint16_t id = ref(f, key, side_ids_, "side", required);
  return id == kNone ? fallback : static_cast<SideId>(id);
}

void Compiler::source(Fields& f, bool required) {
  const Node* n = required ? f.require("source",
                                       "every number from the world needs a source; "
                                       "use \"assumption: <why>\" for modelling choices")
                           : f.get("source");
  if (!n) return;
  std::string text;
  if (!c_.string(*n, f.at("source"), text)) return;
  const auto blank = std::all_of(text.begin(), text.end(), [](char ch) {
    return std::isspace(static_cast<unsigned char>(ch));
  });
  if (blank) {
    c_.error(*n, f.at("source"), "source is empty");
    return;
  }
  // Citations: tokens <capitals><digits> whose prefix is S or that of a declared id (W12).
  for (const std::string& token : citation_tokens(text)) {
    if (source_ids_.count(token) || !citation_prefixes_.count(citation_prefix(token))) continue;
    c_.error(*n, f.at("source"),
             "cites source " + token + ", which is not declared in the top-level sources: list");
  }
}

void Compiler::top_level(Fields& f) {
  if (const Node* v = f.require("flank", "the format version, 1")) {
    double version = 0;
    if (c_.number(*v, "flank", Range::Any, version) && version != 1)
      c_.error(*v, "flank", "this build reads format version 1, not " + v->scalar);
  }
  s_.id = f.required_string("id");
  if (const Node* id = f.get("id"); id && id->is_scalar()) {
    const bool ok = !s_.id.empty() && std::all_of(s_.id.begin(), s_.id.end(), [](char ch) {
      return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
    });
    if (!ok) c_.error(*id, "id", "scenario ids use only a-z, 0-9 and '-', got '" + s_.id + "'");
  }
  s_.name = f.required_string("name");
  s_.description = f.string("description");
  s_.start_date = f.string("start");
  if (const Node* start = f.get("start"); start && start->is_scalar()) {
    if (!valid_iso8601(s_.start_date))
      c_.error(*start, "start", "expected an ISO 8601 date such as 2023-07-15T00:00:00Z");
  }
}

void Compiler::finish_compiled() {
  for (const auto& l : s_.links) {
    const LinkId id = static_cast<LinkId>(&l - s_.links.data());
    s_.regions[l.a].links.push_back(id);
    s_.regions[l.b].links.push_back(id);
  }
  compute_routes(s_);
  for (auto& u : s_.units) u.base_power = unit_power(s_, u, u.personnel.mean());
}

Scenario Compiler::run() {
  Fields top(c_, root_, "");
  if (!top.ok()) c_.sink.throw_if_any();
  top_level(top);
  sources(top.get("sources"));
  sides(top.require("sides"));
  nations(top.require("nations"));
  equipment(top.get("equipment"));
  unit_types(top.require("unit_types"));
  regions(top.require("regions"));
  links(top.get("links"));
  doctrine(top.get("doctrine"));
  units(top.require("units"));
  objectives(top.get("objectives"));
  escalation(top.get("escalation"));
  parameters(top.require("parameters"));
  top.finish();
  if (s_.regions.empty() && root_.find("regions"))
    c_.error(*root_.find("regions"), "regions", "at least one region is needed");
  graph_checks();
  c_.sink.throw_if_any();
  finish_compiled();
  s_.hash = doc::fnv1a64(doc::canonical(root_));
  return std::move(s_);
}

Text text_for_ref(std::string_view ref) {
  Text text;
  std::string why;
  const std::string resolved =
      ref.empty() ? "builtin:" + std::string(kDefaultScenario) : std::string(ref);
  if (!read_ref(resolved, nullptr, text, why))
    throw InputError(Diagnostic{{resolved, 0, 0}, "", why});
  return text;
}

Scenario compile_text(const Text& text, const LoadOptions& options) {
  const Node root = resolve_document(text, options);
  Scenario s = Compiler(root).run();
  s.source_file = text.label;
  return s;
}

}  // namespace loader_detail

using loader_detail::compile_text;
using loader_detail::Compiler;
using loader_detail::Node;
using loader_detail::resolve_document;
using loader_detail::Text;
using loader_detail::text_for_ref;

Scenario load_scenario(std::string_view ref, const LoadOptions& options) {
  return compile_text(text_for_ref(ref), options);
}

Scenario load_scenario_text(std::string_view yaml, std::string_view file_name,
                            const LoadOptions& options) {
  Text text;
  text.label = std::string(file_name);
  text.key = "file:" + text.label;
  text.dir = std::filesystem::path(text.label).parent_path().string();
  if (text.dir.empty()) text.dir = ".";
  text.text = std::string(yaml);
  return compile_text(text, options);
}

std::string resolved_yaml(std::string_view ref, const LoadOptions& options) {
  const Text text = text_for_ref(ref);
  const Node root = resolve_document(text, options);
  Compiler(root).run();  // validated like a load, so a dump is never of a broken document
  return doc::to_yaml(root);
}

std::vector<BuiltinInfo> builtin_scenarios() {
  return loader_detail::builtin_list();
}

}  // namespace flank
