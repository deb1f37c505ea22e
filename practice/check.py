"""Grade an attempt at the practice problems: PASS or FAIL per function, with a hint.

    python practice/check.py             # grades practice/my_answers.py, made from the template at first
    python practice/check.py FILE        # any .py file with the five functions, or a notebook (.ipynb)
    python practice/check.py --time-limit 120 FILE   # allow each check 120 s instead of 60

The checks are in problems.py. This command imports only the standard library: a child process imports
torch and the file once and runs the checks; when one runs past its time limit or stops Python, the
command ends that process and grades the rest in a fresh one. Of a notebook, the code cells are graded,
not those tagged "check". grade_file() is for other programs. Exit status: 0 when everything passes, 1
when something fails, 2 when FILE cannot be loaded."""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import shutil
import sys
from dataclasses import asdict, dataclass, replace
from pathlib import Path

PRACTICE = Path(__file__).resolve().parent
TEMPLATE, WORKSPACE = PRACTICE / "exercises.py", PRACTICE / "my_answers.py"  # the learner writes in a copy
TIME_LIMIT = 60.0  # seconds per check, and for loading the file: far above what a right answer needs
START_LIMIT = 300.0  # for the child to import torch, before any of the learner's code runs
SHOWN = 3  # lines of what the learner's code printed that a verdict shows: enough to debug by
CHECK_TAG, SETUP_TAG = "check", "setup"  # notebook cells not the learner's: checks, refresh.py's set-up
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
    connection.send(("loaded", shown, [(name, number) for name, (number, _) in PROBLEMS.items()]))
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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python practice/check.py", description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, metavar="FILE", help="default: practice/my_answers.py")
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT, metavar="SECONDS", help="per check")
    parsed = parser.parse_args(argv)
    if not parsed.time_limit > 0:
        parser.error("--time-limit must be a positive number of seconds")
    created = parsed.file is None and not WORKSPACE.exists()
    if created:  # the template stays pristine: the learner writes in a copy
        shutil.copyfile(TEMPLATE, WORKSPACE)
    try:
        verdicts = grade_file(parsed.file or WORKSPACE, None, parsed.time_limit, TextReport(created))
    except LoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C: the child is stopped already (grade_file's finally)
        return 130
    print(f"{sum(v.passed for v in verdicts)} of {len(verdicts)} checks pass.")
    return 0 if all(v.passed for v in verdicts) else 1


if __name__ == "__main__":
    for stream in (sys.stdout, sys.stderr):  # a hint quoting a learner's value must print anywhere
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    sys.exit(main(sys.argv[1:]))
