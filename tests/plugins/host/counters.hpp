// Lets the host test watch construction and destruction inside a plugin: the params carry
// the address of an int in the test process (`live_counter`), incremented by the constructor
// and decremented by the destructor.
#pragma once

#include <hydra/config.hpp>

#include <cstdint>
#include <string>

namespace host_test {

inline int* counter_from(const hydra::Config& params) {
  std::string text = hydra::get_or<std::string>(params, "live_counter", "");
  if (text.empty()) return nullptr;
  return reinterpret_cast<int*>(static_cast<std::uintptr_t>(std::stoull(text)));
}

class Counted {
 public:
  explicit Counted(const hydra::Config& params) : counter_(counter_from(params)) {
    if (counter_) ++*counter_;
  }
  ~Counted() {
    if (counter_) --*counter_;
  }
  Counted(const Counted&) = delete;
  Counted& operator=(const Counted&) = delete;

 private:
  int* counter_;
};

}  // namespace host_test
