"""The practice problems' checks, and PROBLEMS, the list of them in the order they are graded.

A check takes one of the learner's functions, runs it on the checker's own data and raises
Fail(key, hint) beside the condition it finds broken; a check that returns has passed. It
grades what the function does, never how it is written. A hint names a mistake only where
the evidence singles it out; otherwise it says what was seen, beside the reference, and
what could cause it.

To add a problem: write its check here, and add a line to PROBLEMS (and to TITLES).
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.collections import Collection, LineCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import AxLine, Line2D
from matplotlib.patches import StepPatch
from torch import nn, optim

import grading
from check import TIME_LIMIT, Printed, Verdict, time_limit_hint, verdict_line
from grading import (
    OPTIMIZERS,
    TOLERANCE,
    Fail,
    agreeing,
    loss_at,
    loss_list,
    one_per_epoch,
    pair,
    replay,
    same,
    what,
)
from linreg import (
    LESSON_EPOCHS,
    LESSON_LR,
    DivergenceError,
    distance_time_data,
    least_squares,
    lesson_model,
    mse_hessian,
    optimal_loss,
)

# === Problem 3, the loss curve: train_loop() ===
# Graded from the lesson's start (linreg.lesson_model()), so that its losses are the lesson's.


@dataclass
class Watch:
    """What a learner's loop did with the model and the optimizer it was given."""

    steps: list[tuple[bool, bool]] = field(
        default_factory=list
    )  # per step(): a gradient arrived? any non-zero?
    forwards: list[bool] = field(default_factory=list)  # per forward pass: was autograd on?
    arrived: int = 0  # gradients accumulated into the parameters since the last step


@contextmanager
def watching(model: nn.Module, optimizer: optim.Optimizer) -> Iterator[Watch]:
    watch = Watch()

    def arrived(parameter: torch.Tensor) -> None:
        watch.arrived += 1

    def stepping(optimizer: optim.Optimizer, args: object, kwargs: object) -> None:
        held = [p.grad for p in model.parameters() if p.grad is not None]
        watch.steps.append((watch.arrived > 0, any(bool(g.any()) for g in held)))
        watch.arrived = 0

    handles = [p.register_post_accumulate_grad_hook(arrived) for p in model.parameters()]
    handles.append(optimizer.register_step_pre_hook(stepping))
    handles.append(model.register_forward_hook(lambda *_: watch.forwards.append(torch.is_grad_enabled())))
    try:
        yield watch
    finally:
        for handle in handles:
            handle.remove()


def check_train_loop(train_loop: Callable) -> None:
    inputs, targets = distance_time_data()
    start, epochs = lesson_model(), 20
    model = copy.deepcopy(start)
    optimizer = optim.SGD(model.parameters(), lr=LESSON_LR)
    with grading.recording() as record, watching(model, optimizer) as watch:
        returned = train_loop(model, optimizer, inputs, targets, epochs)
    losses = one_per_epoch(loss_list(returned, "train_loop()"), epochs, "train_loop()")
    expected, trained = replay(start, "SGD", LESSON_LR, inputs, targets, epochs)
    if not same(losses, expected):
        diagnose_loop(losses, expected, start, inputs, targets, watch, record.gradients)
    if not all(torch.allclose(p, q, atol=1e-5) for p, q in zip(model.parameters(), trained.parameters())):
        raise Fail(
            "loop/trained a copy",
            "the losses are right, but the model you were given did not end with the trained "
            "parameters: train that model itself, not a copy",
        )
    # An SGD step written by hand matches too; only the optimizer's own step() gives Adam's.
    model = copy.deepcopy(start)
    returned = train_loop(model, optim.Adam(model.parameters(), lr=0.1), inputs, targets, epochs)
    if not same(loss_list(returned, "train_loop()"), replay(start, "Adam", 0.1, inputs, targets, epochs)[0]):
        raise Fail(
            "loop/not the optimizer's step",
            "with SGD your loop matches the reference, with Adam it does not: update the parameters "
            "with optimizer.step(), using the optimizer you are given",
        )


