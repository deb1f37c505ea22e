"""Problem 3, the loss curve: the checks of train_loop() and plot_loss_curves(), with their hints.

train_loop() gets an optimizer built here, so its run can be replayed exactly; when the
losses differ, the checker watches the loop (when backward() fills the gradients and
when step() runs) and replays classic mistakes to name the one made.

plot_loss_curves() is graded on what the figure shows, however it was drawn: the curves
may be on any axes of the figure and drawn by any artist (plot, semilogy, step,
scatter...); the title may be the axes' or the figure's (suptitle), the legend too; the
reference line may be axhline, hlines, axline or a plotted constant.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

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

from linreg import LESSON_LR, distance_time_data, optimal_loss

from .grading import (
    CheckError,
    as_losses,
    counted,
    first_difference,
    register,
    replay,
    same,
    start_model,
    what,
)

# --- train_loop() ---

register(
    {
        "loop/no zero_grad": (
            "the loss history matches the reference for one step and then differs: "
            "did you call optimizer.zero_grad()? Gradients add up from one backward() to the next"
        ),
        "loop/never stepped": (
            "optimizer.step() of the optimizer you are given never ran, so it never updated the "
            "parameters: call optimizer.step() after loss.backward(), once per epoch, on that optimizer "
            "(don't build one of your own)"
        ),
        "loop/no backward": (
            "the loss never changes, because loss.backward() never ran: without gradients, step() "
            "has nothing to follow. Call loss.backward() before optimizer.step()"
        ),
        "loop/step before backward": (
            "optimizer.step() runs before loss.backward(), so the first step finds no gradients at "
            "all and no step follows the gradients of its own epoch: call loss.backward() first, "
            "then optimizer.step(), which uses the gradients that backward() computes"
        ),
        "loop/gradients wiped": (
            "the loss never changes, so the parameters never move: loss.backward() computes the "
            "gradients, but optimizer.zero_grad() wipes them before optimizer.step() can use them. "
            "Call zero_grad() at the start of each epoch (or after step()), never between "
            "backward() and step()"
        ),
        "loop/one epoch ahead": (
            "your losses are one epoch ahead of the reference: keep the loss computed in the "
            "forward pass, before optimizer.step() changes the parameters"
        ),
        "loop/summed loss": (
            "the first epoch's loss is {n} times the MSE of the model you were given, once "
            "per example: nn.MSELoss(reduction='sum') adds the squared errors up instead of averaging "
            "them, which makes every gradient and step {n} times larger. Use nn.MSELoss()"
        ),
        "loop/broadcast shapes": (
            "the first epoch's loss, {loss:.6g}, is what MSELoss gives when the predictions have shape "
            "({n},) and the targets ({n}, 1), or the other way round: it broadcasts them to ({n}, {n}) "
            "and compares every prediction with every target. Keep both of shape ({n}, 1): don't "
            "squeeze() or flatten() the model's output or the targets"
        ),
        "loop/wrong first loss": (
            "the first epoch's loss is {loss:.6g}, but the MSE of the model you were given "
            "is {expected:.6g}: use nn.MSELoss() on model(inputs) and targets, and train the "
            "model passed in (don't create a new one)"
        ),
        "loop/differs later": (
            "the loss history matches the reference for {agree}, then differs: each epoch "
            "must do zero_grad(), forward, loss, backward(), step(), once each, in that order"
        ),
        "loop/trained a copy": (
            "the losses are right, but the model you were given did not end with the trained "
            "parameters: train that model itself, not a copy"
        ),
        "loop/not the optimizer's step": (
            "with SGD your loop matches the reference, with Adam it does not: update the "
            "parameters with optimizer.step(), using the optimizer you are given"
        ),
    }
)


@dataclass(frozen=True)
class Step:
    """One optimizer.step() of the learner's loop, as the checker saw it."""

    after_backward: bool  # backward() put gradients into the parameters since the previous step
    with_gradients: bool  # some parameter held a non-zero gradient when step() ran


@contextmanager
def watching(model: nn.Module, optimizer: optim.Optimizer) -> Iterator[list[Step]]:
    """The steps of `optimizer` while the block runs, each with what backward() had done before it."""
    steps: list[Step] = []
    backward_passes = 0

    def gradient_arrived(parameter: torch.Tensor) -> None:
        nonlocal backward_passes
        backward_passes += 1

    def stepping(optimizer: optim.Optimizer, args: object, kwargs: object) -> None:
        nonlocal backward_passes
        held = [p.grad for p in model.parameters() if p.grad is not None]
        steps.append(Step(backward_passes > 0, any(bool(g.abs().sum() > 0) for g in held)))
        backward_passes = 0

    handles = [p.register_post_accumulate_grad_hook(gradient_arrived) for p in model.parameters()]
    handles.append(optimizer.register_step_pre_hook(stepping))
    try:
        yield steps
    finally:
        for handle in handles:
            handle.remove()


