"""Grade an attempt at the practice problems: PASS or FAIL per function, with a hint, and a score.

    python practice/check.py             # grades practice/my_answers.py, made from the template at first
    python practice/check.py FILE        # any .py file with the five functions, or a notebook (.ipynb)
    python practice/check.py --time-limit 120 FILE   # allow each check 120 s instead of 60
    python practice/check.py --only fit_line FILE    # one function's check (a GitHub Classroom step)
    python practice/check.py --json FILE             # the grade as one JSON object, on stdout
    python practice/check.py --gradescope PATH FILE  # the report, and the JSON grade written to PATH
    python practice/check.py --class DIR [--csv FILE]  # each .py, .ipynb in DIR: grades.csv and a summary

The checks are in problems.py. This command imports only the standard library: a child process imports
torch and the file once and runs the checks; when one runs past its time limit or stops Python, the
command ends that process and grades the rest in a fresh one. Of a notebook, the code cells are graded,
not those tagged "check". grade_file() is for other programs. Exit status: 0 when everything passes, 1
when something fails, 2 when FILE cannot be loaded (or DIR holds nothing to grade).

Each function's check is worth the points problems.PROBLEMS gives it, all or nothing. The JSON grade has
the fields of Gradescope's results.json: "score" and "max_score", the points earned and possible;
"output", why the file could not be loaded, else ""; and "tests", one per function graded, in grading
order, each with "name" ("fit_line() (problem 1)"), "status" ("passed" or "failed"), "score",
"max_score" and "output" (its verdict line, with the hint). Every check graded is listed and visible,
so the grade never says more than what was checked; a file that cannot be loaded gets a grade too:
every test failed with the reason, score 0. --class writes a row per file (its points per function and
total) and prints each check's pass rate and its most common mistake, by the hint's key."""

from __future__ import annotations

import argparse
import ast
import csv
import functools
import io
import json
import multiprocessing
import os
import shutil
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path

PRACTICE = Path(__file__).resolve().parent
TEMPLATE, WORKSPACE = PRACTICE / "exercises.py", PRACTICE / "my_answers.py"  # the learner writes in a copy
TIME_LIMIT = 60.0  # seconds per check, and for loading the file: far above what a right answer needs
START_LIMIT = 300.0  # for the child to import torch, before any of the learner's code runs
SHOWN = 3  # lines of what the learner's code printed that a verdict shows: enough to debug by
CHECK_TAG, SETUP_TAG = "check", "setup"  # notebook cells not the learner's: checks, refresh.py's set-up
CLASS_WORKERS = min(4, os.cpu_count() or 1)  # files --class grades at once, each child with its own torch
LOOPING = ": does it loop, or train long, when imported? Put such code under `if __name__ == '__main__':`"


class LoadError(Exception):
    """The file cannot be graded at all; the message says why, in one line."""


@dataclass(frozen=True)
class Verdict:
    function: str
    problem: int
    passed: bool
    hint: str = ""
    key: str = ""  # names the mistake the hint is about, the same whatever numbers it quotes
    printed: int = 0  # lines the learner's code printed during the check
    shown: tuple[str, ...] = ()  # the first SHOWN of them


class Printed(io.TextIOBase):
    """sys.stdout while the learner's code runs: it counts the lines written and keeps the first SHOWN."""

    def __init__(self) -> None:
        self.lines, self.shown, self.partial = 0, [], ""

    def write(self, text: str) -> int:
        *complete, self.partial = (self.partial + text).split("\n")
        self.lines += len(complete)
        self.shown += [line.rstrip()[:200] for line in complete][: SHOWN - len(self.shown)]
        return len(text)

    def into(self, verdict: Verdict) -> Verdict:
        self.write("\n" if self.partial else "")
        return replace(verdict, printed=self.lines, shown=tuple(self.shown))


def counted(n: int, noun: str, plural: str = "") -> str:  # '1 line', '2 lines'
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def verdict_line(verdict: Verdict) -> str:
    """'PASS  train_loop()', or 'FAIL  train_loop(): the hint', then what the code printed, if anything."""
    line = f"PASS  {verdict.function}()" if verdict.passed else f"FAIL  {verdict.function}(): {verdict.hint}"
    if verdict.printed:
        which = f", the first {len(verdict.shown)} below" if verdict.printed > len(verdict.shown) else ""
        line += f" [it printed {counted(verdict.printed, 'line')}{which}]"
    return line + "".join(f"\n        | {shown}" for shown in verdict.shown)