def diagnose_loop(
    losses: list[float],
    expected: list[float],
    start: nn.Module,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    watch: Watch,
    backward_passes: int,
) -> None:
    """Raise the hint for a loss history unlike the reference's: the mistake the evidence shows."""
    n, first, agree = len(inputs), losses[0], agreeing(losses, expected)
    matched = "only the first loss matches" if agree == 1 else f"the first {agree} losses match"
    if same(losses, replay(start, "SGD", LESSON_LR, inputs, targets, len(expected), "no zero_grad")[0]):
        raise Fail(
            "loop/no zero_grad",
            f"{matched} the reference, then they differ: did you call optimizer.zero_grad()? "
            "Gradients add up from one backward() to the next",
        )
    if same(losses[:-1], expected[1:]):
        raise Fail(
            "loop/one epoch ahead",
            "your losses are one epoch ahead of the reference: keep the loss computed in the forward "
            "pass, before optimizer.step() changes the parameters",
        )
    # The first loss is the given model's, before any update: when it differs, the loss is wrong.
    if math.isclose(first, n * expected[0], rel_tol=1e-4):
        raise Fail(
            "loop/summed loss",
            f"the first epoch's loss is {n} times the MSE of the model you were given, once per "
            "example: nn.MSELoss(reduction='sum') adds the squared errors up instead of averaging "
            f"them, which makes every gradient and step {n} times larger. Use nn.MSELoss()",
        )
    with torch.no_grad():  # predictions of shape (N,) against targets (N, 1): a mean over (N, N) pairs
        broadcast = torch.mean((start(inputs).reshape(-1) - targets) ** 2).item()
    if math.isclose(first, broadcast, rel_tol=1e-4):
        raise Fail(
            "loop/broadcast shapes",
            f"the first epoch's loss, {first:.6g}, is what MSELoss gives when the predictions have shape "
            f"({n},) and the targets ({n}, 1), or the other way round: it broadcasts them to ({n}, {n}) "
            f"and compares every prediction with every target. Keep both of shape ({n}, 1): don't "
            "squeeze() or flatten() the model's output or the targets",
        )
    if not math.isclose(first, expected[0], rel_tol=1e-4):
        raise Fail(
            "loop/wrong first loss",
            f"the first epoch's loss is {first:.6g}, but the MSE of the model you were given is "
            f"{expected[0]:.6g}: use nn.MSELoss() on model(inputs) and targets, and train the model "
            "passed in (don't create a new one)",
        )
    # The loss is right, so the updates are wrong: what the loop did tells which way.
    if not watch.steps:
        raise Fail(
            "loop/never stepped",
            "optimizer.step() of the optimizer you are given never ran, so it never updated the "
            "parameters: call optimizer.step() after loss.backward(), once per epoch, on that "
            "optimizer (don't build one of your own)",
        )
    if not any(arrived for arrived, _ in watch.steps):
        if watch.forwards and not any(watch.forwards):
            raise Fail(
                "loop/forward without gradients",
                "the loss never changes: model(inputs) ran with gradients turned off (under "
                "torch.no_grad()?), so the loss is not connected to the parameters and backward() "
                "cannot reach them. Compute the prediction and the loss with gradients on; "
                "torch.no_grad() is for measuring only",
            )
        if backward_passes:
            raise Fail(
                "loop/gradients cut off",
                "the loss never changes: loss.backward() ran, but no gradient reached the model's "
                "parameters, so the loss was cut off from them (by .detach(), .item(), .data or "
                "torch.tensor(...), then requires_grad_()?). Compute the loss from model(inputs) itself",
            )
        raise Fail(
            "loop/no backward",
            "the loss never changes, because loss.backward() never ran: without gradients, step() "
            "has nothing to follow. Call loss.backward() before optimizer.step()",
        )
    if not watch.steps[0][0]:
        raise Fail(
            "loop/step before backward",
            "optimizer.step() runs before loss.backward(), so the first step finds no gradients at "
            "all and no step follows the gradients of its own epoch: call loss.backward() first, then "
            "optimizer.step(), which uses the gradients that backward() computes",
        )
    if not watch.steps[0][1]:
        raise Fail(
            "loop/gradients wiped",
            "the loss never changes, so the parameters never move: loss.backward() computes the "
            "gradients, but optimizer.zero_grad() wipes them before optimizer.step() can use them. "
            "Call zero_grad() at the start of each epoch (or after step()), never between backward() "
            "and step()",
        )
    raise Fail(
        "loop/differs later",
        f"{matched} the reference, then they differ: each epoch must do zero_grad(), forward, loss, "
        "backward(), step(), once each, in that order",
    )


# === Problem 3: plot_loss_curves() ===
# Graded on what the figure shows, however it was drawn: the curves on any axes of the figure,
# by any artist (plot, semilogy, step, scatter...); the title and the legend the axes' or the
# figure's; the reference line axhline, hlines, axline or a plotted constant.


def check_plot_loss_curves(plot_loss_curves: Callable) -> None:
    inputs, targets = distance_time_data()
    start, optimal = lesson_model(), optimal_loss(inputs, targets)
    histories = {
        name: replay(start, name, lr, inputs, targets, 30)[0]
        for name, lr in (("SGD", LESSON_LR), ("Adam", 0.1))
    }
    before = set(plt.get_fignums())
    try:
        check_figure(plot_loss_curves(copy.deepcopy(histories), optimal), histories, optimal)
    finally:  # close the figures it made, and only those: a notebook has figures of its own
        for number in set(plt.get_fignums()) - before:
            plt.close(number)


def y_values(artist: object) -> list[np.ndarray]:
    """The y values an artist draws: one array per connected line or set of points."""
    try:
        if isinstance(artist, AxLine):  # ax.axline(): a point and a slope, or two points
            points = [artist.get_xy1()] + ([artist.get_xy2()] if artist.get_xy2() is not None else [])
            flat = artist.get_slope() == 0 or (len(points) == 2 and points[0][1] == points[1][1])
            return [np.array([points[0][1]] * 2, dtype=float)] if flat else []
        if isinstance(artist, Line2D):  # plot, semilogy, step, axhline...
            return [np.asarray(artist.get_ydata(), dtype=float).ravel()]
        if isinstance(artist, LineCollection):  # hlines, vlines: one array per segment
            return [np.asarray(segment, dtype=float)[:, 1] for segment in artist.get_segments()]
        if isinstance(artist, Collection) and len(artist.get_offsets()):  # scatter
            return [np.asarray(artist.get_offsets(), dtype=float)[:, 1]]
        if isinstance(artist, StepPatch):  # ax.stairs
            return [np.asarray(artist.get_data().values, dtype=float)]
    except (TypeError, ValueError):  # dates, categories: not loss values
        pass
    return []


def shows(y: np.ndarray, values: list[float]) -> bool:
    return len(y) == len(values) and bool(np.allclose(y, values, rtol=1e-6, atol=0))


