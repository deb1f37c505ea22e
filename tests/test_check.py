"""The checker is worth trusting: right answers pass, and each mistake gets the hint that names it.

RIGHT lists answers written as learners write them (learner_attempts.py): each must pass.
MISTAKES lists broken attempts, each with the key of the hint it must get and words that
hint must contain; every key the checker can give has a row. The command's own tests (time
limits, crashes, printing, load errors) run it as a learner does.
"""

from __future__ import annotations

import ast
import functools
import inspect
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import answers
import check
import exercises
import learner_attempts as learner
import numpy as np
import problems
import pytest
import reference
import torch
from conftest import ROOT, headless_env
from printed import says
from torch import nn, optim

import linreg

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # torch's, on broken attempts: hints say more
PRACTICE = ROOT / "practice"
CREATED = "created practice/my_answers.py from the template: write your answers there"
# The lesson's data and start, as numpy sees them: what the hints' numbers must agree with.
DISTANCES, TIMES = (np.float32(values).astype(float) for values in (linreg.DISTANCES, linreg.TIMES))
POINTS = {name: points for name, (_, points, _) in problems.PROBLEMS.items()}  # what the score adds up
START = (linreg.lesson_model().linear.weight.item(), linreg.lesson_model().linear.bias.item())


def answers_with(**changes) -> dict:
    """The worked answers, with some functions swapped for a learner's version."""
    return {name: getattr(answers, name) for name in problems.PROBLEMS} | changes


def loaded(path: Path) -> dict:
    """A file's namespace, loaded as the command's child process loads it."""
    return problems.load(check.read_source(path, path.name), path)


def worked_answers_calling(train_loop) -> dict:
    """The worked answers, loaded as a file, whose fit_line() and compare_optimizers() call this loop."""
    namespace = loaded(PRACTICE / "answers.py")
    namespace["train_loop"] = train_loop  # where the file's functions find it
    return namespace


def grade_all(namespace: dict) -> list[check.Verdict]:
    """Every function's verdict, in grading order, as the command's child grades them."""
    return [problems.grade_one(namespace, name) for name in problems.PROBLEMS]


def test_the_worked_answers_pass_every_check():
    verdicts = grade_all(loaded(PRACTICE / "answers.py"))
    assert [v.function for v in verdicts] == list(problems.PROBLEMS)
    assert all(v.passed for v in verdicts), [v.hint for v in verdicts]


def test_the_worked_train_loop_shows_the_loop_itself():
    """A stuck learner reads it to learn the loop: it must not hide the steps in linreg.train()."""
    source = inspect.getsource(answers.train_loop)
    steps = ["optimizer.zero_grad()", "model(inputs)", "loss.backward()", "optimizer.step()", "loss.item()"]
    positions = [source.find(step) for step in steps]
    assert -1 not in positions and positions == sorted(positions), positions
    assert "train(" not in source


def test_a_correct_attempt_written_differently_passes_too():
    verdicts = grade_all(loaded(ROOT / "tests" / "alternative_answers.py"))
    assert all(v.passed for v in verdicts), [v.hint for v in verdicts]


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
    verdict = problems.grade_one(answers_with(**{function: right}), function)
    assert verdict.passed, verdict.hint


# --- Broken attempts, and the hint each must get ---

FUNCTION = {"loop": "train_loop", "figure": "plot_loss_curves", "data": "height_weight_data"}
FUNCTION |= {"fit": "fit_line", "compare": "compare_optimizers"}  # the function a key's prefix names


def sgd_and_adam(sgd: float, adam: float) -> dict:
    return {"SGD": lambda p: optim.SGD(p, lr=sgd), "Adam": lambda p: optim.Adam(p, lr=adam)}


def plot(**changes):
    return functools.partial(learner.plot, **changes)


def sgd_only(ax, name, losses):
    return ax.plot(losses, label=name) if name == "SGD" else None


def log10_curve(ax, name, losses):
    return ax.plot(np.log10(losses), label=name)


def one_unnamed(ax, name, losses):
    return ax.plot(losses, label=name if name == "SGD" else "the other")


def five_times(name, lr, losses):  # the learning rate returned is not the one trained with
    return lr * 5, losses


