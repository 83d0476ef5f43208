#pragma once
// The built viewer (web/dist) compiled into the binary by the top-level CMakeLists.txt; an
// empty table when it was built with FLANK_WEB=OFF or without npm.
#include <optional>
#include <span>
#include <string_view>

#include "flank/core/embedded.hpp"

namespace flank {

std::span<const EmbeddedFile> web_files();

// `relative` is a path under web/dist, e.g. "index.html" or "assets/app.js".
inline std::optional<std::string_view> web_file(std::string_view relative) {
  constexpr std::string_view kPrefix = "web/dist/";
  for (const auto& f : web_files())
    if (f.path.size() == kPrefix.size() + relative.size() && f.path.starts_with(kPrefix) &&
        f.path.substr(kPrefix.size()) == relative)
      return f.data;
  return std::nullopt;
}

}  // namespace flank
