"""Shared fixtures: each script of the lesson runs once per test session, headless."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # so tests can `import linreg` from any working directory
sys.path.append(str(ROOT / "practice"))  # the checker's modules, which import each other by name
torch.set_num_threads(1)  # for the checks run in this process: see headless_env()


@dataclass(frozen=True)
class ScriptRun:
    """What one run of a script printed and wrote."""

    returncode: int
    stdout: str
    stderr: str
    output_dir: Path

    def section(self, title: str) -> str:
        """The text printed under `=== title ===`, up to the next heading."""
        start = self.stdout.index(f"=== {title}")
        end = self.stdout.find("\n=== ", start + 1)
        return self.stdout[start : None if end == -1 else end]


def headless_env(output_dir: Path) -> dict[str, str]:
    """The environment of a machine with no display: matplotlib must cope by itself."""
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND"}}
    env["LESSON_OUTPUT"] = str(output_dir)
    # This test machine is small and shared: there, a second torch thread once made backward()
    # on a thousand rows intermittently a hundred times slower. The lesson's own tensors are far
    # below the size torch splits among threads, so one thread changes no number, only the risk.
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


def start_script(script: str, folder: Path, *args: str) -> subprocess.Popen:
    """Run a script from `folder`, as a learner elsewhere would, writing into folder/output."""
    folder.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, str(ROOT / script), *args],
        cwd=folder,  # not the repo root: the scripts must not depend on where they are run from
        env=headless_env(folder / "output"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen, folder: Path) -> ScriptRun:
    stdout, stderr = process.communicate(timeout=300)
    return ScriptRun(process.returncode, stdout, stderr, folder / "output")


@pytest.fixture(scope="session")
def run_script(tmp_path_factory):
    """run_script("lesson.py", *args) -> ScriptRun, each distinct call run only once."""
    cache: dict[tuple[str, ...], ScriptRun] = {}

    def run(script: str, *args: str) -> ScriptRun:
        key = (script, *args)
        if key not in cache:
            folder = tmp_path_factory.mktemp(Path(script).stem)
            cache[key] = finish(start_script(script, folder, *args), folder)
        return cache[key]

    return run


@pytest.fixture(scope="session")
def lesson_runs(tmp_path_factory) -> tuple[ScriptRun, ScriptRun]:
    """Two independent runs of lesson.py, side by side: for the reproducibility check."""
    dirs = [tmp_path_factory.mktemp("lesson_a"), tmp_path_factory.mktemp("lesson_b")]
    processes = [start_script("lesson.py", d) for d in dirs]
    return tuple(finish(p, d) for p, d in zip(processes, dirs, strict=True))


@pytest.fixture(scope="session")
def lesson(lesson_runs) -> ScriptRun:
    run = lesson_runs[0]
    assert run.returncode == 0, run.stderr
    return run
