"""The verdicts and the report's text. Only the standard library: the command imports it too."""

from __future__ import annotations

from dataclasses import dataclass

PROBLEMS = {1: "height -> weight", 2: "SGD against Adam", 3: "the loss curve"}
# The functions graded, in the order they are graded, with their problem. train_loop() first:
# answers to problems 1 and 2 may call it, and a broken loop makes their own checks fail for
# reasons that have nothing to do with them.
FUNCTIONS = {
    "train_loop": 3,
    "plot_loss_curves": 3,
    "height_weight_data": 1,
    "fit_line": 1,
    "compare_optimizers": 2,
}
REPORT_ORDER = (3, 1, 2)  # as graded, so the train_loop() verdict that other hints refer to comes first
INTRO = "Problem 3 comes first: your answers to problems 1 and 2 may call its train_loop()."


@dataclass(frozen=True)
class Result:
    problem: int
    function: str
    passed: bool
    hint: str = ""
    key: str = ""  # which hint: a key of grading.HINTS or of the command's own
    printed: int = 0  # lines the learner's code printed during the check
    shown: tuple[str, ...] = ()  # the first few of them, which the report shows


def counted(n: int, noun: str, plural: str = "") -> str:
    """'1 epoch', '2 epochs': hints read as sentences."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


SHOWN = 3  # how many lines of what a learner's code prints the report shows: enough to debug by


def printed_note(printed: int, shown: tuple[str, ...] | list[str]) -> tuple[str, str]:
    """('it printed 12 lines, the first 3 below', those lines indented one per line)."""
    which = "" if printed == len(shown) else f", the first {len(shown)} below"
    return f"it printed {counted(printed, 'line')}{which}", "".join(f"\n        | {line}" for line in shown)


def verdict(result: Result) -> str:
    line = f"  {'PASS' if result.passed else 'FAIL'}  {result.function}()"
    if not result.passed:
        line += f": {result.hint}"
    if result.printed:
        note, lines = printed_note(result.printed, result.shown)
        line += f" [{note}]{lines}"
    return line


def problem_report(problem: int, results: list[Result]) -> list[str]:
    """The heading of one problem and the verdict of each of its functions."""
    mine = [r for r in results if r.problem == problem]
    heading = f"Problem {problem}, {PROBLEMS[problem]}: {'PASS' if all(r.passed for r in mine) else 'FAIL'}"
    return [heading, *map(verdict, mine)]


def summary(results: list[Result]) -> str:
    return f"{sum(r.passed for r in results)} of {len(results)} checks pass."


def report(results: list[Result]) -> str:
    lines = [INTRO]
    for problem in REPORT_ORDER:
        lines += problem_report(problem, results)
    return "\n".join([*lines, summary(results)])
