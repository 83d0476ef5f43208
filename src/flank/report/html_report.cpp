#include "flank/report/html_report.hpp"

#include <cctype>
#include <stdexcept>
#include <string_view>

#include "flank/core/atomic_file.hpp"
#include "flank/server/web_assets.hpp"

namespace flank::report {
namespace {

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t i = s.find(from); i != std::string::npos; i = s.find(from, i + to.size()))
    s.replace(i, from.size(), to);
}

// An inline <script> ends at the first "</script" (any case) and "<!--" can switch the HTML
// parser into a state that swallows the rest. In JSON "</" may be written "<\/"; in the
// JavaScript bundle such text can only sit in strings, templates or regular expressions, where
// "\x3C" means the same "<".
std::string escape_json_for_script(std::string_view text) {
  std::string s(text);
  replace_all(s, "</", "<\\/");
  replace_all(s, "<!--", "\\u003c!--");
  return s;
}

std::string escape_js_for_script(std::string_view text) {
  std::string s(text);
  for (std::size_t i = s.find('<'); i != std::string::npos; i = s.find('<', i + 1)) {
    std::string next = s.substr(i + 1, 7);
    for (auto& c : next) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (next == "/script" || next.starts_with("!--")) {
      s.replace(i, 1, "\\x3C");
      i += 3;
    }
  }
  return s;
}

std::string escape_html(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string html_report(const HtmlReportData& data) {
  const auto js = web_file("assets/app.js");
  const auto css = web_file("assets/app.css");
  const auto js_hash = web_file("assets/app.js.sha256");
  if (!js || !css)
    throw std::runtime_error(
        "the viewer was not built into this binary (configured with FLANK_WEB=OFF or without "
        "node/npm), so no HTML report can be written; rebuild with node and npm installed");
  // web/scripts/build.mjs escaped the bundle for inlining and hashed the result; a bundle
  // that still needs escaping would not match its hash, and the browser would not run it.
  if (!js_hash || js_hash->empty() || escape_js_for_script(*js) != *js)
    throw std::runtime_error(
        "the viewer in this binary was not prepared for inlining (assets/app.js.sha256 missing "
        "or stale); rebuild it with web/scripts/build.mjs");
  nlohmann::json payload{{"summary", data.summary},     {"timeline", data.timeline},
                         {"scenario", data.scenario},   {"validation", data.validation},
                         {"generated", data.generated}, {"title", data.title}};
  if (!data.sweeps.is_null()) payload["sweeps"] = data.sweeps;
  if (!data.games.is_null()) payload["games"] = data.games;
  std::string css_text(*css);
  replace_all(css_text, "</", "<\\/");
  std::string html;
  html.reserve(js->size() + payload.size() * 64 + 4096);
  html +=
      "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      // Everything is inline. Only the viewer's own script runs (allowed by its SHA-256: no
      // other inline script, no inline event handler, no eval); any accidental request fails
      // instead of leaking. Styles stay inline-allowed: Observable Plot writes a <style> per
      // chart, and data reaches the page as text only.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "script-src 'sha256-";
  html += *js_hash;
  html +=
      "'; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; "
      "form-action 'none'\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"flank report\">\n<link rel=\"icon\" href=\"data:,\">\n"
      "<title>";
  html += escape_html(data.title.empty() ? "flank report" : data.title);
  html += "</title>\n<style>\n";
  html += css_text;
  html += "\n</style>\n</head>\n<body>\n<div id=\"app\"></div>\n";
  html += "<script type=\"application/json\" id=\"flank-data\">";
  html += escape_json_for_script(
      payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  // The script's text must be exactly the hashed bundle: no whitespace around it.
  html += "</script>\n<script type=\"module\">";
  html += *js;
  html += "</script>\n</body>\n</html>\n";
  return html;
}

void write_html_report(const std::string& path, const HtmlReportData& data) {
  write_file_atomically(path, html_report(data));
}

}  // namespace flank::report
