"""The teacher's door: the grade a platform reads (--json, Gradescope's autograder, GitHub Classroom's
steps), the class report and the students' handout. Every command here is started once, all of them at
the start of the module and side by side, and the tests read what they left: grading costs seconds."""

from __future__ import annotations

import csv
import json
import os
import re
import stat
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import problems
import pytest
import yaml
from conftest import ROOT, headless_env

PRACTICE = ROOT / "practice"
POINTS = {name: points for name, (_, points, _) in problems.PROBLEMS.items()}
FIELDS, TEST_FIELDS = {"score", "max_score", "tests"}, {"name", "status", "score", "max_score", "output"}
WORKED = (PRACTICE / "answers.py").read_text()
# The worked answers but one: a plot_loss_curves() that draws nothing, which fails its check alone.
BROKEN = WORKED + "\n\ndef plot_loss_curves(histories, optimal):\n    return None\n"
FAILS = "plot_loss_curves"
TYPO, HANGS = "x = (\n", "import time\n\nwhile True:\n    time.sleep(1)\n"
CLASS_LIMIT = "20"  # seconds: far above what a check of the worked answers needs, even run side by side


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def grader_steps(workflow: dict) -> list[dict]:
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    return [
        step for step in steps if step.get("uses", "").startswith("classroom-resources/autograding-command")
    ]


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict:
    """The files, folders and commands: a handout (with a .venv whose python is this one) holding each
    attempt, the autograder zip unpacked, a class of four submissions; then every command, started."""
    tmp = tmp_path_factory.mktemp("teacher")
    handout = tmp / "handout"
    made = {"tmp": tmp, "handout": handout, "said": {}, "runs": {}}
    for mode, target in (("", handout), ("--solutions", tmp / "solutions"), ("--gradescope", tmp / "ag.zip")):
        command = [sys.executable, "tools/handout.py", *([mode] if mode else []), str(target)]
        made["said"][mode] = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    made["workflow"] = yaml.safe_load((handout / ".github" / "workflows" / "classroom.yml").read_text())
    with zipfile.ZipFile(tmp / "ag.zip") as archive:
        archive.extractall(tmp / "source")
    for name, text in {"worked": WORKED, "broken": BROKEN}.items():  # a student's repository each
        repository = tmp / f"classroom-{name}"
        subprocess.run(["cp", "-r", str(handout), str(repository)], check=True)
        (repository / "practice" / "my_answers.py").write_text(text)
        shim = repository / ".venv" / "bin" / "python"  # what the workflow's set-up step installs
        shim.parent.mkdir(parents=True)
        shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
        shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
        reduced = {key: os.environ[key] for key in ("PATH", "HOME")}  # Classroom's, for its commands
        for step in grader_steps(made["workflow"]):  # the worked answers' other steps: see below
            if name == "broken" or step["id"] == FAILS:
                made["runs"][name, step["id"]] = (step["with"]["command"], repository, reduced)
    folder = tmp / "class"
    for name, text in {"broken.py": BROKEN, "typo.py": TYPO, "hangs.py": HANGS}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    env = headless_env(tmp / "output")
    check = [sys.executable, str(PRACTICE / "check.py")]
    command = [*check, "--class", str(folder), "--csv", str(tmp / "grades.csv"), "--time-limit", CLASS_LIMIT]
    made["runs"] = {"class": (command, tmp, env), **made["runs"]}  # first: it waits out hangs.py's limit
    (tmp / "submission").mkdir()
    (tmp / "submission" / "my_answers.py").write_text(BROKEN)
    autograder = {"SOURCE": tmp / "source", "SUBMISSION": tmp / "submission", "RESULTS": tmp / "results.json"}
    autograder_env = env | {f"AUTOGRADER_{key}": str(value) for key, value in autograder.items()}
    autograder_env["AUTOGRADER_PYTHON"] = sys.executable
    made["runs"]["gradescope"] = (["bash", str(tmp / "source" / "run_autograder")], tmp, autograder_env)
    made["runs"]["json"] = ([*check, "--json", str(folder / "typo.py")], tmp, env)

    def run(command: list[str] | str, cwd: Path, env: dict[str, str]) -> Ran:
        done = subprocess.run(
            command,
            shell=isinstance(command, str),
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        return Ran(done.returncode, done.stdout, done.stderr)

    # A command per core, and one more for --class, whose hangs.py only waits: more at once would slow
    # each check towards its time limit.
    with ThreadPoolExecutor((os.cpu_count() or 1) + 1) as pool:
        futures = {key: pool.submit(run, *job) for key, job in made["runs"].items()}
        made["runs"] = {key: future.result() for key, future in futures.items()}
    return made


def assert_a_grade(grade: dict, functions: list[str]) -> None:
    """A grade in Gradescope's fields: a test per function, in grading order, and scores that add up."""
    assert FIELDS <= set(grade) and all(TEST_FIELDS <= set(test) for test in grade["tests"])
    assert [test["name"].split("(")[0] for test in grade["tests"]] == functions
    for function, test in zip(functions, grade["tests"], strict=True):
        assert test["status"] in {"passed", "failed"} and test["max_score"] == POINTS[function]
        assert test["score"] == (test["max_score"] if test["status"] == "passed" else 0)
    assert grade["score"] == sum(test["score"] for test in grade["tests"])
    assert grade["max_score"] == sum(POINTS[function] for function in functions)


def test_gradescope_autograder_writes_the_grade_with_the_failing_check_and_its_hint(made):
    ran = made["runs"]["gradescope"]
    assert ran.returncode == 0, ran.stderr  # the autograder did its job: the student's grade is written
    assert ran.stdout.endswith(f"Score: {sum(POINTS.values()) - POINTS[FAILS]} / {sum(POINTS.values())}\n")
    grade = json.loads((made["tmp"] / "results.json").read_text())
    assert_a_grade(grade, list(POINTS))
    failed = [test for test in grade["tests"] if test["status"] == "failed"]
    assert [test["name"].split("(")[0] for test in failed] == [FAILS]
    assert failed[0]["output"].startswith(f"FAIL  {FAILS}(): ") and grade["output"] == ""
    assert grade["score"] == sum(POINTS.values()) - POINTS[FAILS]


def test_json_of_a_file_that_cannot_be_loaded_is_a_grade_with_the_reason(made):
    ran = made["runs"]["json"]
    assert ran.returncode == 2 and ran.stderr == ""
    grade = json.loads(ran.stdout)  # one object, and nothing else on stdout
    assert_a_grade(grade, list(POINTS))
    assert grade["score"] == 0 and "typo.py, line 1: syntax error" in grade["output"]
    assert all(test["status"] == "failed" and grade["output"] in test["output"] for test in grade["tests"])


def test_the_classroom_workflow_has_a_step_per_function_worth_its_points(made):
    workflow, steps = made["workflow"], grader_steps(made["workflow"])
    assert [step["id"] for step in steps] == list(POINTS)
    assert [step["with"]["max-score"] for step in steps] == list(POINTS.values())
    assert all(f"--only {step['id']} practice/my_answers.py" in step["with"]["command"] for step in steps)
    job = workflow["jobs"]["run-autograding-tests"]
    assert workflow[True] == ["push", "repository_dispatch"]  # YAML 1.1 reads the key `on` as true
    assert workflow["permissions"] == {"checks": "write", "actions": "read", "contents": "read"}
    assert job["if"] == "github.actor != 'github-classroom[bot]'"
    assert "python -m venv .venv" in next(step["run"] for step in job["steps"] if "run" in step)
    reporter = job["steps"][-1]
    assert reporter["uses"] == "classroom-resources/autograding-grading-reporter@v1"
    assert reporter["with"]["runners"].split(",") == list(POINTS)
    expected = {f"{name.upper()}_RESULTS": f"${{{{ steps.{name}.outputs.result }}}}" for name in POINTS}
    assert reporter["env"] == expected


def test_each_classroom_step_passes_or_fails_as_its_function_does(made):
    """Run as Classroom runs them, in the student's repository, with a reduced environment. The broken
    attempt is the worked answers but plot_loss_curves(): its other steps are the worked answers' (and
    they pass), so of the worked answers only that step runs, which saves four runs of seconds each."""
    steps = {step["id"]: step for step in grader_steps(made["workflow"])}
    ran = {key: made["runs"][key].returncode for key in made["runs"] if key[0] in {"worked", "broken"}}
    assert ran == {("worked", FAILS): 0} | {("broken", name): int(name == FAILS) for name in steps}, made[
        "runs"
    ]
    worked = {name: ran["broken", name] if name != FAILS else ran["worked", name] for name in steps}
    earned = {
        attempt: sum(steps[name]["with"]["max-score"] for name, code in codes.items() if code == 0)
        for attempt, codes in {"worked": worked, "broken": {n: ran["broken", n] for n in steps}}.items()
    }
    assert earned == {"worked": sum(POINTS.values()), "broken": sum(POINTS.values()) - POINTS[FAILS]}


def test_the_class_report_grades_every_file_whatever_the_others_do(made):
    ran = made["runs"]["class"]
    assert ran.returncode == 0, ran.stderr
    with (made["tmp"] / "grades.csv").open(newline="") as table:
        rows = list(csv.reader(table))
    assert rows[0] == ["submission", *POINTS, "total"]
    expected = {"broken.py": POINTS | {FAILS: 0}, "typo.py": dict.fromkeys(POINTS, 0)}
    expected["hangs.py"] = expected["typo.py"]
    assert {row[0]: [int(n) for n in row[1:]] for row in rows[1:]} == {
        name: [*points.values(), sum(points.values())] for name, points in expected.items()
    }
    refused = [line.split()[0] for line in ran.stdout.splitlines() if ": it could not be loaded: " in line]
    assert refused == ["hangs.py", "typo.py"]
    for function in POINTS:  # the most common mistake of the files that loaded: broken.py's, if any
        passing = sum(bool(points[function]) for points in expected.values())
        line = next(line for line in ran.stdout.splitlines() if line.startswith(f"  {function}() ("))
        assert line.endswith(f": {passing} of {len(expected)} pass") == (function != FAILS), line
        assert (f": {passing} of {len(expected)} pass; most often (1) " in line) == (function == FAILS), line
    assert f"did not finish loading within {CLASS_LIMIT} s" in ran.stdout  # hangs.py's, as an example


def text_files(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): path.read_text()
        for path in folder.rglob("*")
        if path.is_file() and path.suffix in {".py", ".ipynb", ".md", ".txt", ".toml", ".yml", ""}
    }