def loop_state(verdict: Verdict | None) -> str:
    """train_loop()'s verdict, as the checks of the functions that call it need it."""
    if verdict is None:
        return ""
    return "passed" if verdict.passed else "timed out" if verdict.key == "time limit" else "failed"


@dataclass
class TextReport:
    """The command's report, printed as grading goes."""

    created: bool = False  # the learner's copy of the template was made just now

    def loaded(self, shown: str) -> None:
        if self.created:
            print(f"created {shown} from the template: write your answers there")
        print(f"Checking {shown}")

    def verdict(self, verdict: Verdict) -> None:
        print(f"  {verdict_line(verdict)}", flush=True)


def read_source(path: Path, shown: str) -> list[tuple[str, str]]:
    """The code to grade, as (name, code) pieces: the file, or a notebook's code cells but the check cells."""
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix != ".ipynb":
            return [(shown, text)]
        pieces = [
            (f"{shown} (cell {n})", learners(cell)) for n, cell in enumerate(json.loads(text)["cells"], 1)
        ]
    except FileNotFoundError:
        raise LoadError(f"no such file: {shown}") from None
    except (OSError, ValueError, KeyError, TypeError) as error:  # a folder, not text, not a notebook
        raise LoadError(f"cannot read {shown}: {error}") from None
    return [(name, code) for name, code in pieces if code is not None]


def learners(cell: dict) -> str | None:
    """A cell's code if it is the learner's, with IPython's lines (%magic, !command) blanked, not removed."""
    if cell["cell_type"] != "code" or {CHECK_TAG, SETUP_TAG} & set(cell["metadata"].get("tags", [])):
        return None
    lines = "".join(cell["source"]).split("\n")
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)


@functools.cache  # the same for the whole run
def listed() -> dict[str, tuple[int, int]]:
    """problems.PROBLEMS as function -> (problem, points), read from its source, without torch."""
    tree = ast.parse((PRACTICE / "problems.py").read_text(encoding="utf-8"))
    table = next(
        n.value for n in tree.body if isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) == "PROBLEMS"
    )
    rows = [tuple(ast.literal_eval(value) for value in row.elts[:2]) for row in table.values]
    return dict(zip(map(ast.literal_eval, table.keys), rows, strict=True))


def unloaded(functions: list[str] | None, why: str) -> list[Verdict]:
    """The verdicts on a file that could not be loaded: each function failed, for that reason."""
    names = [name for name in listed() if not functions or name in functions]
    return [Verdict(name, listed()[name][0], False, why, "cannot load") for name in names]


def grade(verdicts: list[Verdict], why: str = "") -> dict:
    """The grade in Gradescope's fields (see the top of this file); `why` the file could not be loaded."""
    points = listed()
    tests = [
        {
            "name": f"{v.function}() (problem {v.problem})",
            "status": "passed" if v.passed else "failed",
            "score": points[v.function][1] if v.passed else 0,
            "max_score": points[v.function][1],
            "output": verdict_line(v),
            "visibility": "visible",
        }
        for v in verdicts
    ]
    total, most = (sum(test[field] for test in tests) for field in ("score", "max_score"))
    return {"score": total, "max_score": most, "output": why, "visibility": "visible", "tests": tests}


