"""Grade an attempt at the practice problems: PASS or FAIL per function, with a hint.

    python practice/check.py             # grades practice/my_answers.py, made from the template on the first run
    python practice/check.py FILE        # any .py file with the five functions, or a notebook (.ipynb)
    python practice/check.py --time-limit 120 FILE   # allow each check 120 s instead of 60

The checks are in problems.py, and what they share in grading.py; this command runs them.
It imports only the standard library itself: one child process imports torch and the file,
then runs every check. When a check runs past its time limit (an endless loop?) or stops
Python, the command ends that process, reports the check, and carries on with the others in
a fresh one. What the learner's code prints while it is graded is counted, and its first
few lines are shown. In a notebook, the code cells are graded, not the cells tagged "check".

For other programs, grade_file() grades one file (for chosen functions, or all) and returns
a Verdict per function.

Exit status: 0 when everything passes, 1 when something fails, 2 when FILE cannot be loaded.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

PRACTICE = Path(__file__).resolve().parent
TEMPLATE = PRACTICE / "exercises.py"  # the stubs, kept pristine: the learner's copy is graded
WORKSPACE = PRACTICE / "my_answers.py"  # the learner's attempt, git-ignored
TIME_LIMIT = 60.0  # seconds per check, and for loading the file: far above what a right answer needs
START_LIMIT = 300.0  # for the child to import torch, before any of the learner's code runs
SHOWN = 3  # lines of what the learner's code printed that a verdict shows: enough to debug by
CHECK_TAG = "check"  # the tag of a notebook's check cells, which are not the learner's code


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


@dataclass
class Printed:
    """What the learner's code printed: counted in lines, the first SHOWN kept."""

    lines: int = 0
    shown: list[str] = field(default_factory=list)
    partial: str = ""  # a line not ended yet

    def add(self, text: str) -> None:
        *complete, self.partial = (self.partial + text).split("\n")
        for line in complete:
            self.lines += 1
            if len(self.shown) < SHOWN:
                self.shown.append(line.rstrip()[:200])

    def into(self, verdict: Verdict) -> Verdict:
        if self.partial:
            self.add("\n")
        return replace(verdict, printed=self.lines, shown=tuple(self.shown))


class Sink(io.TextIOBase):
    """A text stream that hands everything written to it to `write`: sys.stdout while a check runs."""

    def __init__(self, write: Callable[[str], object]) -> None:
        self.to = write

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.to(text)
        return len(text)


def time_limit_hint(limit: float, more: str) -> str:
    return (
        f"did not finish within {limit:g} s, so the checker stopped it: an endless loop, or training "
        f"far longer than it needs? ({more} allows more)"
    )


# --- The report ---


def counted(n: int, noun: str, plural: str = "") -> str:
    """'1 line', '2 lines': hints read as sentences."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def printed_note(lines: int, shown: tuple[str, ...] | list[str], before: str, after: str) -> str:
    """'[it printed 12 lines, the first 3 below]' (between before and after), then those lines."""
    which = "" if lines == len(shown) else f", the first {len(shown)} below"
    note = f"{before}it printed {counted(lines, 'line')}{which}{after}"
    return note + "".join(f"\n        | {line}" for line in shown)


def verdict_line(verdict: Verdict) -> str:
    """'PASS  train_loop()', or 'FAIL  train_loop(): the hint', and what the code printed."""
    line = f"{'PASS' if verdict.passed else 'FAIL'}  {verdict.function}()"
    if not verdict.passed:
        line += f": {verdict.hint}"
    return line + (printed_note(verdict.printed, verdict.shown, " [", "]") if verdict.printed else "")


class Report:
    """What grade_file() tells as grading goes; this one says nothing. TextReport prints."""

    def loaded(self, shown: str, printed: Printed, plan: dict) -> None: ...
    def started(self, function: str, limit: float) -> None: ...
    def verdict(self, verdict: Verdict) -> None: ...


class TextReport(Report):
    """The command's report, printed as grading goes: each verdict under its problem's heading."""

    def __init__(self, created: bool = False) -> None:
        self.created, self.titles, self.problem = created, {}, None

    def loaded(self, shown: str, printed: Printed, plan: dict) -> None:
        if self.created:
            print(f"created {shown} from the template: write your answers there")
        print(f"Checking {shown}")
        if printed.lines:
            print(printed_note(printed.lines, printed.shown, "(while loading, ", ")"))
        print(f"\n{plan['note']}", flush=True)
        self.titles = plan["titles"]

    def started(self, function: str, limit: float) -> None:
        progress(f"checking {function}() (the checker stops it after {limit:g} s) ...")

    def verdict(self, verdict: Verdict) -> None:
        progress("")
        if verdict.problem != self.problem:
            self.problem = verdict.problem
            print(f"Problem {verdict.problem}, {self.titles[verdict.problem]}")
        print(f"  {verdict_line(verdict)}", flush=True)


def progress(text: str) -> None:
    """Where a person watches, say which check runs, on a line the next output overwrites."""
    if sys.stderr.isatty():
        width = shutil.get_terminal_size().columns - 1
        sys.stderr.write("\r" + text[:width].ljust(width) + "\r")
        sys.stderr.flush()


# --- Reading the file ---


def read_source(path: Path, shown: str) -> list[tuple[str, str]]:
    """The code to grade as (name, code) pieces: the file, or a notebook's code cells but its check cells."""
    try:
        text = path.read_text(encoding="utf-8")
        pieces = [(shown, text)] if path.suffix != ".ipynb" else notebook_code(json.loads(text), shown)
    except FileNotFoundError:
        raise LoadError(f"no such file: {shown}") from None
    except (OSError, ValueError, KeyError, TypeError) as error:  # a folder, not text, not a notebook
        raise LoadError(f"cannot read {shown}: {error}") from None
    for name, code in pieces:
        try:
            compile(code, name, "exec")
        except SyntaxError as error:  # (a null byte too: no line then)
            line = f", line {error.lineno}" if error.lineno else ""
            raise LoadError(f"{name}{line}: syntax error: {error.msg}") from None
    return pieces


