#include "flank/scenario/document.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <sstream>
#include <unordered_set>

namespace flank::doc {

const Node* Node::find(std::string_view key) const {
  for (const auto& e : map)
    if (e.key == key) return &e.value;
  return nullptr;
}

Node* Node::find(std::string_view key) {
  for (auto& e : map)
    if (e.key == key) return &e.value;
  return nullptr;
}

std::string_view Node::id() const {
  if (!is_map()) return {};
  const Node* n = find("id");
  return n && n->is_scalar() ? std::string_view(n->scalar) : std::string_view();
}

namespace {

Mark location(const std::shared_ptr<const std::string>& file, const YAML::Mark& mark) {
  if (mark.is_null()) return {file, 0, 0};
  return {file, mark.line + 1, mark.column + 1};
}

// A hostile document must stop the parse at once; the diagnostic is already in the sink.
struct StopParsing {};

// Builds the Node tree straight from yaml-cpp's parser events. Going through YAML::LoadAll
// is not safe: in yaml-cpp 0.7 (Debian 12) it loops forever, allocating, on input such as a
// lone ',' (jbeder/yaml-cpp#1040; fixed upstream by #1319 in 2024), because the parser keeps
// returning empty documents without consuming text. Events also let aliases be counted as
// they expand, so a "billion laughs" document stops at kMaxNodes instead of filling memory.
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(std::shared_ptr<const std::string> file, DiagnosticSink& sink)
      : file_(std::move(file)), sink_(sink) {}

  Node& root() { return root_; }
  bool empty() const { return !have_root_ || root_.is_null(); }
  const YAML::Mark& start() const { return start_; }

  void OnDocumentStart(const YAML::Mark& mark) override { start_ = mark; }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Node n;
    n.where = location(mark);
    finish(std::move(n), anchor, 1);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      // The parser hands out anchors when a node starts, so an alias to a node that has not
      // ended yet points into itself.
      sink_.add(location(mark).location(), path(),
                "an alias refers to the node that contains it (a cycle); refusing to load it");
      throw StopParsing{};
    }
    count(it->second.second, mark);
    finish(Node(it->second.first), 0, it->second.second);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    Node n;
    n.kind = Node::Kind::Scalar;
    n.scalar = value;
    n.quoted = tag == "!";  // yaml-cpp tags quoted scalars "!" and plain ones "?"
    n.where = location(mark);
    count(1, mark);
    finish(std::move(n), anchor, 1);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(Node::Kind::Seq, mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(Node::Kind::Map, mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    Node node;
    YAML::anchor_t anchor = 0;
    std::size_t nodes = 1;  // in this subtree, for anchors
    std::string path;       // of this node, for diagnostics
    // Map only: the key read and waiting for its value.
    bool have_key = false;
    bool key_usable = false;
    std::string key;
    Mark key_where;
  };

  Mark location(const YAML::Mark& mark) const { return doc::location(file_, mark); }

  std::string path() const { return stack_.empty() ? std::string() : child_path(stack_.back()); }
  static std::string child_path(const Frame& f) {
    if (f.node.is_seq()) return f.path + "[" + std::to_string(f.node.seq.size()) + "]";
    if (f.have_key && f.key_usable) return f.path.empty() ? f.key : f.path + "." + f.key;
    return f.path;
  }

  void count(std::size_t added, const YAML::Mark& mark) {
    nodes_ += added;
    if (nodes_ > kMaxNodes) {
      sink_.add(location(mark).location(), path(),
                "document expands to more than " + std::to_string(kMaxNodes) +
                    " nodes (aliases?); refusing to load it");
      throw StopParsing{};
    }
  }

  void open(Node::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (static_cast<int>(stack_.size()) >= kMaxDepth) {
      sink_.add(location(mark).location(), path(),
                "nesting deeper than " + std::to_string(kMaxDepth) + " levels is not allowed");
      throw StopParsing{};
    }
    count(1, mark);
    Frame f;
    f.path = path();
    f.node.kind = kind;
    f.node.where = location(mark);
    f.anchor = anchor;
    stack_.push_back(std::move(f));
  }

  void close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    finish(std::move(f.node), f.anchor, f.nodes);
  }