def child(connection, path: str, names: list[str] | None, loop: str, limit: float) -> None:
    """The child process: import the checks and the file (within `limit`) once, run the checks, and send
    ("loaded", shown path, [(function, problem)...]) or ("load error", why), then ("verdict", fields)."""
    os.environ["MPLBACKEND"] = "Agg"  # the learner's plt.show() must neither open a window nor wait
    # Under spawn this file runs here as __mp_main__: check, as problems imports it, is another copy.
    import torch
    from check import LOOPING, LoadError, Printed, loop_state, read_source
    from problems import PROBLEMS, OutOfTime, graded, in_place, linreg, load

    # A first optimizer step takes a second or two: paid here, before any time limit counts.
    torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1).step()
    shown = linreg.display_path(Path(path))
    try:
        with in_place(Printed(), limit):  # not on Windows: there the parent's limit is START_LIMIT longer
            namespace = load(read_source(Path(path), shown), Path(path))
    except LoadError as error:
        return connection.send(("load error", str(error)))
    except OutOfTime:
        return connection.send(("load error", f"{shown} did not finish loading within {limit:g} s{LOOPING}"))
    connection.send(("loaded", shown, [(name, number) for name, (number, *_) in PROBLEMS.items()]))
    for name in [name for name in PROBLEMS if names is None or name in names]:
        verdict = graded(namespace, name, loop)
        loop = loop_state(verdict) if name == "train_loop" else loop
        connection.send(("verdict", asdict(verdict)))


def grade_file(path: Path, functions=None, time_limit: float = TIME_LIMIT, report=None) -> list[Verdict]:
    """Grade a .py or .ipynb file: a Verdict per function (or per one of `functions`), in grading order,
    telling `report` (a TextReport) as it goes. Raises LoadError when the file cannot be loaded."""
    verdicts: dict[str, Verdict] = {}
    plan: dict[str, int] | None = None  # function -> its problem, in grading order, as the first child says
    context = multiprocessing.get_context("spawn")  # the same on every system, and safe with torch
    while plan is None or len(verdicts) < len(plan):
        todo = functions if plan is None else [name for name in plan if name not in verdicts]
        loop = loop_state(verdicts.get("train_loop"))  # which the checks of the functions calling it need
        connection, theirs = context.Pipe(duplex=False)
        process = context.Process(target=child, args=(theirs, str(path), todo, loop, time_limit), daemon=True)
        process.start()
        theirs.close()  # the child's copy is then the only one: its exit ends the pipe
        try:
            message = receive(connection, process, START_LIMIT + time_limit)
            if message[0] != "loaded":
                raise LoadError(not_loaded(path, message, START_LIMIT + time_limit))
            if plan is None:
                plan = {name: number for name, number in message[2] if functions is None or name in functions}
                if report:
                    report.loaded(message[1])
            for name in [name for name in plan if name not in verdicts]:
                message = receive(connection, process, time_limit)
                graded = Verdict(**message[1]) if message[0] == "verdict" else None
                verdicts[name] = graded or stopped(name, plan[name], message, time_limit)
                if report:
                    report.verdict(verdicts[name])
                if message[0] != "verdict":
                    break  # the rest go to a fresh process
        finally:
            process.kill()
            process.join(10)
    return list(verdicts.values())


def receive(connection, process, seconds: float) -> tuple:
    """The child's next message: ("time limit",) if none comes in time, ("exit", status) if it died."""
    if not connection.poll(seconds):
        return ("time limit",)
    try:
        return connection.recv()
    except EOFError:
        process.join(10)
        return ("exit", process.exitcode)


def not_loaded(path: Path, message: tuple, limit: float) -> str:
    if message[0] == "load error":
        return message[1]
    if message[0] == "exit":
        return f"the grading process stopped before {path} was loaded (exit status {message[1]})"
    return f"the grading process did not import torch and load {path} within {limit:g} s{LOOPING}"


def stopped(function: str, problem: int, message: tuple, limit: float, more: str = "") -> Verdict:
    """The verdict on a check that ran out of time (`more` says how to allow more) or stopped Python."""
    if message[0] == "time limit":
        more = more or "python practice/check.py --time-limit SECONDS"  # the command's; a notebook's differs
        hint = f"did not finish within {limit:g} s and was stopped: an endless loop? ({more} allows more)"
        return Verdict(function, problem, False, hint, "time limit")
    hint = f"Python itself stopped while it ran (exit status {message[1]}): os._exit()? Return a result"
    return Verdict(function, problem, False, hint, "stopped python")


