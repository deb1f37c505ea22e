"""The project's code stays lint-clean: the same ruff check the developers run."""

import subprocess
import sys

from conftest import ROOT


def project_files() -> list[str]:
    """The Python files git tracks, so a learner's scratch files never fail the tests."""
    listed = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True)
    return listed.stdout.split() if listed.returncode == 0 and listed.stdout else ["."]


def test_ruff_finds_nothing():
    command = [sys.executable, "-m", "ruff", "check", *project_files()]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
