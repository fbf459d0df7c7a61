#include "util/exceptions.hpp"

#include <boost/core/demangle.hpp>

#include <cxxabi.h>
#include <exception>
#include <typeinfo>

namespace hydra::internal {

ExceptionText describe_current_exception() {
  ExceptionText text{"unknown exception", ""};
  if (const std::type_info* info = abi::__cxa_current_exception_type()) text.type = boost::core::demangle(info->name());
  try {
    throw;
  } catch (const std::exception& e) {
    text.message = e.what();
  } catch (...) {
  }
  return text;
}

}  // namespace hydra::internal
