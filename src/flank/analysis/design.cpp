#include "flank/analysis/design.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "flank/analysis/sensitivity.hpp"
#include "flank/core/bounded_read.hpp"
#include "flank/core/embedded.hpp"
#include "flank/core/parse.hpp"
#include "flank/core/rng.hpp"
#include "flank/scenario/document.hpp"

namespace flank::analysis {
namespace {

using doc::Node;

std::string format_number(double v, bool integer) {
  if (integer) return fmt::format("{}", static_cast<long long>(std::llround(v)));
  return fmt::format("{}", v);
}

class Parser {
 public:
  Parser(const std::string& file, DiagnosticSink& sink) : file_(file), sink_(sink) {}

  void error(const Node& at, const std::string& path, const std::string& message) {
    sink_.add(at.where, path, message);
  }

  bool number(const Node& n, const std::string& path, double& out) {
    if (!n.is_scalar() || n.quoted || !parse_finite(n.scalar, out)) {
      error(n, path, "expected a number");
      return false;
    }
    return true;
  }

  // Counts are bounded (flank/core/parse.hpp): `points: 4294967297` was cast to int and ran 1.
  bool count(const Node& n, const std::string& path, std::uint64_t lo, std::uint64_t& out,
             std::uint64_t hi = kMaxDesignPoints) {
    double v = 0;
    if (!number(n, path, v)) return false;
    if (const std::string why = check_count_value(v, lo, hi); !why.empty()) {
      error(n, path, why);
      return false;
    }
    out = static_cast<std::uint64_t>(v);
    return true;
  }

  std::string string(const Node& n, const std::string& path) {
    if (!n.is_scalar()) {
      error(n, path, "expected a string");
      return {};
    }
    return n.scalar;
  }

  std::string scenario_ref(const Node& n, const std::string& path) {
    std::string ref = string(n, path);
    if (ref.empty() || ref.starts_with("builtin:")) return ref;
    namespace fs = std::filesystem;
    const fs::path p(ref);
    if (p.is_absolute()) return ref;
    const fs::path beside = fs::path(file_).parent_path() / p;
    if (!file_.starts_with("builtin:") && fs::exists(beside)) return beside.lexically_normal();
    return ref;
  }

  Factor factor(const Node& n, const std::string& path) {
    Factor f;
    f.where = n.where;
    if (!n.is_map()) {
      error(n, path, "expected a map {path: ..., levels: [...]} or {path: ..., range: [lo, hi]}");
      return f;
    }
    bool has_base = false;
    for (const auto& e : n.map) {
      const std::string p = path + "." + e.key;
      if (e.key == "path") {
        f.path = string(e.value, p);
      } else if (e.key == "label" || e.key == "name") {
        f.label = string(e.value, p);
      } else if (e.key == "levels") {
        if (!e.value.is_seq() || e.value.seq.empty()) {
          error(e.value, p, "expected a non-empty list of values");
          continue;
        }
        for (std::size_t i = 0; i < e.value.seq.size(); ++i) {
          const Node& level = e.value.seq[i];
          std::string text = level.is_scalar() ? level.scalar : doc::to_yaml(level);
          while (!text.empty() && text.back() == '\n') text.pop_back();
          if (!level.is_scalar()) {
            // Flow style keeps the override on one line.
            std::replace(text.begin(), text.end(), '\n', ' ');
          }
          double v = 0;
          f.levels.push_back(text);
          f.level_numbers.push_back(
              level.is_scalar() && parse_finite(level.scalar, v) ? v : static_cast<double>(i));
        }
      } else if (e.key == "range") {
        if (!e.value.is_seq() || e.value.seq.size() != 2) {
          error(e.value, p, "expected [lo, hi]");
          continue;
        }
        f.has_range =
            number(e.value.seq[0], p + "[0]", f.lo) && number(e.value.seq[1], p + "[1]", f.hi);
        if (f.has_range && !(f.lo < f.hi)) error(e.value, p, "expected lo < hi");
      } else if (e.key == "integer") {
        if (!e.value.is_scalar() || (e.value.scalar != "true" && e.value.scalar != "false"))
          error(e.value, p, "expected true or false");
        f.integer = e.value.scalar == "true";
      } else if (e.key == "steps") {
        std::uint64_t s = 0;
        if (count(e.value, p, 2, s)) f.steps = static_cast<int>(s);
      } else if (e.key == "base") {
        has_base = number(e.value, p, f.base);
      } else {
        error(e.value, p,
              "unknown key (expected path, label, levels, range, integer, steps, base)");
      }
    }
    if (f.path.empty()) error(n, path + ".path", "a factor needs a scenario path");
    if (f.path.find('=') != std::string::npos)
      error(n, path + ".path", "path must not contain '='");
    if (f.levels.empty() == !f.has_range)
      error(n, path, "give exactly one of levels: [...] and range: [lo, hi]");
    if (f.label.empty()) f.label = f.path;
    if (!has_base)
      f.base = f.has_range ? (f.integer ? std::round((f.lo + f.hi) / 2) : (f.lo + f.hi) / 2)
                           : static_cast<double>(f.levels.size() / 2);
    return f;
  }

