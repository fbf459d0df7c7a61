#include "launch/sweeper.hpp"

#include "util/errors.hpp"

#include <string_view>

namespace hydra::internal {

void require_basic_sweeper(const Config& composed) {
  auto target = composed.get_child_optional("hydra.sweeper._target_");
  if (!target || !target->data().is_scalar()) return;  // no _target_: the basic sweeper
  const std::string name = target->data().text();
  // hydra-cpp's name and Python Hydra's for the same sweeper.
  if (name == "hydra.sweepers.BasicSweeper" || name == "hydra._internal.core_plugins.basic_sweeper.BasicSweeper") return;
  auto choice = composed.get_child_optional("hydra.runtime.choices.hydra/sweeper");
  const std::string option = choice && choice->data().is_scalar() ? choice->data().text() : std::string("?");
  throw UserError("hydra/sweeper=" + option + ": the sweeper '" + name +
                  "' is a Python Hydra plugin, not available in hydra-cpp (it sweeps with the basic sweeper only); "
                  "use hydra/sweeper=basic with hydra.sweeper.params, or drop the config that overrides hydra/sweeper");
}

}  // namespace hydra::internal
