"""The notebooks: in sync with their scripts, they run top to bottom in a fresh kernel, and
they carry what they need to run alone (CI runs each alone: tools/run_alone.py)."""

from __future__ import annotations

import ast
import base64
import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from printed import first_difference

from practice import check
from tools.refresh import (
    FIX_COMMAND,
    NOTEBOOKS,
    SCRIPTS,
    carried_files,
    convert,
    images,
    notebook_path,
    printed,
    setup_cell,
)


def cells(notebook: nbformat.NotebookNode) -> list[tuple[str, str, dict]]:
    return [(cell.cell_type, cell.source, cell.get("attachments", {})) for cell in notebook.cells]


def saves_a_figure(cell: nbformat.NotebookNode) -> bool:
    """A cell of the script that saves a figure (the set-up cell only carries save_figure's code)."""
    return cell.cell_type == "code" and cell.get("id") != "setup" and "save_figure(" in cell.source


@pytest.fixture(scope="session")
def two_passes(tmp_path_factory) -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    """lesson.py's cells run from a temporary folder, writing into its output/: Run All in a fresh
    kernel, then Run All again in the same kernel, as a learner might. The notebook after each."""
    from nbclient import NotebookClient

    from tools.refresh import KERNEL

    workdir = tmp_path_factory.mktemp("notebook")
    notebook = convert(ROOT / "lesson.py")
    saved = dict(os.environ)
    os.environ["LESSON_OUTPUT"] = str(workdir / "output")  # inherited by the kernel
    os.environ.pop("MPLBACKEND", None)  # the kernel's inline backend, as in a notebook
    try:
        client = NotebookClient(
            notebook,
            kernel_name=KERNEL["name"],
            extra_arguments=["--log-level=ERROR"],
            timeout=300,
            resources={"metadata": {"path": str(workdir)}},
        )
        passes = []
        with client.setup_kernel():
            for _ in range(2):
                for index, cell in enumerate(notebook.cells):
                    client.execute_cell(cell, index)
                passes.append(copy.deepcopy(notebook))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return tuple(passes)


@pytest.fixture(scope="session")
def executed(two_passes) -> nbformat.NotebookNode:
    """The notebook after Run All in a fresh kernel."""
    return two_passes[0]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_committed_notebook_has_the_scripts_cells(script):
    committed = nbformat.read(notebook_path(script), as_version=4)
    assert cells(committed) == cells(convert(script)), (
        f"{notebook_path(script).name} is out of date with {script.name}: run `{FIX_COMMAND}`"
    )


def test_cells_read_as_a_notebook():
    notebook = convert(ROOT / "lesson.py")
    assert all("# %%" not in cell.source for cell in notebook.cells)
    markdown = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    assert markdown[0].startswith("# Lesson 06")  # the title, as a heading, not a comment
    headings = [source.splitlines()[0] for source in markdown if source.startswith("## ")]
    assert len(headings) >= 7  # one per section, and the takeaways
    assert any("$$" in source for source in markdown)  # the MSE formula in LaTeX


def test_every_cell_runs_in_a_fresh_kernel(executed):
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors


def test_figures_appear_inline(executed):
    figure_cells = [cell for cell in executed.cells if saves_a_figure(cell)]
    assert figure_cells and all(images(cell) == 1 for cell in figure_cells)


def test_notebook_prints_exactly_what_the_script_prints(executed, lesson):
    assert printed(executed) == lesson.stdout


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_committed_outputs_are_what_the_code_prints_now(script, request):
    """On any CPU: the outputs were printed on one machine, and numbers may differ in their last digit."""
    committed = nbformat.read(notebook_path(script), as_version=4)
    run = request.getfixturevalue("lesson") if script.name == "lesson.py" else None
    run = run or request.getfixturevalue("run_script")(script.name)
    difference = first_difference(printed(committed), run.stdout, ("committed", "printed now"))
    assert difference is None, (
        f"the outputs committed in {notebook_path(script).name} differ from what {script.name} prints, "
        f"at output {difference}. If that is a real change, run `{FIX_COMMAND}` and commit the notebook."
    )
    assert all(images(cell) == 1 for cell in committed.cells if saves_a_figure(cell))


