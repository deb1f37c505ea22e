"""The checker is worth trusting: it passes correct attempts and names the mistake in wrong ones.

The right and wrong attempts graded here are in learner_attempts.py. MISTAKES is the
table of every hint the checker can give: a wrong attempt that gets it, and the words
the hint must contain; a test fails when a hint is added without a row.
"""

from __future__ import annotations

import ast
import functools
import inspect
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import learner_attempts as learner
import numpy as np
import pytest
import torch
from conftest import ROOT, headless_env
from torch import nn, optim

from practice import answers, check, exercises
from practice.checker import grading, problem_2, run
from practice.checker.report import FUNCTIONS, PROBLEMS, Result, report

PRACTICE = ROOT / "practice"
CREATED = "created practice/my_answers.py from the template: write your answers there"


def attempt(**changes) -> SimpleNamespace:
    """The worked answers with some functions swapped for a learner's version."""
    return SimpleNamespace(**{name: getattr(answers, name) for name in FUNCTIONS} | changes)


def worked_answers_calling(train_loop) -> object:
    """The worked answers as a module whose fit_line() and compare_optimizers() call this loop."""
    module = grading.load_workspace(PRACTICE / "answers.py")
    module.train_loop = train_loop
    return module


def graded(workspace: object, function: str, loop: str = "") -> Result:
    """The verdict on one function, graded in this process as the command's child grades it."""
    return next(run.grading(workspace, None, [function], loop))


def test_the_worked_answers_pass_every_problem():
    results = run.grade(grading.load_workspace(PRACTICE / "answers.py"))
    assert all(r.passed for r in results), report(results)
    assert report(results).count(": PASS") == 3


def test_the_worked_train_loop_shows_the_loop_itself():
    """A stuck learner reads it to learn the loop: it must not hide the steps in linreg.train()."""
    source = inspect.getsource(answers.train_loop)
    steps = ["optimizer.zero_grad()", "model(inputs)", "loss.backward()", "optimizer.step()", "loss.item()"]
    positions = [source.find(step) for step in steps]
    assert -1 not in positions and positions == sorted(positions), positions
    assert "train(" not in source


def test_a_correct_attempt_written_differently_passes_too():
    results = run.grade(grading.load_workspace(ROOT / "tests" / "alternative_answers.py"))
    assert all(r.passed for r in results), report(results)


# --- Right answers, written as learners write them, pass ---


def in_a_list(name, lr, losses):
    return [lr, losses]


def as_numpy_and_torch_scalars(name, lr, losses):
    return (np.float32(lr) if name == "SGD" else torch.tensor(lr)), np.array(losses)


RIGHT = {
    "train_loop": [learner.loop("fbsz"), learner.loop_with_a_closure, learner.loop_zeroing_the_model],
    "plot_loss_curves": [
        learner.plot_drawn_differently,
        learner.plot_with_points_and_an_axline,
        functools.partial(learner.plot, reference=lambda ax, y: ax.plot([0, 29], [y, y], ":")),
    ],
    "height_weight_data": [learner.data_seeded_globally, learner.drawn_people(0.9, -70, 12)],
    "fit_line": [learner.fit_with_adam_and_linreg_train, learner.fit_with_torch_func_grad, learner.fitted()],
    "compare_optimizers": [
        learner.comparison(returned=in_a_list),
        learner.comparison(returned=as_numpy_and_torch_scalars),
        learner.comparison(
            {
                "SGD": lambda parameters: optim.SGD(parameters, lr=0.01, momentum=0.9, nesterov=True),
                "Adam": lambda parameters: optim.Adam(parameters, lr=0.3, betas=(0.8, 0.99)),
            }
        ),
        learner.comparison(
            {"SGD": lambda p: optim.SGD(p, lr=0.02), "Adam": lambda p: optim.Adam(p, lr=0.5)}, batch=2
        ),
    ],
}


@pytest.mark.parametrize(
    ("function", "right"),
    [(function, right) for function, rights in RIGHT.items() for right in rights],
    ids=[f"{function}-{i}" for function, rights in RIGHT.items() for i in range(len(rights))],
)
def test_a_right_answer_passes_however_it_is_written(function, right):
    result = graded(attempt(**{function: right}), function)
    assert result.passed, result.hint


