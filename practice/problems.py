"""The practice problems: a check per function, PROBLEMS (their list, in the order graded), and what
the checks share. A check runs the learner's function on data of its own and raises Fail("key: hint")
beside the condition it finds broken: it grades what the function does, not how it is written. A hint
names a mistake where the evidence singles it out, else it says what was seen; its numbers are the
lesson's (its start, its data) or say whose. To add a problem: write its check, add it to PROBLEMS."""

from __future__ import annotations

import copy
import itertools
import math
import numbers
import signal
import sys
import threading
import traceback
import types
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch
from check import TIME_LIMIT, LoadError, Printed, Verdict, counted, loop_state, stopped, verdict_line
from matplotlib import axes, collections, figure, legend, lines
from torch import nn, optim
from torch.autograd.variable import Variable
from torch.optim import optimizer as optimizer_hooks

import linreg

OPTIMIZERS = {"SGD": optim.SGD, "Adam": optim.Adam}
TOLERANCE = 0.01  # a line or a run has converged within 1 % of the optimal loss

# === Problem 3, the loss curve: train_loop() ===
# Its losses from the lesson's start against the lesson's loop; where they differ, what the loop did
# with the model and the optimizer it was given tells which mistake it made.


def check_train_loop(train_loop: Callable) -> None:
    inputs, targets = linreg.distance_time_data()
    start, lr, epochs, n = linreg.lesson_model(), linreg.LESSON_LR, 20, len(inputs)
    model = copy.deepcopy(start)
    optimizer = optim.SGD(model.parameters(), lr=lr)
    steps, forwards, arrived = [], [], []  # per step: (a gradient arrived since the last, one is not zero)

    def stepping(*_: object) -> None:
        held = [p.grad for p in model.parameters() if p.grad is not None]
        steps.append((bool(arrived), any(bool(gradient.any()) for gradient in held)))
        arrived.clear()

    hooks = [p.register_post_accumulate_grad_hook(arrived.append) for p in model.parameters()]
    hooks.append(optimizer.register_step_pre_hook(stepping))
    hooks.append(model.register_forward_hook(lambda *_: forwards.append(torch.is_grad_enabled())))
    with recording() as record:
        losses = losses_of(train_loop(model, optimizer, inputs, targets, epochs), "train_loop()", epochs)
    for hook in hooks:
        hook.remove()
    expected, trained = replay(start, "SGD", lr, inputs, targets, epochs)
    close = np.isclose(losses, expected, rtol=1e-4, atol=1e-7)
    agree = int(close.argmin()) if not close.all() else epochs  # how many leading losses agree
    matched = "only the first loss matches" if agree == 1 else f"the first {agree} losses match"
    if same(losses, replay(start, "SGD", lr, inputs, targets, epochs, no_zero_grad=True)[0]):
        raise Fail(
            f"loop/no zero_grad: {matched} the reference, then they differ: did you call "
            "optimizer.zero_grad()? Gradients add up from one backward() to the next"
        )
    if not same(losses, expected) and same(losses[:-1], expected[1:]):
        raise Fail("loop/one epoch ahead: your losses are one epoch ahead: keep each from before step()")
    with torch.no_grad():  # predictions of shape (N,) against targets (N, 1): a mean over (N, N) pairs
        broadcast = torch.mean((start(inputs).reshape(-1) - targets) ** 2).item()
    if math.isclose(losses[0], broadcast, rel_tol=1e-4):  # the first loss is the given model's
        raise Fail(
            f"loop/broadcast shapes: the first loss, {losses[0]:.6g}, is MSELoss's for predictions of shape "
            f"({n},) and targets ({n}, 1), or the reverse, broadcast to ({n}, {n}): keep both ({n}, 1)"
        )
    if not math.isclose(losses[0], expected[0], rel_tol=1e-4):
        model_mse = f"the given model's MSE {expected[0]:.6g}: train that model, with nn.MSELoss()"
        raise Fail(f"loop/wrong first loss: the first loss is {losses[0]:.6g}, {model_mse}")
    if not same(losses, expected):  # the loss is right, the updates are not
        if not steps:
            raise Fail("loop/never stepped: optimizer.step() of the optimizer you are given never ran")
        if not any(got for got, _ in steps):
            why = "loss.backward() never ran"
            if forwards and not any(forwards):
                why = "model(inputs) ran with gradients off (under torch.no_grad()?)"
            elif record.gradients:
                why = "loss.backward() ran, but the loss was cut off from the parameters (.detach()?)"
            raise Fail(f"loop/no gradients: the loss never changes, because {why}")
        if not steps[0][0]:
            raise Fail("loop/step before backward: optimizer.step() runs before loss.backward(): swap them")
        if not steps[0][1]:
            raise Fail("loop/gradients wiped: zero_grad() wipes the gradients between backward() and step()")
        raise Fail(
            f"loop/differs later: {matched} the reference, then they differ: each epoch must do zero_grad(), "
            "forward, loss, backward(), step(), once each, in that order"
        )
    pairs = zip(model.parameters(), trained.parameters(), strict=True)
    if not all(torch.allclose(p, q, atol=1e-5) for p, q in pairs):
        raise Fail("loop/trained a copy: the losses are right, but the model you were given is untrained")
    model = copy.deepcopy(start)  # a hand-written SGD step matches too; only optimizer.step() does Adam's
    returned = train_loop(model, optim.Adam(model.parameters(), lr=0.1), inputs, targets, epochs)
    if not same(losses_of(returned, "train_loop()"), replay(start, "Adam", 0.1, inputs, targets, epochs)[0]):
        raise Fail("loop/not the optimizer's step: it matches with SGD, not Adam: use optimizer.step()")


