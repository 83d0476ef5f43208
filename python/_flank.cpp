// The compiled half of the Python module `flank` (python/flank/__init__.py is the other): thin
// bindings over libflank that hand back JSON text and NumPy columns, so every number Python
// sees is the one the CLI writes. Long work runs on its own thread while the calling Python
// thread waits without the GIL, delivering progress and turning Ctrl-C into cancellation.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <thread>

#include "flank/analysis/design.hpp"
#include "flank/analysis/replications.hpp"
#include "flank/analysis/study_export.hpp"
#include "flank/analysis/sweep.hpp"
#include "flank/campaign/engine.hpp"
#include "flank/combat/combat.hpp"
#include "flank/core/error.hpp"
#include "flank/mc/runner.hpp"
#include "flank/report/geojson.hpp"
#include "flank/report/report.hpp"
#include "flank/scenario/loader.hpp"
#include "flank/server/scenario_info.hpp"
#include "flank/store/store.hpp"

namespace py = pybind11;
using namespace flank;

namespace {

struct PyScenario {
  std::shared_ptr<const Scenario> scenario;
  std::string ref;
  std::vector<std::string> overrides;
};

// Shared between the worker and the waiting Python thread.
struct Progress {
  std::atomic<bool> cancel{false};
  std::atomic<std::uint64_t> done{0}, total{0};
};

// Runs work() on a new thread. The Python thread sleeps without the GIL, waking every 50 ms to
// call progress(done, total) when it moved and to check for signals: Python delivers them to
// the main thread only, so a KeyboardInterrupt there sets `cancel`, which the runner polls
// between replications, and is re-raised once the worker has stopped.
template <class Work>
void run_interruptible(Progress& state, const py::object& progress, Work work) {
  std::exception_ptr error, callback_error;
  std::atomic<bool> finished{false};
  bool interrupted = false;
  {
    py::gil_scoped_release release;
    std::thread worker([&] {
      try {
        work();
      } catch (...) {
        error = std::current_exception();
      }
      finished = true;
    });
    std::uint64_t reported = ~std::uint64_t{0};
    for (;;) {
      const bool last = finished.load();
      if (!last) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      py::gil_scoped_acquire acquire;
      const std::uint64_t done = state.done.load();
      if (!progress.is_none() && done != reported && !state.cancel) {
        reported = done;
        try {
          progress(done, state.total.load());
        } catch (...) {
          callback_error = std::current_exception();  // a failing callback stops the run
          state.cancel = true;
        }
      }
      if (!state.cancel && PyErr_CheckSignals() != 0) {
        interrupted = true;
        state.cancel = true;
      }
      if (last) break;
    }
    worker.join();
  }
  if (interrupted) throw py::error_already_set();
  if (callback_error) std::rethrow_exception(callback_error);
  if (error) std::rethrow_exception(error);
}

py::list columns_to_python(const std::vector<analysis::Column>& columns) {
  py::list out;
  for (const auto& c : columns) {
    py::array_t<double> values(static_cast<py::ssize_t>(c.values.size()));
    std::copy(c.values.begin(), c.values.end(), values.mutable_data());
    out.append(py::make_tuple(c.name, analysis::to_string(c.type), values));
  }
  return out;
}

PyScenario load(const std::string& ref, const std::vector<std::string>& overrides) {
  LoadOptions options;
  options.overrides = overrides;
  return {std::make_shared<const Scenario>(load_scenario(ref, options)), ref, overrides};
}

py::dict run(const PyScenario& s, std::uint64_t n, std::uint64_t seed, int threads,
             const std::string& combat, const py::object& progress) {
  if (n == 0)
    throw InputError(Diagnostic{{}, "n", "the number of replications must be at least 1"});
  if (threads < 0)
    throw InputError(Diagnostic{{}, "threads", "the thread count must be 0 (all) or more"});
  combat::make_model(combat.empty() ? s.scenario->params.combat_model : combat);
  Progress state;
  state.total = n;
  mc::RunConfig config;
  config.seed = seed;
  config.replications = n;
  config.threads = threads;
  config.combat_model = combat;
  config.progress = [&](std::uint64_t done, std::uint64_t) { state.done = done; };
  config.cancelled = [&] { return state.cancel.load(std::memory_order_relaxed); };
  std::vector<Outcome> outcomes;
  outcomes.reserve(n);
  config.on_outcome = [&](const Outcome& o) { outcomes.push_back(o); };
  mc::Summary summary;
  run_interruptible(state, progress, [&] { summary = mc::run(*s.scenario, config); });
  const auto info = report::current_run_info(summary);
  py::dict out;
  // As `flank run --json` writes it, overrides included (the module's test compares the two).
  nlohmann::json summary_doc = report::summary_json(summary, info);
  report::record_overrides(summary_doc, s.overrides);
  out["summary"] = summary_doc.dump();
  out["columns"] =
      columns_to_python(analysis::replication_table(analysis::layout_of(*s.scenario), outcomes));
  return out;
}

std::string timeline(const PyScenario& s, std::uint64_t seed, std::uint64_t rep,
                     const std::string& combat, bool geojson) {
  campaign::Timeline tl;
  Outcome outcome;
  {
    py::gil_scoped_release release;
    campaign::Engine engine(*s.scenario, combat);
    engine.run(seed, rep, outcome, &tl);
  }
  if (geojson) return report::timeline_geojson(*s.scenario, seed, rep, tl).dump();
  return report::timeline_json(*s.scenario, seed, rep, tl, outcome).dump();
}

std::int64_t sweep(const std::string& design_ref, const std::string& store_path,
                   std::optional<std::uint64_t> n, std::optional<std::uint64_t> seed,
                   std::optional<std::uint64_t> chunk, int threads, bool resume,
                   const py::object& progress) {
  const analysis::Design design = analysis::load_design(design_ref);
  analysis::SweepOptions options;
  options.replications = n.value_or(design.replications);
  options.seed = seed.value_or(design.seed);
  options.chunk = chunk.value_or(design.chunk);
  options.resume = resume;
  if (options.replications == 0 || options.chunk == 0)
    throw InputError(Diagnostic{{}, "n", "replications and chunk must be at least 1"});
  store::Store db(store_path);
  auto model = analysis::make_engine_model(threads);
  analysis::Sweep sw(design, db, *model, options);
  const auto units = sw.pending();
  Progress state;
  state.total = units.size();
  run_interruptible(state, progress, [&] {
    // Cancelled between chunks: every stored chunk is whole, so `resume=True` continues.
    for (const auto& unit : units) {
      if (state.cancel) return;
      sw.store(unit, sw.compute(unit));
      ++state.done;
    }
    sw.finish();
  });
  return sw.study_id();
}

py::list studies(const std::string& path) {
  store::Store db(path, store::Access::Read);  // reading: a read-only store works
  py::list out;
  for (const auto& s : db.studies()) {
    py::dict d;
    d["id"] = s.id;
    d["name"] = s.name;
    d["kind"] = s.kind;
    d["scenario"] = s.scenario;
    d["scenario_hash"] = s.scenario_hash;
    d["seed"] = s.seed;
    d["replications"] = s.replications;
    d["status"] = s.status;
    d["created"] = s.created;
    d["outputs"] = s.outputs;
    out.append(d);
  }
  return out;
}

py::list points(const std::string& path, std::int64_t study) {
  store::Store db(path, store::Access::Read);  // reading: a read-only store works
  py::list out;
  for (const auto& p : db.points(study)) {
    py::dict d;
    d["point"] = p.index;
    d["scenario"] = p.scenario;
    d["role"] = p.role;
    d["overrides"] = p.overrides;
    d["factors"] = p.factors;
    d["status"] = p.status;
    out.append(d);
  }
  return out;
}

void check_study(store::Store& db, const std::string& path, std::int64_t study) {
  if (!db.study(study))
    throw InputError(Diagnostic{{path, 0, 0}, "study", "no study " + std::to_string(study)});
}

}  // namespace

