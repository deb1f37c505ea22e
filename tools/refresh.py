"""Refresh what the repository commits from its scripts: python tools/refresh.py

Two kinds of files are made by running the scripts, and committed so that GitHub shows
them without running anything:

- the notebooks, lesson.ipynb and deeper.ipynb. Each script is written in jupytext's
  "percent" format, so it *is* its notebook's source: this converts it and runs it top to
  bottom in a fresh kernel, so that the notebook shows real results;
- practice/practice.ipynb, from practice/practice_notebook.py and the template's stubs, run
  in practice/ as the learner gets it: every check cell says "not implemented yet";
- figures/, the figures the README shows: copies of what the scripts save.

Nothing else writes these files: running a script writes only into output/, which git
ignores. Run this after changing a script, then commit what changed. The tests check that
the notebooks hold the scripts' cells and print what the scripts print now (on any CPU:
numbers may differ in their last digit), and that figures/ holds every figure the scripts
draw.
"""

from __future__ import annotations

import ast
import base64
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
PRACTICE = [  # the worked solutions: each draws a figure (solution_1_own_data.py needs your CSV)
    ROOT / "practice" / "solution_1_height_weight.py",
    ROOT / "practice" / "solution_2_sgd_vs_adam.py",
    ROOT / "practice" / "solution_3_loss_curve.py",
]
# practice/practice.ipynb: its own source's cells, with the template's stubs for the learner's.
PRACTICE_NOTEBOOK = ROOT / "practice" / "practice_notebook.py"
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


def practice_notebook() -> nbformat.NotebookNode:
    """practice.ipynb's cells: each `from exercises import NAME` cell of its source becomes that
    function of the template, so that the learner's cell is the template's stub, written once."""
    notebook = convert(PRACTICE_NOTEBOOK)
    template = (ROOT / "practice" / "exercises.py").read_text()
    stubs = {
        node.name: ast.get_source_segment(template, node)
        for node in ast.parse(template).body
        if isinstance(node, ast.FunctionDef)
    }
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.startswith("from exercises import "):
            cell.source = stubs[cell.source.split()[-1]]
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


def same_picture(old: bytes, new: bytes) -> bool:
    """Do two PNGs show the same picture? Agg anti-aliases a few contour pixels differently
    from one run to the next, so 'the same' allows a few hundred pixels to differ slightly."""
    import io

    import matplotlib.image

    a, b = (matplotlib.image.imread(io.BytesIO(data)) for data in (old, new))
    return a.shape == b.shape and int((abs(a - b).max(axis=-1) > 0.1).sum()) < 500


def keep_unchanged_pictures(notebook: nbformat.NotebookNode, committed: Path) -> None:
    """Where a cell draws the same picture as the committed notebook, keep the committed bytes:
    an unchanged figure then makes no diff."""
    if not committed.exists():
        return
    before = {cell.id: cell for cell in nbformat.read(committed, as_version=4).cells}
    for cell in notebook.cells:
        old_cell = before.get(cell.id)
        if cell.cell_type != "code" or old_cell is None or old_cell.source != cell.source:
            continue
        for output, old_output in zip(cell.outputs, old_cell.outputs, strict=False):
            new_png, old_png = (o.get("data", {}).get("image/png") for o in (output, old_output))
            if new_png and old_png and same_picture(base64.b64decode(old_png), base64.b64decode(new_png)):
                output["data"]["image/png"] = old_png


def coalesce_streams(notebook: nbformat.NotebookNode) -> None:
    """One stdout output per cell, however the kernel happened to flush it: stable diffs."""
    for cell in notebook.cells:
        merged: list = []
        for output in cell.get("outputs", []):
            previous = merged[-1] if merged else None
            if (
                output.output_type == "stream"
                and previous
                and previous.output_type == "stream"
                and (previous.name == output.name)
            ):
                previous.text += output.text
            else:
                merged.append(output)
        if cell.cell_type == "code":
            cell.outputs = merged


def refresh_figure(made: Path) -> None:
    """Copy a figure into figures/, unless the committed copy shows the same picture."""
    target = FIGURES / made.name
    if target.exists() and same_picture(target.read_bytes(), made.read_bytes()):
        return
    shutil.copy(made, target)
    print(f"wrote {target.relative_to(ROOT)}")


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        # Run from a scratch folder that has an output/ of its own: everything prints
        # "saved output/...", as it does for a learner in the lesson's folder.
        workdir = Path(scratch)
        os.environ["LESSON_OUTPUT"] = str(workdir / "output")
        for script in SCRIPTS:
            notebook = execute(convert(script), workdir)
            coalesce_streams(notebook)
            keep_unchanged_pictures(notebook, notebook_path(script))
            nbformat.write(notebook, notebook_path(script))
            print(f"wrote {notebook_path(script).relative_to(ROOT)}")
        # The practice notebook runs in its folder, where it imports the checker, as a learner's does.
        notebook = execute(practice_notebook(), PRACTICE_NOTEBOOK.parent)
        coalesce_streams(notebook)
        nbformat.write(notebook, PRACTICE_NOTEBOOK.with_name("practice.ipynb"))
        print("wrote practice/practice.ipynb")
        for script in PRACTICE:
            subprocess.run([sys.executable, str(script)], cwd=workdir, stdout=subprocess.DEVNULL, check=True)
        made = {figure.name: figure for figure in (workdir / "output").glob("*.png")}
        for stale in set(path.name for path in FIGURES.glob("*.png")) - set(made):
            (FIGURES / stale).unlink()
            print(f"removed figures/{stale}")
        FIGURES.mkdir(exist_ok=True)
        for name in sorted(made):
            refresh_figure(made[name])
    return 0


if __name__ == "__main__":
    sys.exit(main())
