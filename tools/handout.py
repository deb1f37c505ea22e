"""What a teacher gives out: the students' folder, the solutions for later, and Gradescope's autograder.

    python tools/handout.py DIR               # the students' folder, with no worked answers in it
    python tools/handout.py --solutions DIR   # the worked answers and the solution scripts, for later
    python tools/handout.py --gradescope ZIP  # the autograder to upload: setup.sh, run_autograder, checker

The students' folder holds the lesson and its notebooks, linreg.py and plots.py, the practice template,
its notebook and the checker, the requirements, and the tests of the lesson (the checker's own tests
need the worked answers, so they stay here). Where the README, the template and the practice notebook
point to the answers, the handout says that the teacher gives them out later, and it commits
practice/my_answers.py, the file GitHub Classroom grades, where this repository ignores it. Its
.github/workflows/classroom.yml is GitHub Classroom's autograding: a step per function, each worth that
function's points in practice/problems.py, made from them here so that the two always agree.
DIR must be empty or new: nothing is overwritten."""

from __future__ import annotations

import argparse
import json
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "practice"))
from check import listed  # noqa: E402 (the checker's functions and points, read without torch)

LESSON = ["lesson.py", "lesson.ipynb", "deeper.py", "deeper.ipynb", "linreg.py", "plots.py"]
SETUP = ["pyproject.toml", "requirements.txt", "requirements-dev.txt"]
CHECKER = ["practice/check.py", "practice/problems.py", "practice/exercises.py"]
# The tests that need neither the worked answers nor this repository's tools and CI: the lesson's.
TESTS = ["conftest.py", "printed.py", "reference.py", "test_lesson.py", "test_deeper.py", "test_linreg.py"]
TESTS = [f"tests/{name}" for name in [*TESTS, "test_printed.py"]]
SOLUTIONS = [
    "practice/answers.py",
    "practice/own_data.py",
    *sorted(str(path.relative_to(ROOT)) for path in (ROOT / "practice").glob("solution_*.py")),
]
# solution_2's figure, which the README's practice section shows beside the answers: it shows one too.
SOLUTION_FIGURES = ["figures/sgd_vs_adam.png"]
GRADESCOPE = ROOT / "tools" / "gradescope"

STUCK = "Stuck, or done? Your teacher has worked answers and solution scripts, and gives them out later."
COMMITTED = "(commit it: it is the file your teacher grades)"
# What the students' copy of a file says instead (each old text must be there once: a test makes one).
EDITS = {
    "README.md": [
        (" and the plot of your own\ndata from practice problem 1 (`output/own_data_fit.png`)", ""),
        (
            " CI runs each notebook that way, alone in an empty folder\n(`python tools/run_alone.py "
            "lesson.ipynb`), and `python tools/refresh.py` writes the copy\nfrom the real file.",
            "",
        ),
        ("a template, a checker, worked answers and solutions", "a template, its notebook and a checker"),
        ("you run it (git ignores it)", f"you run it {COMMITTED}"),
        ("about three and a half minutes on", "under a minute on"),  # the lesson's tests only
    ],
    "practice/exercises.py": [
        ("(git ignores that copy)", COMMITTED),
        (
            "- Stuck? The worked answers are in answers.py, and the scripts solution_*.py\n"
            "  show them at work.",
            "- Stuck? Your teacher gives out worked answers later.",
        ),
    ],
    "practice/practice.ipynb": [
        ("`answers.py` holds worked answers.", "your teacher gives out worked answers later.")
    ],
    ".gitignore": [
        (
            "# Your attempt at the practice problems (python practice/check.py creates it).\n"
            "practice/my_answers.py\n",
            "# practice/my_answers.py, your answers, is not ignored: commit it, it is the file graded.\n",
        )
    ],
}


def edited(name: str, text: str) -> str:
    """The students' version of a file: EDITS applied, and the README without its parts for teachers."""
    if name == "README.md":
        start = text.index("\n## For teachers")
        text = text[:start] + text[text.index("\n## ", start + 1) :]
        text = "".join(line for line in text.splitlines(True) if not line.startswith("| `tools/"))
        practice = text.index(STUCK.split("?")[0])
        text = text[:practice] + STUCK + "\n" + text[text.index("<!-- practice:end -->") :]
    if name.endswith(".ipynb"):  # in a notebook, each edit is in one cell, whose source is a list of lines
        notebook = json.loads(text)
        for cell in notebook["cells"]:
            source = replaced(name, "".join(cell["source"]), EDITS[name], strict=False)
            cell["source"] = source.splitlines(keepends=True)
        return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    return replaced(name, text, EDITS.get(name, []))


