// hydra.mode as Hydra records it in every composed config of a run.
#pragma once

#include "config/compose.hpp"

namespace hydra::internal {

// Sets hydra.mode and adds `hydra.mode=<MODE>` to the hydra overrides — unless the user set
// hydra.mode, in which case both are there already.
void record_run_mode(ComposedConfig& composed, RunMode mode);

}  // namespace hydra::internal