def plots(figure: Figure) -> list[list[Axes]]:
    """The figure's axes grouped by place: twins, or axes drawn over each other, are one plot."""
    groups: dict[tuple, list[Axes]] = {}
    for ax in dict.fromkeys(figure.findobj(Axes)):
        groups.setdefault(tuple(np.round(ax.get_position().bounds, 6)), []).append(ax)
    return list(groups.values())


# The hints of check_plot(), in the order it checks: a figure whose every plot fails gets the
# hint of the plot that came furthest.
PLOT_HINTS = [
    "figure/no axis label",
    "figure/no title",
    "figure/linear scale",
    "figure/no reference",
    "figure/no legend",
    "figure/legend",
]


def check_figure(figure: object, histories: dict[str, list[float]], optimal: float) -> None:
    if isinstance(figure, Axes):
        raise Fail(
            "figure/returned axes",
            "plot_loss_curves() returned the Axes: return the Figure (fig, or ax.figure)",
        )
    if not isinstance(figure, Figure):
        raise Fail(
            "figure/not a figure",
            f"plot_loss_curves() returned {what(figure)}: return the matplotlib Figure (fig)",
        )
    series = [
        (ax, y) for ax in dict.fromkeys(figure.findobj(Axes)) for a in ax.get_children() for y in y_values(a)
    ]
    if not series:
        raise Fail(
            "figure/empty",
            "the figure has nothing drawn on it: plot each history with ax.plot(epochs, losses)",
        )
    complete = [
        plot
        for plot in plots(figure)
        if all(any(shows(y, losses) for ax, y in series if ax in plot) for losses in histories.values())
    ]
    for name, losses in histories.items():
        if not any(shows(y, losses) for _, y in series):
            if any(shows(y, log(losses).tolist()) for log in (np.log10, np.log) for _, y in series):
                raise Fail(
                    "figure/log of losses",
                    f"you plotted the logarithm of the {name!r} losses: plot the losses themselves and make "
                    "the axis logarithmic with ax.set_yscale('log'), so its ticks read as losses",
                )
            raise Fail(
                "figure/missing curve",
                f"nothing on the figure shows the {name!r} losses you were given: plot every history of "
                "the dict, all its values in order",
            )
    if not complete:
        raise Fail(
            "figure/separate axes",
            "the curves are on different axes: draw them all on one set of axes, so that the optimizers "
            "can be compared at a glance",
        )
    failures = []
    for plot in complete:
        try:
            return check_plot(figure, [(ax, y) for ax, y in series if ax in plot], histories, optimal)
        except Fail as failure:
            failures.append(failure)
    raise max(failures, key=lambda failure: PLOT_HINTS.index(failure.key))


def check_plot(
    figure: Figure, series: list[tuple[Axes, np.ndarray]], histories: dict[str, list[float]], optimal: float
) -> None:
    """The labels, title, scale, reference line and legend of the plot (its axes' series) that shows the curves."""
    plot = list(dict.fromkeys(ax for ax, _ in series))
    x = any(ax.get_xlabel().strip() for ax in plot) or figure.get_supxlabel().strip()
    y = any(ax.get_ylabel().strip() for ax in plot) or figure.get_supylabel().strip()
    if not (x and y):
        which = "no axis labels" if not (x or y) else f"no {'y' if x else 'x'}-axis label"
        raise Fail(
            "figure/no axis label",
            f"the plot has {which}: name what each axis shows, e.g. ax.set_xlabel('epoch'), "
            "ax.set_ylabel('MSE loss')",
        )
    titles = [ax.get_title(loc) for ax in plot for loc in ("left", "center", "right")] + [
        figure.get_suptitle()
    ]
    if not any(title.strip() for title in titles):
        raise Fail(
            "figure/no title",
            "the plot has no title: ax.set_title(...) (or fig.suptitle(...)) says what it shows",
        )
    if any(ax.get_yscale() != "log" for ax, y in series if any(shows(y, h) for h in histories.values())):
        raise Fail(
            "figure/linear scale",
            "the loss axis is linear: ax.set_yscale('log'). The loss falls by orders of magnitude, so on a "
            "linear scale everything after the first epochs is flat",
        )
    if not any(len(y) >= 2 and np.allclose(y, optimal, rtol=1e-3) for _, y in series):
        raise Fail(
            "figure/no reference",
            f"no horizontal reference line at the optimal loss: ax.axhline(optimal_loss) (here {optimal:.5g})",
        )
    labels = [text.get_text().lower() for legend in figure.findobj(Legend) for text in legend.get_texts()]
    if not labels:
        raise Fail(
            "figure/no legend",
            "the figure has no legend: plot each curve with label=name, then call ax.legend(), so the reader "
            f"can tell {' and '.join(map(repr, histories))} apart",
        )
    unnamed = [name for name in histories if not any(name.lower() in label for label in labels)]
    if unnamed:
        raise Fail(
            "figure/legend",
            f"the legend does not name {', '.join(map(repr, unnamed))}: plot each curve with label=name, "
            "then call ax.legend()",
        )


# === Problem 1, height -> weight: height_weight_data() ===
# Data the lesson's model can train on (two float32 tensors of shape (n, 1)) that could be real
# adults: centimetres and kilograms, every one humanly possible, weight rising with height, with
# scatter, and the same data for the same seed.

SHORTEST_CM, TALLEST_CM = 120, 230  # every adult of a synthetic sample should fall between these


