#include "config/yaml_io.hpp"

#include "util/errors.hpp"
#include "util/files.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>
#include <vector>

namespace hydra::internal {

namespace {

// A typed scalar's text as Python prints the value OmegaConf holds: `True` -> true,
// `1_000` -> 1000, `1e3` -> 1000.0, `inf` -> .inf. Returns nullopt when the text must stay
// a string (a leading-zero int such as 007, which Hydra's grammar does not read as an int).
std::optional<Value> canonical_scalar(NodeKind kind, const std::string& text) {
  if (kind == NodeKind::Bool) return Value::boolean(text[0] == 't' || text[0] == 'T');
  if (kind == NodeKind::Int) {
    std::string digits;
    bool negative = false;
    for (char c : text) {
      if (c == '-') negative = true;
      if (c >= '0' && c <= '9') digits += c;
    }
    if (digits.size() > 1 && digits[0] == '0') return std::nullopt;
    return Value(NodeKind::Int, (negative && digits != "0" ? "-" : "") + digits);
  }
  if (kind == NodeKind::Float) {
    std::string clean;
    for (char c : text)
      if (c != '_') clean += c;
    std::string_view body = clean;
    bool negative = !body.empty() && body[0] == '-';
    if (!body.empty() && (body[0] == '-' || body[0] == '+')) body.remove_prefix(1);
    if (!body.empty() && body[0] == '.' && body.size() > 1 && (body[1] == 'i' || body[1] == 'I' || body[1] == 'n' || body[1] == 'N'))
      body.remove_prefix(1);
    if (detail::iequals(body, "inf")) return Value::floating(negative ? -HUGE_VAL : HUGE_VAL);
    if (detail::iequals(body, "nan")) return Value::floating(std::nan(""));
    try {
      return Value::floating(std::stod(clean));
    } catch (const std::exception&) {
      return Value(NodeKind::Float, text);  // out of range: keep as written
    }
  }
  return Value(kind, text);
}

// yaml-cpp reports a tab in the indentation as e.g. "illegal map value": say what is wrong.
std::string tab_hint(const std::string& text, const YAML::Mark& mark) {
  if (mark.is_null()) return "";
  std::size_t start = 0;
  for (int line = 0; line < mark.line && start != std::string::npos; ++line) {
    start = text.find('\n', start);
    if (start != std::string::npos) ++start;
  }
  if (start == std::string::npos) return "";
  for (std::size_t i = start; i < text.size() && (text[i] == ' ' || text[i] == '\t'); ++i)
    if (text[i] == '\t') return " (a tab in the indentation: YAML indents with spaces only)";
  return "";
}

std::string where(const std::string& source, const YAML::Mark& mark) {
  if (mark.is_null()) return source;
  return source + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

// Length of the UTF-8 sequence starting at text[i] (1-4), or 0 if it is not well-formed
// (bad lead byte, truncated, overlong, surrogate or above U+10FFFF).
std::size_t utf8_sequence_length(const std::string& text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
  if (length == 0 || i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  unsigned char second = byte(i + 1);
  if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F) || (lead == 0xF0 && second < 0x90) ||
      (lead == 0xF4 && second > 0x8F))
    return 0;
  return length;
}

// A scalar's text as UTF-8. yaml-cpp decodes the escapes \_ and \N to the single bytes 0xA0 and
// 0x85 (Latin-1) instead of U+00A0 and U+0085; the text was checked to be UTF-8 before parsing, so
// a stray byte here can only come from them.
std::string scalar_text(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      if (out.empty()) out = text.substr(0, i);
      out += '\xC2';
      out += text[i++];
      continue;
    }
    if (!out.empty()) out.append(text, i, length);
    i += length;
  }
  return out.empty() ? text : out;
}

Value scalar_value(const std::string& tag, const std::string& raw, const YAML::Mark& mark, const std::string& source) {
  const std::string text = scalar_text(raw);
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return Value::string(text);
  if (tag.empty() || tag == "?") {
    NodeKind kind = classify_plain_scalar(text);
    switch (kind) {
      case NodeKind::Null: return Value::null();
      case NodeKind::Missing: return Value::missing();
      case NodeKind::Int: {
        auto value = canonical_scalar(kind, text);
        return value ? *value : Value(kind, text);
      }
      case NodeKind::Float:
      case NodeKind::Bool: return *canonical_scalar(kind, text);
      default: return Value(kind, text);
    }
  }
  NodeKind plain = classify_plain_scalar(text);
  // Tagged values are written as untagged ones are (True -> true, 1_000 -> 1000, 1e3 -> 1000.0),
  // so the emitted config reads back the same.
  if (tag == "tag:yaml.org,2002:int" && plain == NodeKind::Int)
    return canonical_scalar(NodeKind::Int, text).value_or(Value(NodeKind::Int, text));
  if (tag == "tag:yaml.org,2002:float" && (plain == NodeKind::Float || plain == NodeKind::Int))
    return *canonical_scalar(NodeKind::Float, plain == NodeKind::Float ? text : text + ".0");
  if (tag == "tag:yaml.org,2002:bool" && plain == NodeKind::Bool) return *canonical_scalar(NodeKind::Bool, text);
  if (tag == "tag:yaml.org,2002:null" && plain == NodeKind::Null) return Value::null();
  throw UserError(where(source, mark) + ": unsupported YAML tag '" + tag + "' on value '" + text +
                  "'. Remove the tag or quote the value");
}

