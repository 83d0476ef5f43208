#pragma once
// "Did you mean" for mistyped subcommands and flags. CLI11 reports `flank runn` only as "a
// subcommand is required" and `run --sed 3` as an unexpected argument; after a parse error the
// words it could not place are still in each App's remaining(), so we compare those with the
// names the App knows instead of parsing the command line a second time.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flank::cli {

// Optimal string alignment distance (Levenshtein plus adjacent transpositions, so "shwo" is one
// edit from "show").
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[n][m];
}

// The candidates closest to `word` within a distance that grows with its length (1 for up to
// 4 characters, 2 up to 8, then 3), nearest first; empty when none is that close.
inline std::vector<std::string> closest(std::string_view word,
                                        const std::vector<std::string>& candidates) {
  const std::size_t limit = word.size() <= 4 ? 1 : word.size() <= 8 ? 2 : 3;
  std::vector<std::pair<std::size_t, std::string>> near;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d <= limit) near.emplace_back(d, c);
  }
  std::stable_sort(near.begin(), near.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (auto& [d, c] : near)
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  return out;
}

// One line per word the parse left unplaced, e.g. "flank: unknown subcommand 'runn'; did you
// mean 'run'?", for the App that was parsing when `app.parse` threw. Empty when nothing was
// left over (the error was of another kind).
std::vector<std::string> suggestions(CLI::App& app);

}  // namespace flank::cli
