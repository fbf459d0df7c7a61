// The functions of Hydra's override grammar (hydra/_internal/grammar/grammar_functions.py):
// casts int() float() str() bool(), sweeps choice() range() interval() glob(), and sort(),
// shuffle(), tag(). Used by the override parser only.
#pragma once

#include "config/overrides.hpp"

#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace hydra::internal {

// What an element or a function call evaluates to.
using Evaluated = std::variant<Element, Sweep>;

struct FunctionArgument {
  std::optional<std::string> name;  // `name=value`
  Evaluated value;
};

// A call that failed as Hydra's would: `type` is the Python exception's name ("ValueError").
struct FunctionFailure : std::runtime_error {
  FunctionFailure(std::string type_name, const std::string& message)
      : std::runtime_error(message), type(std::move(type_name)) {}
  std::string type;
};

// Evaluates `name(args...)`. Throws FunctionFailure.
Evaluated call_override_function(const std::string& name, std::vector<FunctionArgument> args);

// The random order of shuffle() (Python's is unseeded too: every run differs).
std::mt19937& shuffle_engine();

// Python's name of a value's type, for messages ("int", "str", "ChoiceSweep").
std::string python_type_name(const Evaluated& value);

}  // namespace hydra::internal