def check_height_weight_data(height_weight_data: Callable) -> None:
    n = 400
    heights, weights = two_tensors(height_weight_data(n, 1))
    check_shapes(heights, weights, n)
    x, y = heights.double().flatten(), weights.double().flatten()
    check_units(x, y)
    low, high = x.min().item(), x.max().item()
    if low < SHORTEST_CM or high > TALLEST_CM:
        raise Fail(
            "data/heights out of range",
            f"the heights run from {low:.0f} to {high:.0f} cm, but adults measure between about "
            f"{SHORTEST_CM} and {TALLEST_CM} cm: is their spread too wide (yours: standard deviation "
            f"{x.std().item():.1f} cm)? Adults' heights scatter by about 7-10 cm around the mean",
        )
    if (y <= 0).any():
        raise Fail(
            "data/weights not positive",
            f"{int((y <= 0).sum())} of the {n} weights are zero or negative (the lightest: {y.min().item():.1f} "
            "kg), which no adult weighs: check the line (slope and intercept) and the noise, whose spread "
            "should be about 10-20 kg",
        )
    r = torch.corrcoef(torch.stack([x, y]))[0, 1].nan_to_num(0.0).item()  # weights all alike: r = 0
    if r < -0.2:  # a clear fall; a correlation near 0, either side, is no relation at all
        raise Fail(
            "data/weight falls",
            f"weight falls as height rises in your data (correlation {r:.2f}): taller people are heavier, "
            "so the line's slope must be positive",
        )
    if r < 0.1:
        raise Fail(
            "data/no relation",
            f"weight barely depends on height in your data (correlation {r:.2f}): make the weights a line "
            "in the heights, plus noise",
        )
    if r > 0.98:
        raise Fail(
            "data/no scatter",
            f"the weights lie almost exactly on a line (correlation {r:.3f}): real weights scatter, so add noise",
        )
    again = two_tensors(height_weight_data(n, 1))
    if not (torch.equal(heights, again[0]) and torch.equal(weights, again[1])):
        raise Fail(
            "data/seed not repeatable",
            "the same seed gave different data: draw from torch.Generator().manual_seed(seed)",
        )
    if torch.equal(heights, two_tensors(height_weight_data(n, 2))[0]):
        raise Fail(
            "data/seed ignored", "seeds 1 and 2 gave the same heights: the seed must choose the random draw"
        )


def two_tensors(value: object) -> tuple[torch.Tensor, torch.Tensor]:
    both = pair(value)
    if both is not None and all(isinstance(v, np.ndarray) for v in both):
        raise Fail(
            "data/numpy",
            "height_weight_data() returned numpy arrays: return torch tensors, "
            "torch.from_numpy(array).float(), which the model can take",
        )
    if both is None or not all(isinstance(v, torch.Tensor) for v in both):
        raise Fail(
            "data/not two tensors",
            f"height_weight_data() must return two tensors, (heights, weights); it returned {what(value)}",
        )
    for tensor in both:
        if not tensor.is_floating_point():
            raise Fail(
                "data/whole numbers",
                f"height_weight_data() returned whole-number tensors ({tensor.dtype}): the model needs "
                "floats (torch.float32)",
            )
        if tensor.dtype != torch.float32:
            raise Fail(
                "data/not float32",
                f"height_weight_data() returned {tensor.dtype} tensors, but nn.Linear's weight and bias "
                "are torch.float32, and nn.Linear (and linreg.train) refuse data of another float type "
                "with a dtype error. Return float32: .float(), or torch.tensor(..., dtype=torch.float32) "
                "(numpy arrays become float64)",
            )
    return both


def check_shapes(heights: torch.Tensor, weights: torch.Tensor, n: int) -> None:
    if not all(t.numel() == n or (t.dim() > 0 and len(t) == n) for t in (heights, weights)):
        raise Fail(
            "data/row count",
            f"asked for n = {n} people, height_weight_data() returned heights of shape "
            f"{tuple(heights.shape)} and weights of shape {tuple(weights.shape)}: make n rows, one per "
            "person (torch.randn(n, 1, generator=generator), say)",
        )
    if tuple(heights.shape) != (n, 1):
        raise Fail(
            "data/heights shape",
            f"heights have shape {tuple(heights.shape)}; nn.Linear needs one row per person, shape "
            f"({n}, 1): heights.reshape(-1, 1)",
        )
    if tuple(weights.shape) == (n,):
        raise Fail(
            "data/weights of shape (n,)",
            f"the targets (weights) have shape ({n},) but the model's outputs have shape ({n}, 1): "
            f"MSELoss would warn, broadcast them to ({n}, {n}) and train towards the mean weight, "
            "without an error. Return weights.reshape(-1, 1)",
        )
    if tuple(weights.shape) != (n, 1):
        raise Fail(
            "data/weights shape",
            f"weights have shape {tuple(weights.shape)}; return one row per person, shape ({n}, 1)",
        )
    if not (torch.isfinite(heights).all() and torch.isfinite(weights).all()):
        raise Fail("data/not finite", "the data contains NaN or infinite values")


