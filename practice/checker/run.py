"""The checks in the order they run: grade() runs them here, serve() in the command's child process."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path

import matplotlib.pyplot as plt
import torch

from .grading import LoadError, calls_to_train_loop, grade_one, hint, load_workspace, register
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


# --- The child process of `python practice/check.py` ---


def serve(argv: list[str]) -> int:
    """Grade in this process, telling the command what happens, one line per event.

    argv: the token that marks those lines, the file to grade, train_loop()'s earlier
    verdict ("" if none), and the names of the checks to run. Everything else this
    process writes (the learner's prints, warnings) the command counts and hides.
    """
    token, path, loop, *names = argv
    # Events go out through a copy of stdout: a learner's code may replace or close sys.stdout.
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")

    def send(event: str, **values: object) -> None:
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            try:  # what the learner printed so far comes before this event
                stream.flush()
            except (AttributeError, OSError, ValueError):
                pass
        channel.write(f"{token} {json.dumps({'event': event, **values})}\n")
        channel.flush()

    warm_up()
    send("loading")
    try:
        workspace = load_workspace(Path(path))
    except LoadError as error:
        send("load error", message=str(error))
        return 2
    plt.switch_backend("Agg")  # should the file choose a window backend, plt.show() must not wait for one
    send("loaded")
    try:
        for result in grading(workspace, Path(path), names, loop, lambda name: send("start", function=name)):
            send("result", **asdict(result))
    except Exception as error:  # grade_one() turns the learner's errors into hints: this one is ours
        send("checker error", message=f"{type(error).__name__}: {error}")
        raise
    send("done")
    return 0


def warm_up() -> None:
    """Pay the checker's own one-time costs before any time limit starts counting.

    torch imports its optimizers' machinery on the first optimizer, and matplotlib reads
    its fonts on the first figure: on a slow machine, seconds that are not the learner's.
    """
    torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1).step()
    plt.close(plt.figure())
