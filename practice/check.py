"""Grade an attempt at the practice problems: PASS or FAIL per problem, with a hint.

    python practice/check.py            # grades practice/my_answers.py, your attempt
    python practice/check.py FILE       # grades any file with the same five functions

practice/exercises.py is the template and stays as it is. The first run without FILE
copies it to practice/my_answers.py, where you write your answers (git ignores it).

Each function runs on the checker's own data and is compared with a reference
computed here: the training loop's losses with a reference loop run from the same
starting parameters, the fitted line with the exact least-squares line, and so on.
When they differ, the checker replays the classic mistakes (no zero_grad(), step()
before backward(), ...) to name the one your code most likely makes. train_loop() is
checked first: while it fails, a function that calls it is told to wait for its fix,
not given a hint about a mistake that the loop causes.

Exit status: 0 when everything passes, 1 when something fails, 2 when FILE cannot
be loaded.
"""

from __future__ import annotations

import copy
import importlib.util
import itertools
import math
import os
import shutil
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import matplotlib

matplotlib.use("Agg")  # a learner's plt.show() must not open windows or block the checker

import matplotlib.pyplot as plt  # noqa: E402 (after choosing the backend, on purpose)
import numpy as np  # noqa: E402
import torch  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from torch import nn, optim  # noqa: E402

from linreg import (  # noqa: E402
    DivergenceError,
    LinearRegression,
    TrainingError,
    distance_time_data,
    least_squares,
    optimal_loss,
)

PRACTICE = Path(__file__).resolve().parent
TEMPLATE = PRACTICE / "exercises.py"  # the stubs, kept pristine: the learner's copy is graded
WORKSPACE = PRACTICE / "my_answers.py"  # the learner's attempt, git-ignored
PROBLEMS = {1: "height -> weight", 2: "SGD against Adam", 3: "the loss curve"}
OPTIMIZERS = {"SGD": optim.SGD, "Adam": optim.Adam}
TOLERANCE = 0.01  # a line or a run counts as converged within 1 % of the optimal loss
COMPARE_EPOCHS = 500  # problem 2: the lesson's number of epochs


class CheckError(Exception):
    """A check failed; the message is the hint shown to the learner."""


class LoadError(Exception):
    """The file to grade cannot be loaded; the message says why, in one line."""


@dataclass(frozen=True)
class Result:
    problem: int
    function: str
    passed: bool
    hint: str = ""


# --- References the learner's results are compared with ---


def start_model(seed: int) -> LinearRegression:
    torch.manual_seed(seed)
    return LinearRegression(1, 1)


def replay(
    start: nn.Module,
    name: str,
    lr: float,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    epochs: int,
    mistake="",
) -> tuple[list[float], nn.Module]:
    """The training loop from a copy of start; `mistake` reproduces a classic error on purpose."""
    model = copy.deepcopy(start)
    optimizer = OPTIMIZERS[name](model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        if mistake != "no zero_grad":
            optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(inputs), targets)
        if mistake == "step before backward":
            optimizer.step()
            loss.backward()
        else:
            loss.backward()
            optimizer.step()
        losses.append(loss.item())
    return losses, model


def same(a: list[float], b: list[float], rtol: float = 1e-4) -> bool:
    return len(a) == len(b) and bool(np.allclose(a, b, rtol=rtol, atol=1e-7))


def first_difference(a: list[float], b: list[float], rtol: float = 1e-4) -> int:
    """How many leading values agree."""
    close = np.isclose(a[: len(b)], b[: len(a)], rtol=rtol, atol=1e-7)
    return int(close.argmin()) if not close.all() else min(len(a), len(b))


