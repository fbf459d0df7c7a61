// The override grammar (Hydra's OverrideLexer.g4 / OverrideParser.g4): the key part checked
// character by character, the value part split into the grammar's tokens (longest match, ties to
// the rule listed first, as ANTLR's lexer does), parsed into a tree, then evaluated (functions
// called, primitives typed) as Hydra's HydraOverrideVisitor does.
#include "config/override_functions.hpp"
#include "config/overrides.hpp"

#include "util/errors.hpp"

#include <cctype>
#include <algorithm>
#include <cstdlib>
#include <memory>

namespace hydra::internal {
namespace {

enum class Tok {
  POpen, Comma, PClose, BracketOpen, BracketClose, BraceOpen, BraceClose, Colon, Equal,
  Float, Int, Bool, Null, UnquotedChar, Id, Esc, Ws, Quoted, Interpolation, End,
};

struct Token {
  Tok type;
  std::size_t begin, end;  // byte offsets into the override text
};

// The column of byte `offset`, counted in characters (UTF-8 continuation bytes do not count).
std::size_t column_of(const std::string& text, std::size_t offset) {
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  return column;
}

// The whole UTF-8 character at `offset`.
std::string character_at(const std::string& text, std::size_t offset) {
  std::size_t end = offset + 1;
  while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
  return text.substr(offset, end - offset);
}

class Failure {
 public:
  explicit Failure(const std::string& text) : text_(text) {}
  [[noreturn]] void at(std::size_t offset, const std::string& problem) const {
    throw UserError("Invalid override '" + text_ + "': " + problem + " at column " + std::to_string(column_of(text_, offset)) +
                    ". See https://hydra.cc/docs/advanced/override_grammar/basic/");
  }
  [[noreturn]] void plain(const std::string& problem) const { throw UserError("Invalid override '" + text_ + "': " + problem); }
  // A function of the override that parsed but failed when called (a bad cast, an unknown
  // function, a wrong argument): Hydra's headline for it, then the reason.
  [[noreturn]] void evaluation(const std::string& problem) const {
    throw UserError("Error parsing override '" + text_ + "': " + problem);
  }

 private:
  const std::string& text_;
};

// ---------------------------------------------------------------------------------------------
// Lexer (VALUE_MODE).

class Lexer {
 public:
  Lexer(const std::string& text, std::size_t start, const Failure& failure) : s_(text), pos_(start), failure_(failure) {}

  std::vector<Token> tokens() {
    std::vector<Token> out;
    while (pos_ < s_.size()) {
      Token t = next();
      out.push_back(t);
      pos_ = t.end;
    }
    out.push_back({Tok::End, s_.size(), s_.size()});
    return out;
  }