# === Problem 3: plot_loss_curves() ===
# Graded on what the figure shows, however it is drawn: the curves on any axes, by any artist; labels,
# title and legend the axes' or the figure's; the reference line axhline, hlines, axline or a constant.


def check_plot_loss_curves(plot_loss_curves: Callable) -> None:
    inputs, targets = linreg.distance_time_data()
    start, optimal = linreg.lesson_model(), linreg.optimal_loss(inputs, targets)
    rates = {"SGD": linreg.LESSON_LR, "Adam": 0.1}
    histories = {name: replay(start, name, lr, inputs, targets, 30)[0] for name, lr in rates.items()}
    before = set(plt.get_fignums())
    try:
        check_figure(plot_loss_curves(copy.deepcopy(histories), optimal), histories, optimal)
    finally:  # its figures, and only those: a notebook has figures of its own
        for number in set(plt.get_fignums()) - before:
            plt.close(number)


def y_values(artist: object) -> list[np.ndarray]:
    """The y values an artist draws: one array per connected line or set of points."""
    if isinstance(artist, lines.AxLine):  # axline(): a point and a slope, or two points
        (_, y), xy2 = artist.get_xy1(), artist.get_xy2()
        return [np.array([y, y])] if artist.get_slope() == 0 or (xy2 is not None and xy2[1] == y) else []
    try:
        if isinstance(artist, lines.Line2D):  # plot, semilogy, step, axhline...
            return [np.asarray(artist.get_ydata(), dtype=float).ravel()]
        if isinstance(artist, collections.LineCollection):  # hlines: one array per segment
            return [np.asarray(segment, dtype=float)[:, 1] for segment in artist.get_segments()]
        if isinstance(artist, collections.Collection):  # scatter
            return [np.asarray(artist.get_offsets(), dtype=float)[:, 1]]
    except (TypeError, ValueError, IndexError):  # dates, categories: not loss values
        pass
    return []


def check_figure(fig: object, histories: dict[str, list[float]], optimal: float) -> None:
    if not isinstance(fig, figure.Figure):
        got = "the Axes: return its Figure, ax.figure" if isinstance(fig, axes.Axes) else what(fig)
        raise Fail(f"figure/not a figure: plot_loss_curves() returned {got}, not the matplotlib Figure")
    every = list(dict.fromkeys(fig.findobj(axes.Axes)))
    drawn = [(ax, y) for ax in every for artist in ax.get_children() for y in y_values(artist)]

    def showing(values: list[float]) -> list[axes.Axes]:
        return [ax for ax, y in drawn if len(y) == len(values) and np.allclose(y, values, rtol=1e-6, atol=0)]

    for name, losses in histories.items():
        if not showing(losses):
            raise Fail(f"figure/missing curve: nothing on the figure shows the {name!r} losses given")
    places = [{tuple(ax.get_position().bounds) for ax in showing(losses)} for losses in histories.values()]
    if not set.intersection(*places):  # twins, or axes drawn over each other, make one plot
        raise Fail("figure/separate axes: the curves are on different axes: draw them on one, to compare")
    for axis, sup in (("x", fig.get_supxlabel()), ("y", fig.get_supylabel())):
        if not sup.strip() and not any(getattr(ax, f"get_{axis}label")().strip() for ax in every):
            raise Fail(f"figure/no axis label: the plot has no {axis}-axis label: ax.set_{axis}label(...)")
    titles = [ax.get_title(loc) for ax in every for loc in ("left", "center", "right")] + [fig.get_suptitle()]
    if not any(title.strip() for title in titles):
        raise Fail("figure/no title: the plot has no title: ax.set_title(...) says what it shows")
    if not all(any(ax.get_yscale() == "log" for ax in showing(losses)) for losses in histories.values()):
        raise Fail("figure/linear scale: the loss axis is linear: ax.set_yscale('log'), as losses fall")
    if not any(len(y) > 1 and np.allclose(y, optimal, rtol=1e-3) for _, y in drawn):
        raise Fail(f"figure/no reference: no horizontal reference line at the optimal loss, {optimal:.5g}")
    labels = [text.get_text().lower() for box in fig.findobj(legend.Legend) for text in box.get_texts()]
    unnamed = [name for name in histories if not any(name.lower() in label for label in labels)]
    if unnamed:
        missing = "has no legend" if not labels else f"legend does not name {', '.join(map(repr, unnamed))}"
        raise Fail(f"figure/legend: the figure {missing}: give each curve a label, then call ax.legend()")