def counted(n: int, noun: str, plural: str = "") -> str:
    """'1 epoch', '2 epochs': hints read as sentences."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def as_floats(value: object, who: str) -> list[float]:
    """The learner's loss history as floats, or a hint about what was returned instead."""
    if not isinstance(value, (list, tuple)):
        raise CheckError(f"{who} returned {type(value).__name__}; return a list with one float per epoch")
    if any(isinstance(v, torch.Tensor) for v in value):
        raise CheckError(f"{who} returned tensors: keep loss.item(), a plain float, for each epoch")
    return [float(v) for v in value]


def one_per_epoch(losses: list[float], epochs: int, who: str) -> list[float]:
    if len(losses) != epochs:
        raise CheckError(
            f"{who} returned {counted(len(losses), 'loss', 'losses')} for {counted(epochs, 'epoch')}: "
            f"keep exactly one per epoch"
        )
    return losses


def as_losses(value: object, epochs: int, who: str) -> list[float]:
    return one_per_epoch(as_floats(value, who), epochs, who)


# --- Problem 3: the training loop and the loss-curve figure ---


def check_train_loop(train_loop: Callable) -> None:
    inputs, targets = distance_time_data()
    start, epochs = start_model(seed=3), 20
    model = copy.deepcopy(start)
    returned = train_loop(model, optim.SGD(model.parameters(), lr=0.01), inputs, targets, epochs)
    losses = as_losses(returned, epochs, "train_loop()")
    expected, trained = replay(start, "SGD", 0.01, inputs, targets, epochs)
    if not same(losses, expected):
        raise CheckError(diagnose_loop(losses, expected, start, inputs, targets))
    if not all(
        torch.allclose(p, q, atol=1e-5) for p, q in zip(model.parameters(), trained.parameters(), strict=True)
    ):
        raise CheckError(
            "the losses are right, but the model you were given did not end with the trained "
            "parameters: train that model itself, not a copy"
        )
    # An SGD step written by hand also matches above; only the optimizer's own step()
    # gives Adam's steps too.
    model = copy.deepcopy(start)
    losses = as_losses(
        train_loop(model, optim.Adam(model.parameters(), lr=0.1), inputs, targets, epochs),
        epochs,
        "train_loop()",
    )
    if not same(losses, replay(start, "Adam", 0.1, inputs, targets, epochs)[0]):
        raise CheckError(
            "with SGD your loop matches the reference, with Adam it does not: update the "
            "parameters with optimizer.step(), using the optimizer you are given"
        )


def diagnose_loop(
    losses: list[float], expected: list[float], start: nn.Module, inputs: torch.Tensor, targets: torch.Tensor
) -> str:
    """Name the likeliest mistake behind a loss history that differs from the reference."""
    epochs = len(expected)

    def like(mistake: str) -> bool:
        return same(losses, replay(start, "SGD", 0.01, inputs, targets, epochs, mistake)[0])

    if like("no zero_grad"):
        return (
            "the loss history matches the reference for one step and then differs: "
            "did you call optimizer.zero_grad()? Gradients add up from one backward() to the next"
        )
    if like("step before backward") or len(set(losses)) == 1:
        return (
            "the loss never changes, so the parameters never move: did you call optimizer.step() "
            "before loss.backward()? step() uses the gradients that backward() computes"
        )
    if same(losses[:-1], expected[1:]):
        return (
            "your losses are one epoch ahead of the reference: keep the loss computed in the "
            "forward pass, before optimizer.step() changes the parameters"
        )
    if math.isclose(losses[0], len(inputs) * expected[0], rel_tol=1e-4):
        return (
            f"the first epoch's loss is {len(inputs)} times the MSE of the model you were given, once "
            f"per example: nn.MSELoss(reduction='sum') adds the squared errors up instead of averaging "
            f"them, which makes every gradient and step {len(inputs)} times larger. Use nn.MSELoss()"
        )
    if not math.isclose(losses[0], expected[0], rel_tol=1e-4):
        return (
            f"the first epoch's loss is {losses[0]:.6g}, but the MSE of the model you were given "
            f"is {expected[0]:.6g}: use nn.MSELoss() on model(inputs) and targets, and train the "
            f"model passed in (don't create a new one)"
        )
    agree = first_difference(losses, expected)
    return (
        f"the loss history matches the reference for {counted(agree, 'epoch')}, then differs: each epoch "
        f"must do zero_grad(), forward, loss, backward(), step(), once each, in that order"
    )