  // A complete node: store it under its anchor and hand it to its parent (or the root).
  void finish(Node n, YAML::anchor_t anchor, std::size_t nodes) {
    if (anchor != 0) anchors_[anchor] = {n, nodes};
    if (stack_.empty()) {
      root_ = std::move(n);
      have_root_ = true;
      return;
    }
    Frame& parent = stack_.back();
    parent.nodes += nodes;
    if (parent.node.is_seq()) {
      parent.node.seq.push_back(std::move(n));
      return;
    }
    if (!parent.have_key) {
      parent.have_key = true;
      parent.key_where = n.where;
      parent.key_usable = n.is_scalar();
      if (!parent.key_usable)
        sink_.add(n.where.location(), parent.path, "map keys must be plain names");
      else
        parent.key = std::move(n.scalar);
      return;
    }
    parent.have_key = false;
    if (!parent.key_usable) return;
    const auto it = std::find_if(parent.node.map.begin(), parent.node.map.end(),
                                 [&](const Entry& e) { return e.key == parent.key; });
    if (it != parent.node.map.end()) {
      sink_.add(parent.key_where.location(),
                parent.path.empty() ? parent.key : parent.path + "." + parent.key,
                "duplicate key '" + parent.key + "' (first given at line " +
                    std::to_string(it->key_where.line) + ")");
      return;
    }
    parent.node.map.push_back({std::move(parent.key), parent.key_where, std::move(n)});
  }

  std::shared_ptr<const std::string> file_;
  DiagnosticSink& sink_;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, std::pair<Node, std::size_t>> anchors_;
  std::size_t nodes_ = 0;
  Node root_;
  bool have_root_ = false;
  YAML::Mark start_ = YAML::Mark::null_mark();
};

bool is_truthy(const Node* n) {
  return n && n->is_scalar() && !n->quoted &&
         (n->scalar == "true" || n->scalar == "True" || n->scalar == "TRUE");
}

bool all_items_have_ids(const Node& seq) {
  if (seq.seq.empty()) return false;
  return std::all_of(seq.seq.begin(), seq.seq.end(),
                     [](const Node& item) { return !item.id().empty(); });
}

void relabel(Node& n, const Mark& where) {
  n.where = where;
  for (auto& e : n.map) {
    e.key_where = where;
    relabel(e.value, where);
  }
  for (auto& item : n.seq) relabel(item, where);
}

struct Segment {
  std::string key;       // map key, or
  std::string selector;  // [selector] on a list (an id or an index)
  bool is_selector = false;
};

bool parse_path(std::string_view path, std::vector<Segment>& out) {
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string_view::npos || close == i + 1) return false;
      out.push_back({{}, std::string(path.substr(i + 1, close - i - 1)), true});
      i = close + 1;
      if (i < path.size() && path[i] == '.') {
        ++i;
        if (i == path.size()) return false;
      }
      continue;
    }
    std::size_t end = i;
    while (end < path.size() && path[end] != '.' && path[end] != '[') ++end;
    if (end == i) return false;
    out.push_back({std::string(path.substr(i, end - i)), {}, false});
    i = end;
    if (i < path.size() && path[i] == '.') {
      ++i;
      if (i == path.size()) return false;
    }
  }
  return !out.empty();
}

void write_yaml(YAML::Emitter& out, const Node& n) {
  switch (n.kind) {
    case Node::Kind::Null:
      out << YAML::Null;
      break;
    case Node::Kind::Scalar:
      if (n.quoted)
        out << YAML::DoubleQuoted << n.scalar;
      else
        out << n.scalar;
      break;
    case Node::Kind::Seq: {
      const bool flat = std::all_of(n.seq.begin(), n.seq.end(),
                                    [](const Node& c) { return !c.is_map() && !c.is_seq(); });
      if (flat) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const auto& item : n.seq) write_yaml(out, item);
      out << YAML::EndSeq;
      break;
    }
    case Node::Kind::Map: {
      // Short maps of plain values (a source, a link, a distribution) read best on one line.
      std::size_t width = 0;
      bool flat = true;
      for (const auto& e : n.map) {
        flat = flat && !e.value.is_map() && !e.value.is_seq();
        width += e.key.size() + e.value.scalar.size() + 4;
      }
      if (flat && width <= 90) out << YAML::Flow;
      out << YAML::BeginMap;
      for (const auto& e : n.map) {
        out << YAML::Key << e.key << YAML::Value;
        write_yaml(out, e.value);
      }
      out << YAML::EndMap;
      break;
    }
  }
}

