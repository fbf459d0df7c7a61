#include "util/interrupt.hpp"

#include <hydra/main.hpp>

#include <atomic>
#include <csignal>
#include <unistd.h>

namespace hydra::internal {
namespace {

std::atomic<int> g_signals{0};

extern "C" void on_interrupt_signal(int) {
  if (g_signals.fetch_add(1) >= 1) {
    static const char msg[] = "\nInterrupted twice: exiting now\n";
    [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, msg, sizeof msg - 1);
    ::_exit(130);
  }
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_interrupt_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

bool interrupt_requested() noexcept { return g_signals.load() > 0; }

}  // namespace hydra::internal

namespace hydra {
bool interrupted() noexcept { return internal::interrupt_requested(); }
}  // namespace hydra
