"""Grade an attempt at the practice problems: PASS or FAIL per problem, with a hint.

    python practice/check.py            # grades practice/my_answers.py, your attempt
    python practice/check.py FILE       # grades any file with the same five functions
    python practice/check.py --time-limit 120 FILE   # allow each check 120 s instead of 60

practice/exercises.py is the template and stays as it is. The first run without FILE
copies it to practice/my_answers.py, where you write your answers (git ignores it).

Each function runs on the checker's own data and is graded on what it does: the
training loop's losses against a reference loop run from the same starting parameters,
the fitted line against the exact least-squares line, the figure on what it shows, and
so on. A failing function gets a hint naming its likeliest mistake. train_loop() is
checked first: while it fails, a function that calls it is told to wait for its fix,
not given a hint about a mistake that the loop causes. The checks themselves, one
module per problem, are in practice/checker/.

This command uses only the standard library: the grading runs in a child process,
which imports torch and the file to grade. When a check runs past its time limit (an
endless loop?) or your code stops Python, the command ends that process, reports the
check, and carries on with the others in a fresh one. What your code prints while it is
graded is counted, and only its first few lines are shown, so the report stays readable.

Exit status: 0 when everything passes, 1 when something fails, 2 when FILE cannot
be loaded.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import queue
import secrets
import shutil
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path

# As practice.check (the tests) or as the command, which has practice/ first on sys.path.
report = importlib.import_module(".checker.report" if __package__ else "checker.report", __package__ or None)

PRACTICE = Path(__file__).resolve().parent
TEMPLATE = PRACTICE / "exercises.py"  # the stubs, kept pristine: the learner's copy is graded
WORKSPACE = PRACTICE / "my_answers.py"  # the learner's attempt, git-ignored
TIME_LIMIT = 60.0  # seconds per check, and for loading the file: far above what a right answer needs
START_LIMIT = 300.0  # for the child to import torch before any of the learner's code runs
# The child: practice/ first on sys.path, as for this script, then checker.run.serve().
CHILD = "import sys; sys.path[0] = sys.argv[1]; from checker.run import serve; sys.exit(serve(sys.argv[2:]))"

# The hints this command gives itself; the checks' own are in checker/ (grading.HINTS).
HINTS = {
    "time limit": (
        "did not finish within {limit:g} s, so the checker stopped it: an endless loop, or training "
        "far longer than it needs? (python practice/check.py --time-limit SECONDS allows more)"
    ),
    "stopped python": (
        "Python itself stopped while it ran (exit status {status}): does it call os._exit(), or "
        "crash the interpreter? Return the result instead"
    ),
}


class LoadError(Exception):
    """The file cannot be graded at all; the message says why, in one line."""


class Child:
    """The grading process, and a thread that reads all it writes.

    Lines that carry the token are its events (JSON); every other line is something the
    learner's code printed: counted since the last event, and the first few kept to show.
    """

    def __init__(self, path: Path, names: list[str], loop: str) -> None:
        self.token = secrets.token_hex(8)
        env = os.environ | {"PYTHONIOENCODING": "utf-8"}  # any character a learner prints can pass
        self.process = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(PRACTICE), self.token, str(path), loop, *names],
            stdin=subprocess.DEVNULL,  # input() fails at once instead of waiting for a key
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
        )
        self.events: queue.Queue[dict] = queue.Queue()
        self.printed = 0  # lines since the last event
        self.shown: list[str] = []  # the first few of them
        self.last_lines: deque[str] = deque(maxlen=3)  # to explain a child that fails to start
        threading.Thread(target=self.read, daemon=True).start()

    def read(self) -> None:
        for raw in self.process.stdout:
            line = raw.decode("utf-8", errors="replace")
            at = line.find(self.token)
            printed = line if at == -1 else line[:at]  # a print without a newline runs into an event
            if printed:
                self.printed += 1
                self.last_lines.append(printed.rstrip())
                if len(self.shown) < report.SHOWN:
                    self.shown.append(printed.rstrip()[:200])
            if at >= 0:
                event = json.loads(line[at + len(self.token) :])
                self.events.put(event | {"printed": self.printed, "shown": self.shown})
                self.printed, self.shown = 0, []
        self.events.put({"event": "exit", "printed": self.printed, "shown": self.shown})

    def next_event(self, deadline: float) -> dict | None:
        """The next event, or None if none comes before the deadline (time.monotonic())."""
        try:
            return self.events.get(timeout=max(deadline - time.monotonic(), 0))
        except queue.Empty:
            return None

    def stop(self) -> int | None:
        self.process.kill()
        try:
            return self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # it left a child of its own holding on: let it be
            return None


class Report:
    """Prints each problem's verdicts as soon as all its functions are graded."""

    def __init__(self) -> None:
        self.results: list[report.Result] = []
        self.waiting = list(report.REPORT_ORDER)

    def add(self, result: report.Result) -> None:
        self.results.append(result)
        graded = {r.function for r in self.results}
        while self.waiting and all(
            name in graded for name, problem in report.FUNCTIONS.items() if problem == self.waiting[0]
        ):
            print("\n".join(report.problem_report(self.waiting.pop(0), self.results)), flush=True)


