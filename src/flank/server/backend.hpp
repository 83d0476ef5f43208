#pragma once
// The Backend of the HTTP API on the real library: built-in scenarios only (a request never
// names a file on this machine), compiled scenarios cached, Monte Carlo runs with progress,
// single replications replayed for the timeline, sweeps read from a results store.
#include <memory>
#include <string>

#include "flank/mc/runner.hpp"
#include "flank/server/api.hpp"

namespace flank::server {

struct LibraryBackendOptions {
  std::string store_path;  // "" = no store: GET /api/sweeps answers an empty list
  int threads = 0;         // per simulation; 0 = all hardware threads
};

std::shared_ptr<Backend> make_library_backend(const LibraryBackendOptions& options);

// Shared with `flank report`.
nlohmann::json summary_json(const mc::Summary& summary);
nlohmann::json timeline_json(const Scenario& scenario, std::uint64_t seed,
                             std::uint64_t replication);
// Studies of a results store in the shape documented in docs/viewer.md ("flank-sweeps-1").
nlohmann::json sweeps_json(const std::string& store_path);

}  // namespace flank::server
