"""Refresh what the repository commits from its scripts: python tools/refresh.py

Two kinds of files are made by running the scripts, and committed so that GitHub shows
them without running anything:

- the notebooks, lesson.ipynb and deeper.ipynb. Each script is written in jupytext's
  "percent" format, so it *is* its notebook's source: this converts it and runs it top to
  bottom in a fresh kernel, so that the notebook shows real results;
- figures/, the figures the README shows: copies of what the scripts save.

Nothing else writes these files: running a script writes only into output/, which git
ignores. Run this after changing a script, then commit what changed. The tests check that
the notebooks hold the scripts' cells and print what the scripts print now (on any CPU:
numbers may differ in their last digit), and that figures/ holds every figure the scripts
draw.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = [ROOT / "lesson.py", ROOT / "deeper.py"]  # each with its notebook
PRACTICE = sorted((ROOT / "practice").glob("solution_*.py"))  # scripts whose figures the README shows
FIGURES = ROOT / "figures"
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}
FIX_COMMAND = "python tools/refresh.py"


def notebook_path(script: Path) -> Path:
    return script.with_suffix(".ipynb")


def convert(script: Path) -> nbformat.NotebookNode:
    """The script's cells as a notebook, without outputs."""
    notebook = jupytext.read(script)
    notebook.metadata["kernelspec"] = KERNEL
    notebook.metadata.pop("jupytext", None)  # the .py is the source; no pairing to maintain
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number:02d}"  # stable ids: a rebuild changes only what really changed
    return notebook


def execute(notebook: nbformat.NotebookNode, workdir: Path) -> nbformat.NotebookNode:
    """Run every cell in a fresh kernel started in workdir, with inline figures and no timestamps."""
    os.environ.pop("MPLBACKEND", None)  # let the kernel pick its inline backend
    client = NotebookClient(
        notebook,
        kernel_name=KERNEL["name"],
        extra_arguments=["--log-level=ERROR"],  # no kernel chatter about its local sockets
        timeout=300,
        resources={"metadata": {"path": str(workdir)}},
        record_timing=False,
    )
    client.execute()
    return notebook


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        # Run from a scratch folder that has an output/ of its own: everything prints
        # "saved output/...", as it does for a learner in the lesson's folder.
        workdir = Path(scratch)
        os.environ["LESSON_OUTPUT"] = str(workdir / "output")
        for script in SCRIPTS:
            notebook = execute(convert(script), workdir)
            nbformat.write(notebook, notebook_path(script))
            print(f"wrote {notebook_path(script).relative_to(ROOT)}")
        for script in PRACTICE:
            subprocess.run([sys.executable, str(script)], cwd=workdir, stdout=subprocess.DEVNULL, check=True)
        shutil.rmtree(FIGURES, ignore_errors=True)
        FIGURES.mkdir()
        for figure in sorted((workdir / "output").glob("*.png")):
            shutil.copy(figure, FIGURES / figure.name)
            print(f"wrote {(FIGURES / figure.name).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