# --- Every hint, and a mistake that gets it ---


@dataclass(frozen=True)
class Mistake:
    key: str  # the hint it must get: a key of grading.HINTS
    function: str  # the function graded
    attempt: object  # the learner's version of it (None: no such function)
    phrase: str  # what the hint must say
    workspace: object = None  # the whole file, when swapping one function is not enough
    loop: str = ""  # train_loop()'s verdict, when it matters

    def grade(self) -> Result:
        workspace = self.workspace() if self.workspace else attempt(**{self.function: self.attempt})
        return graded(workspace, self.function, self.loop)


def fails(function: str, attempt: object, key: str, phrase: str, **options) -> pytest.param:
    return pytest.param(Mistake(key, function, attempt, phrase, **options), id=key)


def loop_fails(key, attempt, phrase, **options):
    return fails("train_loop", attempt, key, phrase, **options)


def plot_fails(key, phrase, **changes):
    return fails("plot_loss_curves", functools.partial(learner.plot, **changes), key, phrase)


def data_fails(key, attempt, phrase):
    return fails("height_weight_data", attempt, key, phrase)


def fit_fails(key, attempt, phrase, **options):
    return fails("fit_line", attempt, key, phrase, **options)


def compare_fails(key, attempt, phrase):
    return fails("compare_optimizers", attempt, key, phrase)


def sgd_and_adam(sgd: float, adam: float) -> dict:
    return {"SGD": lambda p: optim.SGD(p, lr=sgd), "Adam": lambda p: optim.Adam(p, lr=adam)}


def raising_name_error(model, optimizer, inputs, targets, epochs):
    return [loss_function(model(inputs), targets)]  # noqa: F821 (the learner's typo)


