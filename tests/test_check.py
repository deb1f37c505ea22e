"""The checker is worth trusting: it passes correct attempts and names the likely mistake in wrong ones."""

from __future__ import annotations

import copy
import inspect
import math
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import matplotlib.pyplot as plt
import pytest
import torch
from conftest import ROOT, headless_env
from torch import nn

import linreg
from practice import answers, check
from practice.checker import grading, run
from practice.checker.report import PROBLEMS, report

PRACTICE = ROOT / "practice"
FUNCTIONS = [name for _, name, _ in run.CHECKS]
CREATED = "created practice/my_answers.py from the template: write your answers there"


def attempt(**changes) -> SimpleNamespace:
    """The worked answers with some functions swapped for a learner's version."""
    return SimpleNamespace(**{name: getattr(answers, name) for name in FUNCTIONS} | changes)


def hint_for(workspace: object, function: str) -> str:
    """Run only the check of `function`; assert it fails, and return its hint."""
    (result,) = [grading.grade_one(workspace, p, n, c, None) for p, n, c in run.CHECKS if n == function]
    assert not result.passed, f"{function}() passed, but should have failed"
    return result.hint


def loop_without_zero_grad(model, optimizer, inputs, targets, epochs):
    """A learner's loop that forgets optimizer.zero_grad(): the gradients pile up."""
    losses = []
    for _ in range(epochs):
        loss = nn.MSELoss()(model(inputs), targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def loop_stepping_before_backward(model, optimizer, inputs, targets, epochs):
    """A learner's loop that steps before the gradients exist."""
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = nn.MSELoss()(model(inputs), targets)
        optimizer.step()
        loss.backward()
        losses.append(loss.item())
    return losses


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


def run_checker(checker: Path, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(checker), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=headless_env(ROOT / "output"),
    )


def assert_all_not_implemented(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 1, result.stderr
    for problem, title in PROBLEMS.items():
        assert f"Problem {problem}, {title}: FAIL" in result.stdout
    for function in FUNCTIONS:
        assert f"FAIL  {function}(): not implemented yet" in result.stdout
    assert "0 of 5 checks pass." in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_the_untouched_stubs_fail_every_problem_as_not_implemented_yet():
    """Through the command itself, on the template named explicitly: it is never the default."""
    result = run_checker(PRACTICE / "check.py", "practice/exercises.py")
    assert result.stdout.startswith("Checking practice/exercises.py\n")
    assert_all_not_implemented(result)


@pytest.fixture
def practice_copy(tmp_path) -> Path:
    """A practice folder of its own, so the test never writes practice/my_answers.py in the repo."""
    folder = tmp_path / "practice"
    folder.mkdir()
    for name in ("check.py", "exercises.py"):
        shutil.copyfile(PRACTICE / name, folder / name)
    shutil.copytree(PRACTICE / "checker", folder / "checker", ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def test_the_first_run_copies_the_template_to_my_answers_and_grades_that(practice_copy):
    result = run_checker(practice_copy / "check.py", cwd=practice_copy.parent)
    assert result.stdout.startswith(f"{CREATED}\nChecking practice/my_answers.py\n")
    assert (practice_copy / "my_answers.py").read_text() == (PRACTICE / "exercises.py").read_text()
    assert_all_not_implemented(result)


def test_later_runs_grade_my_answers_as_the_learner_left_it(practice_copy):
    (practice_copy / "my_answers.py").write_text((PRACTICE / "answers.py").read_text())
    result = run_checker(practice_copy / "check.py", cwd=practice_copy.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Checking practice/my_answers.py\n")  # nothing created, nothing said
    assert "5 of 5 checks pass." in result.stdout
    assert (practice_copy / "exercises.py").read_text() == (PRACTICE / "exercises.py").read_text()


def test_forgetting_zero_grad_is_named():
    hint = hint_for(attempt(train_loop=loop_without_zero_grad), "train_loop")
    assert "matches the reference for one step and then differs" in hint
    assert "did you call optimizer.zero_grad()?" in hint


def test_stepping_before_backward_is_named():
    hint = hint_for(attempt(train_loop=loop_stepping_before_backward), "train_loop")
    assert "optimizer.step() before loss.backward()" in hint


def test_a_loop_that_updates_by_hand_instead_of_with_the_optimizer_is_caught():
    def train_loop(model, optimizer, inputs, targets, epochs):
        losses = []
        for _ in range(epochs):
            model.zero_grad()
            loss = nn.functional.mse_loss(model(inputs), targets)
            loss.backward()
            with torch.no_grad():
                for parameter in model.parameters():
                    parameter -= 0.01 * parameter.grad
            losses.append(loss.item())
        return losses

    assert "with Adam it does not" in hint_for(attempt(train_loop=train_loop), "train_loop")


def loop_recording_after_the_step(model, optimizer, inputs, targets, epochs):
    """A learner's loop that measures the loss again after the update."""
    loss_function, losses = nn.MSELoss(), []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss_function(model(inputs), targets).backward()
        optimizer.step()
        losses.append(loss_function(model(inputs), targets).item())
    return losses


def loop_with_a_summed_loss(model, optimizer, inputs, targets, epochs):
    """A learner's loop whose loss adds the squared errors up instead of averaging them."""

    def epoch() -> float:
        optimizer.zero_grad()
        loss = nn.MSELoss(reduction="sum")(model(inputs), targets)
        loss.backward()
        optimizer.step()
        return loss.item()

    return [epoch() for _ in range(epochs)]


def test_losses_recorded_after_the_step_are_named():
    assert "one epoch ahead" in hint_for(attempt(train_loop=loop_recording_after_the_step), "train_loop")


def test_a_summed_loss_is_named():
    hint = hint_for(attempt(train_loop=loop_with_a_summed_loss), "train_loop")
    assert "4 times the MSE" in hint and "reduction='sum'" in hint  # the checker's data has 4 rows


@pytest.mark.parametrize(
    "loop",
    [
        loop_without_zero_grad,
        loop_stepping_before_backward,
        loop_recording_after_the_step,
        loop_with_a_summed_loss,
    ],
)
def test_a_broken_train_loop_is_reported_first_and_not_blamed_on_its_callers(tmp_path, loop):
    """The worked answers with the learner's broken loop: fit_line() and compare_optimizers() call it."""
    path = tmp_path / f"{loop.__name__}.py"
    broken = inspect.getsource(loop).replace(f"def {loop.__name__}(", "def train_loop(", 1)
    path.write_text((PRACTICE / "answers.py").read_text() + "\n\n" + broken)  # the later def wins
    results = run.grade(grading.load_workspace(path), path)
    verdicts = {r.function: r for r in results}
    assert results[0].function == "train_loop" and not results[0].passed
    callers = [verdicts[name] for name in ("fit_line", "compare_optimizers") if not verdicts[name].passed]
    assert callers  # otherwise there would be nothing to test
    for result in callers:
        assert result.hint.startswith("it calls your train_loop(), which fails its own check"), result.hint
    assert verdicts["height_weight_data"].passed and verdicts["plot_loss_curves"].passed  # they don't use it
    headings = [line for line in report(results).splitlines() if line.startswith("Problem ")]
    assert headings[0].startswith("Problem 3 comes first") and headings[1].startswith("Problem 3, ")


def test_a_failing_check_that_does_not_call_the_broken_loop_keeps_its_own_hint():
    def fit_line(heights, weights):
        return 1.0, 0.0  # no training at all

    workspace = attempt(train_loop=loop_without_zero_grad, fit_line=fit_line)
    hint = next(r.hint for r in run.grade(workspace) if r.function == "fit_line")
    assert "is not the least-squares line" in hint


def test_targets_of_shape_n_are_named():
    def height_weight_data(n, seed):
        heights, weights = answers.height_weight_data(n, seed)
        return heights, weights.flatten()

    hint = hint_for(attempt(height_weight_data=height_weight_data), "height_weight_data")
    assert "the targets (weights) have shape (400,)" in hint and "weights.reshape(-1, 1)" in hint


def test_heights_in_metres_are_named():
    def height_weight_data(n, seed):
        heights, weights = answers.height_weight_data(n, seed)
        return heights / 100, weights

    assert "metres?" in hint_for(attempt(height_weight_data=height_weight_data), "height_weight_data")


@pytest.mark.parametrize("trainer", [answers.train_loop, linreg.train], ids=["runs on to NaN", "stops"])
def test_training_on_raw_heights_is_told_to_standardize(trainer):
    def fit_line(heights, weights):
        model = nn.Linear(1, 1)
        trainer(model, torch.optim.SGD(model.parameters(), lr=0.01), heights, weights, 100)
        return model.weight.item(), model.bias.item()

    hint = hint_for(attempt(fit_line=fit_line), "fit_line")
    assert "training diverged" in hint and "linreg.standardize" in hint


def test_a_slope_left_in_standardized_units_is_named():
    def fit_line(heights, weights):
        model = nn.Linear(1, 1)
        standardized, _, _ = answers.standardize(heights)
        answers.train_loop(model, torch.optim.SGD(model.parameters(), lr=0.1), standardized, weights, 200)
        return model.weight.item(), model.bias.item()

    assert "original_units" in hint_for(attempt(fit_line=fit_line), "fit_line")


def test_adam_left_at_a_learning_rate_that_does_not_converge_is_named():
    def compare_optimizers(start, inputs, targets, epochs):
        runs = {
            name: answers.train_copy(start, name, lr, inputs, targets, epochs)
            for name, lr in (("SGD", 0.1), ("Adam", 0.01))
        }
        return {name: (run.lr, run.losses) for name, run in runs.items()}

    hint = hint_for(attempt(compare_optimizers=compare_optimizers), "compare_optimizers")
    assert hint.startswith("Adam at learning rate 0.01 ends") and "has not converged" in hint
    assert "Try larger ones" in hint


def comparison(rates: dict[str, float], trained_at: dict[str, float] | None = None):
    """A learner's compare_optimizers() with fixed learning rates; trained_at: the rates really used."""

    def compare_optimizers(start, inputs, targets, epochs):
        results = {}
        for name, lr in rates.items():
            model = copy.deepcopy(start)
            optimizer = answers.OPTIMIZERS[name](model.parameters(), lr=(trained_at or rates)[name])
            results[name] = (lr, answers.train_loop(model, optimizer, inputs, targets, epochs))
        return results

    return compare_optimizers


def keeping_finite_losses(compare_optimizers):
    """The same learner, keeping only each run's finite losses, as answers.train_copy() does."""

    def kept(start, inputs, targets, epochs):
        results = compare_optimizers(start, inputs, targets, epochs)
        return {name: (lr, [v for v in losses if math.isfinite(v)]) for name, (lr, losses) in results.items()}

    return kept


@pytest.mark.parametrize(
    "compare_optimizers",
    [comparison({"SGD": 1.0, "Adam": 1.0}), keeping_finite_losses(comparison({"SGD": 1.0, "Adam": 1.0}))],
    ids=["runs on to NaN", "stops at the divergence"],
)
def test_sgd_at_a_learning_rate_that_diverges_is_told_so(compare_optimizers):
    hint = hint_for(attempt(compare_optimizers=compare_optimizers), "compare_optimizers")
    assert hint.startswith("the SGD run at learning rate 1 diverged (its loss ")
    assert "Use a smaller learning rate: try 0.1" in hint
    assert "really the learning rate" not in hint


def test_adam_is_told_to_try_only_learning_rates_above_the_one_that_failed():
    hint = hint_for(attempt(compare_optimizers=comparison({"SGD": 0.1, "Adam": 0.1})), "compare_optimizers")
    assert hint.startswith("Adam at learning rate 0.1 ends") and "has not converged" in hint
    suggested = hint.split("Try larger ones (")[1].split(")")[0].split(", ")
    assert suggested and all(float(lr) > 0.1 for lr in suggested), suggested


def test_a_learning_rate_other_than_the_one_trained_with_is_named_in_good_english():
    compare_optimizers = comparison({"SGD": 0.1, "Adam": 1.0}, trained_at={"SGD": 0.05, "Adam": 1.0})
    hint = hint_for(attempt(compare_optimizers=compare_optimizers), "compare_optimizers")
    assert "from start's parameters after 1 epoch: is 0.1 really the learning rate" in hint


def test_both_optimizers_must_start_from_the_same_parameters():
    def compare_optimizers(start, inputs, targets, epochs):
        results = {}
        for name, lr in (("SGD", 0.1), ("Adam", 1.0)):  # trains start itself: Adam begins where SGD ended
            optimizer = answers.OPTIMIZERS[name](start.parameters(), lr=lr)
            results[name] = (lr, answers.train_loop(start, optimizer, inputs, targets, epochs))
        return results

    assert "changed `start`" in hint_for(attempt(compare_optimizers=compare_optimizers), "compare_optimizers")


def unlabelled_plot(histories, optimal_loss):
    fig, ax = plt.subplots()
    for name, losses in histories.items():
        ax.plot(losses, label=name)
    ax.axhline(optimal_loss)
    ax.set_yscale("log")
    ax.set_title("loss")
    ax.legend()
    return fig


def test_a_plot_without_axis_labels_is_named():
    hint = hint_for(attempt(plot_loss_curves=unlabelled_plot), "plot_loss_curves")
    assert hint.startswith("the plot has no axis labels")


def test_a_linear_loss_axis_and_a_missing_reference_line_are_named():
    def linear_scale(histories, optimal_loss):
        fig = answers.plot_loss_curves(histories, optimal_loss)
        fig.axes[0].set_yscale("linear")
        return fig

    def no_reference(histories, optimal_loss):
        return answers.plot_loss_curves(histories, optimal_loss * 3)

    assert "ax.set_yscale('log')" in hint_for(attempt(plot_loss_curves=linear_scale), "plot_loss_curves")
    assert "reference line" in hint_for(attempt(plot_loss_curves=no_reference), "plot_loss_curves")


def test_an_error_in_the_learners_code_becomes_a_hint_with_its_line():
    def train_loop(model, optimizer, inputs, targets, epochs):
        return [loss_function(model(inputs), targets)]  # noqa: F821 (the learner's typo)

    hint = hint_for(attempt(train_loop=train_loop), "train_loop")
    assert hint.startswith("train_loop() raised NameError") and "in train_loop()" in hint


def test_a_missing_function_is_named(tmp_path):
    path = tmp_path / "partial.py"
    path.write_text((PRACTICE / "exercises.py").read_text().replace("def fit_line(", "def fit_the_line("))
    results = run.grade(grading.load_workspace(path), path)
    assert "there is no function fit_line()" in next(r.hint for r in results if r.function == "fit_line")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "error: no such file: "),
        ("def train_loop(:\n", "line 1: syntax error"),
        ("1 / 0\n", "ZeroDivisionError"),
    ],
)
def test_a_file_that_cannot_be_loaded_gives_one_line_and_status_2(tmp_path, capsys, content, expected):
    path = tmp_path / "attempt.py"
    if content is not None:
        path.write_text(content)
    assert check.main([str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and expected in err and err.count("\n") == 1


def test_the_readme_quotes_what_the_checker_really_prints():
    practice = (ROOT / "README.md").read_text().split("<!-- practice:start -->")[1]
    created, hint = [block.split("\n```")[0] for block in practice.split("```text\n")[1:3]]
    assert created == CREATED  # what the first run prints: see the test of the first run
    text = report(run.grade(attempt(train_loop=loop_without_zero_grad)))
    assert hint in [line.strip() for line in text.splitlines()]