# === Problem 1, height -> weight: height_weight_data() ===
# Data the lesson's model can train on (two float32 tensors of shape (n, 1)) that could be adults:
# cm and kg, humanly possible, weight rising with height, with scatter, the same for the same seed.


def check_height_weight_data(height_weight_data: Callable) -> None:
    n = 400
    heights, weights = two_tensors(height_weight_data(n, 1))
    shapes = f"heights of shape {tuple(heights.shape)} and weights of shape {tuple(weights.shape)}"
    if not all(t.numel() == n or (t.dim() and len(t) == n) for t in (heights, weights)):
        raise Fail(f"data/shape: asked for n = {n} people, it returned {shapes}: draw n, one row each")
    if tuple(weights.shape) == (n,):
        raise Fail(
            f"data/shape: the weights have shape ({n},), the model's outputs ({n}, 1): MSELoss would warn, "
            f"broadcast them to ({n}, {n}) and fit the mean weight, without an error: weights.reshape(-1, 1)"
        )
    if (heights.shape, weights.shape) != ((n, 1), (n, 1)):
        raise Fail(f"data/shape: it returned {shapes}: nn.Linear takes ({n}, 1), one row per person")
    if not (torch.isfinite(heights).all() and torch.isfinite(weights).all()):
        raise Fail("data/not finite: the data contains NaN or infinite values")
    x, y = heights.double().flatten(), weights.double().flatten()
    mean_height, mean_weight = x.mean().item(), y.mean().item()
    if not 140 <= mean_height <= 200:
        unit = "metres?" if 1.4 <= mean_height <= 2.1 else "inches?" if 55 <= mean_height <= 80 else "adults:"
        raise Fail(f"data/heights unit: the heights average {mean_height:.2f}: {unit} 160-180 cm")
    if not 40 <= mean_weight <= 130:
        slope = np.polyfit(x.numpy(), y.numpy(), 1)[0]  # of the line the weights scatter around
        unit = "pounds? Use kilograms" if 130 < mean_weight <= 300 else "where adults average 60-95 kg"
        if slope > 0 and abs(mean_weight - slope * mean_height) < 0.25 * mean_weight:  # a line through 0
            unit = (
                f"{mean_weight / mean_height:.2f} times the heights: a line without an intercept? Adults "
                f"average 60-95 kg: with your slope, {slope:.2f} kg per cm, an intercept near "
                f"{75 - slope * mean_height:.0f} kg puts the mean near 75 kg"
            )
        raise Fail(f"data/weights unit: the weights average {mean_weight:.1f} kg, {unit}")
    if x.min() < 120 or x.max() > 230:
        spread = f"is their spread too wide (yours: standard deviation {x.std():.1f} cm; adults': 7-10)?"
        raise Fail(f"data/heights out of range: they run from {x.min():.0f} to {x.max():.0f} cm: {spread}")
    if (y <= 0).any():
        raise Fail(f"data/weights not positive: {int((y <= 0).sum())} of the {n} weights are 0 kg or less")
    r = torch.corrcoef(torch.stack([x, y]))[0, 1].nan_to_num(0.0).item()  # weights all alike: r = 0
    if not 0.1 <= r <= 0.98:  # adults': about 0.3-0.6, heavier with height along a line, with scatter
        why = "falls as height rises" if r < -0.2 else "barely depends on height"
        why = "has no scatter" if r > 0.98 else why
        raise Fail(f"data/relation: weight {why} (correlation {r:.3f}): make it a line, plus noise")
    again, other = two_tensors(height_weight_data(n, 1)), two_tensors(height_weight_data(n, 2))
    if not (torch.equal(heights, again[0]) and torch.equal(weights, again[1])):
        raise Fail("data/seed: the same seed gave different data: use torch.Generator().manual_seed(seed)")
    if torch.equal(heights, other[0]):
        raise Fail("data/seed: seeds 1 and 2 gave the same heights: the seed must choose the draw")