 private:
  char at(std::size_t p) const { return p < s_.size() ? s_[p] : '\0'; }
  static bool digit(char c) { return c >= '0' && c <= '9'; }
  static bool letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
  std::size_t ws(std::size_t p) const {
    std::size_t n = 0;
    while (at(p + n) == ' ' || at(p + n) == '\t') ++n;
    return n;
  }
  // WS? c WS? (both sides optional as the rule says)
  std::size_t punct(std::size_t p, char c, bool before, bool after) const {
    std::size_t n = before ? ws(p) : 0;
    if (at(p + n) != c) return 0;
    ++n;
    return after ? n + ws(p + n) : n;
  }
  std::size_t int_unsigned(std::size_t p) const {
    if (at(p) == '0') return 1;
    if (!digit(at(p))) return 0;
    std::size_t n = 1;
    while (true) {
      if (digit(at(p + n))) ++n;
      else if (at(p + n) == '_' && digit(at(p + n + 1))) n += 2;
      else return n;
    }
  }
  std::size_t digits(std::size_t p) const {  // DIGIT (_? DIGIT)*
    if (!digit(at(p))) return 0;
    std::size_t n = 1;
    while (true) {
      if (digit(at(p + n))) ++n;
      else if (at(p + n) == '_' && digit(at(p + n + 1))) n += 2;
      else return n;
    }
  }
  std::size_t point_float(std::size_t p) const {
    std::size_t iu = int_unsigned(p);
    if (iu && at(p + iu) == '.') return iu + 1 + digits(p + iu + 1);
    if (at(p) == '.' && digits(p + 1)) return 1 + digits(p + 1);
    return 0;
  }
  bool keyword(std::size_t p, std::string_view word) const {
    for (std::size_t i = 0; i < word.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(at(p + i))) != word[i]) return false;
    return true;
  }
  std::size_t float_token(std::size_t p) const {
    std::size_t sign = (at(p) == '+' || at(p) == '-') ? 1 : 0;
    std::size_t q = p + sign, best = point_float(q);
    for (std::size_t mantissa : {int_unsigned(q), point_float(q)}) {
      if (!mantissa || (at(q + mantissa) != 'e' && at(q + mantissa) != 'E')) continue;
      std::size_t e = q + mantissa + 1;
      if (at(e) == '+' || at(e) == '-') ++e;
      if (std::size_t d = digits(e)) best = std::max(best, e + d - q);
    }
    if (keyword(q, "inf") || keyword(q, "nan")) best = std::max<std::size_t>(best, 3);
    return best ? sign + best : 0;
  }
  std::size_t int_token(std::size_t p) const {
    std::size_t sign = (at(p) == '+' || at(p) == '-') ? 1 : 0;
    std::size_t n = int_unsigned(p + sign);
    return n ? sign + n : 0;
  }
  std::size_t id(std::size_t p) const {
    if (!letter(at(p)) && at(p) != '_') return 0;
    std::size_t n = 1;
    while (letter(at(p + n)) || digit(at(p + n)) || at(p + n) == '_' || at(p + n) == '-') ++n;
    return n;
  }
  std::size_t esc(std::size_t p) const {
    std::size_t n = 0;
    while (at(p + n) == '\\' && std::string_view("\\()[]{}:=, \t").find(at(p + n + 1)) != std::string_view::npos &&
           at(p + n + 1) != '\0')
      n += 2;
    return n;
  }
  // The closing quote is the first one not escaped by an odd number of backslashes.
  std::size_t quoted(std::size_t p) const {
    char q = at(p);
    if (q != '\'' && q != '"') return 0;
    std::size_t backslashes = 0;
    for (std::size_t i = p + 1; i < s_.size(); ++i) {
      if (s_[i] == q && backslashes % 2 == 0) return i + 1 - p;
      backslashes = s_[i] == '\\' ? backslashes + 1 : 0;
    }
    failure_.at(p, "unterminated quoted string (" + std::string(1, q) + ")");
  }
  std::size_t interpolation(std::size_t p) const {
    if (at(p) != '$' || at(p + 1) != '{') return 0;
    auto close = s_.find('}', p + 2);
    if (close == std::string::npos) failure_.at(p, "unterminated interpolation '${' (no closing '}')");
    return close == p + 2 ? 0 : close + 1 - p;
  }

  Token next() const {
    const std::size_t p = pos_;
    struct Candidate {
      Tok type;
      std::size_t length;
    };
    const char c = at(p);
    const Candidate candidates[] = {
        {Tok::POpen, punct(p, '(', true, true)},
        {Tok::Comma, punct(p, ',', true, true)},
        {Tok::PClose, punct(p, ')', true, false)},
        {Tok::BracketOpen, punct(p, '[', false, true)},
        {Tok::BracketClose, punct(p, ']', true, false)},
        {Tok::BraceOpen, punct(p, '{', false, true)},
        {Tok::BraceClose, punct(p, '}', true, false)},
        {Tok::Colon, punct(p, ':', true, true)},
        {Tok::Equal, punct(p, '=', true, true)},
        {Tok::Float, float_token(p)},
        {Tok::Int, int_token(p)},
        {Tok::Bool, keyword(p, "true") ? 4u : keyword(p, "false") ? 5u : 0u},
        {Tok::Null, keyword(p, "null") ? 4u : 0u},
        {Tok::UnquotedChar, std::string_view("/-\\+.$%*@?|").find(c) != std::string_view::npos && c ? 1u : 0u},
        {Tok::Id, id(p)},
        {Tok::Esc, esc(p)},
        {Tok::Ws, ws(p)},
        {Tok::Quoted, quoted(p)},
        {Tok::Interpolation, interpolation(p)},
    };
    Candidate best{Tok::End, 0};
    for (const auto& candidate : candidates)
      if (candidate.length > best.length) best = candidate;
    if (best.length == 0) {
      std::string ch = character_at(s_, p);
      failure_.at(p, "'" + ch + "' is not allowed in an unquoted value (quote the value: key='...')");
    }
    return {best.type, p, p + best.length};
  }