def replaced(name: str, text: str, edits: list[tuple[str, str]], strict: bool = True) -> str:
    """The text with each (old, new) of `edits` made; strict, each old text must be there, once."""
    for old, new in edits:
        if strict and text.count(old) != 1:
            raise SystemExit(f"tools/handout.py: {name} no longer says {old[:60]!r}: update EDITS")
        text = text.replace(old, new)
    return text


def classroom_workflow() -> str:
    """GitHub Classroom's autograding: the lesson's packages once, in .venv, then a step per function."""
    steps, ids = [], []
    for function, (problem, points) in listed().items():
        ids.append(function)
        steps.append(
            f"      - name: {function}()\n        id: {function}\n"
            "        uses: classroom-resources/autograding-command-grader@v1\n        with:\n"
            f'          test-name: "{function}() (problem {problem})"\n'
            # Run with a reduced environment (PATH, HOME): the checker's Python is named by its path.
            "          command: .venv/bin/python practice/check.py"
            f" --only {function} practice/my_answers.py\n"
            f"          timeout: 10\n          max-score: {points}\n"
        )
    results = "".join(f"          {id.upper()}_RESULTS: ${{{{ steps.{id}.outputs.result }}}}\n" for id in ids)
    return (
        "# GitHub Classroom's autograding for Lesson 06's practice problems, written by tools/handout.py:\n"
        "# a step per function, each running the checker on that function only, worth its points.\n"
        "name: Autograding Tests\non: [push, repository_dispatch]\n"
        "permissions:\n  checks: write\n  actions: read\n  contents: read\n"
        "jobs:\n  run-autograding-tests:\n    runs-on: ubuntu-latest\n"
        "    if: github.actor != 'github-classroom[bot]'\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        '      - uses: actions/setup-python@v5\n        with:\n          python-version: "3.11"\n'
        "      - name: The lesson's packages, in .venv, once for all the steps\n        run: >-\n"
        "          python -m venv .venv &&\n"
        "          .venv/bin/pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu &&\n"
        "          .venv/bin/pip install -r requirements.txt\n"
        + "".join(steps)
        + "      - name: Autograding Reporter\n"
        "        uses: classroom-resources/autograding-grading-reporter@v1\n"
        f"        env:\n{results}        with:\n          runners: {','.join(ids)}\n"
    )


def write(folder: Path, names: list[str], change: bool = False) -> None:
    for name in names:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if change and (name in EDITS or name == "README.md"):
            target.write_text(edited(name, (ROOT / name).read_text(encoding="utf-8")), encoding="utf-8")
        else:
            target.write_bytes((ROOT / name).read_bytes())


def handout(folder: Path) -> None:
    names = [".gitignore", *LESSON, *SETUP, *CHECKER, "practice/practice.ipynb", *TESTS]
    write(folder, names, change=True)
    readme = edited("README.md", (ROOT / "README.md").read_text(encoding="utf-8"))
    (folder / "README.md").write_text(readme, encoding="utf-8")
    write(folder, re.findall(r"\]\((figures/[^)]+\.png)\)", readme))  # the figures its README shows, only
    workflow = folder / ".github" / "workflows" / "classroom.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(classroom_workflow(), encoding="utf-8")


def gradescope(archive: Path) -> None:
    """Gradescope's autograder zip: its two scripts at the top, and what the checker needs beside them."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for script in ("setup.sh", "run_autograder"):
            info = zipfile.ZipInfo(script)
            info.external_attr = 0o755 << 16  # executable, as Gradescope runs them
            out.writestr(info, (GRADESCOPE / script).read_bytes())
        for name in ["linreg.py", "plots.py", *SETUP[:2], *CHECKER]:
            out.write(ROOT / name, name)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python tools/handout.py", description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, metavar="DIR", help="where to write the handout")
    parser.add_argument("--solutions", type=Path, metavar="DIR", help="write the solutions there instead")
    parser.add_argument("--gradescope", type=Path, metavar="ZIP", help="write the autograder zip instead")
    parsed = parser.parse_args(argv)
    if [parsed.folder, parsed.solutions, parsed.gradescope].count(None) != 2:
        parser.error("give one of DIR, --solutions DIR, --gradescope ZIP")
    if parsed.gradescope:
        gradescope(parsed.gradescope)
        print(f"wrote {parsed.gradescope}: upload it as the assignment's autograder")
        return 0
    folder = parsed.folder or parsed.solutions
    if folder.exists() and any(folder.iterdir()):
        parser.error(f"{folder} is not empty: give a new or empty folder")
    if parsed.solutions:
        write(folder, [*SOLUTIONS, *SOLUTION_FIGURES])
        print(f"wrote the solutions to {folder}: their practice/ files go into the students' practice/")
    else:
        handout(folder)
        print(f"wrote the handout to {folder}: no worked answers, no solution scripts")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
