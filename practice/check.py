"""Grade an attempt at the practice problems: PASS or FAIL per function, with a hint.

    python practice/check.py             # grades practice/my_answers.py, made from the template at first
    python practice/check.py FILE        # any .py file with the five functions, or a notebook (.ipynb)
    python practice/check.py --time-limit 120 FILE   # allow each check 120 s instead of 60

The checks are in problems.py. This command imports only the standard library: a child process
imports torch and the file once and runs the checks. When one runs past its time limit or stops
Python, the command ends that process, reports the check, and grades the rest in a fresh one. Of a
notebook, the code cells are graded, not those tagged "check". grade_file() is for other programs.

Exit status: 0 when everything passes, 1 when something fails, 2 when FILE cannot be loaded.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import shutil
import sys
from dataclasses import asdict, dataclass, replace
from pathlib import Path

PRACTICE = Path(__file__).resolve().parent
TEMPLATE, WORKSPACE = PRACTICE / "exercises.py", PRACTICE / "my_answers.py"  # the learner writes in a copy
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


class Printed(io.TextIOBase):
    """sys.stdout while the learner's code runs: it counts the lines written and keeps the first SHOWN."""

    def __init__(self) -> None:
        self.lines, self.shown, self.partial = 0, [], ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        *complete, self.partial = (self.partial + text).split("\n")
        self.lines += len(complete)
        self.shown += [line.rstrip()[:200] for line in complete][: SHOWN - len(self.shown)]
        return len(text)

    def into(self, verdict: Verdict) -> Verdict:
        self.write("\n" if self.partial else "")
        return replace(verdict, printed=self.lines, shown=tuple(self.shown))


def counted(n: int, noun: str, plural: str = "") -> str:
    """'1 line', '2 lines': hints read as sentences."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def printed_note(lines: int, shown: tuple[str, ...] | list[str], before: str, after: str) -> str:
    """'[it printed 12 lines, the first 3 below]' (between before and after), then those lines."""
    which = "" if lines == len(shown) else f", the first {len(shown)} below"
    return f"{before}it printed {counted(lines, 'line')}{which}{after}" + "".join(
        f"\n        | {s}" for s in shown
    )


def verdict_line(verdict: Verdict) -> str:
    """'PASS  train_loop()', or 'FAIL  train_loop(): the hint', and what the code printed."""
    line = f"PASS  {verdict.function}()" if verdict.passed else f"FAIL  {verdict.function}(): {verdict.hint}"
    return line + (printed_note(verdict.printed, verdict.shown, " [", "]") if verdict.printed else "")


def timed_out(function: str, problem: int, limit: float, more: str) -> Verdict:
    hint = (
        f"did not finish within {limit:g} s, so the checker stopped it: an endless loop? ({more} allows more)"
    )
    return Verdict(function, problem, False, hint, "time limit")


def loop_state(verdict: Verdict | None) -> str:
    """train_loop()'s verdict, as the checks of the functions that call it need it."""
    if verdict is None:
        return ""
    return "passed" if verdict.passed else "timed out" if verdict.key == "time limit" else "failed"


class TextReport:
    """The command's report, printed as grading goes: each verdict under its problem's heading."""

    def __init__(self, created: bool = False) -> None:
        self.created, self.titles, self.problem = created, {}, None

    def loaded(self, shown: str, printed: tuple[int, list[str]], plan: dict) -> None:
        if self.created:
            print(f"created {shown} from the template: write your answers there")
        print(f"Checking {shown}")
        if printed[0]:
            print(printed_note(*printed, "(while loading, ", ")"))
        print(f"\n{plan['note']}", flush=True)
        self.titles = plan["titles"]

    def verdict(self, verdict: Verdict) -> None:
        if verdict.problem != self.problem:
            self.problem = verdict.problem
            print(f"Problem {verdict.problem}, {self.titles[verdict.problem]}")
        print(f"  {verdict_line(verdict)}", flush=True)


def read_source(path: Path, shown: str) -> list[tuple[str, str]]:
    """The code to grade, as (name, code) pieces: the file, or a notebook's code cells but the check cells."""
    try:
        pieces = [(shown, path.read_text(encoding="utf-8"))]
        if path.suffix == ".ipynb":
            cells = enumerate(json.loads(pieces[0][1])["cells"], 1)
            code = [
                (n, "".join(c["source"])) for n, c in cells if c["cell_type"] == "code" and not is_check(c)
            ]
            pieces = [(f"{shown} (cell {number})", python(source)) for number, source in code]
        for name, source in pieces:
            compile(source, name, "exec")
    except FileNotFoundError:
        raise LoadError(f"no such file: {shown}") from None
    except SyntaxError as error:  # (a null byte too: no line then)
        line = f", line {error.lineno}" if error.lineno else ""
        raise LoadError(f"{error.filename or shown}{line}: syntax error: {error.msg}") from None
    except (OSError, ValueError, KeyError, TypeError) as error:  # a folder, not text, not a notebook
        raise LoadError(f"cannot read {shown}: {error}") from None
    return pieces


