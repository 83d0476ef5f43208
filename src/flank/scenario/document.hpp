#pragma once
// The scenario document before compilation: a plain YAML tree in which every node remembers
// the file, line and column it came from. yaml-cpp's own nodes lose their marks when copied,
// and a document merged from `extends:` files and `--set` overrides mixes several sources,
// so the loader converts once into this tree and validates that.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "flank/core/error.hpp"

namespace flank::doc {

struct Entry;

// Where a node came from. The file name is shared by all nodes of one file, so a large
// document does not carry a copy of it per node.
struct Mark {
  std::shared_ptr<const std::string> file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
  SourceLocation location() const { return {file ? *file : std::string(), line, column}; }
  // Implicit so that code written when Node::where was a SourceLocation keeps working.
  operator SourceLocation() const { return location(); }  // NOLINT(google-explicit-constructor)
};

struct Node {
  enum class Kind : std::uint8_t { Null, Scalar, Map, Seq };
  Kind kind = Kind::Null;
  std::string scalar;      // Scalar: the text as written (without quotes)
  bool quoted = false;     // Scalar: written quoted, so always a string
  std::vector<Entry> map;  // Map: entries in document order (duplicates are rejected)
  std::vector<Node> seq;   // Seq: items
  Mark where;              // where the value starts

  bool is_map() const { return kind == Kind::Map; }
  bool is_seq() const { return kind == Kind::Seq; }
  bool is_scalar() const { return kind == Kind::Scalar; }
  bool is_null() const { return kind == Kind::Null; }
  const Node* find(std::string_view key) const;  // Map only; nullptr when absent
  Node* find(std::string_view key);
  // For a map item of a list: its `id` scalar, or "" when it has none.
  std::string_view id() const;
};

struct Entry {
  std::string key;
  Mark key_where;
  Node value;
};

// Resource limits for untrusted input (documented in docs/scenario-format.md).
inline constexpr std::size_t kMaxFileBytes = 16u << 20;
inline constexpr int kMaxDepth = 64;
inline constexpr std::size_t kMaxNodes = 1'000'000;  // after alias expansion

// Parses one YAML document. Syntax errors, duplicate keys, non-scalar keys, excessive size,
// nesting or alias expansion become diagnostics in `sink`; the returned tree holds whatever
// could be read.
Node parse(std::string_view text, const std::string& file, DiagnosticSink& sink);

// Deep merge used by `extends:`: maps merge key by key, lists whose items all carry an `id`
// merge by id (an overlay item with `remove: true` deletes the base item), anything else is
// replaced by the overlay. `path` names the position for diagnostics.
void merge(Node& base, Node overlay, const std::string& path, DiagnosticSink& sink);

// A `--set` override "path=value": path segments `key`, `[id]` or `[index]`.
// Missing map keys are created (validation then checks them); a missing list is an error.
void apply_override(Node& root, std::string_view assignment, DiagnosticSink& sink);

// Block-style YAML of the tree (scalars quoted only when they were quoted or must be).
std::string to_yaml(const Node& root);
// Order-independent canonical text (map keys sorted) used for the scenario hash.
std::string canonical(const Node& root);
std::uint64_t fnv1a64(std::string_view bytes);

}  // namespace flank::doc
