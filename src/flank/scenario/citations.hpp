#pragma once
// How a `source:` text cites the top-level `sources:` list: tokens of capitals followed by
// digits (S12, W4), delimited by anything but letters, digits, '-' and '_' (so T-72 and
// M1A2 are one token each and not citations). The loader checks citations with these; tests
// that audit scenario files read them the same way.
#include <string>
#include <string_view>
#include <vector>

namespace flank {

// The capitals of a citation-shaped token ("W" for "W12"), or "" when it is not one.
std::string citation_prefix(std::string_view token);

// Every citation-shaped token of a source text, in order. Whether one is a citation depends
// on the scenario: its prefix must be S or that of a declared source id.
std::vector<std::string> citation_tokens(std::string_view text);

}  // namespace flank
