#pragma once
// Errors in user input carry where they happened (file, line, column, key path) so that the
// CLI can say exactly what to fix; several are collected before failing where possible.
#include <stdexcept>
#include <string>
#include <vector>

namespace flank {

struct SourceLocation {
  std::string file;  // as given by the user, or "<built-in>/..." for embedded files
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based; 0 when unknown
};

struct Diagnostic {
  SourceLocation where;
  std::string path;            // key path inside the document, e.g. "units[3].personnel"
  std::string message;         // what is wrong and what was expected
  std::string format() const;  // "file:line:col: units[3].personnel: message"
};

// Thrown for bad user input (files, overrides, flags). The CLI maps it to exit status 2.
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  explicit InputError(Diagnostic diagnostic);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// Collects diagnostics while validating, then throws them all at once.
class DiagnosticSink {
 public:
  void add(Diagnostic d) { diagnostics_.push_back(std::move(d)); }
  void add(SourceLocation where, std::string path, std::string message) {
    diagnostics_.push_back({std::move(where), std::move(path), std::move(message)});
  }
  bool empty() const { return diagnostics_.empty(); }
  std::size_t size() const { return diagnostics_.size(); }
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  void throw_if_any() const {
    if (!diagnostics_.empty()) throw InputError(diagnostics_);
  }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace flank
