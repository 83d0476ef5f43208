// Phase 3 of a step (docs/model.md "One step"): supply over held regions from the side's
// supply sources (each unit with no path is marked cut off for isolation.cpp), and the
// connectivity test (connected) that connect objectives and isolation rules also use.
#include <algorithm>
#include <vector>

#include "flank/campaign/stepper.hpp"

namespace flank::campaign {

void Stepper::supply() {
  if (m.supply_dirty)
    for (int side = 0; side < kSides; ++side) {
      static const std::vector<RegionId> kNoSources;
      bfs(static_cast<SideId>(side), kNoSources, false);
      for (int r = 0; r < m.R; ++r) s.supplied[idx(side, r, m.R)] = m.visited[r];
    }
  m.supply_dirty = false;
  const double up = p().supply_recovery_per_day * m.dt / 24.0;
  const double down = p().supply_loss_per_day * m.dt / 24.0;
  int cut_off = 0;
  for (int u = 0; u < m.U; ++u) {
    auto& unit = s.units[u];
    if (!alive(unit.status)) continue;
    const SideId side = m.us[u].side;
    bool ok = s.supplied[idx(side, unit.region, m.R)];
    if (!ok && control(unit.region) != side)  // attacking: supplied through a held neighbour
      for (std::uint32_t k = m.adj_begin[unit.region]; k < m.adj_begin[unit.region + 1]; ++k)
        ok = ok || s.supplied[idx(side, m.adj_region[k], m.R)];
    unit.supply = ok ? std::min(1.0, unit.supply + up) : std::max(0.0, unit.supply - down);
    unit.cut_off = !ok;
    cut_off += !ok;
  }
  m.cut_off_units = cut_off;
}

void Stepper::bfs(SideId side, const std::vector<RegionId>& sources_list, bool use_sources_list) {
  std::fill(m.visited.begin(), m.visited.end(), 0);
  int head = 0, tail = 0;
  if (use_sources_list) {
    for (RegionId r : sources_list)
      if (control(r) == side && !m.visited[r]) m.visited[r] = 1, m.queue[tail++] = r;
  } else {
    for (int r = 0; r < m.R; ++r)
      if (control(r) == side && m.supply_source[idx(side, r, m.R)])
        m.visited[r] = 1, m.queue[tail++] = static_cast<RegionId>(r);
  }
  while (head < tail) {
    const RegionId r = m.queue[head++];
    for (std::uint32_t k = m.adj_begin[r]; k < m.adj_begin[r + 1]; ++k) {
      const RegionId n = m.adj_region[k];
      if (!m.visited[n] && control(n) == side) m.visited[n] = 1, m.queue[tail++] = n;
    }
  }
}

bool Stepper::connected(SideId side, const std::vector<RegionId>& from,
                        const std::vector<RegionId>& to) {
  bfs(side, from, true);
  for (RegionId r : to)
    if (m.visited[r]) return true;
  return false;
}

}  // namespace flank::campaign