def notebook_code(notebook: dict, shown: str) -> list[tuple[str, str]]:
    pieces = []
    for number, cell in enumerate(notebook["cells"], 1):
        if cell["cell_type"] == "code" and CHECK_TAG not in cell.get("metadata", {}).get("tags", []):
            lines = "".join(cell["source"]).split("\n")
            # IPython's %magics and !commands are not Python: blank them, keeping the line numbers.
            code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)
            pieces.append((f"{shown} (cell {number})", code))
    return pieces


# --- Grading in a child process ---


def child(connection, path: str, names: list[str] | None, loop: str) -> None:
    """Where the child process starts. Under spawn this file runs there as __mp_main__: serve()
    runs from it imported by name, as grading.py imports it, so that both share one LoadError."""
    import check

    check.serve(connection, path, names, loop)


def serve(connection, path: str, names: list[str] | None, loop: str) -> None:
    """The child: import the checks and the file once, run each check, and tell the parent as it goes.

    The parent reads ("started", shown path, plan), then ("loaded",) or ("load error", why),
    then ("start", function) and ("verdict", fields) per check, then ("done",); and ("print",
    text) whenever the learner's code prints.
    """
    sys.stdout = sys.stderr = Sink(lambda text: connection.send(("print", text)))
    try:
        import matplotlib

        matplotlib.use("Agg")  # the learner's plt.show() must neither open a window nor wait
        import grading
        import problems
        from linreg import display_path
    except ImportError as error:
        connection.send(("load error", f"the checker cannot start: {error}"))
        return
    grading.warm_up()
    shown = display_path(Path(path))
    connection.send(("started", shown, problems.plan()))
    try:
        namespace = grading.load(read_source(Path(path), shown), Path(path))
    except LoadError as error:
        connection.send(("load error", str(error)))
        return
    connection.send(("loaded",))
    for verdict in problems.grade(namespace, names, loop, lambda name: connection.send(("start", name))):
        connection.send(("verdict", asdict(verdict)))
    connection.send(("done",))


class Child:
    """A grading process, and the messages it sends: what the learner's code prints is counted apart."""

    def __init__(self, path: Path, names: list[str] | None, loop: str) -> None:
        context = multiprocessing.get_context("spawn")  # the same on every system, and torch-safe
        self.connection, theirs = context.Pipe(duplex=False)
        self.process = context.Process(target=child, args=(theirs, str(path), names, loop), daemon=True)
        self.process.start()
        theirs.close()  # the child's copy is then the only one: its exit ends the pipe
        self.printed = Printed()

    def next(self, seconds: float) -> tuple | None:
        """The next message within `seconds` (None if none comes), ("exit", status) if the child died."""
        deadline = time.monotonic() + seconds
        while self.connection.poll(max(deadline - time.monotonic(), 0)):
            try:
                message = self.connection.recv()
            except EOFError:
                self.process.join(10)
                return ("exit", self.process.exitcode)
            if message[0] != "print":
                return message
            self.printed.add(message[1])
        return None

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(10)