void write_canonical(std::string& out, const Node& n) {
  switch (n.kind) {
    case Node::Kind::Null:
      out += '~';
      break;
    case Node::Kind::Scalar:
      out += n.quoted ? 'q' : 's';
      out += std::to_string(n.scalar.size());
      out += ':';
      out += n.scalar;
      break;
    case Node::Kind::Seq:
      out += '[';
      for (const auto& item : n.seq) {
        write_canonical(out, item);
        out += ',';
      }
      out += ']';
      break;
    case Node::Kind::Map: {
      std::vector<const Entry*> sorted;
      for (const auto& e : n.map) sorted.push_back(&e);
      std::sort(sorted.begin(), sorted.end(),
                [](const Entry* a, const Entry* b) { return a->key < b->key; });
      out += '{';
      for (const Entry* e : sorted) {
        out += std::to_string(e->key.size());
        out += ':';
        out += e->key;
        out += '=';
        write_canonical(out, e->value);
        out += ',';
      }
      out += '}';
      break;
    }
  }
}

}  // namespace

Node parse(std::string_view text, const std::string& file_name, DiagnosticSink& sink) {
  const auto file = std::make_shared<const std::string>(file_name);
  Node root;
  root.where = {file, 1, 1};
  if (text.size() > kMaxFileBytes) {
    sink.add({file_name, 0, 0}, "",
             "file is " + std::to_string(text.size()) + " bytes; the limit is " +
                 std::to_string(kMaxFileBytes) + " bytes (16 MiB)");
    return root;
  }
  try {
    std::istringstream stream{std::string(text)};
    YAML::Parser parser(stream);
    TreeBuilder first(file, sink);
    if (!parser.HandleNextDocument(first)) return root;
    // Only one document is allowed, but a stray `---` with nothing after it is harmless.
    // A document that starts where the previous one did means the parser is stuck on text it
    // can neither read nor skip (see TreeBuilder).
    YAML::Mark previous = first.start();
    for (;;) {
      DiagnosticSink ignored;
      TreeBuilder next(file, ignored);
      if (!parser.HandleNextDocument(next)) break;
      if (next.start().pos == previous.pos) {
        sink.add(location(file, next.start()).location(), "",
                 "YAML syntax error: cannot read the text here (a stray ',' or another "
                 "indicator out of place?)");
        return root;
      }
      if (!next.empty()) {
        sink.add(next.root().where.location(), "",
                 "only one YAML document is allowed; another one starts here");
        return root;
      }
      previous = next.start();
    }
    if (!first.empty()) root = std::move(first.root());
  } catch (const StopParsing&) {
    return root;
  } catch (const YAML::DeepRecursion& e) {
    sink.add(location(file, e.mark).location(), "",
             "nesting deeper than " + std::to_string(kMaxDepth) + " levels is not allowed");
    return root;
  } catch (const YAML::Exception& e) {
    sink.add(location(file, e.mark).location(), "", "YAML syntax error: " + e.msg);
    return root;
  }
  return root;
}

void merge(Node& base, Node overlay, const std::string& path, DiagnosticSink& sink) {
  if (base.is_map() && overlay.is_map()) {
    for (auto& e : overlay.map) {
      const std::string child = path.empty() ? e.key : path + "." + e.key;
      if (Node* existing = base.find(e.key))
        merge(*existing, std::move(e.value), child, sink);
      else
        base.map.push_back(std::move(e));
    }
    return;
  }
  if (base.is_seq() && overlay.is_seq() && all_items_have_ids(overlay) &&
      all_items_have_ids(base)) {
    for (auto& item : overlay.seq) {
      const std::string id(item.id());
      const std::string child = path + "[" + id + "]";
      const auto it = std::find_if(base.seq.begin(), base.seq.end(),
                                   [&](const Node& b) { return b.id() == id; });
      const bool remove = is_truthy(item.find("remove"));
      if (remove) {
        if (it == base.seq.end())
          sink.add(item.where.location(), child,
                   "remove: true names an item the base does not have");
        else
          base.seq.erase(it);
        continue;
      }
      if (it == base.seq.end())
        base.seq.push_back(std::move(item));
      else
        merge(*it, std::move(item), child, sink);
    }
    return;
  }
  base = std::move(overlay);
}

