// Naming the exception being handled, for warnings and JobReturn errors.
#pragma once

#include <string>

namespace hydra::internal {

struct ExceptionText {
  std::string type;     // demangled dynamic type, e.g. "std::runtime_error"; "unknown exception" if none
  std::string message;  // what() for std::exception, "" otherwise
};

// Call only inside a catch block: describes the exception in flight (catch (...) too).
ExceptionText describe_current_exception();

}  // namespace hydra::internal