def check_units(x: torch.Tensor, y: torch.Tensor) -> None:
    mean_height, mean_weight = x.mean().item(), y.mean().item()
    if 1.4 <= mean_height <= 2.1:
        raise Fail(
            "data/metres", f"the heights average {mean_height:.2f}: metres? Use centimetres (about 175)"
        )
    if 55 <= mean_height <= 80:
        raise Fail(
            "data/inches", f"the heights average {mean_height:.1f}: inches? Use centimetres (1 in = 2.54 cm)"
        )
    if not 140 <= mean_height <= 200:
        raise Fail(
            "data/heights off", f"the heights average {mean_height:.1f} cm: adults average about 160-180 cm"
        )
    if 40 <= mean_weight <= 130:
        return
    slope, intercept = np.polyfit(x.numpy(), y.numpy(), 1)  # the line the weights scatter around
    if slope > 0 and abs(intercept) < 0.25 * abs(mean_weight):  # it runs through zero, near enough
        raise Fail(
            "data/no intercept",
            f"the weights average {mean_weight:.1f} kg, {mean_weight / mean_height:.2f} times the heights: a "
            "line without an intercept, weight = slope * height? Adults average about 60-95 kg: with your "
            f"slope, about {slope:.2f} kg per cm, an intercept near {75 - slope * mean_height:.0f} kg puts "
            "the mean near 75 kg",
        )
    if 130 < mean_weight <= 300:
        raise Fail(
            "data/pounds", f"the weights average {mean_weight:.1f}: pounds? Use kilograms (1 lb = 0.4536 kg)"
        )
    raise Fail("data/weights off", f"the weights average {mean_weight:.1f} kg: adults average about 60-95 kg")


# === Problem 1: fit_line() ===
# The line must be learned by gradient descent, and land on the least-squares line. Gradient
# descent, as seen while fit_line() runs: any torch optimizer's step(), or any gradient autograd
# computes (a loop that updates by hand counts). An exact formula (linreg.least_squares,
# numpy.polyfit) does not, nor does a gradient worked out by hand: the exercise is PyTorch's.


def fit_line_data() -> tuple[torch.Tensor, torch.Tensor]:
    """The checker's own people: not the learner's data, so that a fit tuned to it cannot pass by luck."""
    rng = np.random.default_rng(7)
    heights = rng.normal(168.0, 9.0, size=(300, 1))
    weights = 0.95 * heights - 88.0 + rng.normal(0.0, 10.0, size=(300, 1))
    return torch.tensor(heights, dtype=torch.float32), torch.tensor(weights, dtype=torch.float32)


def check_fit_line(fit_line: Callable) -> None:
    heights, weights = fit_line_data()
    with grading.recording() as record:
        try:
            value = fit_line(heights.clone(), weights.clone())
        except DivergenceError as error:  # linreg.train() stops a diverging run
            raise diverged(
                str(error).split(":")[0], heights
            ) from None  # 'the loss became inf at epoch 3 ...'
    both = pair(value)
    slope, intercept = (grading.number(v) for v in both) if both else (None, None)
    if slope is None or intercept is None:
        raise Fail(
            "fit/not two numbers",
            f"fit_line() must return two numbers, (slope, intercept); it returned {value!r:.60}",
        )
    if not (math.isfinite(slope) and math.isfinite(intercept)):  # a loop of one's own runs on to NaN
        raise diverged("fit_line() returned NaN or infinity", heights)
    exact_weight, exact_bias = least_squares(heights, weights)
    exact_slope, exact_intercept = exact_weight.item(), exact_bias.item()
    x, y = heights.double().flatten(), weights.double().flatten()
    optimal, sd = optimal_loss(heights, weights), x.std(correction=0).item()

    def excess(slope: float, intercept: float) -> float:
        return torch.mean((slope * x + intercept - y) ** 2).item() / optimal - 1

    def exact(slope: float, intercept: float) -> bool:
        return excess(slope, intercept) <= TOLERANCE and math.isclose(slope, exact_slope, rel_tol=TOLERANCE)

    if not record.trained:
        if exact(slope, intercept):
            raise Fail(
                "fit/exact formula",
                "your line is the exact least-squares line, but the checker saw no gradient descent while "
                "fit_line() ran: no optimizer stepped, and autograd computed no gradient (loss.backward(), "
                "torch.autograd.grad). linreg.least_squares, like any exact formula, is the checker's "
                "reference, not the answer: learn the line by training a model with optim.SGD",
            )
        raise Fail(
            "fit/no training",
            "the checker saw no gradient descent while fit_line() ran: no optimizer stepped, and autograd "
            "computed no gradient (loss.backward(), torch.autograd.grad). Learn the line by training: a "
            "model (LinearRegression(1, 1)), optim.SGD and a training loop, such as your train_loop()",
        )
    if exact(slope, intercept):
        return
    seen = (
        f"your line has slope {slope:.4f} kg/cm and intercept {intercept:.2f} kg, the least-squares "
        f"line {exact_slope:.4f} and {exact_intercept:.2f}"
    )
    if exact(intercept, slope):
        raise Fail(
            "fit/swapped", f"{seen}: the same two numbers, the other way round. Return (slope, intercept)"
        )
    if near(slope, exact_slope * sd):
        raise Fail(
            "fit/standardized slope",
            f"{seen}: your slope is the one for standardized heights (kg per standard deviation, "
            f"{sd:.2f} cm): map it back to kg per cm with linreg.original_units(weight, bias, mean, std)",
        )
    if near(slope, exact_slope * sd**2):
        raise Fail(
            "fit/slope times std",
            f"{seen}: your slope is {sd**2:.1f} times too large, the square of the heights' standard "
            f"deviation ({sd:.2f} cm). The weight learned on standardized heights is in kg per standard "
            "deviation: divide it by the standard deviation to get kg per cm (slope = w / std), don't multiply",
        )
    mean_weight = y.mean().item()
    if near(slope, exact_slope):
        if near(intercept, mean_weight):
            raise Fail(
                "fit/standardized intercept",
                f"{seen}: the slope is right but the intercept is the mean weight, the bias of the "
                "standardized line. Map it back too: intercept = bias - slope * mean height",
            )
        raise Fail(
            "fit/intercept off",
            f"{seen}: the slope is right, the intercept is not. Either it was mapped back wrongly "
            "(intercept = bias - slope * mean height, with the slope in kg per cm), or training stopped "
            "before the intercept converged (on raw heights it moves far slower than the slope)",
        )
    if abs(slope) < 0.05 * abs(exact_slope) and near(intercept, mean_weight):
        raise Fail(
            "fit/flat line",
            f"{seen}: your line is flat at the mean weight. Training finds that line when the loss compares "
            "every prediction with every target, as MSELoss does for predictions of shape (N,) against "
            "targets of shape (N, 1) (it broadcasts them to (N, N)). Give both the shape (N, 1): don't "
            "squeeze() one of them",
        )
    raise Fail(
        "fit/not least squares",
        f"{seen}; its MSE is {100 * excess(slope, intercept):.1f} % higher. Either training stopped before "
        "it converged (train longer, or with a larger learning rate, on standardized heights), or the line "
        "was mapped back to cm wrongly (slope = w / std, intercept = b - slope * mean)",
    )


