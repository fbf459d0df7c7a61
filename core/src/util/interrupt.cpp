#include "util/interrupt.hpp"

#include <hydra/main.hpp>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
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

void guard_standard_streams() {
  // Closed at start (`>&-`): the next open() would get fd 0, 1 or 2, and console lines would
  // land in whatever file that is (multirun.log). /dev/null takes the slot instead.
  for (int fd = 0; fd <= 2; ++fd)
    if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
      int null_fd = ::open("/dev/null", O_RDWR);
      if (null_fd >= 0 && null_fd != fd) {
        ::dup2(null_fd, fd);
        ::close(null_fd);
      }
    }
  // `app -m ... | head -1`: the reader has gone, not the sweep; a write then fails with EPIPE
  // (std::cout goes bad, the log sinks drop the line) and every job still runs and is recorded.
  ::signal(SIGPIPE, SIG_IGN);
}

bool interrupt_requested() noexcept { return g_signals.load() > 0; }

}  // namespace hydra::internal

namespace hydra {
bool interrupted() noexcept { return internal::interrupt_requested(); }
}  // namespace hydra