def two_tensors(value: object) -> tuple[torch.Tensor, torch.Tensor]:
    both = pair(value)
    if both is None or not all(isinstance(v, torch.Tensor) and v.dtype == torch.float32 for v in both):
        kinds = sorted({f"{v.dtype} tensors" if torch.is_tensor(v) else what(v) for v in both or [value]})
        raise Fail(f"data/type: it returned {' and '.join(kinds)}: return two float32 tensors (.float())")
    return both


# === Problem 1: fit_line() ===
# Gradient descent (an optimizer's step(), or a gradient from autograd) must learn the least-squares
# line; an exact formula (linreg.least_squares, numpy.polyfit) or a gradient worked out on paper not.


def check_fit_line(fit_line: Callable) -> None:
    rng = np.random.default_rng(7)  # the checker's own people: no fit tuned to the learner's data passes
    heights = torch.tensor(rng.normal(168.0, 9.0, size=(300, 1)), dtype=torch.float32)
    weights = 0.95 * heights - 88.0 + torch.tensor(rng.normal(0.0, 10.0, size=(300, 1)), dtype=torch.float32)
    x, y = heights.double().flatten(), weights.double().flatten()
    mean, sd, squared = x.mean().item(), x.std(correction=0).item(), (x**2).mean().item()
    diverged = (
        f"On raw heights (around {mean:.0f} cm) the loss curves {squared:,.0f} times more sharply along the "
        "weight than the bias: a rate that moves the bias makes the weight overshoot. Train on standardized "
        "heights (linreg.standardize), then map the line back to cm (linreg.original_units)"
    )
    with recording() as record:
        try:
            value = fit_line(heights.clone(), weights.clone())
        except linreg.DivergenceError as error:  # linreg.train() stops a diverging run: what it says, and why
            raise Fail(f"fit/diverged: training diverged ({str(error).split(':')[0]}). {diverged}") from None
    slope, intercept = (number(v) for v in pair(value) or (None, None))
    if slope is None or intercept is None:
        raise Fail(f"fit/not two numbers: it must return (slope, intercept); it returned {value!r:.60}")
    if not (math.isfinite(slope) and math.isfinite(intercept)):  # a loop of one's own runs on to NaN
        raise Fail(f"fit/diverged: training diverged (it returned NaN or infinity). {diverged}")
    a, b = (value.item() for value in linreg.least_squares(heights, weights))
    excess = torch.mean((slope * x + intercept - y) ** 2).item() / linreg.optimal_loss(heights, weights) - 1
    exact = excess <= TOLERANCE and math.isclose(slope, a, rel_tol=TOLERANCE)
    if not (record.gradients or record.runs):
        raise Fail(
            "fit/no gradient descent: the checker saw no gradient descent (no optimizer step, no autograd "
            f"gradient){', though your line is exact' if exact else ''}: learn it by training a model; an "
            "exact formula such as linreg.least_squares is the checker's reference"
        )
    if exact:
        return
    seen = f"your slope is {slope:.4f} kg/cm, intercept {intercept:.2f} kg; least squares {a:.4f}, {b:.2f}"
    w, bias = a * sd, y.mean().item()  # the least-squares line on standardized heights
    mistakes = {  # what each mistake in mapping the line back to cm returns, and what to say
        (b, a): "fit/swapped: the same two numbers, the other way round: return (slope, intercept)",
        (w, bias): "fit/not mapped back: the line for standardized heights: linreg.original_units",
        (a, bias): "fit/not mapped back: the intercept is the standardized line's: bias - slope * mean",
        (a, bias - w * mean): "fit/not mapped back: the intercept subtracts the standardized w * mean",
        (w * sd, bias - w * sd * mean): f"fit/slope times std: the slope is {sd**2:.1f} times too large, the "
        f"heights' variance: divide the standardized weight by the standard deviation ({sd:.2f} cm)",
    }
    for line, mistake in mistakes.items():
        if np.allclose((slope, intercept), line, rtol=0.02, atol=0):
            key, hint = mistake.split(": ", 1)
            raise Fail(f"{key}: {seen}: {hint}")
    if abs(slope) < 0.05 * abs(a) and math.isclose(intercept, bias, rel_tol=0.02):
        raise Fail(f"fit/flat line: {seen}: flat, as from predictions (N,) against targets (N, 1)")
    raise Fail(
        f"fit/not least squares: {seen}; its MSE is {100 * excess:.1f} % higher. Either training stopped "
        "before it converged (train longer, or faster on standardized heights), or the line was mapped back "
        "to cm wrongly (slope = w / std, intercept = b - slope * mean)"
    )