def near(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=0.02)


def diverged(detail: str, heights: torch.Tensor) -> Fail:
    """The MSE's curvature along the weight is 2 mean(height^2), along the bias 2 (linreg.mse_hessian)."""
    x = heights.double()
    return Fail(
        "fit/diverged",
        f"training diverged ({detail}). On raw heights (around {x.mean().item():.0f} cm) the loss curves about "
        f"{(x**2).mean().item():,.0f} times more sharply along the weight than along the bias (that factor is "
        "the mean squared height), so a learning rate that moves the bias at a useful pace makes each step of "
        "the weight overshoot, further every time. Standardize the heights (linreg.standardize), train on "
        "those, then map the line back to cm (linreg.original_units)",
    )


# === Problem 2, SGD against Adam: compare_optimizers() ===
# From the lesson's start (linreg.lesson_model()) on its data, so that the numbers a hint quotes
# are the lesson's: SGD at its learning rate, 0.01, ends 3.7 % above the optimal loss there too.
# The checker records every optimizer that steps during the call (momentum, betas, a scheduler
# are the learner's to choose), and traces each returned history to the run whose parameters
# give exactly those losses. A history no recorded run explains (mini-batches, hand-written
# updates) is graded on its own properties.

COMPARE_EPOCHS, OTHER_EPOCHS = LESSON_EPOCHS, 200  # the second call checks that `epochs` is used
RESULT = '{"SGD": (lr, losses), "Adam": (lr, losses)}'


def check_compare_optimizers(compare_optimizers: Callable) -> None:
    inputs, targets = distance_time_data()
    start, optimal = lesson_model(), optimal_loss(inputs, targets)
    result, record = call(compare_optimizers, start, inputs, targets, COMPARE_EPOCHS, keep_parameters=True)
    for name in OPTIMIZERS:
        lr, losses = entry(result, name)
        if (
            not all(map(math.isfinite, losses)) or losses[-1] > losses[0]
        ):  # before the length: it may stop early
            raise Fail("compare/diverged", diverging(name, lr, losses, inputs))
        one_per_epoch(losses, COMPARE_EPOCHS, f"the {name} run")
        trace(name, lr, losses, start, inputs, targets, record)
        if losses[-1] / optimal - 1 > TOLERANCE:
            raise Fail("compare/not converged", not_converged(name, lr, losses[-1], optimal, inputs))
    result, _ = call(compare_optimizers, start, inputs, targets, OTHER_EPOCHS)
    for name in OPTIMIZERS:
        losses = entry(result, name)[1]
        if len(losses) == COMPARE_EPOCHS:
            raise Fail(
                "compare/ignores epochs",
                f"asked for {OTHER_EPOCHS} epochs, compare_optimizers() returned {len(losses)} {name} losses, "
                f"as for {COMPARE_EPOCHS} epochs: train for `epochs` epochs, the number it is given, not a fixed one",
            )
        one_per_epoch(losses, OTHER_EPOCHS, f"the {name} run")


def call(compare_optimizers: Callable, start: nn.Module, inputs, targets, epochs: int, keep_parameters=False):
    """The learner's result, a dict with both entries, and the training it did."""
    before = copy.deepcopy(start.state_dict())
    with grading.recording(keep_parameters) as record:
        result = compare_optimizers(start, inputs.clone(), targets.clone(), epochs)
    if not isinstance(result, dict):
        raise Fail(
            "compare/not a dict", f"compare_optimizers() must return {RESULT}; it returned {what(result)}"
        )
    for name in OPTIMIZERS:
        if name not in result:
            keys = ", ".join(map(repr, result)) or "none"
            raise Fail(
                "compare/missing entry",
                f'the result has no "{name}" entry (its keys: {keys}): return {RESULT}',
            )
    if any(not torch.equal(before[key], value) for key, value in start.state_dict().items()):
        raise Fail(
            "compare/changed start",
            "compare_optimizers() changed `start`: train copies (copy.deepcopy(start)), so that both "
            "optimizers begin from the same parameters",
        )
    return result, record