def check_train_loop(train_loop: Callable) -> None:
    inputs, targets = distance_time_data()
    start, epochs = start_model(seed=3), 20
    model = copy.deepcopy(start)
    optimizer = optim.SGD(model.parameters(), lr=LESSON_LR)
    with watching(model, optimizer) as steps:
        returned = train_loop(model, optimizer, inputs, targets, epochs)
    losses = as_losses(returned, epochs, "train_loop()")
    expected, trained = replay(start, "SGD", LESSON_LR, inputs, targets, epochs)
    if not same(losses, expected):
        key, values = diagnose_loop(losses, expected, start, inputs, targets, steps)
        raise CheckError(key, **values)
    if not all(
        torch.allclose(p, q, atol=1e-5) for p, q in zip(model.parameters(), trained.parameters(), strict=True)
    ):
        raise CheckError("loop/trained a copy")
    # An SGD step written by hand also matches above; only the optimizer's own step()
    # gives Adam's steps too.
    model = copy.deepcopy(start)
    losses = as_losses(
        train_loop(model, optim.Adam(model.parameters(), lr=0.1), inputs, targets, epochs),
        epochs,
        "train_loop()",
    )
    if not same(losses, replay(start, "Adam", 0.1, inputs, targets, epochs)[0]):
        raise CheckError("loop/not the optimizer's step")


def diagnose_loop(
    losses: list[float],
    expected: list[float],
    start: nn.Module,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    steps: list[Step],
) -> tuple[str, dict[str, object]]:
    """The key of the likeliest mistake behind a loss history that differs from the reference."""
    epochs, n = len(expected), len(inputs)

    def like(mistake: str) -> bool:
        return same(losses, replay(start, "SGD", LESSON_LR, inputs, targets, epochs, mistake)[0])

    if like("no zero_grad"):
        return "loop/no zero_grad", {}
    if same(losses[:-1], expected[1:]):
        return "loop/one epoch ahead", {}
    # The first loss is the given model's, before any update: when it differs, the loss is wrong.
    if math.isclose(losses[0], n * expected[0], rel_tol=1e-4):
        return "loop/summed loss", {"n": n}
    if math.isclose(losses[0], broadcast_loss(start, inputs, targets), rel_tol=1e-4):
        return "loop/broadcast shapes", {"loss": losses[0], "n": n}
    if not math.isclose(losses[0], expected[0], rel_tol=1e-4):
        return "loop/wrong first loss", {"loss": losses[0], "expected": expected[0]}
    # The loss is right, so the updates are wrong: what the steps saw tells which way.
    if not steps:
        return "loop/never stepped", {}
    if not any(step.after_backward for step in steps):
        return "loop/no backward", {}
    if not steps[0].after_backward:
        return "loop/step before backward", {}
    if not steps[0].with_gradients:
        return "loop/gradients wiped", {}
    return "loop/differs later", {"agree": counted(first_difference(losses, expected), "epoch")}