def is_check(cell: dict) -> bool:
    return CHECK_TAG in cell.get("metadata", {}).get("tags", [])


def python(cell: str) -> str:
    """A cell's code, its IPython-only lines (%magics, !commands) blanked, so that line numbers stay right."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in cell.split("\n"))


# --- Grading in a child process ---


def child(connection, path: str, names: list[str] | None, loop: str) -> None:
    """The child process: import the checks and the file once, run the checks, and send the parent
    ("started", shown path, plan), then ("loaded", printed) or ("load error", why), then ("verdict",
    fields) per check. What the learner's code prints is counted here, as in a notebook."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # the learner's plt.show() must neither open a window nor wait
        # Under spawn this file runs here as __mp_main__: check, as grading imports it, is another copy.
        from check import LoadError, Printed, read_source
        from grading import in_place, load, warm_up
        from problems import grade, plan

        from linreg import display_path
    except ImportError as error:
        return connection.send(("load error", f"the checker cannot start: {error}"))
    warm_up()
    shown, printed = display_path(Path(path)), Printed()
    connection.send(("started", shown, plan()))
    try:
        with in_place(printed):
            namespace = load(read_source(Path(path), shown), Path(path))
    except LoadError as error:
        return connection.send(("load error", str(error)))
    connection.send(("loaded", (printed.lines, printed.shown)))
    for verdict in grade(namespace, names, loop):
        connection.send(("verdict", asdict(verdict)))


def grade_file(
    path: Path,
    functions: list[str] | None = None,
    time_limit: float = TIME_LIMIT,
    report: TextReport | None = None,
) -> list[Verdict]:
    """Grade a .py or .ipynb file: a Verdict per function (or per one of `functions`), in grading order.

    Tells `report` as grading goes. Raises LoadError when the file cannot be loaded.
    """
    verdicts: dict[str, Verdict] = {}
    plan: dict[str, int] = {}  # function -> its problem, in grading order, as the first child says
    context = multiprocessing.get_context("spawn")  # the same on every system, and safe with torch
    while not plan or len(verdicts) < len(plan):
        todo = [name for name in plan if name not in verdicts] or functions
        connection, theirs = context.Pipe(duplex=False)
        loop = loop_state(verdicts.get("train_loop"))  # which the checks of the functions calling it need
        process = context.Process(target=child, args=(theirs, str(path), todo, loop), daemon=True)
        process.start()
        theirs.close()  # the child's copy is then the only one: its exit ends the pipe
        try:
            message = receive(connection, process, START_LIMIT)
            if message[0] != "started":
                raise LoadError(
                    message[1] if message[0] == "load error" else "the grading process did not start"
                )
            shown, order, message = message[1], message[2], receive(connection, process, time_limit)
            if message[0] != "loaded":
                raise LoadError(not_loaded(shown, message, time_limit))
            if not plan:
                plan = {
                    name: number for name, number in order["order"] if functions is None or name in functions
                }
                if not plan:
                    raise LoadError(f"no function to grade among {functions}")
                if report:
                    report.loaded(shown, message[1], order)
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


def not_loaded(shown: str, message: tuple, limit: float) -> str:
    if message[0] == "load error":
        return message[1]
    if message[0] == "exit":
        return f"{shown} stopped Python while loading (exit status {message[1]})"
    return (
        f"{shown} did not finish loading within {limit:g} s: does it run an endless loop, or long training, "
        'when imported? Put such code under `if __name__ == "__main__":`'
    )


def stopped(function: str, problem: int, message: tuple, limit: float) -> Verdict:
    """The verdict on a check whose process ran out of time or died."""
    if message[0] == "time limit":
        return timed_out(function, problem, limit, "python practice/check.py --time-limit SECONDS")
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
    except KeyboardInterrupt:
        return 130
    print(f"{sum(v.passed for v in verdicts)} of {counted(len(verdicts), 'check')} pass.")
    return 0 if all(v.passed for v in verdicts) else 1


if __name__ == "__main__":
    for stream in (sys.stdout, sys.stderr):  # a hint quoting a learner's value must print anywhere
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    sys.exit(main(sys.argv[1:]))
