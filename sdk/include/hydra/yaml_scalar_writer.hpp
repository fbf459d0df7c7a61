// Writes one string scalar as OmegaConf.to_yaml writes it (yaml.Dumper, allow_unicode, width 80):
// plain where PyYAML would read the same string back, else single-quoted, else double-quoted with
// escapes; long values folded at spaces past column 80 as PyYAML folds them. The style rules are
// those of PyYAML's emitter (analyze_scalar / choose_scalar_style); OmegaConf additionally
// single-quotes anything Python's int() or float() takes and every YAML 1.1 bool spelling.
//
// Deliberate differences: `._` is quoted (OmegaConf writes it plain, then its loader fails on it);
// a string holding U+0085, U+2028 or U+2029 is double-quoted (\N, \L, \P) where PyYAML writes the
// character raw as a line break, which only a YAML 1.1 reader reads back (yaml-cpp, a YAML 1.2
// reader, would keep it as text plus the indentation).
#pragma once

#include <hydra/yaml_resolver.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace hydra::yaml11 {

namespace writer_detail {

constexpr std::size_t kBestWidth = 80;
constexpr std::size_t kMaxSimpleKey = 128;  // PyYAML writes a longer key as "? key"

// The code points of valid UTF-8 text (the config's text was checked when it was read).
inline void decode_utf8(std::string_view s, std::u32string& out) {
  out.clear();
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t length = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = length == 1 ? c : length == 2 ? (c & 0x1F) : length == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < length && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out += cp;
    i += length;
  }
}

inline void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

inline bool is_break(char32_t c) { return c == U'\n' || c == 0x85 || c == 0x2028 || c == 0x2029; }
inline bool is_blank_or_end(char32_t c) { return c == 0 || c == U' ' || c == U'\t' || c == U'\r' || is_break(c); }
inline bool printable_unicode(char32_t c) {
  return (c == 0x85 || (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c < 0x10FFFF)) &&
         c != 0xFEFF;
}

struct Analysis {
  bool empty = false;
  bool multiline = false;
  bool allow_plain = true;  // block context: the emitter writes block style only
  bool allow_single_quoted = true;
  bool unicode_break = false;  // U+0085/2028/2029: see the header comment
};

inline char32_t code_point(char c) { return static_cast<unsigned char>(c); }
inline char32_t code_point(char32_t c) { return c; }

// Which styles can hold the text (PyYAML's analyze_scalar, for block context and allow_unicode).
// `t` holds code points: a std::u32string, or a std::string_view of printable ASCII.
template <class Text>
Analysis analyze(const Text& t) {
  Analysis a;
  if (t.empty()) {
    a.empty = true;
    return a;
  }
  auto at = [&](std::size_t i) { return code_point(t[i]); };
  bool indicators = t.size() >= 3 && at(0) == at(1) && at(1) == at(2) && (at(0) == U'-' || at(0) == U'.');
  bool line_breaks = false, special = false, leading_space = false, trailing_space = false;
  bool leading_break = false, trailing_break = false, break_space = false, space_break = false;
  bool previous_space = false, previous_break = false, preceded_by_blank = true;
  for (std::size_t i = 0; i < t.size(); ++i) {
    char32_t c = at(i);
    bool followed_by_blank = i + 1 >= t.size() || is_blank_or_end(at(i + 1));
    if (i == 0) {
      if (std::u32string_view(U"#,[]{}&*!|>'\"%@`").find(c) != std::u32string_view::npos) indicators = true;
      if ((c == U'?' || c == U':' || c == U'-') && followed_by_blank) indicators = true;
    } else {
      if (c == U':' && followed_by_blank) indicators = true;
      if (c == U'#' && preceded_by_blank) indicators = true;
    }
    if (is_break(c)) line_breaks = true;
    if (c == 0x85 || c == 0x2028 || c == 0x2029) a.unicode_break = true;
    if (!(c == U'\n' || (c >= 0x20 && c <= 0x7E)) && !printable_unicode(c)) special = true;
    if (c == U' ') {
      leading_space = leading_space || i == 0;
      trailing_space = trailing_space || i + 1 == t.size();
      break_space = break_space || previous_break;
      previous_space = true;
      previous_break = false;
    } else if (is_break(c)) {
      leading_break = leading_break || i == 0;
      trailing_break = trailing_break || i + 1 == t.size();
      space_break = space_break || previous_space;
      previous_space = false;
      previous_break = true;
    } else {
      previous_space = previous_break = false;
    }
    preceded_by_blank = is_blank_or_end(c);
  }
  a.multiline = line_breaks;
  if (leading_space || leading_break || trailing_space || trailing_break || line_breaks || indicators)
    a.allow_plain = false;
  if (break_space || space_break || special) a.allow_plain = a.allow_single_quoted = false;
  return a;
}