  const std::string& s_;
  std::size_t pos_;
  const Failure& failure_;
};

// ---------------------------------------------------------------------------------------------
// Parse tree.

struct Node {
  enum class Kind { Primitive, List, Dict, Function };
  Kind kind;
  std::vector<Token> tokens;                     // Primitive (and a dict key)
  std::vector<std::unique_ptr<Node>> children;   // List items, Dict values, Function arguments
  std::vector<std::vector<Token>> keys;          // Dict keys
  std::vector<std::optional<std::string>> names; // Function argument names
  std::string name;                              // Function
  std::size_t begin = 0, end = 0;                // Function: the call's text
};

class Parser {
 public:
  Parser(const std::string& text, std::vector<Token> tokens, const Failure& failure)
      : s_(text), t_(std::move(tokens)), failure_(failure) {}

  // value: element (COMMA element)*
  std::vector<std::unique_ptr<Node>> value() {
    std::vector<std::unique_ptr<Node>> elements;
    elements.push_back(element());
    while (peek().type == Tok::Comma) {
      ++i_;
      elements.push_back(element());
    }
    if (peek().type != Tok::End) unexpected(peek(), "expected ',' or the end of the value");
    return elements;
  }

  std::string text(const Token& t) const { return s_.substr(t.begin, t.end - t.begin); }

 private:
  const Token& peek(std::size_t ahead = 0) const { return t_[std::min(i_ + ahead, t_.size() - 1)]; }

  [[noreturn]] void unexpected(const Token& t, const std::string& expected) const {
    if (t.type == Tok::End) failure_.at(t.begin, "the value ends too early (" + expected + ")");
    std::string shown = text(t);
    std::size_t lead = shown.find_first_not_of(" \t");
    failure_.at(t.begin + (lead == std::string::npos ? 0 : lead),
                "unexpected '" + (lead == std::string::npos ? shown : shown.substr(lead)) + "' (" + expected + ")");
  }

  static bool primitive_token(Tok t, bool dict_key) {
    switch (t) {
      case Tok::Id: case Tok::Null: case Tok::Int: case Tok::Float: case Tok::Bool:
      case Tok::UnquotedChar: case Tok::Esc: case Tok::Ws: return true;
      case Tok::Colon: case Tok::Interpolation: return !dict_key;
      default: return false;
    }
  }

  // Lists, dicts and calls nest by recursion: past this depth a value is an error, not a stack overflow.
  static constexpr int kMaxNesting = 256;
  struct NestingGuard {
    Parser& parser;
    explicit NestingGuard(Parser& p) : parser(p) {
      if (++parser.depth_ > kMaxNesting)
        parser.failure_.at(parser.peek().begin, "lists, dicts and function calls nested more than " +
                                                    std::to_string(kMaxNesting) + " levels deep");
    }
    ~NestingGuard() { --parser.depth_; }
  };

  std::unique_ptr<Node> element() {
    const Token& t = peek();
    if (t.type == Tok::BracketOpen) return list();
    if (t.type == Tok::BraceOpen) return dict();
    if (t.type == Tok::Id && peek(1).type == Tok::POpen) return function();
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::Primitive;
    if (t.type == Tok::Quoted) {
      node->tokens.push_back(t);
      ++i_;
      return node;
    }
    node->tokens = primitive_tokens(false);
    if (node->tokens.empty()) unexpected(t, "expected a value");
    return node;
  }

  std::vector<Token> primitive_tokens(bool dict_key) {
    std::vector<Token> tokens;
    while (primitive_token(peek().type, dict_key)) tokens.push_back(t_[i_++]);
    return tokens;
  }

  std::unique_ptr<Node> list() {
    NestingGuard nesting(*this);
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::List;
    ++i_;  // [
    if (peek().type == Tok::BracketClose) {
      ++i_;
      return node;
    }
    while (true) {
      node->children.push_back(element());
      if (peek().type == Tok::Comma) {
        ++i_;
        continue;
      }
      if (peek().type == Tok::BracketClose) {
        ++i_;
        return node;
      }
      if (peek().type == Tok::End) failure_.at(peek().begin, "missing ']'");
      unexpected(peek(), "expected ',' or ']'");
    }
  }