MISTAKES = [
    # Any function
    fails("fit_line", None, "missing function", "there is no function fit_line(): keep the names"),
    fails("fit_line", exercises.fit_line, "not implemented", "not implemented yet (line "),
    loop_fails("raised", raising_name_error, "train_loop() raised NameError: name 'loss_function'"),
    loop_fails(
        "raised/loss class",
        learner.loop("zfbs", lambda model, inputs, targets: nn.MSELoss(model(inputs), targets)),
        "nn.MSELoss is a class, not the loss: create the loss function first",
    ),
    loop_fails(
        "raised/input shape",
        learner.loop("zfbs", lambda model, inputs, targets: learner.mse(model, inputs.flatten(), targets)),
        "mat1 and mat2 shapes cannot be multiplied (1x4 and 1x1) (line ",
    ),
    fit_fails("exited", learner.fit_that_exits, "fit_line() stopped Python with SystemExit: could not fit"),
    fit_fails(
        "linreg refused",
        learner.fit_in_float64_with_linreg_train,
        "linreg refused the training: inputs are torch.float64 but the model computes in torch.float32",
    ),
    fit_fails(
        "loop fails first",
        None,
        "it calls your train_loop(), which fails its own check",
        workspace=lambda: worked_answers_calling(learner.loop("fbs")),
        loop="failed",
    ),
    # train_loop()
    loop_fails("losses not a list", lambda *args: None, "train_loop() returned None; return a list"),
    loop_fails("losses are tensors", learner.loop_keeping_tensors, "keep loss.item(), a plain float"),
    loop_fails(
        "losses not numbers",
        lambda *args: [f"{loss:.4f}" for loss in learner.loop("zfbs")(*args)],
        "train_loop() returned a str among its losses",
    ),
    loop_fails(
        "loss count", lambda *args: learner.loop("zfbs")(*args)[::10], "returned 2 losses for 20 epochs"
    ),
    loop_fails("loop/no zero_grad", learner.loop("fbs"), "did you call optimizer.zero_grad()?"),
    loop_fails(
        "loop/never stepped", learner.loop("zfb"), "optimizer.step() of the optimizer you are given never ran"
    ),
    loop_fails("loop/no backward", learner.loop("zfs"), "because loss.backward() never ran"),
    loop_fails(
        "loop/step before backward", learner.loop("zfsb"), "optimizer.step() runs before loss.backward()"
    ),
    loop_fails(
        "loop/gradients wiped",
        learner.loop("fbzs"),
        "optimizer.zero_grad() wipes them before optimizer.step() can use them",
    ),
    loop_fails(
        "loop/one epoch ahead", learner.loop_recording_after_the_step, "your losses are one epoch ahead"
    ),
    loop_fails("loop/summed loss", learner.loop("zfbs", learner.summed), "4 times the MSE"),
    loop_fails(
        "loop/broadcast shapes",
        learner.loop("zfbs", learner.squeezed),
        "have shape (4,) and the targets (4, 1), or the other way round: it broadcasts them to (4, 4)",
    ),
    loop_fails("loop/wrong first loss", learner.loop_of_a_new_model, "train the model passed in"),
    loop_fails(
        "loop/differs later", learner.loop("zfbss"), "matches the reference for 1 epoch, then differs"
    ),
    loop_fails("loop/trained a copy", learner.loop_training_a_copy, "train that model itself, not a copy"),
    loop_fails("loop/not the optimizer's step", learner.loop_updating_by_hand, "with Adam it does not"),
    # plot_loss_curves()
    plot_fails("figure/returned axes", "returned the Axes: return the Figure", returned=lambda fig, ax: ax),
    plot_fails("figure/not a figure", "plot_loss_curves() returned None", returned=lambda fig, ax: None),
    fails("plot_loss_curves", lambda *args: learner.plt.figure(), "figure/empty", "nothing drawn on it"),
    plot_fails(
        "figure/missing curve",
        "nothing on the figure shows the 'Adam' losses",
        curve=lambda ax, name, losses: ax.plot(losses, label=name) if name == "SGD" else None,
    ),
    plot_fails(
        "figure/log of losses",
        "you plotted the logarithm of the 'SGD' losses",
        curve=lambda ax, name, losses: ax.plot(np.log10(losses), label=name),
        log=False,
    ),
    fails(
        "plot_loss_curves",
        learner.plot_on_separate_axes,
        "figure/separate axes",
        "the curves are on different axes",
    ),
    plot_fails("figure/no axis label", "the plot has no axis labels", labels=False),
    plot_fails("figure/no title", "the plot has no title", title=lambda fig, ax: None),
    plot_fails("figure/linear scale", "the loss axis is linear", log=False),
    plot_fails(
        "figure/no reference",
        "no horizontal reference line at the optimal loss",
        reference=lambda ax, y: ax.axhline(3 * y),
    ),
    plot_fails("figure/no legend", "the figure has no legend", legend=lambda fig, ax: None),
    plot_fails(
        "figure/legend",
        "the legend does not name 'Adam'",
        curve=lambda ax, name, losses: ax.plot(losses, label=name if name == "SGD" else "the other"),
    ),
    # height_weight_data()
    data_fails("data/not two tensors", learner.data(lambda h, w: {"h": h, "w": w}), "it returned a dict"),
    data_fails("data/numpy", learner.data(lambda h, w: (h.numpy(), w.numpy())), "returned numpy arrays"),
    data_fails("data/whole numbers", learner.data(lambda h, w: (h.long(), w.long())), "whole-number tensors"),
    data_fails(
        "data/not float32",
        learner.data(lambda h, w: (h.double(), w.double())),
        "returned torch.float64 tensors, but nn.Linear's weight and bias are torch.float32",
    ),
    data_fails(
        "data/heights shape", learner.data(lambda h, w: (h.flatten(), w)), "heights have shape (400,)"
    ),
    data_fails(
        "data/weights of shape (n,)",
        learner.data(lambda h, w: (h, w.flatten())),
        "the targets (weights) have shape (400,)",
    ),
    data_fails("data/weights shape", learner.data(lambda h, w: (h, torch.cat([w, w], 1))), "shape (400, 2)"),
    data_fails("data/not finite", learner.data(lambda h, w: (h, w / (w > 60))), "NaN or infinite"),
    data_fails("data/metres", learner.data(lambda h, w: (h / 100, w)), "metres?"),
    data_fails("data/inches", learner.data(lambda h, w: (h / 2.54, w)), "inches?"),
    data_fails("data/heights off", learner.data(lambda h, w: (h + 50, w)), "adults average about 160-180 cm"),
    data_fails("data/pounds", learner.data(lambda h, w: (h, w / 0.4536)), "pounds?"),
    data_fails("data/weights off", learner.data(lambda h, w: (h, w * 0.4)), "adults average about 60-95 kg"),
    data_fails(
        "data/heights out of range",
        learner.drawn_people(0.9, -70, 12, height_sd=25),
        "is their spread too wide (yours: standard deviation 2",
    ),
    data_fails(
        "data/weights not positive", learner.drawn_people(0.9, -70, 45), "weights are zero or negative"
    ),
    data_fails("data/weight falls", learner.drawn_people(-1.5, 350, 12), "weight falls as height rises"),
    data_fails("data/no relation", learner.drawn_people(0.0, 80, 12), "weight barely depends on height"),
    data_fails("data/no scatter", learner.drawn_people(0.9, -70, 0.5), "lie almost exactly on a line"),
    data_fails("data/seed not repeatable", learner.data_unseeded, "the same seed gave different data"),
    data_fails(
        "data/seed ignored", learner.drawn_people(0.9, -70, 12, seed=0), "seeds 1 and 2 gave the same"
    ),
    # fit_line()
    fit_fails("fit/diverged", learner.fitted(standardized=False, lr=0.01, epochs=100), "training diverged"),
    fit_fails("fit/diverged", learner.fit_diverging_in_linreg_train, "the loss became inf at epoch"),
    fit_fails("fit/not two numbers", lambda h, w: "1.0, 0.0", "must return two numbers, (slope, intercept)"),
    fit_fails(
        "fit/exact formula", learner.fit_by_least_squares, "is the checker's reference, not the answer"
    ),
    fit_fails(
        "fit/no training", lambda h, w: (1.0, 0.0), "the checker saw no gradient descent while fit_line() ran"
    ),
    fit_fails(
        "fit/standardized slope", learner.fitted(map_back="none"), "the slope for standardized heights"
    ),
    fit_fails("fit/standardized intercept", learner.fitted(map_back="slope"), "is the mean weight"),
    fit_fails("fit/flat line", learner.fitted(loss_of=learner.squeezed), "flat at the mean weight"),
    fit_fails("fit/not least squares", learner.fitted(epochs=5), "is not the least-squares line"),
    # compare_optimizers()
    compare_fails("compare/not a dict", lambda *args: [0.1, 0.5], 'must return {"SGD": (lr, losses)'),
    compare_fails(
        "compare/missing entry",
        lambda *args: {"sgd": (0.1, []), "adam": (0.5, [])},
        "the result has no \"SGD\" entry (its keys: 'sgd', 'adam')",
    ),
    compare_fails(
        "compare/changed start", learner.comparison(start_from=lambda start: start), "changed `start`"
    ),
    compare_fails(
        "compare/not a pair",
        learner.comparison(returned=lambda name, lr, losses: losses),
        'result["SGD"] must be a pair (learning rate, losses); it is a list',
    ),
    compare_fails(
        "compare/bad learning rate",
        learner.comparison(returned=lambda name, lr, losses: (str(lr), losses)),
        "a positive number; got '0.1'",
    ),
    compare_fails(
        "compare/SGD diverged",
        learner.comparison(sgd_and_adam(1.0, 0.5)),
        "the SGD run at learning rate 1 diverged (its loss ",
    ),
    compare_fails(
        "compare/Adam diverged",
        learner.comparison(sgd_and_adam(0.1, 1e30)),
        "Use a smaller learning rate: try 1e+29",
    ),
    compare_fails(
        "compare/ignores epochs",
        learner.comparison(fixed_epochs=problem_2.COMPARE_EPOCHS),
        f"asked for {problem_2.OTHER_EPOCHS} epochs, compare_optimizers() returned "
        f"{problem_2.COMPARE_EPOCHS} SGD losses",
    ),
    compare_fails(
        "compare/not from start",
        learner.comparison(start_from=lambda start: type(start)(1, 1)),
        "the SGD run did not begin from start's parameters",
    ),
    compare_fails(
        "compare/not the MSE",
        learner.comparison(sgd_and_adam(0.02, 0.5), loss_of=learner.summed),
        "the SGD run began from start's parameters, but its first loss",
    ),
    compare_fails(
        "compare/one epoch ahead",
        learner.comparison(after_step=True),
        "the SGD losses are one epoch ahead",
    ),
    compare_fails(
        "compare/wrong optimizer",
        learner.comparison({"SGD": lambda p: optim.Adam(p, lr=0.5), "Adam": lambda p: optim.Adam(p, lr=0.5)}),
        'the losses you return as "SGD" are those of your optim.Adam run',
    ),
    compare_fails(
        "compare/learning rate mismatch",
        learner.sweep_returning_the_last_runs_losses,
        "the SGD losses are those of your optim.SGD run at learning rate 0.03, but you return 0.1",
    ),
    compare_fails(
        "compare/learning rate not used",
        learner.comparison(sgd_and_adam(0.02, 0.5), batch=2, returned=lambda n, lr, losses: (lr * 5, losses)),
        "you return 0.1 as the SGD learning rate, but no optim.SGD you trained had it (yours: 0.02)",
    ),
    compare_fails(
        "compare/SGD not converged",
        learner.comparison(sgd_and_adam(0.001, 0.5)),
        "SGD at learning rate 0.001 ends",
    ),
    compare_fails(
        "compare/Adam not converged",
        learner.comparison(sgd_and_adam(0.1, 0.01)),
        "Adam at learning rate 0.01 ends",
    ),
]