def entry(result: dict, name: str) -> tuple[float, list[float]]:
    both = pair(result[name])
    if both is None:
        raise Fail(
            "compare/not a pair",
            f'result["{name}"] must be a pair (learning rate, losses); it is {what(result[name])}',
        )
    lr = grading.number(both[0])
    if lr is None or not lr > 0:
        raise Fail(
            "compare/bad learning rate",
            f'result["{name}"][0] must be the learning rate you used, a positive number; got {both[0]!r:.40}',
        )
    return lr, loss_list(both[1], f"the {name} run")


def trace(name: str, lr: float, losses: list[float], start: nn.Module, inputs, targets, record) -> None:
    """The history must come from a run that began at start, with the optimizer and rate returned for it."""
    model = copy.deepcopy(start)  # to evaluate each recorded run's parameters

    def history(states: list[list[torch.Tensor]]) -> list[float]:
        if not math.isclose(
            loss_at(model, states[-1], inputs, targets), losses[-1], rel_tol=1e-3, abs_tol=1e-7
        ):
            return []  # the last loss tells most runs apart at the cost of one evaluation
        return [loss_at(model, state, inputs, targets) for state in states]

    runs = [run for run in record.runs if len(run.before) == len(losses) and fits(run, start)]
    source = next((run for run in runs if same(history(run.before), losses, rtol=1e-3)), None)
    expected = loss_at(model, list(start.parameters()), inputs, targets)
    if source is not None and not equal(source.before[0], list(start.parameters())):
        previous = next(
            (run for run in record.runs if run.after and equal(run.after, source.before[0])), None
        )
        if previous is not None:
            raise Fail(
                "compare/continued",
                f"the {name} losses are those of your optim.{source.name} run at learning rate {rates(source)}, "
                f"which began where your optim.{previous.name} run at learning rate {rates(previous)} ended, "
                f"not at start (its first loss is {losses[0]:.6g}, start's {expected:.6g}): give every run a "
                "fresh copy, copy.deepcopy(start), made inside the loop",
            )
    if not math.isclose(losses[0], expected, rel_tol=1e-4):
        if any(same(history(run.before[1:] + [run.after]), losses, rtol=1e-3) for run in runs):
            raise Fail(
                "compare/one epoch ahead",
                f"the {name} losses are one epoch ahead: each is the loss after that epoch's update. Keep the "
                f"loss computed before optimizer.step(), so that the first is start's loss, {expected:.6g}",
            )
        if source is None and any(
            equal(run.before[0], list(start.parameters()))
            for run in runs
            if isinstance(run.optimizer, OPTIMIZERS[name])
        ):
            raise Fail(
                "compare/not the MSE",
                f"the {name} run began from start's parameters, but its first loss, {losses[0]:.6g}, is not their "
                f"MSE, {expected:.6g}: keep the MSE (nn.MSELoss(), averaged over the examples) of each epoch, "
                "computed before the update",
            )
        raise Fail(
            "compare/not from start",
            f"the {name} run did not begin from start's parameters (its first loss is {losses[0]:.6g}, start's "
            f"is {expected:.6g}): train a copy, copy.deepcopy(start), for each optimizer",
        )
    if source is not None:
        if not isinstance(source.optimizer, OPTIMIZERS[name]):
            raise Fail(
                "compare/wrong optimizer",
                f'the losses you return as "{name}" are those of your optim.{source.name} run: train the '
                f'"{name}" run with optim.{name}',
            )
        if not uses(source, lr):
            raise Fail(
                "compare/learning rate mismatch",
                f"the {name} losses are those of your optim.{source.name} run at learning rate {rates(source)}, "
                f"but you return {lr:g}: return the learning rate of the run whose losses you return",
            )
        return
    named = [run for run in record.runs if isinstance(run.optimizer, OPTIMIZERS[name])]
    if named and not any(uses(run, lr) for run in named):
        raise Fail(
            "compare/learning rate not used",
            f"you return {lr:g} as the {name} learning rate, but no optim.{name} you trained had it (yours: "
            f"{', '.join(dict.fromkeys(map(rates, named)))}): return the learning rate you trained with",
        )


def rates(run: grading.Run) -> str:
    return " and ".join(f"{rate:g}" for rate in dict.fromkeys(run.rates))