enum class Style { Plain, SingleQuoted, DoubleQuoted };

inline bool ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// False when no reader could take `text` for anything but a string: its first character starts no
// null, bool, number, date or indicator, nor (non-ASCII) Python whitespace. A text starting with
// a letter is retyped only as a word of letters (null, the bools, inf, infinity, nan), which
// Python's float() may also take with whitespace after it: a letter run of more than 8 ("infinity")
// or one ended by another ASCII character that is not whitespace leaves it a string.
inline bool may_be_retyped(std::string_view text) {
  if (text.empty() || static_cast<unsigned char>(text[0]) >= 0x80) return true;
  if (ascii_letter(text[0])) {
    if (std::string_view("nNyYtTfFoOiI").find(text[0]) == std::string_view::npos) return false;
    std::size_t i = 1;
    while (i < text.size() && i <= 8 && ascii_letter(text[i])) ++i;
    if (i > 8) return false;
    if (i == text.size()) return true;
    auto next = static_cast<unsigned char>(text[i]);
    return next >= 0x80 || next == ' ' || (next >= '\t' && next <= '\r') || (next >= 0x1C && next <= 0x1F);
  }
  return std::string_view("0123456789+-.~<= \t\n\r\v\f").find(text[0]) != std::string_view::npos;
}

inline Style choose_style(std::string_view text, const Analysis& a, bool simple_key) {
  bool plain_possible = a.allow_plain && !(simple_key && (a.empty || a.multiline));
  if (plain_possible && !may_be_retyped(text)) return Style::Plain;
  // OmegaConf asks for single quotes on number and bool look-alikes.
  bool wants_quotes = plain_possible && (omegaconf_is_bool(text) || python_int_accepts(text) || python_float_accepts(text));
  // Plain only if both PyYAML's dumper resolver and OmegaConf's loader read it back as a string
  // (they differ on `._`: OmegaConf takes it for a float and fails on it, so it is quoted here).
  bool reads_back_as_string = plain_possible && resolve_on_dump(text) == PlainKind::String &&
                              resolve_on_load(text) == PlainKind::String;
  if (plain_possible && !wants_quotes && reads_back_as_string) return Style::Plain;
  if (a.allow_single_quoted && !(simple_key && a.multiline) && !a.unicode_break) return Style::SingleQuoted;
  return Style::DoubleQuoted;
}

// PyYAML's emitter state while one scalar is written: the column (in code points), the
// continuation indent, and whether the last thing written was whitespace / indentation.
class ScalarOutput {
 public:
  ScalarOutput(std::string& out, std::size_t column, std::size_t indent, bool whitespace)
      : out_(out), column_(column), indent_(indent), whitespace_(whitespace), indention_(whitespace) {}

  std::size_t column() const { return column_; }
  bool whitespace() const { return whitespace_; }

  void text(const std::u32string& t, std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) append_utf8(out_, t[i]);
    column_ += to - from;
  }
  // As the loop above: nothing written when from >= to (the column still moves by to - from).
  void text(std::string_view ascii_text, std::size_t from, std::size_t to) {
    if (from < to) out_.append(ascii_text.substr(from, to - from));
    column_ += to - from;
  }
  void ascii(std::string_view s) {
    out_ += s;
    column_ += s.size();
  }
  void indicator(std::string_view s, bool need_whitespace) {
    if (!whitespace_ && need_whitespace) ascii(" ");
    ascii(s);
    whitespace_ = indention_ = false;
  }
  void line_break() {
    out_ += '\n';
    whitespace_ = indention_ = true;
    column_ = 0;
  }
  void indent() {
    if (!indention_ || column_ > indent_ || (column_ == indent_ && !whitespace_)) line_break();
    if (column_ < indent_) {
      whitespace_ = true;
      out_.append(indent_ - column_, ' ');
      column_ = indent_;
    }
  }
  void no_whitespace() { whitespace_ = indention_ = false; }

 private:
  std::string& out_;
  std::size_t column_, indent_;
  bool whitespace_, indention_;
};

