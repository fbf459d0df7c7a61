#!/usr/bin/python3
"""Records Python Hydra 1.3.5's outcome of parity cases into cases/<case>/python/.

Run through record.sh (it points PYTHONPATH at a Python Hydra 1.3.5 checkout). Each case runs
apps/<app>.py in a fresh empty dir with `--config-path <conf> [--config-name <name>] <argv...>`,
exactly as parity_corpus.cpp runs the C++ twin. The outcome dir holds (normalised, see below):

  exit_code   the exit status
  stdout      everything printed on stdout
  stderr      everything printed on stderr
  files.txt   every file the run wrote, one relative path a line, sorted
  files/<p>   the content of each written .hydra/config.yaml and .hydra/overrides.yaml, and for
              each .hydra/hydra.yaml a digest, files/<dir>/.hydra/hydra.digest: the job name,
              override_dirname, the task overrides and hydra.runtime.choices, one `key: value` a
              line, sorted (the rest of hydra.yaml is implementation specific: paths, versions,
              plugin nodes)

Normalisation (parity_corpus.cpp applies the same to both sides): the run dir -> <CWD>, this
dir (tests/parity) -> <PARITY>, a Python warning's `<file>.py:<line>: ` prefix dropped, log time stamps `[YYYY-MM-DD HH:MM:SS,mmm]` -> [<TS>], dates
YYYY-MM-DD / YYYY.MM.DD -> <DATE>, times HH-MM-SS -> <TIME>; in file paths also a component of
six digits (HHMMSS) -> <TIME>.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

PARITY = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(PARITY, "cases")


def normalise(text, cwd):
    for path in {os.path.realpath(cwd), cwd}:
        text = text.replace(path, "<CWD>")
    text = text.replace(PARITY, "<PARITY>")
    text = re.sub(r"(?m)^/\S+\.py:\d+: (\w*Warning: )", r"\1", text)
    text = re.sub(r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\]", "[<TS>]", text)
    text = re.sub(r"\d{4}[-.]\d\d[-.]\d\d", "<DATE>", text)
    return re.sub(r"\d\d-\d\d-\d\d", "<TIME>", text)


def normalise_path(path, cwd):
    parts = [re.sub(r"^\d{6}$", "<TIME>", p) for p in normalise(path, cwd).split("/")]
    return "/".join(parts)


def flow(value):
    return "[" + ", ".join(value) + "]" if isinstance(value, list) else value


def hydra_digest(path):
    with open(path) as f:
        hydra = yaml.load(f, Loader=yaml.BaseLoader)["hydra"]
    lines = [
        "job.name: " + hydra["job"]["name"],
        "job.override_dirname: " + hydra["job"]["override_dirname"],
        "overrides.task: [" + ", ".join(hydra["overrides"]["task"]) + "]",
    ]
    for key, value in hydra["runtime"]["choices"].items():
        lines.append("runtime.choices." + key + ": " + flow(value))
    return "\n".join(sorted(lines)) + "\n"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def record(name):
    case_dir = os.path.join(CASES, name)
    with open(os.path.join(case_dir, "case.yaml")) as f:
        case = yaml.safe_load(f)
    app = os.path.join(PARITY, "apps", case.get("app", "my_app") + ".py")
    command = [sys.executable, app, "--config-path", os.path.join(PARITY, case["conf"])]
    if case.get("config_name") is not None:
        command += ["--config-name", case["config_name"]]
    out_dir = os.path.join(case_dir, "python")
    with tempfile.TemporaryDirectory(prefix="parity-") as cwd:
        # <PARITY> and <CWD> in argv and env stand for this dir and the run dir, as the runner has them.
        def placed(value):
            return str(value).replace("<PARITY>", PARITY).replace("<CWD>", cwd)
        command += [placed(a) for a in case.get("argv", [])]
        env = dict(os.environ)
        env.pop("HYDRA_FULL_ERROR", None)
        for key, value in (case.get("env") or {}).items():
            env[key] = placed(value)
        proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
        shutil.rmtree(out_dir, ignore_errors=True)
        write(os.path.join(out_dir, "exit_code"), "%d\n" % proc.returncode)
        write(os.path.join(out_dir, "stdout"), normalise(proc.stdout, cwd))
        write(os.path.join(out_dir, "stderr"), normalise(proc.stderr, cwd))
        written = []
        for root, _dirs, files in os.walk(cwd):
            for file in files:
                full = os.path.join(root, file)
                rel = normalise_path(os.path.relpath(full, cwd), cwd)
                written.append(rel)
                if root.endswith("/.hydra") and file in ("config.yaml", "overrides.yaml"):
                    with open(full) as f:
                        write(os.path.join(out_dir, "files", rel), normalise(f.read(), cwd))
                elif root.endswith("/.hydra") and file == "hydra.yaml":
                    digest = os.path.join(out_dir, "files", os.path.dirname(rel), "hydra.digest")
                    write(digest, normalise(hydra_digest(full), cwd))
        write(os.path.join(out_dir, "files.txt"), "".join(p + "\n" for p in sorted(written)))
    print("%-45s exit %d" % (name, proc.returncode))


def main(names):
    names = names or sorted(d for d in os.listdir(CASES) if os.path.isfile(os.path.join(CASES, d, "case.yaml")))
    for name in names:
        record(name)


if __name__ == "__main__":
    main(sys.argv[1:])