def training_histories() -> tuple[dict[str, list[float]], float]:
    inputs, targets = distance_time_data()
    start = start_model(seed=4)
    histories = {
        name: replay(start, name, lr, inputs, targets, 30)[0] for name, lr in (("SGD", 0.01), ("Adam", 0.1))
    }
    return histories, optimal_loss(inputs, targets)


def check_plot_loss_curves(plot_loss_curves: Callable) -> None:
    histories, optimal = training_histories()
    figure = plot_loss_curves(copy.deepcopy(histories), optimal)
    try:
        check_figure(figure, histories, optimal)
    finally:
        plt.close("all")


def check_figure(figure: object, histories: dict[str, list[float]], optimal: float) -> None:
    if isinstance(figure, Axes):
        raise CheckError("plot_loss_curves() returned the Axes: return the Figure (fig, or ax.figure)")
    if not isinstance(figure, Figure):
        raise CheckError(f"plot_loss_curves() returned {type(figure).__name__}: return the matplotlib Figure")
    drawn = [ax for ax in figure.axes if ax.lines]
    if not drawn:
        raise CheckError("the figure has no lines: plot each history with ax.plot(epochs, losses)")
    ax = drawn[0]
    curves = [np.asarray(line.get_ydata(), dtype=float) for line in ax.lines]
    for name, losses in histories.items():
        if not any(len(y) == len(losses) and np.allclose(y, losses, rtol=1e-6) for y in curves):
            raise CheckError(
                f"no line on the axes shows the {name!r} losses you were given: plot every history "
                f"of the dict, each on the same axes, all its values in order"
            )
    missing = [axis for axis, label in (("x", ax.get_xlabel()), ("y", ax.get_ylabel())) if not label.strip()]
    if missing:
        which = "no axis labels" if len(missing) == 2 else f"no {missing[0]}-axis label"
        raise CheckError(
            f"the plot has {which}: name what each axis shows, "
            f"e.g. ax.set_xlabel('epoch'), ax.set_ylabel('MSE loss')"
        )
    if not ax.get_title().strip():
        raise CheckError("the plot has no title: ax.set_title(...) says what the figure shows")
    if ax.get_yscale() != "log":
        raise CheckError(
            "the loss axis is linear: ax.set_yscale('log'). The loss falls by orders of magnitude, so "
            "on a linear scale everything after the first epochs is flat"
        )
    if not any(len(y) and np.allclose(y, optimal, rtol=1e-6) for y in curves):
        raise CheckError(
            f"no horizontal reference line at the optimal loss: ax.axhline(optimal_loss) (here {optimal:.5g})"
        )
    legend = ax.get_legend()
    labels = [text.get_text() for text in legend.get_texts()] if legend else []
    unnamed = [name for name in histories if not any(name in label for label in labels)]
    if unnamed:
        raise CheckError(
            f"the legend does not name {', '.join(map(repr, unnamed))}: plot each curve with "
            f"label=name, then call ax.legend()"
        )


# --- Problem 1: height -> weight ---


def check_height_weight_data(height_weight_data: Callable) -> None:
    n = 400
    heights, weights = two_tensors(height_weight_data(n, 1), "height_weight_data()")
    check_shapes(heights, weights, n)
    check_units(heights.double().mean().item(), weights.double().mean().item())
    r = float(np.corrcoef(heights.double().flatten().numpy(), weights.double().flatten().numpy())[0, 1])
    if r > 0.98:
        raise CheckError(
            f"the weights lie almost exactly on a line (correlation {r:.3f}): real weights scatter, "
            f"so add noise"
        )
    if r < 0.1:
        raise CheckError(
            f"weight barely depends on height in your data (correlation {r:.2f}): make the weights "
            f"a line in the heights, plus noise"
        )
    again = two_tensors(height_weight_data(n, 1), "height_weight_data()")
    if not (torch.equal(heights, again[0]) and torch.equal(weights, again[1])):
        raise CheckError("the same seed gave different data: draw from torch.Generator().manual_seed(seed)")
    other = two_tensors(height_weight_data(n, 2), "height_weight_data()")
    if torch.equal(heights, other[0]):
        raise CheckError("seeds 1 and 2 gave the same heights: the seed must choose the random draw")