// The writers take the text as code points: a std::u32string, or a std::string_view of ASCII
// (one byte, one code point: no decoding for the common case).

// Plain text never holds a line break (analyze forbids it), so only spaces can fold.
template <class Text>
void write_plain(ScalarOutput& w, const Text& t, bool split) {
  if (!w.whitespace()) w.ascii(" ");
  w.no_whitespace();
  std::size_t start = 0;
  bool spaces = false;
  for (std::size_t end = 0; end <= t.size(); ++end) {
    char32_t c = end < t.size() ? code_point(t[end]) : 0;
    bool at_end = end == t.size();
    if (spaces) {
      if (at_end || c != U' ') {
        if (start + 1 == end && w.column() > kBestWidth && split) {
          w.indent();
          w.no_whitespace();
        } else {
          w.text(t, start, end);
        }
        start = end;
      }
    } else if (at_end || c == U' ') {
      w.text(t, start, end);
      start = end;
    }
    if (!at_end) spaces = c == U' ';
  }
}

template <class Text>
void write_single_quoted(ScalarOutput& w, const Text& t, bool split) {
  w.indicator("'", true);
  bool spaces = false, breaks = false;
  std::size_t start = 0;
  for (std::size_t end = 0; end <= t.size(); ++end) {
    bool at_end = end == t.size();
    char32_t c = at_end ? 0 : code_point(t[end]);
    if (spaces) {
      if (at_end || c != U' ') {
        if (start + 1 == end && w.column() > kBestWidth && split && start != 0 && !at_end)
          w.indent();
        else
          w.text(t, start, end);
        start = end;
      }
    } else if (breaks) {
      if (at_end || !is_break(c)) {
        // A line break in a single-quoted scalar reads back as a space: n breaks are n+1 lines.
        w.line_break();
        for (std::size_t k = start; k < end; ++k) w.line_break();
        w.indent();
        start = end;
      }
    } else if ((at_end || c == U' ' || is_break(c) || c == U'\'') && start < end) {
      w.text(t, start, end);
      start = end;
    }
    if (c == U'\'') {
      w.ascii("''");
      start = end + 1;
    }
    if (!at_end) {
      spaces = c == U' ';
      breaks = is_break(c);
    }
  }
  w.indicator("'", false);
}

inline void write_escape(ScalarOutput& w, char32_t c) {
  switch (c) {
    case 0: w.ascii("\\0"); return;
    case 0x07: w.ascii("\\a"); return;
    case 0x08: w.ascii("\\b"); return;
    case 0x09: w.ascii("\\t"); return;
    case 0x0A: w.ascii("\\n"); return;
    case 0x0B: w.ascii("\\v"); return;
    case 0x0C: w.ascii("\\f"); return;
    case 0x0D: w.ascii("\\r"); return;
    case 0x1B: w.ascii("\\e"); return;
    case U'"': w.ascii("\\\""); return;
    case U'\\': w.ascii("\\\\"); return;
    case 0x85: w.ascii("\\N"); return;
    case 0xA0: w.ascii("\\_"); return;
    case 0x2028: w.ascii("\\L"); return;
    case 0x2029: w.ascii("\\P"); return;
    default: break;
  }
  static constexpr char hex[] = "0123456789ABCDEF";
  std::size_t digits = c <= 0xFF ? 2 : c <= 0xFFFF ? 4 : 8;
  std::string escape = c <= 0xFF ? "\\x" : c <= 0xFFFF ? "\\u" : "\\U";
  for (std::size_t k = digits; k-- > 0;) escape += hex[(c >> (4 * k)) & 0xF];
  w.ascii(escape);
}