def test_run_all_twice_in_one_kernel_gives_the_same_outputs(two_passes):
    """Every cell must find the objects it expects the second time too (each model has its own
    name), so both passes print and draw the same."""

    def outputs(notebook: nbformat.NotebookNode) -> list[list[tuple[str, str]]]:
        """Per cell: its streams' text (however the kernel split it), errors, and the kinds of display."""
        cells = []
        for cell in notebook.cells:
            streams: dict[str, str] = {}
            shown = []
            for output in cell.get("outputs", []):
                if output.output_type == "stream":
                    streams[output.name] = streams.get(output.name, "") + output.text
                else:
                    shown.append((output.output_type, ",".join(sorted(output.get("data", {})))))
            cells.append(sorted(streams.items()) + shown)
        return cells

    first, second = map(outputs, two_passes)
    assert not any(kind == "error" for cell in first for kind, _ in cell)
    assert sum(kind == "display_data" for cell in first for kind, _ in cell) == 6  # the six figures
    assert first == second


# --- Alone: a notebook downloaded by itself, or opened in Colab or on Kaggle


def committed_notebooks() -> list[Path]:
    return [notebook_path(script) for script in SCRIPTS]


def setup_of(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    (cell,) = [cell for cell in notebook.cells if cell.get("id") == "setup"]
    return cell


def embedded_files(cell: nbformat.NotebookNode) -> dict[str, str]:
    """The files a set-up cell carries, read as Python reads its source (not as it was written)."""
    for node in ast.walk(ast.parse(cell.source)):
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "_files":
            return ast.literal_eval(node.value)
    raise AssertionError("the set-up cell defines no _files")


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_each_notebook_carries_exact_copies_of_the_files_it_imports_from_the_project(script):
    carried = embedded_files(setup_of(nbformat.read(notebook_path(script), as_version=4)))
    files = carried_files(NOTEBOOKS[script.relative_to(ROOT).as_posix()])
    assert carried == files, f"{notebook_path(script).name} carries stale copies: run `{FIX_COMMAND}`"


def test_a_package_travels_as_its_python_files_under_its_own_name(tmp_path):
    package = tmp_path / "shapes"
    (package / "inner").mkdir(parents=True)
    for name in ("__init__.py", "circle.py", "inner/__init__.py"):
        (package / name).write_text(f"NAME = {name!r}\n")
    (package / "notes.txt").write_text("not Python: it stays behind")
    carried = carried_files([str(package)])  # an absolute path: ROOT / it is itself
    assert set(carried) == {"shapes/__init__.py", "shapes/circle.py", "shapes/inner/__init__.py"}
    assert carried["shapes/circle.py"] == "NAME = 'circle.py'\n"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_the_lesson_comes_first_and_the_set_up_says_it_can_be_skipped(script):
    notebook = nbformat.read(notebook_path(script), as_version=4)
    setup = setup_of(notebook)
    assert notebook.cells[0].cell_type == "markdown" and notebook.cells[0].source.startswith("# ")
    first_code = next(cell for cell in notebook.cells if cell.cell_type == "code")
    assert first_code is setup  # before anything imports what it carries
    # Collapsed in JupyterLab and VS Code; in Colab a form, which shows only its @title line.
    assert setup.metadata["jupyter"]["source_hidden"] is True and setup.metadata["cellView"] == "form"
    assert setup.metadata["tags"] == [check.SETUP_TAG]  # the checker, grading a notebook, skips it
    title = setup.source.splitlines()[0]
    assert title.startswith("# @title ") and "skip" in title


LOCAL_PICTURE = re.compile(r"""<img\b[^>]*?\bsrc=["']?([^"'\s>]+)|!\[[^\]]*\]\(\s*<?([^)\s>]+)""")


def pictures(markdown: str) -> list[str]:
    return [a or b for a, b in LOCAL_PICTURE.findall(markdown)]


@pytest.mark.parametrize("notebook", committed_notebooks(), ids=lambda path: path.name)
def test_no_notebook_text_shows_a_picture_that_would_be_missing_alone(notebook):
    """A picture in a file beside the notebook is not there when the notebook is alone."""
    for cell in nbformat.read(notebook, as_version=4).cells:
        for target in pictures(cell.source) if cell.cell_type == "markdown" else []:
            if target.startswith("attachment:"):  # inside the notebook: it must really be there
                data = next(iter(cell.attachments[target.removeprefix("attachment:")].values()))
                assert base64.b64decode(data)[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0", b"<svg")
            else:
                assert re.match(r"(https?|data):", target), f"{notebook.name} shows {target}, a local file"


def test_the_picture_check_sees_every_way_of_showing_one():
    markdown = (
        '![a](figures/a.png) <img width="4" src="figures/b.png"> ![c](attachment:c.png) ![d](https://x/d.png)'
    )
    assert pictures(markdown) == ["figures/a.png", "figures/b.png", "attachment:c.png", "https://x/d.png"]


# Run after a set-up cell, in the same Python: is each module the copy of its real file, does a child
# process find the same, and where do the scripts save?
AFTER_SETUP = """
import importlib.util, json, os, subprocess, sys
real = json.loads(sys.argv[1])
for name, path in real.items():
    found = importlib.util.find_spec(name).origin
    print(found != path and open(found).read() == open(path).read())
FIND = "import importlib.util as u, sys; print(*[u.find_spec(name).origin for name in sys.argv[1:]])"
child = subprocess.run([sys.executable, "-S", "-c", FIND, *real], capture_output=True, text=True)
print(child.stdout.split() == [importlib.util.find_spec(name).origin for name in real])
print(os.environ.get("LESSON_OUTPUT"))
"""


def run_setup(cell: nbformat.NotebookNode, folder: Path, real: dict[str, Path], *flags: str) -> list[str]:
    """Run a set-up cell, then AFTER_SETUP, in a fresh Python in folder: what it printed."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "LESSON_OUTPUT"}}
    script = folder / "setup_then_check.py"
    script.write_text(cell.source + "\n" + AFTER_SETUP)
    arguments = [json.dumps({name: str(path) for name, path in real.items()})]
    command = [sys.executable, *flags, str(script), *arguments]
    result = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_alone_the_set_up_makes_a_module_and_a_package_importable_here_and_in_a_child(tmp_path):
    """Without site-packages (-S) nothing of the project is importable, as in Colab: the set-up's
    copies are the files, and a child process (the practice checker grades in one) finds them too."""
    package = tmp_path / "elsewhere" / "shapes"  # a package of the project's would travel so
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "circle.py").write_text("RADIUS = 1.0\n")
    real = {"linreg": ROOT / "linreg.py", "shapes.circle": package / "circle.py"}
    setup = setup_cell(carried_files(["linreg.py", str(package)]))
    alone = tmp_path / "alone"
    alone.mkdir()
    *copies, child, output = run_setup(setup, alone, real, "-S")
    assert copies == ["True", "True"] and child == "True"
    assert Path(output) == alone.resolve() / "output"  # what the scripts save: output/ beside the notebook


def test_in_the_repository_the_set_up_does_nothing(tmp_path):
    """There the real modules win: nothing is written, and nothing changes where Python imports from."""
    setup = setup_of(nbformat.read(notebook_path(ROOT / "lesson.py"), as_version=4))
    watch = "import os, sys\n_before = list(sys.path[1:]), dict(os.environ)\n"
    check = (
        "\nprint(_before == (list(sys.path[1:]), dict(os.environ)))\nimport linreg\nprint(linreg.__file__)"
    )
    cell = nbformat.v4.new_code_cell(watch + setup.source + check)
    unchanged, found = run_setup(cell, tmp_path, {})[:2]
    assert unchanged == "True" and Path(found) == ROOT / "linreg.py"