def two_tensors(value: object, who: str) -> tuple[torch.Tensor, torch.Tensor]:
    if not (isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, torch.Tensor) for v in value)):
        raise CheckError(
            f"{who} must return two tensors, (heights, weights); it returned {type(value).__name__}"
        )
    if not all(v.is_floating_point() for v in value):
        raise CheckError(f"{who} returned whole-number tensors: the model needs floats (torch.float32)")
    return value


def check_shapes(heights: torch.Tensor, weights: torch.Tensor, n: int) -> None:
    if tuple(heights.shape) != (n, 1):
        raise CheckError(
            f"heights have shape {tuple(heights.shape)}; nn.Linear needs one row per person, "
            f"shape ({n}, 1): heights.reshape(-1, 1)"
        )
    if tuple(weights.shape) == (n,):
        raise CheckError(
            f"the targets (weights) have shape ({n},) but the model's outputs have shape ({n}, 1): "
            f"MSELoss would broadcast them to ({n}, {n}) and silently train towards the mean weight. "
            f"Return weights.reshape(-1, 1)"
        )
    if tuple(weights.shape) != (n, 1):
        raise CheckError(
            f"weights have shape {tuple(weights.shape)}; return one row per person, shape ({n}, 1)"
        )
    if not (torch.isfinite(heights).all() and torch.isfinite(weights).all()):
        raise CheckError("the data contains NaN or infinite values")


def check_units(mean_height: float, mean_weight: float) -> None:
    if 1.4 <= mean_height <= 2.1:
        raise CheckError(f"the heights average {mean_height:.2f}: metres? Use centimetres (about 175)")
    if 55 <= mean_height <= 80:
        raise CheckError(f"the heights average {mean_height:.1f}: inches? Use centimetres (1 in = 2.54 cm)")
    if not 140 <= mean_height <= 200:
        raise CheckError(f"the heights average {mean_height:.1f} cm: adults average about 160-180 cm")
    if 130 < mean_weight <= 300:
        raise CheckError(f"the weights average {mean_weight:.1f}: pounds? Use kilograms (1 lb = 0.4536 kg)")
    if not 40 <= mean_weight <= 130:
        raise CheckError(f"the weights average {mean_weight:.1f} kg: adults average about 60-95 kg")


def fit_line_data() -> tuple[torch.Tensor, torch.Tensor]:
    """The checker's own people: not the learner's data, so a fit tuned to it cannot pass by luck."""
    rng = np.random.default_rng(7)
    heights = rng.normal(168.0, 9.0, size=(300, 1))
    weights = 0.95 * heights - 88.0 + rng.normal(0.0, 10.0, size=(300, 1))
    return torch.tensor(heights, dtype=torch.float32), torch.tensor(weights, dtype=torch.float32)


