// Command-line overrides as Hydra spells them: key=value, +key=value, ++key=value, ~key[=value],
// group=option, +group=option, ~group[=option], group@pkg=option.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hydra::internal {

struct Override {
  enum class Kind { Change, Add, ForceAdd, Delete };
  Kind kind = Kind::Change;
  std::string key;                  // as typed after the prefix, "@pkg" included ("db@backup")
  std::optional<std::string> value;  // text after the first '=', untouched (none for "~key")
  std::string input;                // the whole override as typed

  // key without "@pkg" (Hydra's key_or_group).
  std::string key_or_group() const;
  // "@pkg" part, if any (only meaningful for group overrides).
  std::optional<std::string> package() const;
  // Keys starting with "hydra." or groups "hydra/..." (Hydra's is_hydra_override).
  bool is_hydra() const;
};

// Splits one command-line override. Throws UserError for a malformed one ("foo", "=1", "+foo").
Override parse_override(const std::string& text);

// True when a value is a sweep rather than one value: a top-level comma (`a,b`) outside quotes,
// brackets and ${...}, or a sweep function (`range(...)`, `choice(...)`, `interval(...)`,
// `glob(...)`). The hook the sweeper area builds on; compose rejects sweeps in RUN mode.
bool is_sweep_value(std::string_view value);

// Splits at `sep` outside quotes, brackets, braces, parens and ${...}; parts trimmed.
std::vector<std::string> split_top_level(std::string_view text, char sep);

}  // namespace hydra::internal
