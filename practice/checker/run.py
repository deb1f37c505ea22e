"""The checks in the order they run, and grade(): every check on a learner's functions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .grading import calls_to_train_loop, grade_one
from .problem_1 import check_fit_line, check_height_weight_data
from .problem_2 import check_compare_optimizers
from .problem_3 import check_plot_loss_curves, check_train_loop
from .report import Result

# train_loop() first: answers to problems 1 and 2 may call it, and a broken loop makes their
# own checks fail for reasons that have nothing to do with them.
CHECKS: list[tuple[int, str, Callable[[Callable], None]]] = [
    (3, "train_loop", check_train_loop),
    (3, "plot_loss_curves", check_plot_loss_curves),
    (1, "height_weight_data", check_height_weight_data),
    (1, "fit_line", check_fit_line),
    (2, "compare_optimizers", check_compare_optimizers),
]


def grade(workspace: object, path: Path | None = None) -> list[Result]:
    """Run every check on the functions of `workspace` (a module, or any object with them)."""
    (problem, name, check), *others = CHECKS
    loop = grade_one(workspace, problem, name, check, path)
    results = [loop]
    for problem, name, check in others:
        with calls_to_train_loop(workspace, getattr(workspace, name, None)) as calls:
            result = grade_one(workspace, problem, name, check, path)
        if calls and not (loop.passed or result.passed):
            # Its hint would blame this function for what the loop does wrong: say so instead.
            result = Result(
                problem,
                name,
                False,
                "it calls your train_loop(), which fails its own check (problem 3, above): fix "
                "train_loop() first; until that passes, this check cannot tell whether anything "
                "else is wrong",
            )
        results.append(result)
    return results
