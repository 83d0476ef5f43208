#include "suggest.hpp"

#include <algorithm>
#include <numeric>

namespace flank::cli {

namespace {

std::vector<std::string> flag_names(const CLI::App& app) {
  std::vector<std::string> names{"--help"};
  for (const CLI::Option* o : app.get_options()) {
    for (const auto& l : o->get_lnames()) names.push_back("--" + l);
    for (const auto& s : o->get_snames()) names.push_back("-" + s);
  }
  return names;
}

std::vector<std::string> subcommand_names(CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    names.push_back(sub->get_name());
  return names;
}

std::string quoted_list(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size() && i < 3; ++i)
    out += (i == 0                                            ? ""
            : i + 1 == std::min<std::size_t>(words.size(), 3) ? " or "
                                                              : ", ") +
           ("'" + words[i] + "'");
  return out;
}

}  // namespace

std::vector<std::string> suggestions(CLI::App& app) {
  // The App that was parsing: follow the chosen subcommands down from the top.
  CLI::App* at = &app;
  std::string path = app.get_name();
  for (;;) {
    const auto chosen = at->get_subcommands();
    if (chosen.empty()) break;
    at = chosen.front();
    path += " " + at->get_name();
  }
  std::vector<std::string> out;
  const auto subs = subcommand_names(*at);
  for (const std::string& word : at->remaining()) {
    if (word.empty()) continue;
    if (word[0] == '-') {
      // "--sed=3" is the flag "--sed".
      const std::string flag = word.substr(0, word.find('='));
      if (flag.size() < 2 || (flag.size() > 1 && flag[1] >= '0' && flag[1] <= '9')) continue;
      const auto near = closest(flag, flag_names(*at));
      out.push_back("flank: unknown option '" + flag + "' for '" + path + "'" +
                    (near.empty() ? "" : "; did you mean " + quoted_list(near) + "?"));
    } else if (!subs.empty()) {
      const auto near = closest(word, subs);
      out.push_back("flank: unknown subcommand '" + word + "' for '" + path + "'" +
                    (near.empty() ? "" : "; did you mean " + quoted_list(near) + "?") +
                    " (one of: " +
                    std::accumulate(std::next(subs.begin()), subs.end(), subs.front(),
                                    [](std::string a, const std::string& b) {
                                      return std::move(a) + ", " + b;
                                    }) +
                    ")");
      break;  // the words after a wrong subcommand were meant for it: no use judging them
    }
  }
  return out;
}

}  // namespace flank::cli
