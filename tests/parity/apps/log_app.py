# The Python twin of apps/log_app.cpp: Hydra's examples/tutorials/basic/running_your_hydra_app/
# 4_logging app (logs one INFO and one DEBUG line, prints nothing).
import logging

from omegaconf import DictConfig

import hydra

log = logging.getLogger(__name__)


@hydra.main(version_base=None, config_path=None, config_name=None)
def log_app(_cfg: DictConfig) -> None:
    log.info("Info level message")
    log.debug("Debug level message")


if __name__ == "__main__":
    log_app()