// A config tree built straight from yaml-cpp's parse events: one pass over the text, and no
// YAML::Node graph to build and then convert (the two cost ~4x the parse on small files).
// Limits on the tree a text may expand to: the syntax nesting is limited by yaml-cpp (500), but
// aliases of aliases multiply and nest.
class ConfigBuilder : public YAML::EventHandler {
 public:
  static constexpr int kMaxDepth = 1000;
  static constexpr std::size_t kMaxNodes = 200'000;

  explicit ConfigBuilder(const std::string& source) : source_(source) {}

  // The document's tree (taken out by swapping: returning the member would copy every node);
  // a null document is an empty config.
  Config take() {
    Config out;
    if (has_root_ && root_.data().kind() != NodeKind::Null) out.swap(root_);
    return out;
  }

  const YAML::Mark& document_start() const { return document_start_; }

  void OnDocumentStart(const YAML::Mark& mark) override { document_start_ = mark; }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (expecting_key()) return set_key("null", mark, anchor, nullptr);
    Config* node = add(Config(Value::null()), mark, 1, 1);
    remember(anchor, *node, "null", 1, 1);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (expecting_key()) return set_key(scalar_text(value), mark, anchor, &tag);
    Config* node = add(Config(scalar_value(tag, value, mark, source_)), mark, 1, 1);
    remember(anchor, *node, value, 1, 1);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto found = anchors_.find(anchor);
    if (found == anchors_.end())
      throw UserError(where(source_, mark) + ": an alias (*name) inside the node it names repeats that node "
                      "forever. Remove it");
    const Anchored& a = found->second;
    if (expecting_key()) {
      if (a.node.data().is_container())
        throw UserError(where(source_, mark) + ": map keys must be plain strings (found a " +
                        (a.node.data().kind() == NodeKind::Sequence ? "sequence" : "map") + " as key)");
      return set_key(a.node.data().kind() == NodeKind::Null ? std::string("null") : scalar_text(a.raw), mark,
                     YAML::NullAnchor, nullptr);
    }
    add(a.node, mark, a.nodes, a.height);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(Value::sequence(), mark, anchor, "sequence");
  }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(Value::map(), mark, anchor, "map");
  }
  void OnSequenceEnd() override { close(); }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    Config* node;
    YAML::anchor_t anchor;
    std::size_t nodes_before;  // nodes_ when it opened: its own size at the end
    int height = 1;            // levels of the subtree so far
    bool has_key = false;      // a map's key waiting for its value
    std::string key;
  };
  struct Anchored {
    Config node;
    std::string raw;  // a scalar's text as written, for an alias used as a key
    std::size_t nodes;
    int height;
  };

  bool expecting_key() const {
    return !open_.empty() && open_.back().node->data().kind() == NodeKind::Map && !open_.back().has_key;
  }

  void set_key(std::string key, const YAML::Mark& mark, YAML::anchor_t anchor, const std::string* tag) {
    Open& map = open_.back();
    if (map.node->find(key) != map.node->not_found())
      throw UserError(where(source_, mark) + ": duplicate key '" + key + "'. Remove one of them");
    if (anchor != YAML::NullAnchor) {
      // An anchored key can be aliased as a value too: keep it as the value it would be.
      Config value(tag ? scalar_value(*tag, key, mark, source_) : Value::null());
      count(mark, 1, 1);
      anchors_[anchor] = {value, key, 1, 1};
    }
    map.key = std::move(key);
    map.has_key = true;
  }

  // Checks the budget for a subtree of `nodes` values and `height` levels placed here.
  void count(const YAML::Mark& mark, std::size_t nodes, int height) {
    nodes_ += nodes;
    if (nodes_ > kMaxNodes)
      throw UserError(where(source_, mark) + ": the config expands to more than " + std::to_string(kMaxNodes) +
                      " values (aliases of aliases?). Make it smaller");
    if (static_cast<int>(open_.size()) + height > kMaxDepth)
      throw UserError(where(source_, mark) + ": nested more than " + std::to_string(kMaxDepth) +
                      " levels deep (aliases inside aliases?). Make it flatter");
  }

  // Places `value` in the open container (or as the document), returning where it now is.
  Config* add(const Config& value, const YAML::Mark& mark, std::size_t nodes, int height) {
    count(mark, nodes, height);
    if (open_.empty()) {
      root_ = value;
      has_root_ = true;
      return &root_;
    }
    Open& parent = open_.back();
    parent.height = std::max(parent.height, height + 1);
    if (parent.node->data().kind() == NodeKind::Map) {
      parent.has_key = false;
      return &parent.node->push_back({std::move(parent.key), value})->second;
    }
    return &parent.node->push_back({std::string(), value})->second;
  }

  void open(Value kind, const YAML::Mark& mark, YAML::anchor_t anchor, const char* what) {
    if (expecting_key())
      throw UserError(where(source_, mark) + ": map keys must be plain strings (found a " + what + " as key)");
    std::size_t before = nodes_;
    Config* node = add(Config(std::move(kind)), mark, 1, 1);
    open_.push_back({node, anchor, before, 1, false, {}});
  }

  void close() {
    Open done = std::move(open_.back());
    open_.pop_back();
    if (!open_.empty()) open_.back().height = std::max(open_.back().height, done.height + 1);
    remember(done.anchor, *done.node, "", nodes_ - done.nodes_before, done.height);
  }

  void remember(YAML::anchor_t anchor, const Config& node, const std::string& raw, std::size_t nodes, int height) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = {node, raw, nodes, height};
  }

  const std::string& source_;
  YAML::Mark document_start_;
  Config root_;
  bool has_root_ = false;
  std::vector<Open> open_;
  std::map<YAML::anchor_t, Anchored> anchors_;  // complete anchored nodes only
  std::size_t nodes_ = 0;
};