ADAM_TWICE = {name: lambda p: optim.Adam(p, lr=0.5) for name in ("SGD", "Adam")}
ANOTHER_RATE = learner.comparison(sgd_and_adam(0.02, 0.5), batch=2, returned=five_times)


def losses_alike_without_zero_grad() -> int:
    """How many of the lesson's first 20 losses a loop without zero_grad() shares, by numpy."""
    *_, right = reference.gradient_descent(DISTANCES, TIMES, *START, lr=0.01, epochs=20)
    wrong = reference.gradient_descent_without_zero_grad(DISTANCES, TIMES, *START, lr=0.01, epochs=20)
    return next(i for i, (a, b) in enumerate(zip(right, wrong, strict=True)) if not np.isclose(a, b))


def loss_texts(*args):
    return [f"{loss:.4f}" for loss in learner.loop("zfbs")(*args)]


def raising_name_error(model, optimizer, inputs, targets, epochs):
    return [loss_function(model(inputs), targets)]  # noqa: F821 (the learner's typo)


def call_the_class(model, inputs, targets):
    return nn.MSELoss(model(inputs), targets)  # the class called with the tensors, as if it were the loss


def flattened(model, inputs, targets):
    return learner.mse(model, inputs.flatten(), targets)


LOOP, FIT, COMPARE, SUMMED = learner.loop, learner.fitted, learner.comparison, learner.summed
LESSON, OTHER = problems.COMPARE_EPOCHS, problems.OTHER_EPOCHS  # the two calls of compare_optimizers()
# (key of the hint it must get, the learner's version of the function, words the hint must contain,
# the function: when the key does not name it). The worked answers stand in for the other functions.
MISTAKES = [
    ("missing function", None, "there is no function fit_line(): keep the names", "fit_line"),
    ("not implemented", exercises.fit_line, "not implemented yet (line ", "fit_line"),
    ("raised", raising_name_error, "NameError: name 'loss_function' is not defined", "train_loop"),
    ("raised/loss class", LOOP("zfbs", call_the_class), "nn.MSELoss is a class, not the loss", "train_loop"),
    ("raised/input shape", LOOP("zfbs", flattened), "(1x4 and 1x1): nn.Linear(1, 1) takes", "train_loop"),
    ("raised", learner.fit_in_float64_with_linreg_train, "inputs are torch.float64", "fit_line"),
    ("exited", learner.fit_that_exits, "fit_line() stopped Python at line ", "fit_line"),
    ("losses", lambda *args: None, "train_loop() returned None: return a list", "train_loop"),
    ("losses", learner.loop_keeping_tensors, "keep loss.item(), a plain float", "train_loop"),
    ("losses", loss_texts, "a str among its losses", "train_loop"),
    ("loss count", lambda *args: LOOP("zfbs")(*args)[::10], "returned 2 losses for 20 epochs", "train_loop"),
    ("loop/no zero_grad", LOOP("fbs"), f"the first {losses_alike_without_zero_grad()} losses match the"),
    ("loop/never stepped", LOOP("zfb"), "optimizer.step() of the optimizer you are given never ran"),
    ("loop/no gradients", LOOP("zfs"), "because loss.backward() never ran"),
    ("loop/no gradients", LOOP("zfbs", learner.without_gradients), "gradients off (under torch.no_grad"),
    ("loop/no gradients", LOOP("zfbs", learner.detached), "loss.backward() ran, but the loss was cut off"),
    ("loop/step before backward", LOOP("zfsb"), "optimizer.step() runs before loss.backward()"),
    ("loop/gradients wiped", LOOP("fbzs"), "zero_grad() wipes the gradients between backward() and step()"),
    ("loop/one epoch ahead", learner.loop_recording_after_the_step, "your losses are one epoch ahead"),
    ("loop/wrong first loss", LOOP("zfbs", learner.summed), "the given model's MSE"),
    ("loop/broadcast shapes", LOOP("zfbs", learner.squeezed), "(4,) and targets (4, 1), or the reverse"),
    ("loop/wrong first loss", learner.loop_of_a_new_model, "train that model, with nn.MSELoss()"),
    ("loop/differs later", LOOP("zfbss"), "only the first loss matches the reference, then they"),
    ("loop/trained a copy", learner.loop_training_a_copy, "the model you were given is untrained"),
    ("loop/not the optimizer's step", learner.loop_updating_by_hand, "it matches with SGD, not Adam"),
    ("figure/not a figure", plot(returned=lambda fig, ax: ax), "returned the Axes: return its Figure"),
    ("figure/not a figure", plot(returned=lambda fig, ax: None), "plot_loss_curves() returned None"),
    ("figure/missing curve", lambda *args: learner.plt.figure(), "nothing on the figure shows the 'SGD'"),
    ("figure/missing curve", plot(curve=sgd_only), "nothing on the figure shows the 'Adam' losses"),
    ("figure/missing curve", plot(curve=log10_curve, log=False), "on the figure shows the 'SGD' losses"),
    ("figure/separate axes", learner.plot_on_separate_axes, "the curves are on different axes"),
    ("figure/no axis label", plot(labels=False), "the plot has no x-axis label"),
    ("figure/no title", plot(title=lambda fig, ax: None), "the plot has no title"),
    ("figure/linear scale", plot(log=False), "the loss axis is linear"),
    ("figure/no reference", plot(reference=lambda ax, y: ax.axhline(3 * y)), "no horizontal reference line"),
    ("figure/legend", plot(legend=lambda fig, ax: None), "the figure has no legend"),
    ("figure/legend", plot(curve=one_unnamed), "legend does not name 'Adam'"),
    ("data/type", learner.data(lambda h, w: {"h": h, "w": w}), "returned a dict: return two float32 tensors"),
    ("data/type", learner.data(lambda h, w: (h.numpy(), w.numpy())), "returned a numpy array of shape"),
    ("data/type", learner.data(lambda h, w: (h.long(), w.long())), "returned torch.int64 tensors"),
    ("data/type", learner.data(lambda h, w: (h.double(), w.double())), "returned torch.float64 tensors"),
    ("data/shape", learner.data_ignoring_n, "asked for n = 400 people, it returned heights of shape (100,"),
    ("data/shape", learner.data(lambda h, w: (h.flatten(), w)), "heights of shape (400,) and weights"),
    ("data/shape", learner.data(lambda h, w: (h, w.flatten())), "the weights have shape (400,), the model"),
    ("data/shape", learner.data(lambda h, w: (h, torch.cat([w, w], 1))), "weights of shape (400, 2)"),
    ("data/not finite", learner.data(lambda h, w: (h, w / (w > 60))), "NaN or infinite"),
    ("data/heights unit", learner.data(lambda h, w: (h / 100, w)), "metres?"),
    ("data/heights unit", learner.data(lambda h, w: (h / 2.54, w)), "inches?"),
    ("data/heights unit", learner.data(lambda h, w: (h + 50, w)), "adults: 160-180 cm"),
    ("data/weights unit", learner.data(lambda h, w: (h, w / 0.4536)), "pounds?"),
    ("data/weights unit", learner.drawn_people(1.0, 0.0, 12), "heights: a line without an intercept"),
    ("data/weights unit", learner.data(lambda h, w: (h, w * 0.4)), "where adults average 60-95 kg"),
    ("data/heights out of range", learner.drawn_people(0.9, -70, 12, height_sd=25), "standard deviation 2"),
    ("data/weights not positive", learner.drawn_people(0.9, -70, 45), "of the 400 weights are 0 kg or less"),
    ("data/relation", learner.drawn_people(-1.5, 350, 12), "weight falls as height rises"),
    ("data/relation", learner.drawn_people(0.0, 80, 12), "weight barely depends on height"),
    ("data/relation", learner.drawn_people(0.9, -70, 0.5), "weight has no scatter"),
    ("data/seed", learner.data_unseeded, "the same seed gave different data"),
    ("data/seed", learner.drawn_people(0.9, -70, 12, seed=0), "seeds 1 and 2 gave the same"),
    ("fit/diverged", FIT(standardized=False, lr=0.01, epochs=100), "training diverged"),
    ("fit/diverged", learner.fit_diverging_in_linreg_train, "the loss became inf at epoch"),
    ("fit/not two numbers", lambda h, w: "1.0, 0.0", "must return (slope, intercept)"),
    ("fit/no gradient descent", learner.fit_by_least_squares, "though your line is exact: learn it by"),
    ("fit/no gradient descent", lambda h, w: (1.0, 0.0), "the checker saw no gradient descent"),
    ("fit/swapped", FIT(map_back="swapped"), "the same two numbers, the other way round"),
    ("fit/not mapped back", FIT(map_back="none"), "the line for standardized heights"),
    ("fit/slope times std", FIT(map_back="times std"), "divide the standardized weight by the standard"),
    ("fit/not mapped back", FIT(map_back="slope"), "the intercept is the standardized line's"),
    ("fit/not mapped back", FIT(map_back="w mean"), "the intercept subtracts the standardized w * mean"),
    ("fit/flat line", FIT(loss_of=learner.squeezed), "flat, as from predictions (N,) against targets (N, 1)"),
    ("fit/not least squares", FIT(epochs=5), "Either training stopped before it converged (train longer"),
    ("compare/result", lambda *args: [0.1, 0.5], "(lr, losses)}, not [0.1, 0.5]"),
    ("compare/result", lambda *args: {"sgd": (0.1, []), "adam": (0.5, [])}, "not {'sgd': (0.1, [])"),
    ("compare/result", COMPARE(returned=lambda name, lr, losses: losses), 'not "SGD": [161.'),
    ("compare/result", COMPARE(returned=lambda name, lr, losses: (str(lr), losses)), "not \"SGD\": ('0.1',"),
    ("compare/changed start", COMPARE(start_from=lambda start: start), "changed `start`"),
    ("compare/diverged", COMPARE(sgd_and_adam(1.0, 0.5)), "the SGD run at learning rate 1 diverged (its"),
    ("compare/diverged", COMPARE(sgd_and_adam(0.1, 1e30)), "Use a smaller learning rate: try 1e+29"),
    ("compare/ignores epochs", COMPARE(fixed_epochs=LESSON), f"asked for {OTHER} epochs, it gave {LESSON}"),
    ("compare/not from start", COMPARE(start_from=lambda start: type(start)(1, 1)), "train a copy of it"),
    ("compare/not from start", learner.sweep_training_one_copy, "began where your optim.SGD run at learning"),
    ("compare/not the MSE", COMPARE(sgd_and_adam(0.02, 0.5), loss_of=SUMMED), ", where the run began"),
    ("compare/one epoch ahead", COMPARE(after_step=True), "one epoch ahead: keep each from before step()"),
    ("compare/wrong optimizer", COMPARE(ADAM_TWICE), 'the "SGD" losses are those of your optim.Adam run'),
    ("compare/learning rate", learner.sweep_returning_the_last_runs_losses, "run at learning rate 0.03"),
    ("compare/learning rate", ANOTHER_RATE, "you return 0.1 for SGD, but trained: optim.SGD run"),
    ("compare/not converged", COMPARE(sgd_and_adam(0.001, 0.5)), "SGD at learning rate 0.001 ends"),
    ("compare/not converged", COMPARE(sgd_and_adam(0.1, 0.01)), "Adam at learning rate 0.01 ends"),
]


