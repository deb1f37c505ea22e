"""practice.ipynb: its source's cells with the template's stubs, and each check cell grades in place.

The notebook is run in its folder, practice/, as a learner runs it: with the worked answers
pasted into the learner's cells every check passes, and a broken function gets the hint the
command gives it.
"""

from __future__ import annotations

import ast
import subprocess
import sys

import check
import nbformat
import problems
import pytest
from conftest import ROOT, headless_env

from tools.refresh import execute, practice_notebook

PRACTICE = ROOT / "practice"
NOTEBOOK = PRACTICE / "practice.ipynb"


def cells(notebook: nbformat.NotebookNode) -> list[tuple[str, str, list[str]]]:
    return [(cell.cell_type, cell.source, cell.metadata.get("tags", [])) for cell in notebook.cells]


def check_outputs(notebook: nbformat.NotebookNode) -> list[str]:
    """What each check(...) cell printed, in order."""
    return [
        "".join(output.get("text", "") for output in cell.outputs)
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.source.startswith("check(")
    ]


def functions(path) -> dict[str, str]:
    """The source of each top-level function of a file."""
    source = path.read_text()
    nodes = ast.parse(source).body
    return {
        node.name: ast.get_source_segment(source, node) for node in nodes if isinstance(node, ast.FunctionDef)
    }


# The worked train_loop() without its optimizer.zero_grad(): the learner's one mistake.
BROKEN = "\n".join(
    line for line in functions(PRACTICE / "answers.py")["train_loop"].splitlines() if "zero_grad" not in line
)


@pytest.fixture(scope="module")
def command() -> subprocess.Popen:
    """The command grading the committed notebook, started first: it runs while the kernel below does."""
    return subprocess.Popen(
        [sys.executable, "practice/check.py", "practice/practice.ipynb"],
        cwd=ROOT,
        env=headless_env(ROOT / "output"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def worked(command) -> nbformat.NotebookNode:
    """The notebook with answers.py pasted in: its functions into the learner's cells, the rest into the
    imports cell; then a broken train_loop() and its check cell, run in practice/ as a learner would."""
    notebook, answers = practice_notebook(), functions(PRACTICE / "answers.py")
    source = (PRACTICE / "answers.py").read_text()
    for name in problems.PROBLEMS:  # what remains of answers.py: its imports, constants and helpers
        source = source.replace(answers[name], "")
    next(cell for cell in notebook.cells if cell.cell_type == "code").source = source
    for cell in notebook.cells:
        name = cell.source.partition("(")[0].removeprefix("def ")
        if cell.cell_type == "code" and cell.source.startswith("def ") and name in answers:
            cell.source = answers[name]
    notebook.cells.append(nbformat.v4.new_code_cell(BROKEN))
    notebook.cells.append(nbformat.v4.new_code_cell("check(train_loop)", metadata={"tags": ["check"]}))
    return execute(notebook, PRACTICE)


def test_the_committed_notebook_is_its_source_with_the_templates_stubs():
    committed = nbformat.read(NOTEBOOK, as_version=4)
    assert cells(committed) == cells(practice_notebook()), (
        "practice.ipynb is out of date: run `python tools/refresh.py`"
    )
    stubs = functions(PRACTICE / "exercises.py")
    learners = [
        source for kind, source, tags in cells(committed) if kind == "code" and source.startswith("def ")
    ]
    assert learners == [stubs[name] for name in problems.PROBLEMS]  # one cell per function, in grading order


def test_each_learners_cell_has_a_check_cell_below_it_tagged_for_the_command_to_skip():
    notebook = practice_notebook()
    for number, cell in enumerate(notebook.cells):
        if cell.source.startswith("def "):
            name = cell.source.partition("(")[0].removeprefix("def ")
            following = notebook.cells[number + 1]
            assert (following.source, following.metadata.get("tags")) == (f"check({name})", [check.CHECK_TAG])
    assert not [
        cell
        for cell in notebook.cells
        if "check(" in cell.source and not {"check", "setup"} & set(cell.metadata.get("tags", []))
    ]


def test_the_committed_outputs_are_what_the_command_says_of_the_notebook(command):
    """The untouched notebook, graded in place and by the command: not implemented yet, word for word."""
    stdout, stderr = command.communicate(timeout=300)
    assert command.returncode == 1, stderr
    lines = [line.strip() for line in stdout.splitlines() if line.startswith(("  PASS", "  FAIL"))]
    outputs = check_outputs(nbformat.read(NOTEBOOK, as_version=4))
    assert outputs == [f"{line}\n" for line in lines] and len(lines) == len(problems.PROBLEMS)
    assert all("not implemented yet" in line for line in lines)


def test_with_the_worked_answers_pasted_in_every_check_passes(worked):
    errors = [
        output for cell in worked.cells for output in cell.get("outputs", []) if output.output_type == "error"
    ]
    assert not errors, errors
    assert check_outputs(worked)[:-1] == [f"PASS  {name}()\n" for name in problems.PROBLEMS]


def test_a_broken_function_gets_the_hint_the_command_gives_it(worked):
    namespace: dict = {}
    exec(f"from torch import nn, optim\n{BROKEN}", namespace)  # noqa: S102 (the learner's cell, here)
    verdict = problems.grade_one(namespace, "train_loop")
    assert check_outputs(worked)[-1] == f"{check.verdict_line(verdict)}\n"
    assert "did you call optimizer.zero_grad()?" in verdict.hint


def test_a_check_stops_an_endless_loop_after_its_time_limit(capsys):
    """Here, as in a notebook's kernel, the check runs in the main thread: a timer signal can stop it."""
    namespace: dict = {}
    exec("def train_loop(*args):\n    while True:\n        pass\n", namespace)  # noqa: S102
    problems.check(namespace["train_loop"], time_limit=0.5)
    assert capsys.readouterr().out.startswith(
        "FAIL  train_loop(): did not finish within 0.5 s and was stopped: an endless loop"
    )