class Grading:
    """Every check on the file, each within the time limit, in as many child processes as it takes."""

    def __init__(self, path: Path, limit: float) -> None:
        self.path, self.limit = path, limit
        self.pending = list(report.FUNCTIONS)  # not graded yet, in grading order
        self.loop = ""  # train_loop()'s verdict, for the checks of the functions that call it
        self.report: Report | None = None  # started once the file has loaded

    def run(self) -> list[report.Result]:
        while self.pending:
            child = Child(self.path, self.pending, self.loop)
            try:
                graded = self.follow(child)
            finally:
                child.stop()
            if not graded and self.pending:  # a fresh child would do no better
                raise LoadError(f"the grading process stopped: {' '.join(child.last_lines)}")
        print(report.summary(self.report.results))
        return self.report.results

    def follow(self, child: Child) -> int:
        """Turn the child's events into verdicts until it is done, runs out of time or dies.

        Returns how many checks it graded.
        """
        phase, graded = "starting", 0  # phase: starting, loading, between, or the function being graded
        deadline = time.monotonic() + START_LIMIT
        while True:
            event = child.next_event(deadline)
            kind = "time limit" if event is None else event["event"]
            if kind in ("loading", "start"):
                phase, deadline = event.get("function", kind), time.monotonic() + self.limit
                if phase in report.FUNCTIONS:
                    progress(f"checking {phase}() (the checker stops it after {self.limit:g} s) ...")
            elif kind == "load error":
                raise LoadError(event["message"])
            elif kind == "checker error":
                raise LoadError(f"the checker itself failed, a bug to report: {event['message']}")
            elif kind == "loaded":
                self.report = self.report or announce(self.path, event["printed"], event["shown"])
            elif kind == "done":
                return graded
            elif phase in report.FUNCTIONS:  # its result, or its time ran out, or Python stopped
                progress("")
                self.record(verdict(event, phase, child, self.limit))
                graded += 1
                if kind != "result":
                    return graded
                phase = "between"
            elif phase == "between":  # stopped between two checks: the rest go to a fresh child
                return graded
            else:  # it ran out of time, or stopped, while starting or loading
                raise LoadError(not_loaded(self.path, phase, kind, child, self.limit))

    def record(self, result: report.Result) -> None:
        self.report.add(result)
        self.pending.remove(result.function)
        if result.function == "train_loop":
            self.loop = "timed out" if result.key == "time limit" else "passed" if result.passed else "failed"


def progress(text: str) -> None:
    """Say on the terminal which check is running, on a line the next output overwrites.

    Only where a person watches: a long check (an endless loop, say) then does not look like
    a checker that hangs. Redirected output gets none of it.
    """
    if sys.stderr.isatty():
        width = shutil.get_terminal_size().columns - 1
        sys.stderr.write("\r" + text[:width].ljust(width) + "\r")
        sys.stderr.flush()