@pytest.mark.parametrize("mistake", MISTAKES)
def test_each_mistake_gets_the_hint_that_names_it(mistake):
    result = mistake.grade()
    assert not result.passed, f"{mistake.function}() passed"
    assert result.key == mistake.key, result.hint
    assert mistake.phrase in result.hint, result.hint


def test_a_broken_train_loop_is_reported_first_and_not_blamed_on_its_callers():
    """The worked answers with the learner's broken loop: fit_line() and compare_optimizers() call it."""
    results = run.grade(worked_answers_calling(learner.loop("fbs")))
    verdicts = {r.function: r for r in results}
    assert results[0].function == "train_loop" and not results[0].passed
    callers = [verdicts[name] for name in ("fit_line", "compare_optimizers") if not verdicts[name].passed]
    assert callers  # otherwise there would be nothing to test
    for result in callers:
        assert result.key == "loop fails first", result.hint
    assert verdicts["height_weight_data"].passed and verdicts["plot_loss_curves"].passed  # they don't use it
    headings = [line for line in report(results).splitlines() if line.startswith("Problem ")]
    assert headings[0].startswith("Problem 3 comes first") and headings[1].startswith("Problem 3, ")


def test_a_failing_check_that_does_not_call_the_broken_loop_keeps_its_own_hint():
    workspace = attempt(train_loop=learner.loop("fbs"), fit_line=lambda heights, weights: (1.0, 0.0))
    assert graded(workspace, "fit_line", loop="failed").key == "fit/no training"


