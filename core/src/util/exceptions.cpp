#include "util/exceptions.hpp"

#include <boost/core/demangle.hpp>

#include <cxxabi.h>
#include <exception>
#include <typeinfo>

namespace hydra::internal {

ExceptionText describe_current_exception() {
  ExceptionText text{"unknown exception", kNoExceptionMessage};
  if (const std::type_info* info = abi::__cxa_current_exception_type()) text.type = boost::core::demangle(info->name());
  // Plugin code may throw anything; the usual non-std suspects (`throw "text"`, a std::string)
  // still carry a message worth showing.
  try {
    throw;
  } catch (const std::exception& e) {
    text.message = e.what();
    text.is_std = true;
  } catch (const std::string& s) {
    text.message = s;
  } catch (const char* s) {
    if (s) text.message = s;
  } catch (...) {
  }
  return text;
}

}  // namespace hydra::internal