@pytest.mark.parametrize("row", MISTAKES, ids=[row[0] for row in MISTAKES])
def test_each_mistake_gets_the_hint_that_names_it(row):
    key, attempt, phrase = row[:3]
    function = row[3] if len(row) > 3 else FUNCTION[key.split("/")[0]]
    verdict = problems.grade_one(answers_with(**{function: attempt}), function)
    assert not verdict.passed, f"{function}() passed"
    assert (verdict.key, phrase in verdict.hint) == (key, True), verdict.hint


def test_the_numbers_a_hint_quotes_are_those_of_the_lessons_start_and_data():
    """SGD at the lesson's rate ends where the lesson says (3.7 % above, after 500 epochs), and a loss
    summed over the 4 deliveries is 4 times the lesson's first loss, in the loop as in the comparison."""
    start_loss = reference.mse(DISTANCES, TIMES, *START)
    *_, losses = reference.gradient_descent(DISTANCES, TIMES, *START, lr=0.01, epochs=500)
    optimal = reference.mse(DISTANCES, TIMES, *reference.closed_form(DISTANCES, TIMES))
    comparison = answers_with(compare_optimizers=learner.comparison(sgd_and_adam(0.01, 0.5)))
    hint = problems.grade_one(comparison, "compare_optimizers").hint
    phrase = "SGD at learning rate 0.01 ends {} % above the optimal loss after 500 epochs ({} against {})"
    assert says(hint, phrase, 100 * (losses[-1] / optimal - 1), losses[-1], optimal) is None, hint
    assert "from the lesson's start" in hint
    for function, attempt, phrase in (
        ("train_loop", LOOP("zfbs", SUMMED), "the first loss is {}, the given model's MSE {}"),
        (
            "compare_optimizers",
            COMPARE(sgd_and_adam(0.02, 0.5), loss_of=SUMMED),
            "begin at {}, not at start's loss, {}",
        ),
    ):
        hint = problems.grade_one(answers_with(**{function: attempt}), function).hint
        assert says(hint, phrase, 4 * start_loss, start_loss) is None, hint


