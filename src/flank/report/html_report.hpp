#pragma once
// `flank report`: one self-contained HTML file with the viewer (its built JavaScript and CSS,
// the Natural Earth borders inside them) and the data inlined. A Content-Security-Policy
// forbids every network request, so the file opens from file:// anywhere, offline, and lets
// only the viewer's own script run (by its SHA-256, computed when the viewer is built).
#include <nlohmann/json.hpp>
#include <string>

namespace flank::report {

struct HtmlReportData {
  std::string title;
  nlohmann::json summary;     // docs/formats.md §1
  nlohmann::json timeline;    // docs/formats.md §3 (one replication), or null
  nlohmann::json scenario;    // server::scenario_info(): sources, assumptions
  nlohmann::json validation;  // server::validation_summary(), or null
  nlohmann::json sweeps;      // optional, as GET /api/sweeps
  nlohmann::json games;       // optional: `flank game --json` documents (game_json.hpp)
  std::string generated;      // when, for the reader (ISO 8601)
};

// Throws std::runtime_error when the viewer was not built into this binary (FLANK_WEB=OFF).
std::string html_report(const HtmlReportData& data);

// Writes html_report(data) to a temporary file beside `path` and renames it, so `path` is
// either the old file or the complete new one.
void write_html_report(const std::string& path, const HtmlReportData& data);

}  // namespace flank::report