def equal(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    return len(a) == len(b) and all(torch.equal(p, q) for p, q in zip(a, b))


def uses(run: grading.Run, lr: float) -> bool:
    return any(math.isclose(lr, rate, rel_tol=1e-6) for rate in run.rates)


def fits(run: grading.Run, model: nn.Module) -> bool:
    """Whether the run's parameters are a model like start: the same tensors' shapes, in order."""
    return bool(run.before) and [p.shape for p in run.before[0]] == [p.shape for p in model.parameters()]


def sgd_limit(inputs: torch.Tensor) -> float:
    """The largest learning rate at which full-batch SGD on the MSE converges: 2 / its largest curvature."""
    return 2 / torch.linalg.eigvalsh(mse_hessian(inputs)).max().item()


def diverging(name: str, lr: float, losses: list[float], inputs: torch.Tensor) -> str:
    finite = list(itertools.takewhile(math.isfinite, losses))
    how = f"its loss grew from {losses[0]:.4g} to {losses[-1]:.4g}"
    if len(finite) < len(losses):
        how = f"its loss became {losses[len(finite)]} in epoch {len(finite) + 1}"
    why = (
        f"SGD moves each parameter by the learning rate times its gradient, and above {sgd_limit(inputs):.4g} "
        "on this data each step overshoots the minimum by more than the last"
        if name == "SGD"
        else f"Adam moves each parameter by about the learning rate per step, and steps of {lr:g} throw it "
        "far past the minimum"
    )
    return f"the {name} run at learning rate {lr:g} diverged ({how}): {why}. Use a smaller learning rate: try {lr / 10:g}"


def not_converged(name: str, lr: float, final: float, optimal: float, inputs: torch.Tensor) -> str:
    ratio = f"{final / optimal:.1f} times" if final > 2 * optimal else f"{100 * (final / optimal - 1):.1f} %"
    seen = (
        f"{name} at learning rate {lr:g} ends {ratio} above the optimal loss after {COMPARE_EPOCHS} epochs "
        f"({final:.4g} against {optimal:.4g}), from the lesson's start and on its data: it has not converged. "
    )
    decade = math.floor(math.log10(lr))  # the next values of 0.01, 0.03, 0.1, 0.3, 1, 3...
    larger = [m * 10.0**e for e in range(decade, decade + 3) for m in (1, 3) if m * 10.0**e > lr * (1 + 1e-9)]
    if name == "Adam":
        return seen + (
            "Adam moves each parameter by about lr per step, however large the gradient, so a small learning "
            f"rate crawls. Try larger ones ({', '.join(f'{v:g}' for v in larger[:3])}) and keep the fastest"
        )
    limit = sgd_limit(inputs)
    below = [f"{v:g}" for v in larger if v < limit][:3]
    return seen + (
        "SGD moves each parameter by the learning rate times its gradient, so a larger learning rate gets "
        f"there in fewer epochs, up to a limit set by the data, here {limit:.4g}, above which each step "
        f"overshoots and the loss explodes. Try larger ones below it ({', '.join(below)}) and keep the fastest"
    )


# === The problems, in the order graded and reported ===


class Problem(NamedTuple):
    function: str
    problem: int  # its number in the README and the template
    check: Callable[[Callable], None]


# train_loop() first: answers to problems 1 and 2 may call it, and a broken loop would make
# their checks fail for reasons that are not theirs.
PROBLEMS = [
    Problem("train_loop", 3, check_train_loop),
    Problem("plot_loss_curves", 3, check_plot_loss_curves),
    Problem("height_weight_data", 1, check_height_weight_data),
    Problem("fit_line", 1, check_fit_line),
    Problem("compare_optimizers", 2, check_compare_optimizers),
]
TITLES = {1: "height -> weight", 2: "SGD against Adam", 3: "the loss curve"}
NOTE = "Problem 3 comes first: your answers to problems 1 and 2 may call its train_loop()."
CHECKS = {problem.function: problem for problem in PROBLEMS}


def plan() -> dict:
    """What the command needs to know of the problems, in plain values."""
    return {"order": [(p.function, p.problem) for p in PROBLEMS], "titles": TITLES, "note": NOTE}


def grade(
    namespace: dict,
    names: list[str] | None = None,
    loop: str = "",
    starting: Callable[[str], object] = lambda name: None,
) -> Iterator[Verdict]:
    """The verdict on each function of the namespace (or those in `names`), in PROBLEMS order.

    loop: train_loop()'s verdict from an earlier process ("passed", "failed" or "timed out").
    """
    for problem in PROBLEMS:
        if names is None or problem.function in names:
            starting(problem.function)
            verdict = grade_one(namespace, problem.function, loop)
            if problem.function == "train_loop":
                loop = "passed" if verdict.passed else "failed"
            yield verdict


def grade_one(namespace: dict, name: str, loop: str = "") -> Verdict:
    """The verdict on one function. Where it calls a failing train_loop(), that is what it is told."""
    problem, files = CHECKS[name], grading.learner_files(namespace)
    refuse = "train_loop() ran past its time limit" if loop == "timed out" else ""
    with grading.calls_to(namespace, "train_loop", refuse) as calls:
        verdict = grading.run_check(problem.check, namespace.get(name), name, problem.problem, files)
    if verdict.passed or name == "train_loop" or not calls:
        return verdict
    if not loop:  # not graded yet: grade it now, so that the hint is the one the whole file would get
        loop = "passed" if grade_one(namespace, "train_loop").passed else "failed"
    if loop == "passed":
        return verdict
    return Verdict(
        name,
        problem.problem,
        False,
        "it calls your train_loop(), which fails its own check (problem 3): fix train_loop() first; until "
        "that passes, this check cannot tell whether anything else is wrong",
        "loop fails first",
    )


def check(function: Callable, time_limit: float = TIME_LIMIT) -> None:
    """Check one function in place, as a notebook's check cell does: print its verdict as the command would.

    The time limit needs a timer signal: on Windows there is none, and a check runs until it ends.
    """
    name = getattr(function, "__name__", "")
    if name not in CHECKS:
        print(f"check() grades one of {', '.join(CHECKS)}: pass the function itself, check(train_loop)")
        return
    namespace = getattr(function, "__globals__", {name: function})
    printed = Printed()
    try:
        with grading.captured(printed), grading.time_limit(time_limit):
            verdict = grade_one(namespace, name)
    except grading.OutOfTime:
        hint = time_limit_hint(time_limit, f"check({name}, time_limit=SECONDS)")
        verdict = Verdict(name, CHECKS[name].problem, False, hint, "time limit")
    print(verdict_line(printed.into(verdict)))