def check_fit_line(fit_line: Callable) -> None:
    heights, weights = fit_line_data()
    try:
        value = fit_line(heights.clone(), weights.clone())
    except DivergenceError as error:  # linreg.train() stops a diverging run
        raise CheckError(diverged_fit_hint(str(error))) from None
    slope, intercept = two_numbers(value)
    if not (math.isfinite(slope) and math.isfinite(intercept)):  # a loop of one's own runs on to NaN
        raise CheckError(diverged_fit_hint("fit_line() returned NaN or infinity"))
    exact_weight, exact_bias = least_squares(heights, weights)
    exact_slope, exact_intercept = exact_weight.item(), exact_bias.item()
    x, y = heights.double().flatten(), weights.double().flatten()
    std = x.std(correction=0).item()
    if math.isclose(slope, exact_slope * std, rel_tol=0.02):
        raise CheckError(
            f"your slope, {slope:.3f}, is the slope for standardized heights (kg per standard "
            f"deviation): map it back to kg per cm with linreg.original_units(weight, bias, mean, std)"
        )
    if math.isclose(slope, exact_slope, rel_tol=0.02) and math.isclose(
        intercept, y.mean().item(), rel_tol=0.02
    ):
        raise CheckError(
            f"the slope is right but the intercept, {intercept:.2f}, is the mean weight: the bias of "
            f"the standardized line. Map it back too: intercept = bias - slope * mean height"
        )
    excess = torch.mean((slope * x + intercept - y) ** 2).item() / optimal_loss(heights, weights) - 1
    if excess > TOLERANCE or not math.isclose(slope, exact_slope, rel_tol=TOLERANCE):
        raise CheckError(
            f"your line (slope {slope:.4f} kg/cm, intercept {intercept:.2f} kg) is not the "
            f"least-squares line (slope {exact_slope:.4f}, intercept {exact_intercept:.2f}); its MSE "
            f"is {100 * excess:.1f} % higher. Train longer or with a larger learning rate, on "
            f"standardized heights"
        )


def diverged_fit_hint(detail: str) -> str:
    return (
        f"training diverged ({detail}). Heights around 170 cm make the weight's gradient "
        f"thousands of times steeper than the bias's: standardize the heights "
        f"(linreg.standardize), then map the line back to cm (linreg.original_units)"
    )


def two_numbers(value: object) -> tuple[float, float]:
    try:
        slope, intercept = (float(v) for v in value)
    except (TypeError, ValueError, RuntimeError):
        raise CheckError(
            f"fit_line() must return two numbers, (slope, intercept); it returned {value!r:.60}"
        ) from None
    return slope, intercept


# --- Problem 2: SGD against Adam ---


def check_compare_optimizers(compare_optimizers: Callable) -> None:
    inputs, targets = distance_time_data()
    start = start_model(seed=5)
    before = copy.deepcopy(start.state_dict())
    result = compare_optimizers(start, inputs.clone(), targets.clone(), COMPARE_EPOCHS)
    if not isinstance(result, dict) or set(result) != set(OPTIMIZERS):
        raise CheckError('compare_optimizers() must return {"SGD": (lr, losses), "Adam": (lr, losses)}')
    if any(not torch.equal(before[key], value) for key, value in start.state_dict().items()):
        raise CheckError(
            "compare_optimizers() changed `start`: train copies (copy.deepcopy(start)), so that both "
            "optimizers begin from the same parameters"
        )
    optimal = optimal_loss(inputs, targets)
    for name in OPTIMIZERS:
        lr, losses = learning_rate_and_losses(result[name], name)
        expected = replay(start, name, lr, inputs, targets, COMPARE_EPOCHS)[0]
        if not same(losses, expected, rtol=1e-3):
            raise CheckError(mismatch_hint(name, lr, losses, expected))
        excess = losses[-1] / optimal - 1
        if excess > TOLERANCE:
            raise CheckError(not_converged_hint(name, lr, losses[-1], optimal))


def learning_rate_and_losses(entry: object, name: str) -> tuple[float, list[float]]:
    if not (isinstance(entry, tuple) and len(entry) == 2):
        raise CheckError(f'result["{name}"] must be a pair (learning rate, losses)')
    lr = entry[0]
    if not (isinstance(lr, (int, float)) and lr > 0):
        raise CheckError(
            f'result["{name}"][0] must be the learning rate you used, a positive number; got {lr!r}'
        )
    losses = as_floats(entry[1], f"the {name} run")
    if diverged(losses):  # before the length: a run stopped at its divergence is short
        raise CheckError(diverged_hint(name, float(lr), losses))
    return float(lr), one_per_epoch(losses, COMPARE_EPOCHS, f"the {name} run")