def grade_class(folder: Path, table: Path, time_limit: float) -> int:
    """Grade each .py and .ipynb in `folder`, CLASS_WORKERS at once, each in processes of its own as for
    one file; write `table`, a CSV row per file; print each check's pass rate and most common mistake."""
    files = sorted(path for path in folder.glob("*") if path.suffix in (".py", ".ipynb") and path.is_file())
    if not files:
        print(f"error: no .py or .ipynb file to grade in {folder}", file=sys.stderr)
        return 2

    def graded(path: Path) -> list[Verdict]:
        try:
            return grade_file(path, None, time_limit)
        except LoadError as error:
            return unloaded(None, str(error))

    with ThreadPoolExecutor(CLASS_WORKERS) as pool:  # the threads only wait: the children do the work
        verdicts = dict(zip(files, pool.map(graded, files), strict=True))
    with table.open("w", newline="", encoding="utf-8") as out:
        rows = csv.writer(out)
        rows.writerow(["submission", *listed(), "total"])
        for path, theirs in verdicts.items():
            scores = grade(theirs)
            rows.writerow([path.name, *(test["score"] for test in scores["tests"]), scores["score"]])
    print(f"{counted(len(files), 'submission')} graded: points in {table}")
    for path, theirs in verdicts.items():  # said once each, not as every check's most common mistake
        if theirs[0].key == "cannot load":
            print(f"  {path.name} scores 0: it could not be loaded: {theirs[0].hint}")
    for name, (_, points) in listed().items():
        each = [v for theirs in verdicts.values() for v in theirs if v.function == name]
        mistakes = Counter(v.key for v in each if not v.passed and v.key != "cannot load").most_common(1)
        line = f"  {name}() ({counted(points, 'point')}): {sum(v.passed for v in each)} of {len(files)} pass"
        if mistakes:  # the hint of its first file, as an example: the numbers it quotes are that file's
            (key, count), hint = mistakes[0], next(v.hint for v in each if v.key == mistakes[0][0])
            line += f"; most often ({count}) {key}: {hint}"
        print(line)
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python practice/check.py", description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, metavar="FILE", help="default: practice/my_answers.py")
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT, metavar="SECONDS", help="per check")
    parser.add_argument("--only", choices=list(listed()), metavar="FUNCTION", help="grade this function only")
    kinds = parser.add_mutually_exclusive_group()
    kinds.add_argument("--json", action="store_true", help="print the grade as JSON (see the fields above)")
    kinds.add_argument("--gradescope", type=Path, metavar="PATH", help="write the JSON grade to PATH too")
    kinds.add_argument("--class", dest="folder", type=Path, metavar="DIR", help="grade each file in DIR")
    parser.add_argument("--csv", type=Path, default=Path("grades.csv"), metavar="FILE", help="for --class")
    parsed = parser.parse_args(argv)
    if not parsed.time_limit > 0:
        parser.error("--time-limit must be a positive number of seconds")
    if parsed.folder:
        return grade_class(parsed.folder, parsed.csv, parsed.time_limit)
    created = parsed.file is None and not WORKSPACE.exists()
    if created:  # the template stays pristine: the learner writes in a copy
        shutil.copyfile(TEMPLATE, WORKSPACE)
    functions, why = [parsed.only] if parsed.only else None, ""
    try:
        report = None if parsed.json else TextReport(created)
        verdicts = grade_file(parsed.file or WORKSPACE, functions, parsed.time_limit, report)
    except LoadError as error:
        verdicts, why = unloaded(functions, str(error)), str(error)
    except KeyboardInterrupt:  # Ctrl-C: the child is stopped already (grade_file's finally)
        return 130
    graded = grade(verdicts, why)
    if parsed.json:
        print(json.dumps(graded, indent=2))
    elif why:
        print(f"error: {why}", file=sys.stderr)
    else:
        print(f"{sum(v.passed for v in verdicts)} of {len(verdicts)} checks pass.")
        print(f"Score: {graded['score']} / {graded['max_score']}")
    if parsed.gradescope:  # where Gradescope reads it, /autograder/results/results.json
        parsed.gradescope.parent.mkdir(parents=True, exist_ok=True)
        parsed.gradescope.write_text(json.dumps(graded, indent=2), encoding="utf-8")
    return 2 if why else 0 if all(v.passed for v in verdicts) else 1


if __name__ == "__main__":
    for stream in (sys.stdout, sys.stderr):  # a hint quoting a learner's value must print anywhere
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    sys.exit(main(sys.argv[1:]))
