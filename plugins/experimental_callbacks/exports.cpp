// The factories of module hydra.experimental.callbacks (`_target_: hydra.experimental.callbacks.<Name>`).
#include "callbacks.hpp"

#include <hydra/plugin.hpp>

HYDRA_CALLBACK_NAMED(hydra::experimental::LogJobReturnCallback, LogJobReturnCallback)
HYDRA_CALLBACK_NAMED(hydra::experimental::PickleJobInfoCallback, PickleJobInfoCallback)
HYDRA_CALLBACK_NAMED(hydra::experimental::SweepReportCallback, SweepReportCallback)
