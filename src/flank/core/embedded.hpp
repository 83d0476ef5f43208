#pragma once
// Files compiled into the binary (scenarios/, data/, the built viewer) so that `flank` runs
// from any folder without an install tree.
#include <optional>
#include <span>
#include <string_view>

namespace flank {

struct EmbeddedFile {
  std::string_view
      path;  // relative to the repository root, e.g. "scenarios/eastern-flank-2023.yaml"
  std::string_view data;
};

std::span<const EmbeddedFile> embedded_files();

inline std::optional<std::string_view> embedded_file(std::string_view path) {
  for (const auto& f : embedded_files())
    if (f.path == path) return f.data;
  return std::nullopt;
}

}  // namespace flank
