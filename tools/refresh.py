"""Rebuild the notebooks from their scripts, with outputs: python tools/make_notebooks.py

Each script is written in jupytext's "percent" format, so it *is* the notebook's
source: this converts it, runs it top to bottom in a fresh kernel (so the committed
notebook shows real results on GitHub), and writes the .ipynb beside the script.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = [ROOT / "lesson.py", ROOT / "deeper.py"]
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}
FIX_COMMAND = "python tools/make_notebooks.py"


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
    """Run every cell in a fresh kernel, with inline figures, no timestamps (stable diffs)."""
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
        # The figures are shown inline; the committed copies in output/ come from the scripts.
        os.environ["LESSON_OUTPUT"] = scratch
        for script in SCRIPTS:
            notebook = execute(convert(script), script.parent)
            nbformat.write(notebook, notebook_path(script))
            print(f"wrote {notebook_path(script).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
