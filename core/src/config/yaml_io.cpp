#include "config/yaml_io.hpp"

#include "util/errors.hpp"
#include "util/files.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <hydra/yaml_resolver.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <vector>

namespace hydra::internal {

namespace {

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

[[noreturn]] void unreadable_number(const std::string& text, const YAML::Mark& mark, const std::string& source) {
  throw UserError(where(source, mark) + ": '" + text +
                  "' has the form of a YAML number but cannot be read as one (PyYAML fails on it too). Quote it "
                  "for a string");
}

// decimal = decimal * factor + addend, on a decimal string of any length (Python ints have no limit).
void multiply_add(std::string& decimal, unsigned factor, unsigned addend) {
  unsigned carry = addend;
  for (auto it = decimal.rbegin(); it != decimal.rend(); ++it) {
    unsigned x = static_cast<unsigned>(*it - '0') * factor + carry;
    *it = static_cast<char>('0' + x % 10);
    carry = x / 10;
  }
  for (; carry != 0; carry /= 10) decimal.insert(decimal.begin(), static_cast<char>('0' + carry % 10));
}

void accumulate_digits(std::string& decimal, std::string_view digits, unsigned base) {
  for (char c : digits)
    if (c != '_')
      multiply_add(decimal, base, c <= '9' ? static_cast<unsigned>(c - '0') : static_cast<unsigned>((c | 0x20) - 'a' + 10));
}

// A YAML 1.1 int (0b101, 017, 0x1F, 1_000, 1:20) in decimal, as PyYAML's int constructor makes it.
Value yaml_int(const std::string& text, const YAML::Mark& mark, const std::string& source) {
  std::string_view body = text;
  bool negative = body[0] == '-';
  if (body[0] == '-' || body[0] == '+') body.remove_prefix(1);
  std::string decimal = "0";
  auto digits_after_prefix = [&] {
    std::string_view digits = body.substr(2);
    if (digits.find_first_not_of('_') == std::string_view::npos) unreadable_number(text, mark, source);
    return digits;
  };
  if (body.starts_with("0b")) {
    accumulate_digits(decimal, digits_after_prefix(), 2);
  } else if (body.starts_with("0x")) {
    accumulate_digits(decimal, digits_after_prefix(), 16);
  } else if (body[0] == '0') {
    accumulate_digits(decimal, body, 8);
  } else {
    // 1:20:30 is (1*60 + 20)*60 + 30; each group after a ':' is one base-60 digit.
    std::size_t colon = body.find(':');
    accumulate_digits(decimal, body.substr(0, colon), 10);
    while (colon != std::string_view::npos) {
      std::size_t next = body.find(':', colon + 1);
      std::string_view group = body.substr(colon + 1, next == std::string_view::npos ? next : next - colon - 1);
      multiply_add(decimal, 60, static_cast<unsigned>(std::stoul(std::string(group))));
      colon = next;
    }
  }
  std::size_t first_digit = std::min(decimal.find_first_not_of('0'), decimal.size() - 1);
  decimal.erase(0, first_digit);
  if (negative && decimal != "0") decimal.insert(decimal.begin(), '-');
  return Value(NodeKind::Int, std::move(decimal));
}

// Python's float() of a decimal text (no '_', no sign): correctly rounded; out of range is +-inf or 0.
double python_float(std::string_view digits, const std::string& text, const YAML::Mark& mark, const std::string& source) {
  double value = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (end != digits.data() + digits.size() || digits.empty() || digits == ".") unreadable_number(text, mark, source);
  if (error == std::errc::result_out_of_range) {
    std::size_t e = digits.find('e');
    bool large = e != std::string_view::npos && digits[e + 1] != '-';
    value = large ? HUGE_VAL : 0.0;
  }
  return value;
}

// A YAML 1.1 float (1.5, 1e-3, 1:20.5, .inf, .nan) as PyYAML's float constructor makes it.
Value yaml_float(const std::string& text, const YAML::Mark& mark, const std::string& source) {
  std::string clean;
  for (char c : text)
    if (c != '_') clean += static_cast<char>(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
  std::string_view body = clean;
  double sign = body[0] == '-' ? -1.0 : 1.0;
  if (body[0] == '-' || body[0] == '+') body.remove_prefix(1);
  if (body == ".inf") return Value::floating(sign * HUGE_VAL);
  if (body == ".nan") return Value::floating(std::nan(""));
  if (body.find(':') == std::string_view::npos) return Value::floating(sign * python_float(body, text, mark, source));
  // Sexagesimal, summed from the last group up as PyYAML sums it (the same rounding).
  double value = 0, base = 1;
  for (std::size_t end = body.size(); end != std::string_view::npos && end > 0;) {
    std::size_t colon = body.rfind(':', end - 1);
    std::size_t start = colon == std::string_view::npos ? 0 : colon + 1;
    value += python_float(body.substr(start, end - start), text, mark, source) * base;
    base *= 60;
    end = colon;
  }
  return Value::floating(sign * value);
}

// A plain scalar as OmegaConf's loader types it (YAML 1.1; timestamps stay strings).
Value plain_scalar_value(const std::string& text, const YAML::Mark& mark, const std::string& source) {
  switch (yaml11::resolve_on_load(text)) {
    case yaml11::PlainKind::Null: return Value::null();
    case yaml11::PlainKind::Bool: return Value::boolean(yaml11::bool_value(text));
    case yaml11::PlainKind::Int: return yaml_int(text, mark, source);
    case yaml11::PlainKind::Float: return yaml_float(text, mark, source);
    case yaml11::PlainKind::Merge:
      throw UserError(where(source, mark) + ": '<<' is YAML's merge key and cannot be a value. Quote it ('<<') for "
                      "the string");
    case yaml11::PlainKind::ValueTag:
      throw UserError(where(source, mark) + ": a bare '=' is YAML's value indicator, which PyYAML (Python Hydra) "
                      "cannot read. Quote it ('=') for the string");
    default: break;
  }
  if (text == "???") return Value::missing();
  return Value::string(text);
}

Value scalar_value(const std::string& tag, const std::string& raw, const YAML::Mark& mark, const std::string& source) {
  const std::string text = scalar_text(raw);
  // OmegaConf reads the string '???' as missing however it is spelled (quoted, !, !!str).
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return text == "???" ? Value::missing() : Value::string(text);
  if (tag.empty() || tag == "?") return plain_scalar_value(text, mark, source);
  // Tagged values are held as untagged ones (!!int 0x1F -> 31, !!float 1 -> 1.0), so the emitted
  // config reads back the same.
  if (tag == "tag:yaml.org,2002:int" && yaml11::is_int(text)) return yaml_int(text, mark, source);
  if (tag == "tag:yaml.org,2002:float" && (yaml11::is_float(text, true) || yaml11::is_int(text)))
    return yaml_float(text, mark, source);
  if (tag == "tag:yaml.org,2002:bool") {
    std::string lower;
    for (char c : text) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
    if (yaml11::is_bool(lower)) return Value::boolean(yaml11::bool_value(lower));
  }
  if (tag == "tag:yaml.org,2002:null") return Value::null();
  throw UserError(where(source, mark) + ": unsupported YAML tag '" + tag + "' on value '" + text +
                  "'. Remove the tag or quote the value");
}

// The value of the single-quoted scalar starting at text[quote], folded as YAML (and PyYAML) fold
// it: a line break is a space, or n newlines when n empty lines follow; whitespace around breaks
// is dropped. yaml-cpp loses a newline when such a scalar ends in empty lines ('a\n\n\n  ' is
// "a\n\n", '\n\n  ' is "\n"), which is how PyYAML writes strings ending in newlines.
std::optional<std::string> single_quoted_value(const std::string& text, std::size_t quote) {
  std::string out;
  std::size_t empty_lines = 0;
  bool first_line = true, at_line_start = false;
  std::size_t pending_space = std::string::npos;  // where trailing blanks of the current line start
  for (std::size_t i = quote + 1; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
      c = text[++i];
    } else if (c == '\'') {
      // Blanks before the closing quote are kept; an empty last line still ends a fold.
      if (at_line_start) out += empty_lines == 0 ? std::string(" ") : std::string(empty_lines, '\n');
      return out;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (pending_space != std::string::npos) out.resize(pending_space);
      pending_space = std::string::npos;
      if (at_line_start && !first_line) ++empty_lines;
      first_line = false;
      at_line_start = true;
      continue;
    }
    if (at_line_start && (c == ' ' || c == '\t')) continue;  // indentation
    if (at_line_start) {
      out += empty_lines == 0 ? std::string(" ") : std::string(empty_lines, '\n');
      empty_lines = 0;
      at_line_start = false;
    }
    if (c == ' ' || c == '\t') {
      if (pending_space == std::string::npos) pending_space = out.size();
    } else {
      pending_space = std::string::npos;
    }
    out += c;
  }
  return std::nullopt;
}

// A config tree built straight from yaml-cpp's parse events: one pass over the text, and no
// YAML::Node graph to build and then convert (the two cost ~4x the parse on small files).
// Limits on the tree a text may expand to: the syntax nesting is limited by yaml-cpp (500), but
// aliases of aliases multiply and nest.
//
// Merge keys (`<<: *base`, `<<: [*a, *b]`, `<<: {a: 1}`) are applied as PyYAML applies them: the
// merged keys come first, in the order they are first met (for a list, its last map first), a
// key the map sets itself wins wherever it is written, and of two merged values the one of an
// earlier list item, or of a later `<<` key, wins.
class ConfigBuilder : public YAML::EventHandler {
 public:
  static constexpr int kMaxDepth = 1000;
  static constexpr std::size_t kMaxNodes = 200'000;