  std::unique_ptr<Node> dict() {
    NestingGuard nesting(*this);
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::Dict;
    ++i_;  // {
    if (peek().type == Tok::BraceClose) {
      ++i_;
      return node;
    }
    while (true) {
      std::vector<Token> key = primitive_tokens(true);
      if (key.empty()) unexpected(peek(), "expected a dict key");
      if (peek().type != Tok::Colon) {
        if (peek().type == Tok::End) failure_.at(peek().begin, "missing ':' after dict key");
        unexpected(peek(), "expected ':' after dict key");
      }
      ++i_;
      node->keys.push_back(std::move(key));
      node->children.push_back(element());
      if (peek().type == Tok::Comma) {
        ++i_;
        continue;
      }
      if (peek().type == Tok::BraceClose) {
        ++i_;
        return node;
      }
      if (peek().type == Tok::End) failure_.at(peek().begin, "missing '}'");
      unexpected(peek(), "expected ',' or '}'");
    }
  }

  std::unique_ptr<Node> function() {
    NestingGuard nesting(*this);
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::Function;
    node->begin = peek().begin;
    node->name = text(t_[i_++]);
    ++i_;  // (
    bool keywords = false;
    if (peek().type != Tok::PClose) {
      while (true) {
        std::optional<std::string> name;
        if (peek().type == Tok::Id && peek(1).type == Tok::Equal) {
          name = text(peek());
          i_ += 2;
          keywords = true;
        } else if (keywords) {
          failure_.plain("positional argument follows keyword argument in '" + node->name + "(...)'");
        }
        node->names.push_back(std::move(name));
        node->children.push_back(element());
        if (peek().type == Tok::Comma) {
          ++i_;
          continue;
        }
        if (peek().type == Tok::PClose) break;
        if (peek().type == Tok::End) failure_.at(peek().begin, "missing ')' to close '" + node->name + "('");
        unexpected(peek(), "expected ',' or ')'");
      }
    }
    node->end = peek().end;
    ++i_;  // )
    return node;
  }

  const std::string& s_;
  std::vector<Token> t_;
  const Failure& failure_;
  std::size_t i_ = 0;
  int depth_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Evaluation (HydraOverrideVisitor).

class Evaluator {
 public:
  Evaluator(const Parser& parser, const Failure& failure) : parser_(parser), failure_(failure) {}

  Evaluated evaluate(const Node& node) {
    switch (node.kind) {
      case Node::Kind::Primitive: return primitive(node.tokens);
      case Node::Kind::List: {
        Element list;
        list.type = Element::Type::List;
        for (const auto& child : node.children) list.items.push_back(nested(*child));
        return list;
      }
      case Node::Kind::Dict: {
        Element dict;
        dict.type = Element::Type::Dict;
        for (std::size_t i = 0; i < node.keys.size(); ++i) {
          Element key = primitive(node.keys[i]);
          Element value = nested(*node.children[i]);
          auto same = [&](const auto& entry) { return entry.key.text == key.text && entry.key.type == key.type; };
          auto it = std::find_if(dict.entries.begin(), dict.entries.end(), same);
          if (it != dict.entries.end()) it->value = std::move(value);  // a Python dict: the last one wins
          else dict.entries.push_back({std::move(key), std::move(value)});
        }
        return dict;
      }
      case Node::Kind::Function: return call(node);
    }
    return Element();
  }

  // An element inside a list or dict: a sweep there has no meaning.
  Element nested(const Node& node) {
    Evaluated v = evaluate(node);
    if (!std::holds_alternative<Element>(v))
      failure_.plain("a sweep (" + python_type_name(v) + ") cannot be inside a list or dict");
    return std::get<Element>(std::move(v));
  }

 private:
  Evaluated call(const Node& node) {
    std::vector<FunctionArgument> args;
    for (std::size_t i = 0; i < node.children.size(); ++i) args.push_back({node.names[i], evaluate(*node.children[i])});
    std::string call_text = parser_.text({Tok::End, node.begin, node.end});
    try {
      return call_override_function(node.name, std::move(args));
    } catch (const FunctionFailure& e) {
      if (e.type == "HydraException") failure_.evaluation(e.what());
      failure_.evaluation(e.type + " while evaluating '" + call_text + "'" + (*e.what() ? ": " + std::string(e.what()) : ""));
    }
  }