PYBIND11_MODULE(_flank, m) {
  m.doc() = "flank's compiled core; use the `flank` package, not this module";
  // Bad input (a scenario error naming file, line and field) is a ValueError, as the CLI's
  // exit status 2 is distinct from a failure.
  py::register_exception<InputError>(m, "InputError", PyExc_ValueError);
  py::register_exception<mc::Cancelled>(m, "Cancelled", PyExc_RuntimeError);

  py::class_<PyScenario>(m, "Scenario")
      .def_property_readonly("id", [](const PyScenario& s) { return s.scenario->id; })
      .def_property_readonly("name", [](const PyScenario& s) { return s.scenario->name; })
      .def_property_readonly("hash",
                             [](const PyScenario& s) { return report::hex64(s.scenario->hash); })
      .def_property_readonly("ref", [](const PyScenario& s) { return s.ref; })
      .def_property_readonly("overrides", [](const PyScenario& s) { return s.overrides; })
      .def("info_json",
           [](const PyScenario& s) {
             return server::scenario_info(*s.scenario, s.ref, s.overrides).dump();
           })
      .def("document_json",
           [](const PyScenario& s) {
             LoadOptions o;
             o.overrides = s.overrides;
             return server::yaml_text_to_json(resolved_yaml(s.ref, o)).dump();
           })
      .def("geojson",
           [](const PyScenario& s) { return report::scenario_geojson(*s.scenario).dump(); })
      .def("run", &run, py::arg("n"), py::arg("seed"), py::arg("threads"), py::arg("combat"),
           py::arg("progress"))
      .def("timeline", &timeline, py::arg("seed"), py::arg("replication"), py::arg("combat"),
           py::arg("geojson"));
  m.def("load", &load, py::arg("ref"), py::arg("overrides"));
  m.def("builtins", [] {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& b : builtin_scenarios()) out.emplace_back("builtin:" + b.id, b.name);
    return out;
  });
  m.def("sweep", &sweep, py::arg("design"), py::arg("store"), py::arg("n"), py::arg("seed"),
        py::arg("chunk"), py::arg("threads"), py::arg("resume"), py::arg("progress"));
  m.def("studies", &studies, py::arg("store"));
  m.def("points", &points, py::arg("store"), py::arg("study"));
  m.def(
      "study_replications",
      [](const std::string& path, std::int64_t study) {
        store::Store db(path, store::Access::Read);  // reading: a read-only store works
        check_study(db, path, study);
        return columns_to_python(analysis::study_replications(db, study));
      },
      py::arg("store"), py::arg("study"));
  m.def(
      "study_json",
      [](const std::string& path, std::int64_t study) {
        store::Store db(path, store::Access::Read);  // reading: a read-only store works
        check_study(db, path, study);
        return analysis::export_json(db, study);
      },
      py::arg("store"), py::arg("study"));
  m.def(
      "study_csv",
      [](const std::string& path, std::int64_t study) {
        store::Store db(path, store::Access::Read);  // reading: a read-only store works
        check_study(db, path, study);
        return analysis::export_csv(db, study);
      },
      py::arg("store"), py::arg("study"));
}