# === Problem 2, SGD against Adam: compare_optimizers() ===
# From the lesson's start and data: SGD at the lesson's rate ends 3.7 % above the optimal loss here too.
# Each optimizer that steps is recorded with its model's loss before and after each step, to trace a
# history to its run (momentum, betas are the learner's); one no run explains is graded on what it shows.

COMPARE_EPOCHS, OTHER_EPOCHS = linreg.LESSON_EPOCHS, 200  # the second call: is `epochs` used?
RESULT = '{"SGD": (lr, losses), "Adam": (lr, losses)}'


def check_compare_optimizers(compare_optimizers: Callable) -> None:
    inputs, targets = linreg.distance_time_data()
    start, optimal = linreg.lesson_model(), linreg.optimal_loss(inputs, targets)
    expected = nn.functional.mse_loss(start(inputs), targets).item()  # start's loss
    limit = 2 / torch.linalg.eigvalsh(linreg.mse_hessian(inputs)).max().item()  # SGD diverges above it
    result, runs = call(compare_optimizers, start, inputs, targets, COMPARE_EPOCHS)
    for name, (lr, losses) in result.items():
        cap = f"; above {limit:.4g} SGD diverges on this data" if name == "SGD" else ""
        if not all(map(math.isfinite, losses)) or losses[-1] > losses[0]:  # before the count: it may stop
            finite = len(list(itertools.takewhile(math.isfinite, losses)))
            how = f"its loss grew from {losses[0]:.4g} to {losses[-1]:.4g}"
            how = f"its loss became {losses[finite]} in epoch {finite + 1}" if finite < len(losses) else how
            raise Fail(
                f"compare/diverged: the {name} run at learning rate {lr:g} diverged ({how}{cap}): each step "
                f"overshoots further than the last. Use a smaller learning rate: try {lr / 10:g}"
            )
        losses_of(losses, f"the {name} run", COMPARE_EPOCHS)
        trace(name, lr, losses, expected, runs)
        ratio = losses[-1] / optimal
        if ratio - 1 > TOLERANCE:
            above = f"{ratio:.1f} times" if ratio > 2 else f"{100 * (ratio - 1):.1f} %"
            highest = limit if name == "SGD" else math.inf
            larger = ", ".join(f"{v:g}" for v in (0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10) if lr < v < highest)
            raise Fail(
                f"compare/not converged: {name} at learning rate {lr:g} ends {above} above the optimal loss "
                f"after {COMPARE_EPOCHS} epochs ({losses[-1]:.4g} against {optimal:.4g}), from the lesson's "
                f"start and its data: it has not converged. Try larger rates ({larger}{cap}), keep the best"
            )
    for name, (_, losses) in call(compare_optimizers, start, inputs, targets, OTHER_EPOCHS)[0].items():
        if len(losses) == COMPARE_EPOCHS:
            raise Fail(f"compare/ignores epochs: asked for {OTHER_EPOCHS} epochs, it gave {COMPARE_EPOCHS}")
        losses_of(losses, f"the {name} run", OTHER_EPOCHS)


def call(compare_optimizers: Callable, start: nn.Module, inputs, targets, epochs: int) -> tuple[dict, list]:
    """The learner's result read as {name: (lr, losses)}, and the runs it trained, with their losses."""
    before, xs, ys = copy.deepcopy(start.state_dict()), inputs.flatten().tolist(), targets.flatten().tolist()

    def measure(parameters: list[torch.Tensor]) -> float:  # the MSE of start's model, a line, with these
        try:
            weight, bias = (parameter.item() for parameter in parameters)
        except (ValueError, RuntimeError):  # another model than start's: no run to trace
            return math.nan
        return sum((weight * x + bias - y) ** 2 for x, y in zip(xs, ys, strict=True)) / len(xs)

    with recording(measure if epochs == COMPARE_EPOCHS else None) as record:
        result = compare_optimizers(start, inputs.clone(), targets.clone(), epochs)
    if any(not torch.equal(before[key], value) for key, value in start.state_dict().items()):
        raise Fail("compare/changed start: it changed `start`: train copies of it, copy.deepcopy(start)")
    read = {}
    for name in OPTIMIZERS:
        entry = pair(result.get(name)) if isinstance(result, dict) else None
        lr = number(entry[0]) if entry else None
        if lr is None or not lr > 0:
            got = f'"{name}": {result[name]!r:.40}' if isinstance(result, dict) and name in result else result
            raise Fail(f"compare/result: return {RESULT}, not {got!s:.40}")
        read[name] = (lr, losses_of(entry[1], f"the {name} run"))
    return read, list(record.runs.values())


