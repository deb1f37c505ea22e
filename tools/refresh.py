"""Refresh what the repository commits from its scripts: python tools/refresh.py

Two kinds of files are made by running the scripts, and committed so that GitHub shows
them without running anything:

- the notebooks, lesson.ipynb and deeper.ipynb. Each script is written in jupytext's
  "percent" format, so it *is* its notebook's source: this converts it and runs it top to
  bottom in a fresh kernel, so that the notebook shows real results;
- figures/, the figures the README shows: copies of what the scripts save.

A notebook also runs alone, where there is nothing beside it (Colab, Kaggle, a download):
it carries the project's modules it imports, listed in NOTEBOOKS below, in a setup cell made
here from the real files, which it uses only where Python cannot import them; and a picture
its text shows from a local file travels inside it, as an attachment.

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
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
# Each script that is also a notebook, with the project's modules the notebook carries so that
# it runs alone: a module file, or a package's folder (its .py files), importable by its name.
NOTEBOOKS = {
    "lesson.py": ["linreg.py", "plots.py"],
    "deeper.py": ["linreg.py", "plots.py"],
    "practice/practice_notebook.py": ["linreg.py", "practice/check.py", "practice/problems.py"],
}
# practice/practice.ipynb: its own source's cells, with the template's stubs for the learner's.
PRACTICE_NOTEBOOK = ROOT / "practice" / "practice_notebook.py"
# The scripts whose notebooks print what the script prints (the practice notebook grades instead).
SCRIPTS = [ROOT / script for script in NOTEBOOKS if ROOT / script != PRACTICE_NOTEBOOK]
PRACTICE = [  # the worked solutions: each draws a figure (solution_1_own_data.py needs your CSV)
    ROOT / "practice" / "solution_1_height_weight.py",
    ROOT / "practice" / "solution_2_sgd_vs_adam.py",
    ROOT / "practice" / "solution_3_loss_curve.py",
]
FIGURES = ROOT / "figures"
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}
FIX_COMMAND = "python tools/refresh.py"


def notebook_path(script: Path) -> Path:
    """lesson.py's notebook is lesson.ipynb; the practice notebook's source has a name of its own
    (a practice.py would hide the practice package from practice/'s own imports)."""
    return script.with_name("practice.ipynb") if script == PRACTICE_NOTEBOOK else script.with_suffix(".ipynb")


def convert(script: Path) -> nbformat.NotebookNode:
    """The script's cells as a notebook, without outputs, ready to run alone."""
    import jupytext  # here, not above: tools/run_alone.py runs where only nbclient is installed

    notebook = jupytext.read(script)
    notebook.metadata["kernelspec"] = KERNEL
    notebook.metadata.pop("jupytext", None)  # the .py is the source; no pairing to maintain
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number:02d}"  # stable ids: a rebuild changes only what really changed
        if cell.cell_type == "markdown":
            attach_local_images(cell, script.parent)
    carried = carried_files(NOTEBOOKS[script.relative_to(ROOT).as_posix()])
    if carried:  # after the title and introduction: the lesson comes first, then its set-up
        first_code = next(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code")
        notebook.cells.insert(first_code, setup_cell(carried))
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


# --- A notebook that runs alone

LOCAL_IMAGE = re.compile(r"""(<img\b[^>]*?\bsrc=["']|!\[[^\]]*\]\()(?![a-z][a-z0-9+.-]*:)([^"')\s]+)""")
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}


def attach_local_images(cell: nbformat.NotebookNode, folder: Path) -> None:
    """Put each local picture a markdown cell shows into the cell, as an attachment: alone, the
    notebook would show a broken image (a picture on the web, or data:, stays as it is)."""

    def attach(match: re.Match) -> str:
        path = folder / match.group(2)
        if path.suffix.lower() not in IMAGE_TYPES or not path.is_file():
            raise SystemExit(f"the notebook's text shows {match.group(2)}, which is not a picture here")
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        cell.setdefault("attachments", {})[path.name] = {IMAGE_TYPES[path.suffix.lower()]: data}
        return f"{match.group(1)}attachment:{path.name}"

    cell.source = LOCAL_IMAGE.sub(attach, cell.source)


def module_name(path: str) -> str:
    """The name a carried file is imported by: checker/grading.py belongs to checker."""
    return path.split("/")[0].removesuffix(".py")


def carried_files(entries: list[str]) -> dict[str, str]:
    """{the path Python imports it by: the text} for each module file, and each .py of a package folder."""
    carried = {}
    for entry in entries:
        path = ROOT / entry
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            carried[file.relative_to(path.parent).as_posix()] = file.read_text(encoding="utf-8")
    return carried


