// The `hydra/launcher` options we ship (basic is built into the config area): registered as
// built-in config files so `hydra/launcher=process` composes like any group option.
#pragma once

namespace hydra::internal {

// Idempotent; call before composing.
void register_launcher_configs();

}  // namespace hydra::internal