# --- Through the command: time limits, crashes, printing ---

# The hints the command gives itself, and what they must say: checked through the command.
COMMAND_HINTS = {
    "time limit": "train_loop(): did not finish within 3 s, so the checker stopped it: an endless loop",
    "stopped python": "compare_optimizers(): Python itself stopped while it ran (exit status 3)",
}

MISBEHAVING = """
import os
import time

from answers import plot_loss_curves as worked_plot

print("loading my answers")
print("done")


def train_loop(model, optimizer, inputs, targets, epochs):
    epoch = 0
    while epoch < epochs:  # the learner forgot epoch += 1 (and sleeps, to spare the test machine)
        time.sleep(0.01)


def plot_loss_curves(histories, optimal_loss):
    for value in range(5000):
        print("debugging", value)
    return worked_plot(histories, optimal_loss)


def height_weight_data(n, seed):
    raise ValueError("no data yet")


def fit_line(heights, weights):
    return train_loop(None, None, heights, weights, 10)


def compare_optimizers(start, inputs, targets, epochs):
    os._exit(3)
"""


def practice_copy(folder: Path) -> Path:
    """A practice folder of its own, so a test never writes practice/my_answers.py in the repo."""
    copy = folder / "practice"
    shutil.copytree(
        PRACTICE, copy, ignore=shutil.ignore_patterns("__pycache__", "my_answers.py", "solution_*")
    )
    return copy