  ConfigBuilder(const std::string& source, const std::string& text) : source_(source), text_(text) {}

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
    if (expecting_key()) null_key(mark);
    Config* node = add(Config(Value::null()), mark, 1, 1);
    remember(anchor, *node, 1, 1);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (expecting_key()) return scalar_key(mark, tag, anchor, value);
    Config* node = add(Config(scalar_value(tag, reread_if_folded(tag, value, mark), mark, source_)), mark, 1, 1);
    remember(anchor, *node, 1, 1);
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
      if (a.node.data().kind() == NodeKind::Null) null_key(mark);
      return set_key(a.node.data().text(), mark);
    }
    if (merge_value_pending()) return merge_alias(a, mark);
    add(a.node, mark, a.nodes, a.height);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    if (!open_.empty() && open_.back().role == Role::MergeList) not_a_map_to_merge(mark, "a list inside the list");
    open(Value::sequence(), mark, anchor, "sequence");
  }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(Value::map(), mark, anchor, "map");
  }
  void OnSequenceEnd() override { close(); }
  void OnMapEnd() override { close(); }

 private:
  // What a container is to its parent: a value, or (the value of a `<<` key) maps to merge into it.
  enum class Role : std::uint8_t { Value, MergeMap, MergeList };

  struct Open {
    Config* node;
    YAML::anchor_t anchor;
    std::size_t nodes_before;  // nodes_ when it opened: its own size at the end
    int height = 1;            // levels of the subtree so far
    Role role = Role::Value;
    bool has_key = false;      // a map's key waiting for its value
    bool key_is_merge = false;       // ... and that key is `<<`
    bool key_replaces_merged = false;  // ... or one a merge brought in, which the map's own value replaces
    std::string key;
    // Merges only: the first `merged_front` entries are the merged keys; of those, the ones no own
    // key has set yet.
    std::size_t merged_front = 0;
    std::set<std::string> merged_only;
  };
  struct Anchored {
    Config node;
    std::size_t nodes;
    int height;
  };

  bool expecting_key() const {
    return !open_.empty() && open_.back().node->data().kind() == NodeKind::Map && !open_.back().has_key;
  }
  bool merge_value_pending() const { return !open_.empty() && open_.back().has_key && open_.back().key_is_merge; }

  [[noreturn]] void null_key(const YAML::Mark& mark) const {
    throw UserError(where(source_, mark) +
                    ": a null map key (empty, ~ or null); OmegaConf rejects it. Quote it ('null') for the string key");
  }

  [[noreturn]] void not_a_map_to_merge(const YAML::Mark& mark, const std::string& found) const {
    throw UserError(where(source_, mark) + ": the merge key '<<' takes a map (or an alias *name of one) or a list of "
                    "maps, but found " + found + ". Merge a map, or quote '<<' for a plain key");
  }

  static std::string a_kind(NodeKind kind) { return (kind == NodeKind::Int ? "an " : "a ") + std::string(to_string(kind)); }

  // A single-quoted scalar that may end in folded empty lines, read again from the text (see
  // single_quoted_value); any other scalar as yaml-cpp read it.
  const std::string& reread_if_folded(const std::string& tag, const std::string& value, const YAML::Mark& mark) {
    if (tag != "!" || !(value.empty() || value.back() == '\n') || mark.pos < 0) return value;
    auto pos = static_cast<std::size_t>(mark.pos);
    if (pos >= text_.size() || text_[pos] != '\'') return value;
    auto folded = single_quoted_value(text_, pos);
    if (!folded) return value;
    reread_ = std::move(*folded);
    return reread_;
  }

  // A key as OmegaConf holds it: a plain `0x1F` is the int 31, `yes` the bool true, printed so.
  void scalar_key(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, const std::string& raw) {
    std::string text = scalar_text(raw);
    bool plain = tag.empty() || tag == "?";
    if (plain && text == "<<") {
      if (anchor != YAML::NullAnchor)
        throw UserError(where(source_, mark) + ": the merge key '<<' cannot carry an anchor. Remove the &name");
      Open& map = open_.back();
      map.has_key = map.key_is_merge = true;
      return;
    }
    Value value = plain && text == "=" ? Value::string(text) : scalar_value(tag, reread_if_folded(tag, raw, mark), mark, source_);
    if (value.kind() == NodeKind::Null) null_key(mark);
    if (anchor != YAML::NullAnchor) {
      // An anchored key can be aliased as a value too: keep it as the value it would be.
      count(mark, 1, 1);
      anchors_[anchor] = {Config(value), 1, 1};
    }
    set_key(value.kind() == NodeKind::Missing ? text : value.text(), mark);
  }

  void set_key(std::string key, const YAML::Mark& mark) {
    Open& map = open_.back();
    if (map.node->find(key) != map.node->not_found()) {
      if (map.merged_only.erase(key) == 0)
        throw UserError(where(source_, mark) + ": duplicate key '" + key + "'. Remove one of them");
      map.key_replaces_merged = true;
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
    if (parent.node->data().kind() != NodeKind::Map) {
      if (parent.role == Role::MergeList && value.data().kind() != NodeKind::Map)
        not_a_map_to_merge(mark, "a list holding " + a_kind(value.data().kind()));
      return &parent.node->push_back({std::string(), value})->second;
    }
    if (parent.key_is_merge && !value.data().is_container()) not_a_map_to_merge(mark, a_kind(value.data().kind()));
    parent.has_key = false;
    if (parent.key_replaces_merged) {
      parent.key_replaces_merged = false;
      Config& slot = parent.node->find(parent.key)->second;
      slot = value;
      return &slot;
    }
    return &parent.node->push_back({std::move(parent.key), value})->second;
  }

  void open(Value kind, const YAML::Mark& mark, YAML::anchor_t anchor, const char* what) {
    if (expecting_key())
      throw UserError(where(source_, mark) + ": map keys must be plain strings (found a " + what + " as key)");
    Role role = Role::Value;
    if (merge_value_pending()) {
      role = kind.kind() == NodeKind::Map ? Role::MergeMap : Role::MergeList;
      open_.back().key = "<<";  // a placeholder child, taken out again when the value is complete
    }
    std::size_t before = nodes_;
    Config* node = add(Config(std::move(kind)), mark, 1, 1);
    open_.push_back({node, anchor, before, 1, role, false, false, false, {}, 0, {}});
  }

  void close() {
    Open done = std::move(open_.back());
    open_.pop_back();
    if (!open_.empty()) open_.back().height = std::max(open_.back().height, done.height + 1);
    remember(done.anchor, *done.node, nodes_ - done.nodes_before, done.height);
    if (done.role == Role::Value) return;
    Open& map = open_.back();
    Config source;
    source.swap(*done.node);
    map.node->pop_back();
    map.key_is_merge = false;
    merge_maps(map, source, done.role == Role::MergeList);
  }

  // `<<: *name`: the alias names a map, or a list of maps.
  void merge_alias(const Anchored& a, const YAML::Mark& mark) {
    const Value& data = a.node.data();
    if (!data.is_container()) not_a_map_to_merge(mark, a_kind(data.kind()));
    if (data.kind() == NodeKind::Sequence)
      for (const auto& item : a.node)
        if (item.second.data().kind() != NodeKind::Map) not_a_map_to_merge(mark, "a list holding " + a_kind(item.second.data().kind()));
    count(mark, a.nodes, a.height);
    Open& map = open_.back();
    map.height = std::max(map.height, a.height + 1);
    map.has_key = map.key_is_merge = false;
    merge_maps(map, a.node, data.kind() == NodeKind::Sequence);
  }

  void merge_maps(Open& map, const Config& source, bool is_list) {
    if (!is_list) return merge_map(map, source);
    for (auto item = source.rbegin(); item != source.rend(); ++item) merge_map(map, item->second);
  }

  void merge_map(Open& map, const Config& source) {
    Config& node = *map.node;
    for (const auto& [key, value] : source) {
      auto found = node.find(key);
      if (found == node.not_found()) {
        node.insert(std::next(node.begin(), static_cast<std::ptrdiff_t>(map.merged_front)), {key, value});
        ++map.merged_front;
        map.merged_only.insert(key);
        continue;
      }
      auto at = node.to_iterator(found);
      if (static_cast<std::size_t>(std::distance(node.begin(), at)) < map.merged_front) {
        if (map.merged_only.count(key) != 0) at->second = value;
        continue;
      }
      // A key the map set before this `<<`: it keeps its value and takes the merged position.
      Config own;
      own.swap(at->second);
      node.erase(at);
      node.insert(std::next(node.begin(), static_cast<std::ptrdiff_t>(map.merged_front)), {key, Config()})->second.swap(own);
      ++map.merged_front;
    }
  }

  void remember(YAML::anchor_t anchor, const Config& node, std::size_t nodes, int height) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = {node, nodes, height};
  }

  const std::string& source_;
  const std::string& text_;
  std::string reread_;  // the last scalar read again by reread_if_folded
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
  ConfigBuilder builder(source, text);
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