def diverged(losses: list[float]) -> bool:
    """NaN or infinity, or a loss that ends above where it began."""
    return not all(map(math.isfinite, losses)) or (len(losses) > 1 and losses[-1] > losses[0])


def diverged_hint(name: str, lr: float, losses: list[float]) -> str:
    finite = list(itertools.takewhile(math.isfinite, losses))
    if len(finite) < len(losses):
        what = f"its loss became {losses[len(finite)]} in epoch {len(finite) + 1}"
    else:
        what = f"its loss grew from {losses[0]:.4g} to {losses[-1]:.4g}"
    why = {
        "SGD": "SGD is stable only below 2 / the loss's largest curvature, and each step past it "
        "overshoots the minimum by more than the last",
        "Adam": "its steps of about lr each jump back and forth across the minimum",
    }[name]
    return (
        f"the {name} run at learning rate {lr:g} diverged ({what}): {why}. Use a smaller learning "
        f"rate: try {lr / 10:g}"
    )


def mismatch_hint(name: str, lr: float, losses: list[float], expected: list[float]) -> str:
    if not math.isclose(losses[0], expected[0], rel_tol=1e-4):
        return (
            f"the {name} run did not begin from start's parameters (its first loss is {losses[0]:.6g}, "
            f"start's is {expected[0]:.6g}): train a copy, copy.deepcopy(start), for each optimizer"
        )
    agree = counted(first_difference(losses, expected, 1e-3), "epoch")
    return (
        f"the {name} losses differ from optim.{name}(lr={lr:g}), default settings, from start's "
        f"parameters after {agree}: is {lr:g} really the learning rate you trained with?"
    )


def larger_learning_rates(lr: float, count: int = 3) -> str:
    """The next `count` values of 0.01, 0.03, 0.1, 0.3, 1, 3, ... above lr: '0.3, 1, 3' for 0.1."""
    decade = math.floor(math.log10(lr))
    series = [m * 10.0**e for e in range(decade, decade + 3) for m in (1, 3)]
    return ", ".join(f"{v:g}" for v in [v for v in series if v > lr * (1 + 1e-9)][:count])


def not_converged_hint(name: str, lr: float, final: float, optimal: float) -> str:
    ratio = f"{final / optimal:.1f} times" if final > 2 * optimal else f"{100 * (final / optimal - 1):.1f} %"
    advice = {
        "Adam": "Adam moves each parameter by about lr per step, however large the gradient, so a small "
        f"learning rate crawls. Try larger ones ({larger_learning_rates(lr)}) and keep the fastest",
        "SGD": "try a larger learning rate, up to the largest stable one (2 / the loss's largest curvature)",
    }[name]
    return (
        f"{name} at learning rate {lr:g} ends {ratio} above the optimal loss after {COMPARE_EPOCHS} "
        f"epochs ({final:.4g} against {optimal:.4g}): it has not converged. {advice}"
    )


# --- Running the checks ---

# train_loop() first: answers to problems 1 and 2 may call it, and a broken loop makes their
# own checks fail for reasons that have nothing to do with them.
CHECKS: list[tuple[int, str, Callable[[Callable], None]]] = [
    (3, "train_loop", check_train_loop),
    (3, "plot_loss_curves", check_plot_loss_curves),
    (1, "height_weight_data", check_height_weight_data),
    (1, "fit_line", check_fit_line),
    (2, "compare_optimizers", check_compare_optimizers),
]
REPORT_ORDER = (3, 1, 2)  # as graded, so the train_loop() verdict that other hints refer to comes first