def trace(name: str, lr: float, losses: list[float], expected: float, runs: list[Run]) -> None:
    """The history must come from a run begun at start (loss `expected`), of the optimizer and rate given."""
    source = next((run for run in runs if same(run.before, losses, rtol=1e-3)), None)
    mine = [source] if source else [run for run in runs if isinstance(run.optimizer, OPTIMIZERS[name])]
    if not math.isclose(losses[0], expected, rel_tol=1e-4):
        seen = f"the {name} losses begin at {losses[0]:.6g}, not at start's loss, {expected:.6g}"
        if source is None and any(same(run.after, losses, rtol=1e-3) for run in runs):
            raise Fail(f"compare/one epoch ahead: {seen}: one epoch ahead: keep each from before step()")
        began = [run for run in mine if run.before and math.isclose(run.before[0], expected, rel_tol=1e-4)]
        if source is None and began:
            raise Fail(f"compare/not the MSE: {seen}, where the run began: keep nn.MSELoss() of each epoch")
        ended = [r for r in runs if source and r.after and math.isclose(r.after[-1], source.before[0])]
        fix = "train a copy of it, copy.deepcopy(start), for each run"
        if ended:
            fix = (
                f"the run began where your {label(ended[0])} ended: give every run a fresh copy, "
                "copy.deepcopy(start), made inside the loop"
            )
        raise Fail(f"compare/not from start: {seen}: {fix}")
    if source is not None and not isinstance(source.optimizer, OPTIMIZERS[name]):
        raise Fail(f'compare/wrong optimizer: the "{name}" losses are those of your {label(source)}')
    if mine and not any(math.isclose(lr, rate, rel_tol=1e-6) for run in mine for rate in run.rates):
        trained = ", ".join(map(label, mine))
        raise Fail(f"compare/learning rate: you return {lr:g} for {name}, but trained: {trained}")


def label(run: Run) -> str:
    rates = " and ".join(f"{rate:g}" for rate in dict.fromkeys(run.rates))
    return f"optim.{type(run.optimizer).__name__} run at learning rate {rates}"


# === The problems, in the order graded: train_loop() first, as answers to problems 1 and 2 may call it ===

# A function's points come all or nothing: its check stops at the first broken condition, since the later
# ones mean little after it (a legend of no curves), and GitHub Classroom scores a step all or nothing.
# The values are literals: check.py reads them without importing this file (and torch).
PROBLEMS = {  # function: (its problem's number in the README and the template, its points, its check)
    "train_loop": (3, 4, check_train_loop),  # the lesson's heart, and what problems 1 and 2 build on
    "plot_loss_curves": (3, 2, check_plot_loss_curves),
    "height_weight_data": (1, 2, check_height_weight_data),
    "fit_line": (1, 2, check_fit_line),
    "compare_optimizers": (2, 2, check_compare_optimizers),
}


def grade_one(namespace: dict, name: str, loop: str = "") -> Verdict:
    """The verdict on one function; one that calls a failing train_loop() is told so (`loop`: its verdict,
    check.loop_state(), if known; else it is graded now, when needed)."""
    problem, _, check = PROBLEMS[name]
    refuse = "train_loop() ran past its time limit" if loop == "timed out" else ""
    with calls_to(namespace, "train_loop", refuse) as calls:
        verdict = run_check(check, namespace, name, problem)
    if verdict.passed or name == "train_loop" or not calls:
        return verdict
    if (loop or loop_state(grade_one(namespace, "train_loop"))) == "passed":
        return verdict
    hint = "it calls your train_loop(), which fails its own check: until that passes, this one can't tell"
    return Verdict(name, problem, False, hint, "loop fails first")


def check(function: Callable, time_limit: float = TIME_LIMIT) -> None:
    """Check one function in place, as a notebook's check cell does; print its verdict as the command would.
    The time limit needs a timer signal: on Windows there is none, and a check runs until it ends."""
    name = getattr(function, "__name__", "")
    if name not in PROBLEMS:
        return print(f"check() grades one of {', '.join(PROBLEMS)}: pass it the function, check(train_loop)")
    namespace = getattr(function, "__globals__", {})  # a notebook's: where its other functions are
    namespace = namespace if namespace.get(name) is function else {name: function}
    print(verdict_line(graded(namespace, name, "", time_limit, f"check({name}, time_limit=SECONDS)")))


def graded(namespace: dict, name: str, loop: str = "", seconds: float | None = None, more="") -> Verdict:
    """grade_one(), with what the learner's code printed, and (with `seconds`) a time limit (in_place())."""
    printed = Printed()
    try:
        with in_place(printed, seconds):
            verdict = grade_one(namespace, name, loop)
    except OutOfTime:
        verdict = stopped(name, PROBLEMS[name][0], ("time limit",), seconds, more)
    return printed.into(verdict)