@dataclass(frozen=True)
class CommandRun:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


class CommandRuns:
    """Runs of the command, all started at once: most of their time is importing torch, which the
    in-process tests above, and the runs themselves, overlap on a machine of several cores."""

    def __init__(self, runs: dict[str, tuple[Path, list[str], Path]]) -> None:
        self.started = {
            name: (
                subprocess.Popen(
                    [sys.executable, str(checker), *args],
                    cwd=cwd,
                    env=headless_env(ROOT / "output"),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
                time.monotonic(),
            )
            for name, (checker, args, cwd) in runs.items()
        }
        self.finished: dict[str, CommandRun] = {}

    def __getitem__(self, name: str) -> CommandRun:
        if name not in self.finished:
            process, began = self.started[name]
            stdout, stderr = process.communicate(timeout=300)
            self.finished[name] = CommandRun(process.returncode, stdout, stderr, time.monotonic() - began)
        return self.finished[name]

    def stop(self) -> None:
        for process, _ in self.started.values():
            process.kill()
            process.communicate()


@pytest.fixture(scope="module", autouse=True)
def command_runs(tmp_path_factory) -> Iterator[CommandRuns]:
    """Started before this module's first test, so they run while the tests in this process do."""
    first, later = (practice_copy(tmp_path_factory.mktemp(name)) for name in ("first", "later"))
    (later / "my_answers.py").write_text((PRACTICE / "answers.py").read_text())
    files = tmp_path_factory.mktemp("attempts")
    (files / "misbehaving.py").write_text(MISBEHAVING)
    (files / "hangs.py").write_text(
        "import time\n\nwhile True:  # waiting for something that never comes\n    time.sleep(0.1)\n"
    )
    (files / "raises.py").write_text("1 / 0\n")
    runs = CommandRuns(
        {
            "stubs": (PRACTICE / "check.py", ["practice/exercises.py"], ROOT),
            "first run": (first / "check.py", [], first.parent),
            "later run": (later / "check.py", [], later.parent),
            "misbehaving": (
                PRACTICE / "check.py",
                ["--time-limit", "3", str(files / "misbehaving.py")],
                ROOT,
            ),
            "hangs while loading": (
                PRACTICE / "check.py",
                ["--time-limit", "2", str(files / "hangs.py")],
                ROOT,
            ),
            "raises while loading": (PRACTICE / "check.py", [str(files / "raises.py")], ROOT),
        }
    )
    runs.first_copy = first
    yield runs
    runs.stop()


def assert_all_not_implemented(result: CommandRun) -> None:
    assert result.returncode == 1, result.stderr
    for problem, title in PROBLEMS.items():
        assert f"Problem {problem}, {title}: FAIL" in result.stdout
    for function in FUNCTIONS:
        assert f"FAIL  {function}(): not implemented yet" in result.stdout
    assert "0 of 5 checks pass." in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_the_untouched_stubs_fail_every_problem_as_not_implemented_yet(command_runs):
    """Through the command itself, on the template named explicitly: it is never the default."""
    result = command_runs["stubs"]
    assert result.stdout.startswith("Checking practice/exercises.py\n")
    assert_all_not_implemented(result)


def test_the_first_run_copies_the_template_to_my_answers_and_grades_that(command_runs):
    result = command_runs["first run"]
    assert result.stdout.startswith(f"{CREATED}\nChecking practice/my_answers.py\n")
    copied = command_runs.first_copy / "my_answers.py"
    assert copied.read_text() == (PRACTICE / "exercises.py").read_text()
    assert_all_not_implemented(result)


def test_later_runs_grade_my_answers_as_the_learner_left_it(command_runs):
    result = command_runs["later run"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Checking practice/my_answers.py\n")  # nothing created, nothing said
    assert "5 of 5 checks pass." in result.stdout
    assert result.stdout == report_of_every_pass()


def report_of_every_pass() -> str:
    results = [Result(problem, name, True) for name, problem in FUNCTIONS.items()]
    return f"Checking practice/my_answers.py\n\n{report(results)}\n"


def test_a_misbehaving_file_gets_one_line_per_check_and_the_rest_still_graded(command_runs):
    """An endless loop, a crash of Python, and a lot of printing: one line each, the other checks go on."""
    result = command_runs["misbehaving"]
    assert result.returncode == 1 and result.stderr == "", result.stderr
    lines = result.stdout.splitlines()
    assert lines[1:4] == [  # what the learner printed: a few lines of it, enough to debug by
        "(while loading, it printed 2 lines)",
        "        | loading my answers",
        "        | done",
    ]
    verdicts = {line.split()[1].rstrip(":"): line for line in lines if line.startswith(("  PASS", "  FAIL"))}
    assert list(verdicts) == [
        f"{name}()"
        for name in ("train_loop", "plot_loss_curves", "height_weight_data", "fit_line", "compare_optimizers")
    ]
    assert COMMAND_HINTS["time limit"] in verdicts["train_loop()"]
    assert (
        verdicts["plot_loss_curves()"]
        == "  PASS  plot_loss_curves() [it printed 5000 lines, the first 3 below]"
    )
    shown = lines[lines.index(verdicts["plot_loss_curves()"]) + 1 :][:4]
    assert shown == [f"        | debugging {value}" for value in range(3)] + [shown[3]]
    assert not shown[3].startswith("        |")  # and no more of the 5000
    assert "height_weight_data() raised ValueError: no data yet (line " in verdicts["height_weight_data()"]
    assert (
        grading.HINTS["loop fails first"] in verdicts["fit_line()"]
    )  # its call to the endless loop fails at once
    assert COMMAND_HINTS["stopped python"] in verdicts["compare_optimizers()"]
    assert result.stdout.count("debugging") == 3 and lines[-1] == "1 of 5 checks pass."
    assert result.seconds < check.TIME_LIMIT  # the limit given, 3 s, stopped the endless loop


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("hangs while loading", "hangs.py did not finish loading within 2 s: does it run an endless loop"),
        ("raises while loading", "raises.py failed while loading, line 1 in <module>(): ZeroDivisionError"),
    ],
)
def test_a_file_that_cannot_be_loaded_gives_one_line_and_status_2(command_runs, case, expected):
    result = command_runs[case]
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert expected in result.stderr