class Grading:
    """The checks on one file, each within the time limit, in as few child processes as it takes."""

    def __init__(self, path: Path, functions: list[str] | None, limit: float, report: object) -> None:
        self.path, self.functions, self.limit, self.report = path, functions, limit, report
        self.plan: dict[str, int] = {}  # function -> its problem, in grading order, as the child says
        self.verdicts: dict[str, Verdict] = {}

    def run(self) -> list[Verdict]:
        while True:
            todo = [name for name in self.plan if name not in self.verdicts]
            if self.plan and not todo:
                return list(self.verdicts.values())
            process = Child(self.path, todo or self.functions, self.loop())
            try:
                if not self.follow(process):  # a fresh process would do no better
                    raise LoadError("the grading process stopped without grading anything")
            finally:
                process.stop()

    def loop(self) -> str:
        """train_loop()'s verdict so far, which the checks of the functions that call it need."""
        loop = self.verdicts.get("train_loop")
        if loop is None:
            return ""
        return "timed out" if loop.key == "time limit" else "passed" if loop.passed else "failed"

    def follow(self, process: Child) -> bool:
        """Record the verdicts of one process until it is done, runs out of time or dies; any graded?"""
        message = process.next(START_LIMIT)
        if message is None or message[0] != "started":
            raise LoadError(not_started(message))
        _, shown, plan = message
        message = process.next(self.limit)
        if message is None:
            raise LoadError(
                f"{shown} did not finish loading within {self.limit:g} s: does it run an endless loop, or "
                'long training, when imported? Put such code under `if __name__ == "__main__":`'
            )
        if message[0] == "exit":
            raise LoadError(f"{shown} stopped Python while loading (exit status {message[1]})")
        if message[0] == "load error":
            raise LoadError(message[1])
        if not self.plan:
            wanted = self.functions
            self.plan = {name: problem for name, problem in plan["order"] if wanted is None or name in wanted}
            self.report.loaded(shown, process.printed, plan)
        running, graded = None, False
        while True:
            message = process.next(self.limit)
            if message is None or message[0] == "exit":
                if running:
                    self.record(process.printed.into(self.stopped(running, message)))
                return graded or bool(running)
            if message[0] == "start":
                running, process.printed = message[1], Printed()
                self.report.started(running, self.limit)
            elif message[0] == "verdict":
                self.record(process.printed.into(Verdict(**message[1])))
                running, graded = None, True
            else:  # done
                return True

    def stopped(self, function: str, message: tuple | None) -> Verdict:
        """The verdict on a check whose process ran out of time (message None) or died."""
        if message is None:
            hint = time_limit_hint(self.limit, "python practice/check.py --time-limit SECONDS")
            return Verdict(function, self.plan[function], False, hint, "time limit")
        hint = (
            f"Python itself stopped while it ran (exit status {message[1]}): does it call os._exit(), or "
            "crash the interpreter? Return the result instead"
        )
        return Verdict(function, self.plan[function], False, hint, "stopped python")

    def record(self, verdict: Verdict) -> None:
        self.verdicts[verdict.function] = verdict
        self.report.verdict(verdict)


def not_started(message: tuple | None) -> str:
    if message is None:
        return f"the grading process did not start within {START_LIMIT:g} s"
    if message[0] == "load error":
        return message[1]
    return f"the grading process stopped before loading the file (exit status {message[1]})"


def grade_file(
    path: Path, functions: list[str] | None = None, time_limit: float = TIME_LIMIT, report: object = None
) -> list[Verdict]:
    """Grade a .py or .ipynb file: a Verdict per function (or only those named), in grading order.

    report, if given, is told as grading goes (see TextReport). Raises LoadError when the
    file cannot be loaded.
    """
    return Grading(Path(path), functions, time_limit, report or Report()).run()


# --- The command ---


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python practice/check.py",
        description="Grade an attempt at the practice problems.",
        epilog="FILE defaults to practice/my_answers.py, a copy of exercises.py made on the first run.",
    )
    parser.add_argument("file", nargs="?", type=Path, metavar="FILE", help="a .py file, or a notebook")
    parser.add_argument(
        "--time-limit", type=float, default=TIME_LIMIT, metavar="SECONDS", help="per check (default 60)"
    )
    parsed = parser.parse_args(argv)
    if not parsed.time_limit > 0:
        parser.error("--time-limit must be a positive number of seconds")
    return parsed


def main(argv: list[str]) -> int:
    parsed = arguments(argv)
    created = parsed.file is None and not WORKSPACE.exists()
    if created:  # the template stays pristine: the learner writes in a copy
        shutil.copyfile(TEMPLATE, WORKSPACE)
    try:
        verdicts = grade_file(parsed.file or WORKSPACE, None, parsed.time_limit, TextReport(created))
    except LoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    print(f"{sum(v.passed for v in verdicts)} of {counted(len(verdicts), 'check')} pass.")
    return 0 if all(v.passed for v in verdicts) else 1


if __name__ == "__main__":
    for stream in (sys.stdout, sys.stderr):  # a hint quoting a learner's value must print anywhere
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    sys.exit(main(sys.argv[1:]))