template <class Text>
void write_double_quoted(ScalarOutput& w, const Text& t, bool split) {
  w.indicator("\"", true);
  std::size_t start = 0;
  for (std::size_t end = 0; end <= t.size(); ++end) {
    bool at_end = end == t.size();
    char32_t c = at_end ? 0 : code_point(t[end]);
    bool plain_char = !at_end && c != U'"' && c != U'\\' && c != 0x85 && c != 0x2028 && c != 0x2029 &&
                      c != 0xFEFF && ((c >= 0x20 && c <= 0x7E) || (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD));
    if (!plain_char) {
      if (start < end) {
        w.text(t, start, end);
        start = end;
      }
      if (!at_end) {
        write_escape(w, c);
        start = end + 1;
      }
    }
    // Fold at a space past the width: "\" ends the line, "\ " keeps a leading space.
    if (end > 0 && end + 1 < t.size() && (c == U' ' || start >= end) && w.column() + (end - start) > kBestWidth &&
        split) {
      w.text(t, start, end);
      w.ascii("\\");
      if (start < end) start = end;
      w.indent();
      w.no_whitespace();
      if (code_point(t[start]) == U' ') w.ascii("\\");
    }
  }
  w.indicator("\"", false);
}

template <class Text>
void write_text(ScalarOutput& w, std::string_view utf8, const Text& text, bool simple_key, bool split) {
  Analysis analysis = analyze(text);
  switch (choose_style(utf8, analysis, simple_key)) {
    case Style::Plain: write_plain(w, text, split); break;
    case Style::SingleQuoted: write_single_quoted(w, text, split); break;
    case Style::DoubleQuoted: write_double_quoted(w, text, split); break;
  }
}

inline bool is_ascii(std::string_view text) {
  for (char c : text)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

inline void write(ScalarOutput& w, std::string_view utf8, bool simple_key, bool split) {
  if (is_ascii(utf8)) return write_text(w, utf8, utf8, simple_key, split);
  thread_local std::u32string text;
  decode_utf8(utf8, text);
  write_text(w, utf8, text, simple_key, split);
}

// Code points on the output's last line: PyYAML folds by column.
inline std::size_t current_column(const std::string& out) {
  std::size_t line_start = out.rfind('\n');
  line_start = line_start == std::string::npos ? 0 : line_start + 1;
  std::size_t column = 0;
  for (std::size_t i = line_start; i < out.size(); ++i)
    if ((static_cast<unsigned char>(out[i]) & 0xC0) != 0x80) ++column;
  return column;
}


// Printable ASCII only (no line breaks, nothing to escape): the common case, analysed on the bytes.
inline bool printable_ascii(std::string_view text) {
  for (char c : text)
    if (c < 0x20 || c > 0x7E) return false;
  return true;
}

// analyze() for printable ASCII (no breaks, nothing special): only the indicators and edge
// spaces decide, so no per-character state.
inline Analysis analyze_printable_ascii(std::string_view t) {
  Analysis a;
  if (t.empty()) {
    a.empty = true;
    return a;
  }
  char first = t[0];
  bool followed_by_blank = t.size() == 1 || t[1] == ' ';
  a.allow_plain = first != ' ' && t.back() != ' ' && t.back() != ':' && !t.starts_with("---") &&
                  !t.starts_with("...") && std::string_view("#,[]{}&*!|>'\"%@`").find(first) == std::string_view::npos &&
                  !((first == '?' || first == ':' || first == '-') && followed_by_blank) &&
                  t.find(": ") == std::string_view::npos && t.find(" #") == std::string_view::npos;
  return a;
}

// How write_short_ascii writes a text: plain, single-quoted, or not at all (the general writer).
// For printable ASCII that is not empty, simple_key changes nothing (it matters only for empty or
// multi-line text), so the answer depends on the text alone.
enum class ShortStyle : unsigned char { Plain, SingleQuoted, General };

inline ShortStyle short_ascii_style(std::string_view text, bool simple_key) {
  if (!printable_ascii(text)) return ShortStyle::General;
  switch (choose_style(text, analyze_printable_ascii(text), simple_key)) {
    case Style::Plain: return ShortStyle::Plain;
    case Style::SingleQuoted: return ShortStyle::SingleQuoted;
    default: return ShortStyle::General;
  }
}

struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Bounded per-thread memo of a pure function of a text: a sweep writes the same keys and values
// (and help templates) in every job's hydra.yaml and job_return.yaml, and deciding a style costs
// more than looking it up. Full, it stops learning (a sweep's unique values do not grow it).
template <class Result>
class TextMemo {
 public:
  TextMemo(std::size_t max_entries, std::size_t max_bytes) : max_entries_(max_entries), max_bytes_(max_bytes) {}

  template <class Compute>
  const Result& get(std::string_view key, Compute compute) {
    auto it = map_.find(key);
    if (it != map_.end()) return it->second;
    Result result = compute();
    if (map_.size() >= max_entries_ || bytes_ + key.size() > max_bytes_) {
      spare_ = std::move(result);
      return spare_;
    }
    bytes_ += key.size();
    return map_.emplace(std::string(key), std::move(result)).first->second;
  }

 private:
  std::unordered_map<std::string, Result, TextHash, std::equal_to<>> map_;
  Result spare_{};
  std::size_t max_entries_, max_bytes_, bytes_ = 0;
};

inline ShortStyle cached_short_ascii_style(std::string_view text, bool simple_key) {
  constexpr std::size_t kLongest = 64;
  if (text.empty() || text.size() > kLongest) return short_ascii_style(text, simple_key);
  thread_local TextMemo<ShortStyle> memo(4096, 4096 * 32);
  return memo.get(text, [&] { return short_ascii_style(text, simple_key); });
}

// Writes `text` without folding when it is printable ASCII and cannot reach past the width
// (folding needs a space past column 80), or is a simple key; false when the general writer must.
inline bool write_short_ascii(std::string& out, std::string_view text, bool simple_key, std::size_t line_bytes) {
  if (!simple_key && line_bytes + text.size() + 3 > kBestWidth) return false;
  ShortStyle style = cached_short_ascii_style(text, simple_key);
  if (style == ShortStyle::General) return false;
  if (!simple_key) out += ' ';
  if (style == ShortStyle::Plain) {
    out += text;
    return true;
  }
  out += '\'';
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return true;
}

// The general writer, from `column` with continuation lines at `indent`: a value (after its
// indicator, folded) or a simple key (at the start of its line, never folded). What it appends
// depends on those alone, so a text met again (the help templates, in every job's files) is
// copied from the memo instead of written again.
inline void write_general(std::string& out, std::string_view text, std::size_t column, std::size_t indent,
                          bool simple_key) {
  auto write_fresh = [&](std::string& to) {
    ScalarOutput w(to, column, indent, simple_key);
    write(w, text, simple_key, !simple_key);
  };
  constexpr std::size_t kLongest = 8192;
  if (text.size() > kLongest) return write_fresh(out);
  thread_local TextMemo<std::string> memo(256, 256 * 1024);
  thread_local std::string key;
  key.assign(text);
  key += '\0';
  key += std::to_string(column);
  key += ',';
  key += std::to_string(indent);
  key += simple_key ? 'k' : 'v';
  out += memo.get(key, [&] {
    std::string written;
    write_fresh(written);
    return written;
  });
}

}  // namespace writer_detail