def test_the_handout_has_the_lesson_and_the_checker_and_no_answers(made):
    handout = made["handout"]
    teachers = (ROOT / "README.md").read_text().split("\n## For teachers")[1]
    quoted = teachers.split("```text\n")[1].split("\n```")[0]  # what the README says the command prints
    assert made["said"][""] == quoted.replace("DIR", str(handout)) + "\n"
    for name in ["lesson.py", "lesson.ipynb", "deeper.py", "linreg.py", "plots.py", "requirements.txt"]:
        assert (handout / name).is_file(), name
    for name in ["check.py", "problems.py", "exercises.py", "practice.ipynb"]:
        assert (handout / "practice" / name).is_file(), name
    assert sorted(path.name for path in (handout / "practice").iterdir()) == sorted(
        ["check.py", "problems.py", "exercises.py", "practice.ipynb"]
    )
    mentions = {
        name
        for name, text in text_files(handout).items()
        if re.search(r"(?<!my_)answers\.py|solution_", text)
    }
    assert mentions == set()
    readme = (handout / "README.md").read_text()
    assert "## For teachers" not in readme and "pip install -r requirements.txt && python lesson.py" in readme
    assert all((handout / shown).is_file() for shown in re.findall(r"\]\((figures/[^)]+)\)", readme))
    assert "practice/my_answers.py" not in (handout / ".gitignore").read_text().split()  # students commit it
    assert {path.name for path in (handout / "tests").glob("test_*.py")} <= {
        p.name for p in (ROOT / "tests").iterdir()
    }


def test_the_solutions_and_the_autograder_zip_hold_what_the_handout_leaves_out(made):
    solutions = made["tmp"] / "solutions" / "practice"
    assert (solutions / "answers.py").read_text() == WORKED
    assert sorted(p.name for p in solutions.glob("solution_*.py")) == sorted(
        p.name for p in PRACTICE.glob("solution_*.py")
    )
    with zipfile.ZipFile(made["tmp"] / "ag.zip") as archive:
        names = set(archive.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    assert {"setup.sh", "run_autograder", "practice/check.py", "practice/problems.py"} <= names
    assert all(modes[script] & stat.S_IXUSR for script in ("setup.sh", "run_autograder"))
    scripts = [str(made["tmp"] / "source" / script) for script in ("setup.sh", "run_autograder")]
    assert subprocess.run(["bash", "-n", *scripts]).returncode == 0  # setup.sh installs: only parsed here
    assert not any("answers" in name or "solution" in name for name in names)


def test_the_handout_refuses_a_folder_that_is_not_empty(made):
    command = [sys.executable, "tools/handout.py", str(made["handout"])]
    ran = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert ran.returncode == 2 and "is not empty" in ran.stderr