# What the set-up cell runs: it writes the carried modules that Python cannot import (in the
# repository it finds them all, and does nothing) to a temporary folder, and imports from there.
CARRY = """\
def _carry(files: dict[str, str]) -> None:
    import atexit
    import importlib.util
    import os
    import shutil
    import sys
    import tempfile
    from pathlib import Path

    def importable(name: str) -> bool:  # checker/grading.py is imported by the name checker
        return importlib.util.find_spec(name.split("/")[0].removesuffix(".py")) is not None

    missing = [name for name in files if not importable(name)]
    if not missing:
        return
    folder = Path(tempfile.mkdtemp(prefix="lesson-06-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    for name in missing:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(files[name], encoding="utf-8")
    sys.path.insert(0, str(folder))
    # Child processes (the practice checker grades in one) import from there too.
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))
    # What the scripts save goes to output/ beside the notebook, as in the lesson's folder.
    os.environ.setdefault("LESSON_OUTPUT", str(Path.cwd() / "output"))
    importlib.invalidate_caches()


_carry(_files)
del _carry, _files
"""


def setup_cell(carried: dict[str, str]) -> nbformat.NotebookNode:
    """A code cell that makes the carried modules importable where the real ones are not.

    Collapsed where the front end allows (JupyterLab and VS Code: source_hidden; Colab: a form,
    which shows only its title), and its first line says what it is."""
    names = ", ".join(sorted({module_name(path) for path in carried}))
    header = (
        "# @title Set-up, so that this notebook also runs on its own: you can skip this cell\n"
        "# Alone (in Colab, on Kaggle, downloaded by itself), the notebook lacks the lesson's own\n"
        f"# modules ({names}), so it carries copies, which this cell makes importable. In the\n"
        "# lesson's folder it does nothing. tools/refresh.py writes it from the real files.\n\n"
    )
    body = "".join(f'    "{name}": {verbatim(text)},\n' for name, text in carried.items())
    source = f"{header}_files = {{\n{body}}}\n\n\n{CARRY}"
    cell = nbformat.v4.new_code_cell(source.rstrip("\n"))
    cell.id = "setup"
    # The tag tells practice/check.py, grading a notebook, that this cell is not the learner's.
    cell.metadata = {"cellView": "form", "jupyter": {"source_hidden": True}, "tags": ["setup"]}
    return cell


def verbatim(text: str) -> str:
    """A Python literal that is the text exactly as it reads: a raw triple-quoted string."""
    for quotes in ("'''", '"""'):
        if quotes not in text and not text.endswith("\\"):
            return f"r{quotes}{text}{quotes}"
    raise SystemExit("a carried file holds both kinds of triple quotes: it cannot travel verbatim")


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


def printed(notebook: nbformat.NotebookNode) -> str:
    """Everything the cells printed to stdout, in order, as the script would print it."""
    return "".join(
        output.text
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.output_type == "stream" and output.name == "stdout"
    )


def images(cell: nbformat.NotebookNode) -> int:
    """How many pictures a cell's outputs show."""
    return sum("image/png" in output.get("data", {}) for output in cell.get("outputs", []))


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
        notebooks = {script: execute(convert(script), workdir) for script in SCRIPTS}
        for script in PRACTICE:
            subprocess.run([sys.executable, str(script)], cwd=workdir, stdout=subprocess.DEVNULL, check=True)
        made = {figure.name: figure for figure in (workdir / "output").glob("*.png")}
        for stale in set(path.name for path in FIGURES.glob("*.png")) - set(made):
            (FIGURES / stale).unlink()
            print(f"removed figures/{stale}")
        FIGURES.mkdir(exist_ok=True)
        for name in sorted(made):
            refresh_figure(made[name])
        for script, notebook in notebooks.items():
            # The pictures its text shows, as figures/ holds them now that the scripts redrew them.
            for cell, fresh in zip(notebook.cells, convert(script).cells, strict=True):
                if "attachments" in fresh:
                    cell.attachments = fresh.attachments
            coalesce_streams(notebook)
            keep_unchanged_pictures(notebook, notebook_path(script))
            nbformat.write(notebook, notebook_path(script))
            print(f"wrote {notebook_path(script).relative_to(ROOT)}")
        # The practice notebook runs in its folder, where it imports the checker, as a learner's does.
        notebook = execute(practice_notebook(), PRACTICE_NOTEBOOK.parent)
        coalesce_streams(notebook)
        nbformat.write(notebook, notebook_path(PRACTICE_NOTEBOOK))
        print(f"wrote {notebook_path(PRACTICE_NOTEBOOK).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