def test_a_broken_train_loop_is_reported_first_and_not_blamed_on_its_callers():
    """The worked answers with the learner's broken loop: fit_line() and compare_optimizers() call it."""
    verdicts = {v.function: v for v in grade_all(worked_answers_calling(learner.loop("fbs")))}
    assert list(verdicts)[0] == "train_loop" and not verdicts["train_loop"].passed
    callers = [verdicts[name] for name in ("fit_line", "compare_optimizers") if not verdicts[name].passed]
    assert callers  # otherwise there would be nothing to test
    assert all(verdict.key == "loop fails first" for verdict in callers), [v.hint for v in callers]
    assert verdicts["height_weight_data"].passed and verdicts["plot_loss_curves"].passed  # they don't use it


def test_a_function_graded_alone_gets_the_hint_it_gets_with_the_others():
    """Graded without train_loop() (a notebook's check cell), a caller of the broken loop is told so too."""
    namespace = worked_answers_calling(learner.loop("fbs"))
    assert problems.grade_one(namespace, "fit_line").key == "loop fails first"
    namespace = answers_with(train_loop=learner.loop("fbs"), fit_line=lambda heights, weights: (1.0, 0.0))
    assert problems.grade_one(namespace, "fit_line").key == "fit/no gradient descent"  # it calls no loop