// Appends a string value after an indicator (`key:` or `-`), with the separating space; `indent`
// is where folded continuation lines start (the parent's column + 2).
inline void write_string_value(std::string& out, std::string_view text, std::size_t indent) {
  std::size_t line_start = out.rfind('\n');
  line_start = line_start == std::string::npos ? 0 : line_start + 1;
  if (writer_detail::write_short_ascii(out, text, false, out.size() - line_start)) return;
  writer_detail::write_general(out, text, writer_detail::current_column(out), indent, false);
}

// True when `key` can be a simple (implicit) key; otherwise it is written "? key".
inline bool fits_simple_key(std::string_view key) {
  if (key.empty() || key.size() >= 4 * writer_detail::kMaxSimpleKey) return false;
  std::size_t code_points = 0;
  for (char c : key) {
    if (c == '\n') return false;
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++code_points;
  }
  if (code_points >= writer_detail::kMaxSimpleKey) return false;
  if (writer_detail::printable_ascii(key)) return true;
  thread_local std::u32string text;
  writer_detail::decode_utf8(key, text);
  for (char32_t c : text)
    if (writer_detail::is_break(c)) return false;
  return true;
}

// Appends a mapping key at the start of its line (simple) or after "?" (explicit, `indent` as for a value).
inline void write_string_key(std::string& out, std::string_view key, bool simple, std::size_t indent) {
  if (!simple) return write_string_value(out, key, indent);
  if (writer_detail::write_short_ascii(out, key, true, 0)) return;
  writer_detail::write_general(out, key, 0, 0, true);
}

}  // namespace hydra::yaml11
