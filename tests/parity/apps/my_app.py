# The Python twin of apps/my_app.cpp: Hydra's example app (prints its config). The config dir and
# name come from the case (--config-path/--config-name), so one script serves every case; the
# script's name gives hydra.job.name (my_app), as the C++ app's task name does.
from omegaconf import DictConfig, OmegaConf

import hydra


@hydra.main(version_base=None, config_path=None, config_name=None)
def my_app(cfg: DictConfig) -> None:
    print(OmegaConf.to_yaml(cfg))


if __name__ == "__main__":
    my_app()