def test_every_hint_key_the_checker_can_give_has_a_row():
    """A new hint without a row in MISTAKES (or in OTHER_KEYS) fails here, and so does a row for no hint."""
    assert {row[0] for row in MISTAKES} | OTHER_KEYS == keys_in_the_code()


def keys_in_the_code() -> set[str]:
    """Every key the checker's code gives a verdict: Fail("key: ..."), failed(key, ...), Verdict(..., key),
    the (key, hint) pairs raised() returns, and the "key: hint" texts of tables in problems.py."""
    keys = set()
    for name in ("check.py", "problems.py"):
        for node in ast.walk(ast.parse((PRACTICE / name).read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("Fail", "failed", "Verdict"):
                place = 4 if node.func.id == "Verdict" else 0
                first = next(ast.walk(node.args[place]), None) if len(node.args) > place else None
                while isinstance(first, (ast.BinOp, ast.JoinedStr)):  # "key: " + ..., f"key: {...}"
                    first = first.left if isinstance(first, ast.BinOp) else first.values[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    keys.add(first.value.partition(": ")[0] if node.func.id == "Fail" else first.value)
            elif isinstance(node, ast.Tuple) and len(node.elts) == 2 and name == "problems.py":
                key, hint = node.elts
                if isinstance(key, ast.Constant) and isinstance(key.value, str) and is_text(hint):
                    keys.add(key.value)
            elif isinstance(node, ast.Dict) and name == "problems.py":  # a table of "key: hint" texts
                texts = [v.values[0] if isinstance(v, ast.JoinedStr) else v for v in node.values]
                texts = [text.value for text in texts if isinstance(text, ast.Constant)]
                keys |= {text.split(": ")[0] for text in texts if "/" in str(text)}
    return keys


def is_text(node: ast.expr) -> bool:
    return (
        isinstance(node, (ast.JoinedStr, ast.Name))
        or isinstance(node, ast.Constant)
        and isinstance(node.value, str)
    )


# --- Through the command: time limits, crashes, printing, load errors ---

OTHER_KEYS = {
    "time limit",
    "stopped python",
    "loop fails first",
    "cannot load",
}  # tested below, above, in test_grades.py

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
    """A practice folder of its own, so that a test never writes practice/my_answers.py in the repo."""
    copy = folder / "practice"
    shutil.copytree(PRACTICE, copy, ignore=shutil.ignore_patterns("__pycache__", "my_answers.py", "*.ipynb"))
    return copy


@dataclass(frozen=True)
class CommandRun:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture(scope="module", autouse=True)
def command_runs(tmp_path_factory) -> Iterator[dict[str, subprocess.Popen]]:
    """Started before this module's first test, so that they run while the tests in this process do."""
    first, later = (practice_copy(tmp_path_factory.mktemp(name)) for name in ("first", "later"))
    (later / "my_answers.py").write_text((PRACTICE / "answers.py").read_text())
    files = tmp_path_factory.mktemp("attempts")
    (files / "misbehaving.py").write_text(MISBEHAVING)
    (files / "hangs.py").write_text(
        "import time\n\nwhile True:  # waiting for what never comes\n    time.sleep(0.1)\n"
    )
    (files / "raises.py").write_text("1 / 0\n")
    (files / "typo.py").write_text("def train_loop(:\n")
    runs = {
        "stubs": (PRACTICE, ["practice/exercises.py"], ROOT),
        "first run": (first, [], first.parent),
        "later run": (later, [], later.parent),
        # (10 s: its plot check prints 5000 lines and draws, while six other checkers and this
        # process share two cores; at 3 s it was once stopped on torch 2.3's portable kernels)
        "misbehaving": (PRACTICE, ["--time-limit", "10", str(files / "misbehaving.py")], ROOT),
        "hangs while loading": (PRACTICE, ["--time-limit", "2", str(files / "hangs.py")], ROOT),
        "raises while loading": (PRACTICE, [str(files / "raises.py")], files),
        "syntax error": (PRACTICE, [str(files / "typo.py")], files),
    }
    started = {
        name: subprocess.Popen(
            [sys.executable, str(folder / "check.py"), *args],
            cwd=cwd,
            env=headless_env(ROOT / "output"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, (folder, args, cwd) in runs.items()
    }
    started["first copy"] = first
    yield started
    for process in started.values():
        if isinstance(process, subprocess.Popen):
            process.kill()
            process.communicate()


def finished(command_runs, name: str) -> CommandRun:
    process = command_runs[name]
    stdout, stderr = process.communicate(timeout=300)
    return CommandRun(process.returncode, stdout, stderr)


def verdict_lines(stdout: str) -> dict[str, str]:
    return {
        line.split()[1].rstrip(":"): line
        for line in stdout.splitlines()
        if line.startswith(("  PASS", "  FAIL"))
    }


def assert_all_not_implemented(result: CommandRun) -> None:
    assert result.returncode == 1, result.stderr
    assert list(verdict_lines(result.stdout)) == [f"{name}()" for name in problems.PROBLEMS]
    for name in problems.PROBLEMS:
        assert f"  FAIL  {name}(): not implemented yet (line " in result.stdout
    assert result.stdout.endswith(f"\n0 of 5 checks pass.\nScore: 0 / {sum(POINTS.values())}\n")
    assert "Traceback" not in result.stdout + result.stderr


def test_the_untouched_stubs_fail_every_check_as_not_implemented_yet(command_runs):
    """Through the command itself, on the template named explicitly: it is never the default."""
    result = finished(command_runs, "stubs")
    assert result.stdout.startswith("Checking practice/exercises.py\n")
    assert_all_not_implemented(result)


def test_the_first_run_copies_the_template_to_my_answers_and_grades_that(command_runs):
    result = finished(command_runs, "first run")
    assert result.stdout.startswith(f"{CREATED}\nChecking practice/my_answers.py\n")
    copied = command_runs["first copy"] / "my_answers.py"
    assert copied.read_text() == (PRACTICE / "exercises.py").read_text()
    assert_all_not_implemented(result)


def test_later_runs_grade_my_answers_as_the_learner_left_it(command_runs):
    result = finished(command_runs, "later run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Checking practice/my_answers.py\n")  # nothing created, nothing said
    assert list(verdict_lines(result.stdout).values()) == [f"  PASS  {name}()" for name in problems.PROBLEMS]
    assert result.stdout.endswith(
        f"\n5 of 5 checks pass.\nScore: {sum(POINTS.values())} / {sum(POINTS.values())}\n"
    )


def test_a_misbehaving_file_gets_one_line_per_check_and_the_rest_still_graded(command_runs):
    """An endless loop, a crash of Python, and a lot of printing: one line each, the other checks go on.
    What the file prints while it loads is not the checks' and not shown."""
    result = finished(command_runs, "misbehaving")
    assert result.returncode == 1 and result.stderr == "", result.stderr
    lines = result.stdout.splitlines()
    assert "loading my answers" not in result.stdout
    verdicts = verdict_lines(result.stdout)
    assert list(verdicts) == [f"{name}()" for name in problems.PROBLEMS]
    assert (
        "train_loop(): did not finish within 10 s and was stopped: an endless loop"
        in verdicts["train_loop()"]
    )
    assert (
        verdicts["plot_loss_curves()"]
        == "  PASS  plot_loss_curves() [it printed 5000 lines, the first 3 below]"
    )
    shown = lines[lines.index(verdicts["plot_loss_curves()"]) + 1 :][:4]
    assert shown == [f"        | debugging {value}" for value in range(3)] + [shown[3]]
    assert not shown[3].startswith("        |")  # and no more of the 5000
    line = MISBEHAVING.splitlines().index('    raise ValueError("no data yet")') + 1
    raised = (
        f"height_weight_data() raised an error at line {line} in height_weight_data(): ValueError: no data"
    )
    assert raised in verdicts["height_weight_data()"]
    assert "it calls your train_loop(), which fails its own check" in verdicts["fit_line()"]  # at once
    assert (
        "compare_optimizers(): Python itself stopped while it ran (exit status 3)"
        in verdicts["compare_optimizers()"]
    )
    assert result.stdout.count("debugging") == 3 and lines[-2:] == [
        "1 of 5 checks pass.",
        f"Score: {POINTS['plot_loss_curves']} / {sum(POINTS.values())}",
    ]


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (
            "hangs while loading",
            "hangs.py did not finish loading within 2 s: does it loop, or train long, when imported?",
        ),
        (
            "raises while loading",
            "error: raises.py failed while loading, line 1 in <module>(): ZeroDivisionError",
        ),
        ("syntax error", "error: typo.py, line 1: syntax error: "),
    ],
)
def test_a_file_that_cannot_be_loaded_gives_one_line_and_status_2(command_runs, case, expected):
    result = finished(command_runs, case)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert expected in result.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such file: attempt.py"),
        (b"x = 1\x00\n", "attempt.py: syntax error: source code string cannot contain null bytes"),
        (b"\xff\xfe", "cannot read attempt.py: 'utf-8' codec can't decode"),
    ],
)
def test_a_file_that_is_not_python_is_refused_in_one_line(tmp_path, content, expected):
    path = tmp_path / "attempt.py"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(check.LoadError) as refused:
        problems.load(check.read_source(path, path.name), path)
    assert expected in str(refused.value) and "\n" not in str(refused.value)


def test_grade_file_grades_the_functions_asked_for_only(tmp_path):
    """The entry point for other programs: one process, the functions named, a verdict each."""
    verdicts = check.grade_file(PRACTICE / "answers.py", functions=["fit_line", "train_loop"])
    assert [(v.function, v.problem, v.passed) for v in verdicts] == [
        ("train_loop", 3, True),
        ("fit_line", 1, True),
    ]


def test_the_readme_quotes_what_the_checker_really_prints():
    practice = (ROOT / "README.md").read_text().split("<!-- practice:start -->")[1]
    created, hint = [block.split("\n```")[0] for block in practice.split("```text\n")[1:3]]
    assert created == CREATED  # what the first run prints: see the test of the first run
    verdict = problems.grade_one(answers_with(train_loop=learner.loop("fbs")), "train_loop")
    assert hint == check.verdict_line(verdict)