# === What the checks share ===


class Fail(Exception):  # noqa: N818 (a verdict, not an error)
    """A check failed: Fail("key: hint"). The key, before the first ": ", names the mistake whatever numbers
    the hint quotes (tests, and counts over a class, go by it); the rest is the hint."""

    def __init__(self, text: str) -> None:
        self.key, _, hint = text.partition(": ")
        super().__init__(hint)


class OutOfTime(BaseException):
    """A notebook's check ran past its time limit. Not an Exception, which the learner's code may catch."""


def what(value: object) -> str:
    """A value in a few words: 'None', 'an int', 'a Tensor of shape (3,)'."""
    name = type(value).__name__.replace("ndarray", "numpy array")
    of = f" of shape {tuple(value.shape)}" if isinstance(value, (torch.Tensor, np.ndarray)) else ""
    return "None" if value is None else f"{'an' if name[0] in 'aeiou' else 'a'} {name}{of}"


def number(value: object) -> float | None:
    """A real number as a float, whatever holds it: int, float, numpy or one-element tensor (not a bool)."""
    if isinstance(value, (torch.Tensor, np.ndarray)) and value.reshape(-1).shape[0] == 1:
        value = value.reshape(-1)[0].item()
    return float(value) if isinstance(value, numbers.Real) and not isinstance(value, bool) else None


def pair(value: object) -> tuple[object, object] | None:
    """The two items of a tuple, a list or another sequence of two; None if it is not one."""
    try:
        return (value[0], value[1]) if not isinstance(value, (str, dict)) and len(value) == 2 else None
    except (TypeError, KeyError, IndexError):
        return None


def losses_of(value: object, who: str, epochs: int | None = None) -> list[float]:
    """A loss history (a list, tuple or numpy array of numbers, one per epoch) as floats, or its hint."""
    items = value.tolist() if isinstance(value, np.ndarray) and value.ndim == 1 else value
    listed = isinstance(items, (list, tuple))
    if isinstance(value, torch.Tensor) or listed and any(isinstance(v, torch.Tensor) for v in items):
        raise Fail(f"losses: {who} returned tensors: keep loss.item(), a plain float, for each epoch")
    floats = [number(v) for v in items] if listed else [None]
    if None in floats:
        bad = f"{what(items[floats.index(None)])} among its losses" if listed else what(value)
        raise Fail(f"losses: {who} returned {bad}: return a list with one float per epoch")
    if epochs is not None and len(floats) != epochs:
        got = f"{counted(len(floats), 'loss', 'losses')} for {counted(epochs, 'epoch')}"
        raise Fail(f"loss count: {who} returned {got}: keep exactly one per epoch")
    return floats


