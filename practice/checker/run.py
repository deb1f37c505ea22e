"""The checks in the order they run, and grade(): every check on a learner's functions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from .grading import calls_to_train_loop, grade_one, hint, register
from .problem_1 import check_fit_line, check_height_weight_data
from .problem_2 import check_compare_optimizers
from .problem_3 import check_plot_loss_curves, check_train_loop
from .report import FUNCTIONS, Result

CHECK_OF: dict[str, Callable[[Callable], None]] = {
    "train_loop": check_train_loop,
    "plot_loss_curves": check_plot_loss_curves,
    "height_weight_data": check_height_weight_data,
    "fit_line": check_fit_line,
    "compare_optimizers": check_compare_optimizers,
}
# (problem, function, its check), in grading order: report.FUNCTIONS says why that order.
CHECKS = [(problem, name, CHECK_OF[name]) for name, problem in FUNCTIONS.items()]

register(
    {
        "loop fails first": (
            "it calls your train_loop(), which fails its own check (problem 3, above): fix "
            "train_loop() first; until that passes, this check cannot tell whether anything "
            "else is wrong"
        ),
    }
)


def grade(workspace: object, path: Path | None = None) -> list[Result]:
    """Run every check on the functions of `workspace` (a module, or any object with them)."""
    return list(grading(workspace, path, [name for _, name, _ in CHECKS]))


def grading(
    workspace: object,
    path: Path | None,
    names: list[str],
    loop: str = "",
    starting: Callable[[str], None] = lambda name: None,
) -> Iterator[Result]:
    """The verdict of each check in `names`, in CHECKS order, as each finishes.

    `loop` is the verdict train_loop() got earlier, when it is not among `names`: "passed",
    "failed", or "timed out" (then calls to it fail at once instead of hanging again).
    """
    for problem, name, check in CHECKS:
        if name not in names:
            continue
        starting(name)
        if name == "train_loop":
            result = grade_one(workspace, problem, name, check, path)
            loop = "passed" if result.passed else "failed"
            yield result
            continue
        function = getattr(workspace, name, None)
        with calls_to_train_loop(workspace, function, refuse=loop == "timed out") as calls:
            result = grade_one(workspace, problem, name, check, path)
        if calls and loop in ("failed", "timed out") and not result.passed:
            # Its hint would blame this function for what the loop does wrong: say so instead.
            result = Result(problem, name, False, hint("loop fails first"), "loop fails first")
        yield result
