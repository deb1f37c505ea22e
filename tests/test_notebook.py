"""lesson.ipynb: in sync with lesson.py, and it runs top to bottom in a fresh kernel."""

from __future__ import annotations

import os

import nbformat
import pytest
from conftest import ROOT
from printed import first_difference

from tools.refresh import FIX_COMMAND, SCRIPTS, convert, execute, notebook_path


def cells(notebook: nbformat.NotebookNode) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source) for cell in notebook.cells]


def printed(notebook: nbformat.NotebookNode) -> str:
    """Everything the cells printed to stdout, in order, as the script would print it."""
    return "".join(
        output.text
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.output_type == "stream" and output.name == "stdout"
    )


def images(cell: nbformat.NotebookNode) -> int:
    return sum("image/png" in output.get("data", {}) for output in cell.get("outputs", []))


def saves_a_figure(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and "save_figure(" in cell.source


@pytest.fixture(scope="session")
def executed(tmp_path_factory) -> nbformat.NotebookNode:
    """lesson.py's cells run in a fresh kernel, from a temporary folder, writing into its output/."""
    workdir = tmp_path_factory.mktemp("notebook")
    saved = dict(os.environ)
    os.environ["LESSON_OUTPUT"] = str(workdir / "output")  # inherited by the kernel
    try:
        return execute(convert(ROOT / "lesson.py"), workdir)
    finally:
        os.environ.clear()
        os.environ.update(saved)


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


def test_run_all_twice_in_one_kernel_gives_the_same_outputs(tmp_path):
    """Run All, then Run All again in the same kernel, as a learner might: every cell must find the
    objects it expects (each model has its own name), so both passes print and draw the same."""
    from nbclient import NotebookClient

    from tools.refresh import KERNEL

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

    notebook = convert(ROOT / "lesson.py")
    saved = dict(os.environ)
    os.environ["LESSON_OUTPUT"] = str(tmp_path / "output")  # inherited by the kernel
    os.environ.pop("MPLBACKEND", None)  # the kernel's inline backend, as in a notebook
    try:
        client = NotebookClient(
            notebook,
            kernel_name=KERNEL["name"],
            extra_arguments=["--log-level=ERROR"],
            timeout=300,
            resources={"metadata": {"path": str(tmp_path)}},
        )
        passes = []
        with client.setup_kernel():
            for _ in range(2):
                for index, cell in enumerate(notebook.cells):
                    client.execute_cell(cell, index)
                passes.append(outputs(notebook))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    first, second = passes
    assert not any(kind == "error" for cell in first for kind, _ in cell)
    assert sum(kind == "display_data" for cell in first for kind, _ in cell) == 6  # the six figures
    assert first == second