def announce(path: Path, printed: int, lines: list[str]) -> Report:
    """The file loaded: say which, and start the report."""
    print(f"Checking {shown(path)}")
    if printed:
        note, lines = report.printed_note(printed, lines)
        print(f"(while loading, {note}){lines}")
    print(f"\n{report.INTRO}", flush=True)
    return Report()


def verdict(event: dict | None, function: str, child: Child, limit: float) -> report.Result:
    """The verdict on the check that was running when `event` came (None: its time ran out)."""
    problem = report.FUNCTIONS[function]
    if event is None:
        text = HINTS["time limit"].format(limit=limit)
        return report.Result(problem, function, False, text, "time limit", child.printed, tuple(child.shown))
    printed = (event["printed"], tuple(event["shown"]))
    if event["event"] == "exit":
        text = HINTS["stopped python"].format(status=child.stop())
        return report.Result(problem, function, False, text, "stopped python", *printed)
    return report.Result(problem, function, event["passed"], event["hint"], event["key"], *printed)


def not_loaded(path: Path, phase: str, kind: str, child: Child, limit: float) -> str:
    """Why the file was never graded, in one line."""
    if phase == "starting":
        if kind == "time limit":
            return f"the grading process did not start within {START_LIMIT:g} s"
        return f"the grading process stopped before loading {path}: {' '.join(child.last_lines)}"
    if kind == "time limit":
        return (
            f"{path} did not finish loading within {limit:g} s: does it run an endless loop, or "
            f'long training, when imported? Put such code under `if __name__ == "__main__":`'
        )
    return f"{path} stopped Python while loading (exit status {child.stop()})"


def shown(path: Path) -> str:
    """The path as the learner would type it: relative to where they are, when it is below it."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd().resolve()) else str(path)
    except ValueError:  # on Windows, another drive
        return str(path)


def workspace_path() -> Path:
    """practice/my_answers.py, copied from the template the first time, so the template stays pristine."""
    if not WORKSPACE.exists():
        shutil.copyfile(TEMPLATE, WORKSPACE)
        print(f"created {shown(WORKSPACE)} from the template: write your answers there")
    return WORKSPACE


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python practice/check.py",
        description="Grade an attempt at the practice problems.",
        epilog="FILE defaults to practice/my_answers.py, a copy of exercises.py made on the first run.",
    )
    parser.add_argument("file", nargs="?", type=Path, metavar="FILE", help="the file to grade")
    parser.add_argument(
        "--time-limit", type=float, default=TIME_LIMIT, metavar="SECONDS", help="per check (default 60)"
    )
    parsed = parser.parse_args(argv)
    if not parsed.time_limit > 0:
        parser.error("--time-limit must be a positive number of seconds")
    return parsed


def syntax_checked(path: Path) -> None:
    """A missing file or a syntax error is reported at once, without starting the grading process."""
    try:
        compile(path.read_bytes(), str(path), "exec")
    except FileNotFoundError:
        raise LoadError(f"no such file: {path}") from None
    except SyntaxError as error:
        raise LoadError(f"{path}, line {error.lineno}: syntax error: {error.msg}") from None
    except (OSError, ValueError) as error:  # a folder, unreadable, or bytes that are not Python
        raise LoadError(f"cannot read {path}: {error}") from None


def main(argv: list[str]) -> int:
    parsed = arguments(argv)
    path = parsed.file or workspace_path()
    try:
        syntax_checked(path)
        results = Grading(path, parsed.time_limit).run()
    except LoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    for stream in (sys.stdout, sys.stderr):  # a hint quoting a learner's value must print anywhere
        if hasattr(stream, "reconfigure"):  # not every console's stream can
            stream.reconfigure(errors="replace")
    sys.exit(main(sys.argv[1:]))