def replay(start: nn.Module, name: str, lr: float, inputs, targets, epochs: int, no_zero_grad=False):
    """The training loop from a copy of start: (its losses, the trained model); or without zero_grad()."""
    model = copy.deepcopy(start)
    optimizer = OPTIMIZERS[name](model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        if not no_zero_grad:
            optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(inputs), targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses, model


def same(a: list[float], b: list[float], rtol: float = 1e-4) -> bool:
    return len(a) == len(b) and bool(np.allclose(a, b, rtol=rtol, atol=1e-7))


@dataclass
class Run:
    """An optimizer that stepped while recording, and its model's loss before and after each step."""

    optimizer: optim.Optimizer
    rates: list[float]  # of each parameter group, at the first step
    before: list[float] = field(default_factory=list)
    after: list[float] = field(default_factory=list)


class Record:
    """The runs that stepped, by id(optimizer), and the count of autograd passes (loss.backward(),
    torch.autograd.grad, torch.func.grad): it stands in for autograd's engine, which all of them use."""

    def __init__(self, engine: object) -> None:
        self.engine, self.runs, self.gradients = engine, {}, 0

    def run_backward(self, *args: object, **kwargs: object) -> object:
        self.gradients += 1
        return self.engine.run_backward(*args, **kwargs)

    def __getattr__(self, name: str) -> object:
        return getattr(self.engine, name)


@contextmanager
def recording(measure: Callable[[list[torch.Tensor]], float] | None = None) -> Iterator[Record]:
    """Record every optimizer step (torch's global hooks see any optimizer's) and autograd pass while the
    block runs; with `measure`, each run's loss before and after every step, to trace a history to it."""
    record = Variable._execution_engine = Record(Variable._execution_engine)

    def hook(when: str) -> Callable:
        def seen(optimizer: optim.Optimizer, *_: object) -> None:
            rates = [group["lr"] for group in optimizer.param_groups]
            run = record.runs.setdefault(id(optimizer), Run(optimizer, rates))
            if measure:
                getattr(run, when).append(measure([p for g in optimizer.param_groups for p in g["params"]]))

        return seen

    hooks = [optimizer_hooks.register_optimizer_step_pre_hook(hook("before"))]
    hooks.append(optimizer_hooks.register_optimizer_step_post_hook(hook("after")))
    try:
        yield record
    finally:
        Variable._execution_engine = record.engine
        for handle in hooks:
            handle.remove()


def load(pieces: list[tuple[str, str]], path: Path) -> dict:
    """Run the learner's code (check.read_source's pieces) as a module of its own; its namespace."""
    module = sys.modules["attempt"] = types.ModuleType("attempt")  # where dataclasses look their module up
    module.__file__ = str(path)
    sys.path.insert(0, str(path.resolve().parent))  # a learner's file may import its neighbours
    for name, code in pieces:
        try:
            compiled = compile(code, name, "exec")
        except (SyntaxError, ValueError) as error:  # Python 3.10 refuses a null byte with ValueError
            line = f", line {error.lineno}" if getattr(error, "lineno", None) else ""
            raise LoadError(f"{name}{line}: syntax error: {getattr(error, 'msg', error)}") from None
        try:
            exec(compiled, module.__dict__)
        except (Exception, SystemExit) as error:  # any error of the learner's code, in one line
            raise LoadError(f"{name} failed while loading, {where(error, {name})}") from None
    return module.__dict__


def where(error: BaseException, files: set[str]) -> str:
    """'line 3 in fit_line(): ValueError: ...': the error at the learner's line it came from."""
    frames = traceback.extract_tb(error.__traceback__)
    frame = ([frame for frame in frames if frame.filename in files] or frames or [None])[-1]
    said = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return f"line {frame.lineno} in {frame.name}(): {said}" if frame else said


def run_check(check: Callable, namespace: dict, name: str, problem: int) -> Verdict:
    """One check on the learner's function `name`: its verdict, with a hint for whatever went wrong."""
    code = [f for f in namespace.values() if isinstance(f, types.FunctionType) and f.__globals__ is namespace]
    files = {f.__code__.co_filename for f in code}  # the learner's: a file, or a notebook's cells

    def failed(key: str, hint: str) -> Verdict:
        return Verdict(name, problem, False, hint, key)

    if not callable(namespace.get(name)):
        return failed("missing function", f"there is no function {name}(): keep the names from exercises.py")
    try:
        check(namespace[name])
    except Fail as failure:
        return failed(failure.key, str(failure))
    except NotImplementedError as error:
        return failed("not implemented", f"not implemented yet ({where(error, files).split(':')[0]})")
    except SystemExit as error:
        return failed("exited", f"{name}() stopped Python at {where(error, files)}: return a result instead")
    except Exception as error:  # a learner's bug becomes a hint; PyTorch's on two classic mistakes explained
        said, message = f"{name}() raised an error at {where(error, files)}", str(error)
        if "Boolean value of Tensor" in message and "_reduction.py" in traceback.format_exc():
            loss = "create it, loss_function = nn.MSELoss(), then call loss_function(outputs, targets)"
            return failed("raised/loss class", f"{said}: nn.MSELoss is a class, not the loss: {loss}")
        if "mat1 and mat2 shapes cannot be multiplied" in message:
            return failed("raised/input shape", f"{said}: nn.Linear(1, 1) takes inputs of shape (N, 1)")
        return failed("raised", said)
    return Verdict(name, problem, True)


@contextmanager
def calls_to(namespace: dict, name: str, refuse: str = "") -> Iterator[list[None]]:
    """Record each call the learner's code makes to its `name` (or, with `refuse`, refuse it): its functions
    find it in their globals, the namespace, where a wrapper sees every call, also through helpers."""
    calls, function = [], namespace.get(name)

    def recorded(*args: object, **kwargs: object) -> object:
        calls.append(None)
        if refuse:
            raise RuntimeError(refuse)
        return function(*args, **kwargs)

    namespace.update({name: recorded} if callable(function) else {})
    try:
        yield calls
    finally:
        namespace.update({name: function} if callable(function) else {})


@contextmanager
def in_place(printed: Printed, seconds: float | None = None) -> Iterator[None]:
    """What the block prints goes into `printed` (torch's warnings not: the hints say more); with `seconds`,
    OutOfTime is raised in it after that long, where a timer signal can (not on Windows; in a main thread)."""
    timer = seconds and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()

    def stop(*_: object) -> None:
        raise OutOfTime

    if timer:
        previous = signal.signal(signal.SIGALRM, stop)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        with redirect_stdout(printed), redirect_stderr(printed), warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            yield
    finally:
        if timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