  // _createPrimitive: surrounding whitespace dropped; one token typed by its kind, several joined
  // into a string (escapes undone).
  Element primitive(const std::vector<Token>& tokens) {
    std::size_t first = 0, last = tokens.size();
    if (tokens.front().type == Tok::Ws) {
      if (last == 1) failure_.at(tokens.front().begin, "a value cannot be only whitespace");
      first = 1;
    }
    if (tokens.back().type == Tok::Ws) --last;
    if (last - first > 1) {
      std::string joined;
      for (std::size_t i = first; i < last; ++i) joined += tokens[i].type == Tok::Esc ? unescape(tokens[i]) : parser_.text(tokens[i]);
      return Element::string(std::move(joined));
    }
    const Token& t = tokens[first];
    const std::string text = parser_.text(t);
    switch (t.type) {
      case Tok::Quoted: return quoted(text);
      case Tok::Int: return integer(text);
      case Tok::Float: return floating(text);
      case Tok::Null: return Element::null();
      case Tok::Bool: return Element::boolean(std::tolower(static_cast<unsigned char>(text[0])) == 't');
      case Tok::Esc: return Element::string(unescape(t));
      default: return Element::string(text);
    }
  }

  std::string unescape(const Token& t) const {
    std::string out;
    for (std::size_t i = t.begin + 1; i < t.end; i += 2) out += parser_.text({Tok::Esc, i, i + 1});
    return out;
  }

  static Element integer(const std::string& text) {
    std::string digits;
    for (char c : text)
      if (c != '_' && c != '+') digits += c;
    if (digits == "-0") digits = "0";
    Element e;
    e.type = Element::Type::Int;
    e.text = digits;
    e.number = std::strtod(digits.c_str(), nullptr);
    return e;
  }

  static Element floating(const std::string& text) {
    std::string clean;
    for (char c : text)
      if (c != '_') clean += c;
    return Element::floating(std::strtod(clean.c_str(), nullptr));  // strtod reads inf and nan too
  }

  // A run of n backslashes before a quote stands for n/2 backslashes, and the quote itself when n
  // is odd (Hydra's _unescape_quoted_string); other backslashes are literal.
  static Element quoted(const std::string& text) {
    const char q = text.front();
    const std::string body = text.substr(1, text.size() - 2);
    std::string out;
    std::size_t i = 0;
    while (i < body.size()) {
      if (body[i] != '\\') {
        out += body[i++];
        continue;
      }
      std::size_t run = body.find_first_not_of('\\', i);
      std::size_t n = (run == std::string::npos ? body.size() : run) - i;
      const bool before_quote = run == std::string::npos || body[run] == q;
      if (before_quote) {
        out.append(n / 2, '\\');
        if (run != std::string::npos && n % 2 == 1) {
          out += q;
          ++run;
        }
        i = run == std::string::npos ? body.size() : run;
      } else {
        out.append(n, '\\');
        i += n;
      }
    }
    Element e = Element::string(std::move(out));
    e.type = Element::Type::Quoted;
    e.quote = q;
    return e;
  }

  const Parser& parser_;
  const Failure& failure_;
};

// ---------------------------------------------------------------------------------------------
// Key part: [~|+|++] key [@package] =

bool key_character(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '$' || c == '.' || c == '/' || c == '@';
}

// KEY_SPECIAL: (CHAR|'_'|'$') (CHAR|DIGIT|'_'|'-'|'$')*; ID is the same without '$'.
bool name_segment(std::string_view s, bool dollar) {
  auto first = [&](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (dollar && c == '$'); };
  if (s.empty() || !first(s[0])) return false;
  return std::all_of(s.begin() + 1, s.end(), [&](char c) { return first(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '-'; });
}

// INT_UNSIGNED: '0' | [1-9] (_? DIGIT)*, as a list index in a dot path (a.0.b).
bool index_segment(std::string_view s) {
  if (s == "0") return true;
  if (s.empty() || s[0] < '1' || s[0] > '9' || s.back() == '_') return false;
  for (std::size_t i = 1; i < s.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i])) && !(s[i] == '_' && s[i - 1] != '_')) return false;
  return true;
}