void apply_override(Node& root, std::string_view assignment, DiagnosticSink& sink) {
  const std::string label = "--set " + std::string(assignment);
  const std::size_t eq = assignment.find('=');
  if (eq == std::string_view::npos) {
    sink.add({label, 0, 0}, "", "an override must be PATH=VALUE");
    return;
  }
  const std::string_view path = assignment.substr(0, eq);
  std::vector<Segment> segments;
  if (!parse_path(path, segments)) {
    sink.add({label, 0, 0}, std::string(path),
             "cannot read the path (use key.key, list[id] or list[index])");
    return;
  }
  DiagnosticSink value_sink;
  Node value = parse(assignment.substr(eq + 1), label, value_sink);
  for (const auto& d : value_sink.diagnostics())
    sink.add({label, 0, 0}, std::string(path), "cannot read the value: " + d.message);
  if (!value_sink.empty()) return;
  const Mark label_mark{std::make_shared<const std::string>(label), 0, 0};
  relabel(value, label_mark);

  Node* at = &root;
  std::string walked;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const Segment& s = segments[i];
    const bool last = i + 1 == segments.size();
    if (s.is_selector) {
      if (!at->is_seq()) {
        sink.add({label, 0, 0}, std::string(path),
                 "'" + walked + "' is not a list, so [" + s.selector + "] does not exist");
        return;
      }
      Node* found = nullptr;
      std::size_t index = 0;
      const auto [p, ec] =
          std::from_chars(s.selector.data(), s.selector.data() + s.selector.size(), index);
      if (ec == std::errc() && p == s.selector.data() + s.selector.size()) {
        if (index < at->seq.size()) found = &at->seq[index];
      } else {
        for (auto& item : at->seq)
          if (item.id() == s.selector) found = &item;
      }
      if (!found) {
        // The closest id by common prefix length, a cheap hint for a mistyped unit id.
        std::string_view closest;
        std::size_t best = 0;
        for (const auto& item : at->seq) {
          const std::string_view id = item.id();
          std::size_t common = 0;
          while (common < id.size() && common < s.selector.size() &&
                 id[common] == s.selector[common])
            ++common;
          if (common > best) best = common, closest = id;
        }
        sink.add({label, 0, 0}, std::string(path),
                 "'" + walked + "' has no item [" + s.selector + "]" +
                     (best >= 3 ? " (did you mean [" + std::string(closest) + "]?)" : ""));
        return;
      }
      walked += "[" + s.selector + "]";
      at = found;
    } else {
      if (!at->is_map()) {
        sink.add({label, 0, 0}, std::string(path),
                 "'" + walked + "' is not a map, so '" + s.key + "' does not exist");
        return;
      }
      Node* found = at->find(s.key);
      if (!found) {
        // A missing key is created when what follows it is a key too, so an override can set
        // a parameter group the file leaves at its defaults (parameters.operations.x=...).
        // A list cannot be created: its items need ids.
        if (!last && segments[i + 1].is_selector) {
          sink.add({label, 0, 0}, std::string(path),
                   "'" + (walked.empty() ? std::string("the document") : walked) +
                       "' has no key '" + s.key + "'");
          return;
        }
        at->map.push_back({s.key, label_mark, {}});
        found = &at->map.back().value;
        if (!last) {
          found->kind = Node::Kind::Map;
          found->where = label_mark;
        }
      }
      walked += (walked.empty() ? "" : ".") + s.key;
      at = found;
    }
  }
  *at = std::move(value);
}

std::string to_yaml(const Node& root) {
  YAML::Emitter out;
  out.SetIndent(2);
  write_yaml(out, root);
  std::string text = out.c_str();
  text += '\n';
  return text;
}

std::string canonical(const Node& root) {
  std::string out;
  write_canonical(out, root);
  return out;
}

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t h = 1469598103934665603ull;
  for (const unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace flank::doc
