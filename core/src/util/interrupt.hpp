// SIGINT/SIGTERM handling (docs/spec.md §3, Interrupt): the first signal sets a flag the task and the
// launchers poll (hydra::interrupted()); a second one exits at once with 130.
#pragma once

namespace hydra::internal {

void install_interrupt_handlers();
// Before anything opens a file: fds 0-2 open (on /dev/null if they were closed), SIGPIPE ignored.
void guard_standard_streams();
bool interrupt_requested() noexcept;

}  // namespace hydra::internal
