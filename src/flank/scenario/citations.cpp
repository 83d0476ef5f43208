#include "flank/scenario/citations.hpp"

#include <cctype>

namespace flank {

std::string citation_prefix(std::string_view token) {
  std::size_t letters = 0;
  while (letters < token.size() && token[letters] >= 'A' && token[letters] <= 'Z') ++letters;
  if (letters == 0 || letters == token.size()) return {};
  for (std::size_t i = letters; i < token.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(token[i]))) return {};
  return std::string(token.substr(0, letters));
}

std::vector<std::string> citation_tokens(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !std::isalnum(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t end = i;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) ||
                                 text[end] == '-' || text[end] == '_'))
      ++end;
    const std::string_view token = text.substr(i, end - i);
    i = end;
    if (!citation_prefix(token).empty()) out.emplace_back(token);
  }
  return out;
}

}  // namespace flank