@pytest.mark.parametrize(
    ("content", "expected"), [(None, "error: no such file: "), ("def train_loop(:\n", "line 1: syntax error")]
)
def test_a_file_that_is_not_python_is_refused_at_once(tmp_path, capsys, content, expected):
    path = tmp_path / "attempt.py"
    if content is not None:
        path.write_text(content)
    assert check.main([str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and expected in err and err.count("\n") == 1


# --- Every hint is tested ---


def test_every_hint_the_checker_can_give_is_in_the_table():
    """A new hint without a row in MISTAKES (or COMMAND_HINTS) fails here."""
    tested = {mistake.values[0].key for mistake in MISTAKES} | COMMAND_HINTS.keys()
    assert tested == grading.HINTS.keys() | check.HINTS.keys()


def test_every_hint_key_the_code_names_is_registered_and_used():
    """Keys are plain strings: a misspelt one would only fail when that check fails."""
    sources = [*(PRACTICE / "checker").glob("*.py"), PRACTICE / "check.py"]
    literals = Counter(
        node.value
        for source in sources
        for node in ast.walk(ast.parse(source.read_text()))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    )
    keys = grading.HINTS.keys() | check.HINTS.keys()
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in (
                "CheckError",
                "hint",
                "failed",
            ):
                first = node.args[2 if node.func.id == "failed" else 0]
                if isinstance(first, ast.Constant):
                    assert first.value in keys, f"{source.name}: {first.value!r} is not a registered hint"
    unused = [key for key in keys if literals[key] < 2]  # once where registered, at least once where given
    assert not unused, unused


def test_the_readme_quotes_what_the_checker_really_prints():
    practice = (ROOT / "README.md").read_text().split("<!-- practice:start -->")[1]
    created, hint = [block.split("\n```")[0] for block in practice.split("```text\n")[1:3]]
    assert created == CREATED  # what the first run prints: see the test of the first run
    text = report([graded(attempt(train_loop=learner.loop("fbs")), "train_loop")])
    assert hint in [line.strip() for line in text.splitlines()]
