// Naming the exception being handled, for warnings and JobReturn errors.
#pragma once

#include <string>

namespace hydra::internal {

// What describe_current_exception() says of an exception that carries no text of its own.
inline constexpr const char* kNoExceptionMessage = "<unknown exception type: not a std::exception, no message>";

struct ExceptionText {
  std::string type;     // demangled dynamic type, e.g. "std::runtime_error"; "unknown exception" if none
  std::string message;  // what() for std::exception, the text of a thrown std::string or C string,
                        // else kNoExceptionMessage
  bool is_std = false;  // derived from std::exception
};

// Call only inside a catch block: describes the exception in flight (catch (...) too).
ExceptionText describe_current_exception();

}  // namespace hydra::internal