// YAML text must be UTF-8 without control characters other than tab and line breaks, as PyYAML
// (Hydra) requires. yaml-cpp would instead pass stray bytes through or turn them into U+FFFD,
// so a value would not survive being written to .hydra/config.yaml and read back.
void check_yaml_characters(const std::string& text, const std::string& source) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = utf8_sequence_length(text, i);
    std::string problem;
    if (length == 0) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", c);
      problem = std::string("invalid UTF-8 byte ") + hex + ". Save the file as UTF-8";
    } else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      char code[8];
      std::snprintf(code, sizeof code, "U+%04X", c);
      problem = std::string("control character ") + code +
                " is not allowed in YAML. Remove it, or write it as an escape in a double-quoted string";
    }
    if (!problem.empty())
      throw UserError(source + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + problem);
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += length;
  }
}

// Where each document of a YAML stream starts; nothing else of the events is needed.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> marks;
  void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// True when a document starting at `pos` was begun on purpose: "---", a directive, or after "...".
bool starts_new_document(const std::string& text, std::size_t pos) {
  if (pos >= text.size() || text.compare(pos, 3, "---") == 0 || text.compare(pos, 1, "%") == 0) return true;
  if (pos == 0) return false;
  std::size_t end = text.find_last_not_of(" \t\r\n", pos - 1);
  return end != std::string::npos && end >= 2 && text.compare(end - 2, 3, "...") == 0;
}

// A config file is one document. After the first, yaml-cpp's parser never stops on a ',' outside
// [...]/{...} (every further "document" starts at that token without consuming it) and Load
// silently drops what follows, so up to two more documents are read: a second document that
// starts where the previous one did, or without "---", is a token the parser could not place.
void check_no_second_document(YAML::Parser& parser, const YAML::Mark& first, const std::string& text,
                              const std::string& source) {
  DocumentStarts starts;
  starts.marks.push_back(first);
  while (starts.marks.size() < 3 && parser.HandleNextDocument(starts)) {
  }
  if (starts.marks.size() < 2) return;
  const YAML::Mark& second = starts.marks[1];
  bool stuck = second.pos == first.pos || (starts.marks.size() == 3 && starts.marks[2].pos == second.pos);
  if (stuck || !starts_new_document(text, static_cast<std::size_t>(second.pos))) {
    char c = text[static_cast<std::size_t>(second.pos)];
    throw UserError(where(source, second) + ": unexpected '" + std::string(1, c) + "'" +
                    (c == ',' ? " outside [...] or {...}: quote the value if the comma belongs to it" : ""));
  }
  throw UserError(where(source, second) +
                  ": more than one YAML document in the file (a '---' separator); a config file is one "
                  "document: remove the separator or split the file");
}

}  // namespace

Config parse_yaml(const std::string& text, const std::string& source) {
  check_yaml_characters(text, source);
  ConfigBuilder builder(source);
  try {
    std::istringstream stream(text);
    YAML::Parser parser(stream);
    if (parser.HandleNextDocument(builder)) check_no_second_document(parser, builder.document_start(), text, source);
  } catch (const YAML::Exception& e) {
    throw UserError(where(source, e.mark) + ": " + e.msg + tab_hint(text, e.mark));
  }
  return builder.take();
}

Config load_yaml_file(const std::filesystem::path& path) { return parse_yaml(read_file(path), path.string()); }

}  // namespace hydra::internal