def load_workspace(path: Path) -> ModuleType:
    """Import the file to grade, turning every way that can fail into one line."""
    if not path.is_file():
        raise LoadError(f"no such file: {path}")
    spec = importlib.util.spec_from_file_location(f"attempt_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and pickling look modules up there
    try:
        spec.loader.exec_module(module)
    except SyntaxError as error:
        raise LoadError(f"{path}, line {error.lineno}: syntax error: {error.msg}") from None
    except Exception as error:  # noqa: BLE001 (any error in the learner's file becomes a one-line message)
        raise LoadError(f"{path} failed while loading, {where(error, path)}: {describe(error)}") from None
    return module


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def where(error: BaseException, path: Path | None) -> str:
    """The line of the learner's file the error came from (else the innermost function)."""
    frames = traceback.extract_tb(error.__traceback__)
    own = [frame for frame in frames if path and Path(frame.filename).resolve() == path.resolve()]
    frame = (own or frames)[-1]
    return f"line {frame.lineno} in {frame.name}()"


def grade_one(workspace: object, problem: int, name: str, check: Callable, path: Path | None) -> Result:
    function = getattr(workspace, name, None)
    if not callable(function):
        return Result(
            problem, name, False, f"there is no function {name}(): keep the names from exercises.py"
        )
    try:
        with warnings.catch_warnings():
            # The hints say more than the warnings would (MSELoss's about shapes, for one).
            # Only UserWarning: silencing everything makes torch's first optimizer import crawl.
            warnings.filterwarnings("ignore", category=UserWarning)
            check(function)
    except NotImplementedError as error:
        return Result(
            problem, name, False, f"not implemented yet ({where(error, path)} raises NotImplementedError)"
        )
    except CheckError as failure:
        return Result(problem, name, False, str(failure))
    except TrainingError as error:
        return Result(problem, name, False, f"linreg refused the training: {error}")
    except Exception as error:  # noqa: BLE001 (a learner's bug becomes a hint, not a traceback)
        return Result(problem, name, False, f"{name}() raised {describe(error)} ({where(error, path)})")
    return Result(problem, name, True)


@contextmanager
def calls_to_train_loop(workspace: object, function: object) -> Iterator[list[None]]:
    """Record each call `function` makes to the workspace's train_loop() while the block runs.

    A function finds train_loop() in its module's globals when it calls it, so swapping
    that entry for a recording wrapper sees every call, also those made through helpers.
    """
    calls: list[None] = []
    loop = getattr(workspace, "train_loop", None)
    namespace = getattr(function, "__globals__", {})
    if loop is None or namespace.get("train_loop") is not loop:
        yield calls
        return

    def recorded(*args, **kwargs):
        calls.append(None)
        return loop(*args, **kwargs)

    namespace["train_loop"] = recorded
    try:
        yield calls
    finally:
        namespace["train_loop"] = loop


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


def report(results: list[Result]) -> str:
    lines = ["Problem 3 comes first: your answers to problems 1 and 2 may call its train_loop()."]
    for problem in REPORT_ORDER:
        title = PROBLEMS[problem]
        mine = [r for r in results if r.problem == problem]
        lines.append(f"Problem {problem}, {title}: {'PASS' if all(r.passed for r in mine) else 'FAIL'}")
        for r in mine:
            lines.append(
                f"  {'PASS' if r.passed else 'FAIL'}  {r.function}()" + ("" if r.passed else f": {r.hint}")
            )
    passed = sum(r.passed for r in results)
    lines.append(f"{passed} of {len(results)} checks pass.")
    return "\n".join(lines)


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


def main(argv: list[str]) -> int:
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print(
            "usage: python practice/check.py [FILE]  (FILE defaults to practice/my_answers.py, "
            "a copy of exercises.py made on the first run)",
            file=sys.stderr,
        )
        return 2
    path = Path(argv[0]) if argv else workspace_path()
    try:
        workspace = load_workspace(path)
    except LoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Checking {shown(path)}\n")
    results = grade(workspace, path)
    print(report(results))
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
