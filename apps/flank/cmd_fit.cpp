// `flank fit SERIES.csv`: fits the Lanchester kernels to a daily two-sided series by least
// squares on daily casualties and compares them by AIC/BIC (src/flank/combat/fit.hpp).
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command.hpp"
#include "flank/combat/fit.hpp"
#include "flank/core/error.hpp"
#include "flank/history/csv.hpp"

namespace {

using flank::combat::Estimate;
using flank::combat::KernelFit;
using flank::combat::LawKind;

std::string fmt_estimate(const Estimate& e) {
  if (e.fixed) return std::to_string(static_cast<int>(e.value)) + " (fixed)";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g ± %.2g", e.value, e.se);
  return buf;
}

nlohmann::json estimate_json(const Estimate& e) {
  nlohmann::json j{{"value", e.value}, {"fixed", e.fixed}};
  if (!e.fixed) j["se"] = std::isfinite(e.se) ? nlohmann::json(e.se) : nlohmann::json(nullptr);
  return j;
}

struct Options {
  std::string file;
  std::string model = "all";
  std::string phase_column;
  bool json = false;
  bool markdown = false;
};

int run(const Options& o) {
  std::vector<LawKind> kinds;
  if (o.model == "all") {
    kinds = {LawKind::Square, LawKind::Linear, LawKind::Logarithmic, LawKind::Helmbold};
  } else {
    LawKind k;
    if (!flank::combat::parse(o.model, k))
      throw flank::InputError(flank::Diagnostic{
          {}, "--model", "unknown model '" + o.model + "' (all, square, linear, log, helmbold)"});
    kinds = {k};
  }
  const auto table = flank::history::CsvTable::load(o.file);
  const auto series = flank::history::read_daily_series(table, o.phase_column);
  std::vector<KernelFit> fits;
  for (LawKind k : kinds) fits.push_back(flank::combat::fit_kernel(series, k));
  // Finite extremes (1e308) made every coefficient -nan and constant columns made ± nan
  // standard errors, yet a "best" model was printed with exit 0: refuse such data instead.
  for (const auto& f : fits) {
    std::string bad;
    if (!std::isfinite(f.aic) || !std::isfinite(f.log_likelihood)) bad = "likelihood";
    for (int s = 0; s < 2 && bad.empty(); ++s)
      for (const auto* e : {&f.side[s].coefficient, &f.side[s].own_exponent,
                            &f.side[s].enemy_exponent, &f.side[s].phase_factor}) {
        if ((e == &f.side[s].phase_factor && !f.side[s].has_phase) || !bad.empty()) continue;
        if (!std::isfinite(e->value))
          bad = "estimate";
        else if (!e->fixed && !std::isfinite(e->se))
          bad = "standard error";
      }
    if (!bad.empty())
      throw flank::InputError(flank::Diagnostic{
          {o.file, 0, 0},
          "",
          std::string("the ") + std::string(flank::combat::to_string(f.kind)) + " law's " + bad +
              " is not a finite number: the series cannot be fitted (values too extreme, "
              "or columns that do not vary)"});
  }
  std::size_t best = 0;
  for (std::size_t i = 1; i < fits.size(); ++i)
    if (fits[i].aic < fits[best].aic) best = i;
  std::size_t second = best;
  for (std::size_t i = 0; i < fits.size(); ++i)
    if (i != best && (second == best || fits[i].aic < fits[second].aic)) second = i;

  if (o.json) {
    nlohmann::json j;
    j["file"] = series.file;
    j["days"] = series.size();
    j["skipped_rows"] = series.skipped_rows;
    j["sides"] = {series.side[0], series.side[1]};
    j["phase_column"] = o.phase_column;
    j["form"] = "C_k = c * S_k^p * S_j^q * phi^phase (daily casualties of side k)";
    for (const auto& f : fits) {
      nlohmann::json m{{"model", flank::combat::to_string(f.kind)},
                       {"parameters", f.parameters},
                       {"log_likelihood", f.log_likelihood},
                       {"aic", f.aic},
                       {"bic", f.bic},
                       {"delta_aic", f.aic - fits[best].aic}};
      for (int s = 0; s < 2; ++s) {
        const auto& sf = f.side[s];
        nlohmann::json js{{"side", series.side[s]},
                          {"coefficient", estimate_json(sf.coefficient)},
                          {"own_exponent", estimate_json(sf.own_exponent)},
                          {"enemy_exponent", estimate_json(sf.enemy_exponent)},
                          {"sse", sf.sse},
                          {"rmse", sf.rmse},
                          {"converged", sf.converged}};
        if (sf.has_phase) js["phase_factor"] = estimate_json(sf.phase_factor);
        m["sides"].push_back(js);
      }
      j["models"].push_back(m);
    }
    j["best"] = flank::combat::to_string(fits[best].kind);
    if (second != best) {
      j["runner_up"] = flank::combat::to_string(fits[second].kind);
      j["delta_aic_runner_up"] = fits[second].aic - fits[best].aic;
    }
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }

  const bool md = o.markdown;
  if (!md) {
    std::printf("flank fit: %s — %zu days, sides %s and %s", series.file.c_str(), series.size(),
                series.side[0].c_str(), series.side[1].c_str());
    if (!o.phase_column.empty()) std::printf(", phase column %s", o.phase_column.c_str());
    if (series.skipped_rows) std::printf(" (%d incomplete rows skipped)", series.skipped_rows);
    std::printf(
        "\nform: C_k,i = c·S_k,i^p·S_j,i^q%s (side k's casualties on day i; least squares)\n\n",
        o.phase_column.empty() ? "" : "·φ^phase");
  }
  const char* sep = md ? " | " : "  ";
  if (md) {
    std::printf("| model | losses of | c (± se) | p own (± se) | q enemy (± se) |%s RMSE/day |\n",
                o.phase_column.empty() ? "" : " φ phase (± se) |");
    std::printf("|---|---|---|---|---|%s---|\n", o.phase_column.empty() ? "" : "---|");
  } else {
    std::printf("%-9s %-10s %-22s %-18s %-18s %s%s\n", "model", "losses of", "c (± se)",
                "p own (± se)", "q enemy (± se)",
                o.phase_column.empty() ? "" : "φ phase (± se)     ", "RMSE/day");
  }
  for (const auto& f : fits) {
    for (int s = 0; s < 2; ++s) {
      const auto& sf = f.side[s];
      const std::string phase = sf.has_phase ? fmt_estimate(sf.phase_factor) : "";
      if (md)
        std::printf(
            "| %s | %s | %s | %s | %s |%s%s%.0f |\n", std::string(to_string(f.kind)).c_str(),
            series.side[s].c_str(), fmt_estimate(sf.coefficient).c_str(),
            fmt_estimate(sf.own_exponent).c_str(), fmt_estimate(sf.enemy_exponent).c_str(),
            sf.has_phase ? (" " + phase + " |").c_str() : "", sf.has_phase ? " " : " ", sf.rmse);
      else
        std::printf("%-9s %-10s %-22s %-18s %-18s %-19s%.0f%s\n",
                    std::string(to_string(f.kind)).c_str(), series.side[s].c_str(),
                    fmt_estimate(sf.coefficient).c_str(), fmt_estimate(sf.own_exponent).c_str(),
                    fmt_estimate(sf.enemy_exponent).c_str(), phase.c_str(), sf.rmse,
                    sf.converged ? "" : "  (not converged)");
    }
  }
  std::printf("\n");
  if (md) {
    std::printf(
        "| model | parameters | log-likelihood | AIC | BIC | ΔAIC |\n|---|---|---|---|---|---|\n");
  } else {
    std::printf("%-9s %10s %15s %10s %10s %8s\n", "model", "parameters", "log-likelihood", "AIC",
                "BIC", "ΔAIC");
  }
  for (const auto& f : fits) {
    if (md)
      std::printf("| %s | %d | %.1f | %.1f | %.1f | %.1f |\n",
                  std::string(to_string(f.kind)).c_str(), f.parameters, f.log_likelihood, f.aic,
                  f.bic, f.aic - fits[best].aic);
    else
      std::printf("%-9s %10d %15.1f %10.1f %10.1f %8.1f\n", std::string(to_string(f.kind)).c_str(),
                  f.parameters, f.log_likelihood, f.aic, f.bic, f.aic - fits[best].aic);
  }
  (void)sep;
  if (second != best) {
    const double delta = fits[second].aic - fits[best].aic;
    std::printf("\n%sBest by AIC: %s; runner-up %s at ΔAIC = %.1f (%s).\n", md ? "" : "",
                std::string(to_string(fits[best].kind)).c_str(),
                std::string(to_string(fits[second].kind)).c_str(), delta,
                delta > 10  ? "decisive"
                : delta > 4 ? "considerably less support for the runner-up"
                : delta > 2 ? "some support for the runner-up"
                            : "indistinguishable");
  }
  // The classical laws among themselves: the general form's exponents are often not
  // identified when strengths vary little, so say which fixed law fits best too.
  std::size_t best_fixed = fits.size(), second_fixed = fits.size();
  for (std::size_t i = 0; i < fits.size(); ++i) {
    if (fits[i].kind == LawKind::Helmbold) continue;
    if (best_fixed == fits.size() || fits[i].aic < fits[best_fixed].aic) {
      second_fixed = best_fixed;
      best_fixed = i;
    } else if (second_fixed == fits.size() || fits[i].aic < fits[second_fixed].aic) {
      second_fixed = i;
    }
  }
  if (second_fixed < fits.size() && fits[best].kind == LawKind::Helmbold)
    std::printf("Among the fixed-exponent laws: %s, then %s at ΔAIC = %.1f.\n",
                std::string(to_string(fits[best_fixed].kind)).c_str(),
                std::string(to_string(fits[second_fixed].kind)).c_str(),
                fits[second_fixed].aic - fits[best_fixed].aic);
  for (const auto& f : fits)
    if (f.kind == LawKind::Helmbold)
      for (int s = 0; s < 2; ++s)
        if (!(f.side[s].own_exponent.se < 1) || !(f.side[s].enemy_exponent.se < 1))
          std::printf(
              "Note: the Helmbold exponents for the losses of %s are not identified (standard "
              "error ≥ 1): the strengths vary too little in this series.\n",
              series.side[s].c_str());
  return 0;
}

flank::cli::Register reg{
    {"fit", [](CLI::App& app) {
       auto o = std::make_shared<Options>();
       auto* sub = app.add_subcommand(
           "fit", "Fit Lanchester kernels to a daily series (least squares on daily casualties)");
       sub->add_option("series", o->file,
                       "CSV with day, <side>_strength/forces_<side> and "
                       "<side>_casualties/casualties_<side> for two sides")
           ->required();
       sub->add_option("--model", o->model, "all, square, linear, log or helmbold")
           ->capture_default_str();
       sub->add_option("--phase-column", o->phase_column,
                       "0/1 column whose days get their own coefficient multiplier");
       sub->add_flag("--json", o->json, "Print JSON");
       sub->add_flag("--markdown", o->markdown, "Print Markdown tables");
       return [o] { return run(*o); };
     }}};

}  // namespace