// The key's shape: packageOrGroup ('@' package)?, where packageOrGroup is a package or a group
// path ID ('/' ID)+, and a package is empty, a name, or a dot path of names and indexes.
void check_key_shape(const std::string& text, std::size_t begin, std::size_t end, const Failure& failure) {
  const std::string key = text.substr(begin, end - begin);
  const std::size_t at = key.find('@');
  if (at != std::string::npos && key.find('@', at + 1) != std::string::npos)
    failure.at(begin + key.find('@', at + 1), "a key has at most one '@'");
  auto check_part = [&](std::size_t from, std::size_t to, bool may_be_group) {
    const std::string part = key.substr(from, to - from);
    const bool group = part.find('/') != std::string::npos;
    if (group && !may_be_group) failure.at(begin + from + part.find('/'), "a package cannot hold '/'");
    const char separator = group ? '/' : '.';
    std::size_t start = 0;
    const bool single = part.find(separator) == std::string::npos;
    while (true) {
      std::size_t stop = std::min(part.find(separator, start), part.size());
      std::string_view segment(part.data() + start, stop - start);
      if (segment.empty() && !(single && part.empty()))
        failure.at(begin + from + start, "'" + key + "' has an empty key segment");
      bool ok = group ? name_segment(segment, false) : name_segment(segment, true) || (!single && index_segment(segment));
      if (!ok && !segment.empty())
        failure.at(begin + from + start, "'" + std::string(segment) + "' is not a valid key segment (a name, or a list index in a dotted key)");
      if (stop == part.size()) return;
      start = stop + 1;
    }
  };
  check_part(0, at == std::string::npos ? key.size() : at, true);
  if (at != std::string::npos) check_part(at + 1, key.size(), false);
}

}  // namespace

Override parse_override(const std::string& text) {
  Failure failure(text);
  Override ov;
  ov.input = text;
  std::size_t pos = 0;
  if (text.rfind("++", 0) == 0) {
    ov.kind = Override::Kind::ForceAdd;
    pos = 2;
  } else if (text.rfind("+", 0) == 0) {
    ov.kind = Override::Kind::Add;
    pos = 1;
  } else if (text.rfind("~", 0) == 0) {
    ov.kind = Override::Kind::Delete;
    pos = 1;
  }
  const std::size_t eq = text.find('=', pos);
  const std::size_t key_end = eq == std::string::npos ? text.size() : eq;
  if (key_end == pos) failure.plain("the key is empty. Write key=value (e.g. foo.bar=1)");
  for (std::size_t i = pos; i < key_end; ++i)
    if (!key_character(text[i]))
      failure.at(i, "'" + character_at(text, i) + "' is not allowed in a key (keys are names joined by '.', '/' or '@')");
  check_key_shape(text, pos, key_end, failure);
  ov.key = text.substr(pos, key_end - pos);
  if (eq == std::string::npos) {
    if (ov.kind != Override::Kind::Delete)
      failure.plain("expected key=value (or ~key to delete). Did you mean " + text + "=<value>?");
    return ov;
  }
  ov.value = text.substr(eq + 1);
  std::size_t value_start = eq + 1;
  while (value_start < text.size() && (text[value_start] == ' ' || text[value_start] == '\t')) ++value_start;  // EQUAL: '=' WS?
  if (value_start == text.size()) {
    ov.parsed = Element::string("");
    return ov;
  }
  Parser parser(text, Lexer(text, value_start, failure).tokens(), failure);
  std::vector<std::unique_ptr<Node>> elements = parser.value();
  Evaluator evaluator(parser, failure);
  if (elements.size() == 1) {
    Evaluated v = evaluator.evaluate(*elements.front());
    if (auto* e = std::get_if<Element>(&v)) ov.parsed = std::move(*e);
    else ov.parsed = std::get<Sweep>(std::move(v));
    return ov;
  }
  Sweep simple;
  simple.simple_form = true;
  for (const auto& element : elements) simple.choices.push_back(evaluator.nested(*element));
  ov.parsed = std::move(simple);
  return ov;
}

std::vector<Override> parse_overrides(const std::vector<std::string>& texts) {
  std::vector<Override> out;
  out.reserve(texts.size());
  for (const auto& text : texts) out.push_back(parse_override(text));
  return out;
}

}  // namespace hydra::internal