 private:
  const std::string& file_;
  DiagnosticSink& sink_;
};

}  // namespace

std::pair<std::string, double> Factor::at_value(double v) const {
  if (integer) v = std::round(v);
  return {format_number(v, integer), v};
}

std::pair<std::string, double> Factor::at_level(std::size_t i) const {
  return {levels.at(i), level_numbers.at(i)};
}

std::pair<std::string, double> Factor::at_unit(double u) const {
  if (has_range) {
    if (integer) {
      // Each whole number in [lo, hi] gets an equal share of the unit interval.
      const double v = std::floor(std::ceil(lo) + u * (std::floor(hi) - std::ceil(lo) + 1));
      return at_value(std::min(v, std::floor(hi)));
    }
    return at_value(lo + u * (hi - lo));
  }
  const auto i =
      std::min(levels.size() - 1, static_cast<std::size_t>(u * static_cast<double>(levels.size())));
  return at_level(i);
}

std::pair<std::string, double> Factor::base_setting() const {
  if (has_range) return at_value(base);
  return at_level(std::min(levels.size() - 1, static_cast<std::size_t>(base)));
}
std::pair<std::string, double> Factor::low_setting() const {
  return has_range ? at_value(lo) : at_level(0);
}
std::pair<std::string, double> Factor::high_setting() const {
  return has_range ? at_value(hi) : at_level(levels.size() - 1);
}

const char* to_string(DesignKind k) {
  switch (k) {
    case DesignKind::FullFactorial:
      return "full_factorial";
    case DesignKind::LatinHypercube:
      return "latin_hypercube";
    case DesignKind::Saltelli:
      return "saltelli";
  }
  return "?";
}

Design parse_design(std::string_view text, const std::string& file) {
  DiagnosticSink sink;
  const Node root = doc::parse(text, file, sink);
  sink.throw_if_any();
  Design d;
  d.file = file;
  d.text = std::string(text);
  d.name = std::filesystem::path(file).stem().string();
  Parser p(file, sink);
  if (!root.is_map()) {
    sink.add(root.where, "", "a design is a map (study, scenario, design, factors, outputs)");
    sink.throw_if_any();
  }
  const Node* design_node = nullptr;
  for (const auto& e : root.map) {
    const std::string& key = e.key;
    const Node& v = e.value;
    if (key == "study" || key == "id") {
      d.name = p.string(v, key);
    } else if (key == "name" || key == "description") {
      d.description = p.string(v, key);
    } else if (key == "scenario") {
      d.scenario = p.scenario_ref(v, key);
    } else if (key == "design") {
      design_node = &v;
    } else if (key == "factors") {
      if (!v.is_seq()) {
        p.error(v, key, "expected a list of factors");
        continue;
      }
      for (std::size_t i = 0; i < v.seq.size(); ++i)
        d.factors.push_back(p.factor(v.seq[i], fmt::format("factors[{}]", i)));
    } else if (key == "variants") {
      if (!v.is_seq()) {
        p.error(v, key, "expected a list of scenario refs");
        continue;
      }
      for (std::size_t i = 0; i < v.seq.size(); ++i)
        d.variants.push_back(p.scenario_ref(v.seq[i], fmt::format("variants[{}]", i)));
    } else if (key == "outputs") {
      if (!v.is_seq() || v.seq.empty()) {
        p.error(v, key, "expected a non-empty list of metric names");
        continue;
      }
      for (std::size_t i = 0; i < v.seq.size(); ++i) {
        const std::string path = fmt::format("outputs[{}]", i);
        const std::string name = p.string(v.seq[i], path);
        try {
          d.outputs.push_back(parse_metric(name));
          d.output_where.push_back(v.seq[i].where);
        } catch (const std::invalid_argument& ex) {
          p.error(v.seq[i], path, ex.what());
        }
      }
    } else if (key == "replications") {
      p.count(v, key, 1, d.replications, kMaxReplications);
    } else if (key == "seed") {
      p.count(v, key, 0, d.seed, kMaxSeed);
    } else if (key == "chunk") {
      p.count(v, key, 1, d.chunk, kMaxReplications);
    } else {
      p.error(v, key,
              "unknown key (expected study, name, description, scenario, design, factors, "
              "variants, outputs, replications, seed, chunk)");
    }
  }
  if (d.outputs.empty() && !root.find("outputs"))
    sink.add(root.where, "outputs", "a design needs outputs: [metric, ...]");

  if (design_node) {
    const Node& v = *design_node;
    std::string kind;
    if (v.is_scalar()) {
      kind = v.scalar;
    } else if (v.is_map()) {
      for (const auto& e : v.map) {
        const std::string path = "design." + e.key;
        std::uint64_t n = 0;
        if (e.key == "kind") {
          kind = p.string(e.value, path);
        } else if (e.key == "points") {
          if (p.count(e.value, path, 1, n)) d.points = static_cast<int>(n);
        } else if (e.key == "base_samples") {
          if (p.count(e.value, path, 2, n)) d.base_samples = static_cast<int>(n);
        } else if (e.key == "tornado") {
          if (e.value.is_scalar() && (e.value.scalar == "true" || e.value.scalar == "false"))
            d.tornado = e.value.scalar == "true";
          else
            p.error(e.value, path, "expected true or false");
        } else {
          p.error(e.value, path, "unknown key (expected kind, points, base_samples, tornado)");
        }
      }
    }
    if (kind == "full_factorial") {
      d.kind = DesignKind::FullFactorial;
    } else if (kind == "latin_hypercube") {
      d.kind = DesignKind::LatinHypercube;
      if (d.points <= 0) p.error(v, "design.points", "latin_hypercube needs points: K");
    } else if (kind == "saltelli") {
      d.kind = DesignKind::Saltelli;
      if (d.base_samples <= 0) p.error(v, "design.base_samples", "saltelli needs base_samples: N");
      if (d.factors.empty() || d.factors.size() > 8)
        p.error(v, "design", "saltelli needs 1 to 8 factors");
      if (!d.variants.empty()) p.error(v, "design", "saltelli designs cannot also list variants");
    } else {
      p.error(v, "design", "expected full_factorial, latin_hypercube or saltelli");
    }
  } else if (!d.factors.empty()) {
    sink.add(root.where, "design",
             "factors need a design: full_factorial, latin_hypercube or saltelli");
  }
  sink.throw_if_any();
  return d;
}

Design load_design(const std::string& ref) {
  if (ref.starts_with("builtin:")) {
    const std::string path = "scenarios/designs/" + ref.substr(8) + ".yaml";
    const auto data = embedded_file(path);
    if (!data) throw InputError(Diagnostic{{ref, 0, 0}, "", "no built-in design " + path});
    return parse_design(*data, ref);
  }
  return parse_design(read_bounded_file(ref, kMaxInputFileBytes, "the design file"), ref);
}

namespace {

// a * b, or `cap` + 1 when that is more than `cap` (no overflow).
std::uint64_t times(std::uint64_t a, std::uint64_t b, std::uint64_t cap) {
  if (a == 0 || b == 0) return 0;
  return a > cap / b ? cap + 1 : a * b;
}

}  // namespace

std::uint64_t point_count(const Design& d) {
  constexpr std::uint64_t cap = kMaxDesignPoints;
  const std::uint64_t k = d.factors.size();
  std::uint64_t settings = 1;
  if (k == 0) {
    settings = 1;
  } else if (d.kind == DesignKind::FullFactorial) {
    for (const Factor& f : d.factors) {
      const std::uint64_t levels = f.has_range ? static_cast<std::uint64_t>(std::max(f.steps, 1))
                                               : std::max<std::uint64_t>(f.levels.size(), 1);
      settings = times(settings, levels, cap);
    }
  } else if (d.kind == DesignKind::LatinHypercube) {
    settings = static_cast<std::uint64_t>(std::max(d.points, 0));
  } else {
    settings = times(static_cast<std::uint64_t>(std::max(d.base_samples, 0)), k + 2, cap);
    if (d.tornado) settings = std::min(settings + 2 * k + 1, cap + 1);
  }
  return times(settings, 1 + d.variants.size(), cap);
}

void check_study_size(const Design& d, std::uint64_t replications, std::uint64_t chunk) {
  const SourceLocation where{d.file, 0, 0};
  const std::uint64_t points = point_count(d);
  if (points > kMaxDesignPoints)
    throw InputError(Diagnostic{
        where, "design",
        fmt::format("the design has more than {} points with its variants (the limit); use "
                    "fewer levels, steps or variants",
                    kMaxDesignPoints)});
  if (times(points, replications, kMaxStudyReplications) > kMaxStudyReplications)
    throw InputError(Diagnostic{
        where, "replications",
        fmt::format("{} points × {} replications is more than {} replications in one study (the "
                    "limit); use fewer points or replications",
                    points, replications, kMaxStudyReplications)});
  const std::uint64_t per_point =
      chunk == 0 ? 0 : replications / chunk + (replications % chunk != 0);
  if (times(points, per_point, kMaxStudyChunks) > kMaxStudyChunks)
    throw InputError(Diagnostic{
        where, "chunk",
        fmt::format("{} points × {} chunks of {} replications is more than {} chunks in one study "
                    "(the limit); use larger chunks (--chunk)",
                    points, per_point, chunk, kMaxStudyChunks)});
}

std::vector<DesignPoint> expand(const Design& d) {
  const std::size_t k = d.factors.size();
  // Factor settings of each design point (override text, numeric value), scenario-independent.
  struct Setting {
    std::vector<std::pair<std::string, double>> values;
    std::string role;
  };
  std::vector<Setting> settings;
  // The number of points, checked before anything is expanded (a large full factorial grew
  // until bad_alloc, and variants multiplied a design at the limit past it).
  if (point_count(d) > kMaxDesignPoints)
    throw InputError(Diagnostic{
        {d.file, 0, 0},
        "design",
        fmt::format("the design has more than {} points with its variants (the limit); use "
                    "fewer levels, steps or variants",
                    kMaxDesignPoints)});
  if (k == 0) {
    settings.push_back({{}, "design"});
  } else if (d.kind == DesignKind::FullFactorial) {
    std::vector<std::vector<std::pair<std::string, double>>> levels(k);
    for (std::size_t i = 0; i < k; ++i) {
      const Factor& f = d.factors[i];
      if (f.has_range) {
        for (int s = 0; s < f.steps; ++s)
          levels[i].push_back(f.at_value(f.lo + (f.hi - f.lo) * s / (f.steps - 1)));
      } else {
        for (std::size_t l = 0; l < f.levels.size(); ++l) levels[i].push_back(f.at_level(l));
      }
    }
    std::vector<std::size_t> idx(k, 0);
    while (true) {
      Setting s{{}, "design"};
      for (std::size_t i = 0; i < k; ++i) s.values.push_back(levels[i][idx[i]]);
      settings.push_back(std::move(s));
      std::size_t i = k;
      while (i > 0 && ++idx[i - 1] == levels[i - 1].size()) idx[--i] = 0;
      if (i == 0) break;
    }
  } else if (d.kind == DesignKind::LatinHypercube) {
    // One stratum per point and factor, strata shuffled independently per factor.
    RandomStream rng(d.seed, 1, Purpose::Analysis);
    const auto n = static_cast<std::size_t>(d.points);
    std::vector<std::vector<double>> unit(n, std::vector<double>(k));
    std::vector<std::size_t> perm(n);
    for (std::size_t i = 0; i < k; ++i) {
      for (std::size_t j = 0; j < n; ++j) perm[j] = j;
      for (std::size_t j = n; j > 1; --j)
        std::swap(perm[j - 1],
                  perm[static_cast<std::size_t>(rng.uniform() * static_cast<double>(j))]);
      for (std::size_t j = 0; j < n; ++j)
        unit[j][i] = (static_cast<double>(perm[j]) + rng.uniform()) / static_cast<double>(n);
    }
    for (const auto& row : unit) {
      Setting s{{}, "design"};
      for (std::size_t i = 0; i < k; ++i) s.values.push_back(d.factors[i].at_unit(row[i]));
      settings.push_back(std::move(s));
    }
  } else {
    for (const auto& row : saltelli_sample(static_cast<int>(k), d.base_samples)) {
      Setting s{{}, "saltelli"};
      for (std::size_t i = 0; i < k; ++i) s.values.push_back(d.factors[i].at_unit(row[i]));
      settings.push_back(std::move(s));
    }
    if (d.tornado) {
      Setting base{{}, "tornado-base"};
      for (const auto& f : d.factors) base.values.push_back(f.base_setting());
      settings.push_back(base);
      for (std::size_t i = 0; i < k; ++i) {
        Setting low = base, high = base;
        low.values[i] = d.factors[i].low_setting();
        high.values[i] = d.factors[i].high_setting();
        low.role = fmt::format("tornado-low:{}", i);
        high.role = fmt::format("tornado-high:{}", i);
        settings.push_back(std::move(low));
        settings.push_back(std::move(high));
      }
    }
  }

  std::vector<std::string> scenarios{d.scenario};
  scenarios.insert(scenarios.end(), d.variants.begin(), d.variants.end());
  std::vector<DesignPoint> points;
  for (std::size_t s = 0; s < scenarios.size(); ++s) {
    for (const auto& setting : settings) {
      DesignPoint p;
      p.index = points.size();
      p.scenario = scenarios[s];
      p.role = k == 0 ? (s == 0 ? "baseline" : "variant") : setting.role;
      for (std::size_t i = 0; i < k; ++i) {
        p.overrides.push_back(d.factors[i].path + "=" + setting.values[i].first);
        p.factors.push_back(setting.values[i].second);
      }
      points.push_back(std::move(p));
    }
  }
  return points;
}

}  // namespace flank::analysis