def broadcast_loss(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    """The MSE of predictions of shape (N,) against targets (N, 1): a mean over (N, N) pairs."""
    with torch.no_grad():
        return torch.mean((model(inputs).reshape(-1) - targets) ** 2).item()


# --- plot_loss_curves() ---

register(
    {
        "figure/returned axes": "plot_loss_curves() returned the Axes: return the Figure (fig, or ax.figure)",
        "figure/not a figure": "plot_loss_curves() returned {what}: return the matplotlib Figure (fig)",
        "figure/empty": "the figure has nothing drawn on it: plot each history with ax.plot(epochs, losses)",
        "figure/missing curve": (
            "nothing on the figure shows the {name!r} losses you were given: plot every history "
            "of the dict, all its values in order"
        ),
        "figure/log of losses": (
            "you plotted the logarithm of the {name!r} losses: plot the losses themselves and make "
            "the axis logarithmic with ax.set_yscale('log'), so its ticks read as losses"
        ),
        "figure/separate axes": (
            "the curves are on different axes: draw them all on one set of axes, so that the "
            "optimizers can be compared at a glance"
        ),
        "figure/no axis label": (
            "the plot has {which}: name what each axis shows, "
            "e.g. ax.set_xlabel('epoch'), ax.set_ylabel('MSE loss')"
        ),
        "figure/no title": (
            "the plot has no title: ax.set_title(...) (or fig.suptitle(...)) says what the figure shows"
        ),
        "figure/linear scale": (
            "the loss axis is linear: ax.set_yscale('log'). The loss falls by orders of magnitude, so "
            "on a linear scale everything after the first epochs is flat"
        ),
        "figure/no reference": (
            "no horizontal reference line at the optimal loss: ax.axhline(optimal_loss) (here {optimal:.5g})"
        ),
        "figure/no legend": (
            "the figure has no legend: plot each curve with label=name, then call ax.legend(), so the "
            "reader can tell {names} apart"
        ),
        "figure/legend": (
            "the legend does not name {unnamed}: plot each curve with label=name, then call ax.legend()"
        ),
    }
)


def training_histories() -> tuple[dict[str, list[float]], float]:
    inputs, targets = distance_time_data()
    start = start_model(seed=4)
    rates = (("SGD", LESSON_LR), ("Adam", 0.1))
    histories = {name: replay(start, name, lr, inputs, targets, 30)[0] for name, lr in rates}
    return histories, optimal_loss(inputs, targets)


def check_plot_loss_curves(plot_loss_curves: Callable) -> None:
    histories, optimal = training_histories()
    try:
        check_figure(plot_loss_curves(copy.deepcopy(histories), optimal), histories, optimal)
    finally:
        plt.close("all")


@dataclass(frozen=True)
class Series:
    """Values drawn on an axes, in the order drawn: a line's y values, a scatter's, a step plot's."""

    axes: Axes
    y: np.ndarray


def drawn(figure: Figure) -> list[Series]:
    """Every series of y values the figure shows, on any of its axes (subfigures included)."""
    series = []
    for ax in dict.fromkeys(figure.findobj(Axes)):
        for artist in ax.get_children():
            series += [Series(ax, y) for y in y_values(artist)]
    return series


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


def shows(series: Series, values: list[float]) -> bool:
    return len(series.y) == len(values) and bool(np.allclose(series.y, values, rtol=1e-6, atol=0))


def plots(figure: Figure) -> list[list[Axes]]:
    """The figure's axes, grouped by place: twins, or axes drawn over each other, read as one plot."""
    groups: list[list[Axes]] = []
    for ax in dict.fromkeys(figure.findobj(Axes)):
        bounds = ax.get_position().bounds
        group = next((g for g in groups if np.allclose(g[0].get_position().bounds, bounds)), None)
        if group is None:
            groups.append([ax])
        else:
            group.append(ax)
    return groups


# What a plot showing every history must also have, in the order checked: a figure that fails
# on every plot gets the hint of the plot that came furthest.
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
        raise CheckError("figure/returned axes")
    if not isinstance(figure, Figure):
        raise CheckError("figure/not a figure", what=what(figure))
    series = drawn(figure)
    if not series:
        raise CheckError("figure/empty")
    complete = [
        plot
        for plot in plots(figure)
        if all(any(shows(s, losses) for s in series if s.axes in plot) for losses in histories.values())
    ]
    if not complete:
        for name, losses in histories.items():
            find_curve(series, name, losses)
        raise CheckError("figure/separate axes")  # each history is drawn, but not all on one plot
    failures = []
    for plot in complete:
        try:
            check_plot(figure, plot, series, histories, optimal)
            return
        except CheckError as failure:
            failures.append(failure)
    raise max(failures, key=lambda failure: PLOT_HINTS.index(failure.key))


def find_curve(series: list[Series], name: str, losses: list[float]) -> None:
    """Nothing if some axes shows this history; else the hint saying what is drawn instead."""
    if any(shows(s, losses) for s in series):
        return
    for log in (np.log10, np.log):  # a log scale done by hand, on a linear axis
        if any(shows(s, log(losses).tolist()) for s in series):
            raise CheckError("figure/log of losses", name=name)
    raise CheckError("figure/missing curve", name=name)


def check_plot(
    figure: Figure, plot: list[Axes], series: list[Series], histories: dict[str, list[float]], optimal: float
) -> None:
    """The labels, title, scale, reference line and legend of the plot that shows the curves."""
    check_labels(figure, plot)
    if not any(ax.get_title(loc).strip() for ax in plot for loc in ("left", "center", "right")):
        if not figure.get_suptitle().strip():
            raise CheckError("figure/no title")
    curves = {s.axes for s in series if s.axes in plot and any(shows(s, h) for h in histories.values())}
    if any(ax.get_yscale() != "log" for ax in curves):
        raise CheckError("figure/linear scale")
    if not any(len(s.y) >= 2 and np.allclose(s.y, optimal, rtol=1e-3) for s in series if s.axes in plot):
        raise CheckError("figure/no reference", optimal=optimal)
    labels = [text.get_text().lower() for legend in figure.findobj(Legend) for text in legend.get_texts()]
    if not labels:
        raise CheckError("figure/no legend", names=" and ".join(map(repr, histories)))
    unnamed = [name for name in histories if not any(name.lower() in label for label in labels)]
    if unnamed:
        raise CheckError("figure/legend", unnamed=", ".join(map(repr, unnamed)))


def check_labels(figure: Figure, plot: list[Axes]) -> None:
    """An x and a y label, on the plot's axes or on the figure (supxlabel, supylabel)."""
    x = any(ax.get_xlabel().strip() for ax in plot) or figure.get_supxlabel().strip()
    y = any(ax.get_ylabel().strip() for ax in plot) or figure.get_supylabel().strip()
    missing = [axis for axis, labelled in (("x", x), ("y", y)) if not labelled]
    if missing:
        which = "no axis labels" if len(missing) == 2 else f"no {missing[0]}-axis label"
        raise CheckError("figure/no axis label", which=which)
