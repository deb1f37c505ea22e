"""The lesson's pictures, one function per figure: the scripts say what to draw, this says how.

Each function takes the numbers to show and returns a matplotlib Figure, which the script
saves with `linreg.save_figure()`. `lesson.py` and `deeper.py` share these helpers, so a
picture drawn in both is drawn the same way. Layout is matplotlib's own
(`layout="constrained"`): no margins tuned by hand.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import torch
from matplotlib import ticker
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure

from linreg import least_squares, mse_of_lines

Point = tuple[float, float]  # a line's (weight, bias): one point on the loss's map
MILES = torch.linspace(0, 4.5, 50)  # the distances at which a line is drawn across the data
START_LABEL = "start (seed 42)"


def plain_log_scale(axis: Axis) -> None:
    """A log scale labelled 0.1, 1, 10 rather than 10^-1, 10^0, 10^1: plain numbers read faster."""
    axis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:g}"))
    axis.set_minor_locator(ticker.NullLocator())


def finish(ax: Axes, title: str) -> None:
    """Title the axes and keep their tick labels few: four or five numbers per axis read at a
    glance. The title is placed explicitly, at its usual place, so that matplotlib does not work
    that place out again from the tick labels at every draw. Both make a figure quicker to draw."""
    ax.set_title(title, y=1)
    for axis in (ax.xaxis, ax.yaxis):
        locator = axis.get_major_locator()
        if type(locator) is ticker.AutoLocator:  # not where a figure chose its ticks itself
            axis.set_major_locator(ticker.MaxNLocator(nbins=4, steps=[1, 2, 5, 10]))
        elif type(locator) is ticker.LogLocator:
            axis.set_major_locator(ticker.LogLocator(numticks=5))


def deliveries(ax: Axes, distances: torch.Tensor, times: torch.Tensor) -> None:
    """The article's four deliveries as dots, on axes that leave room for every line drawn."""
    ax.scatter(distances.flatten(), times.flatten(), color="black", zorder=3, label="deliveries")
    ax.set(xlabel="distance (miles)", ylabel="time (minutes)", xlim=(0, 4.5), ylim=(-2, 25), xticks=range(5))


def before_training(distances: torch.Tensor, times: torch.Tensor, line: Point) -> Figure:
    """The deliveries, the untrained model's line, and its errors as dotted segments."""
    weight, bias = line
    fig, ax = plt.subplots(figsize=(5, 3.6), layout="constrained")
    deliveries(ax, distances, times)
    ax.plot(MILES, weight * MILES + bias, color="tab:red")
    ax.vlines(distances.flatten(), weight * distances.flatten() + bias, times.flatten(), "tab:red", ":")
    finish(ax, f"Before training: the random line {weight:.2f}x + {bias:.2f}")
    return fig


def learning(distances: torch.Tensor, times: torch.Tensor, lines: dict[int, Point]) -> Figure:
    """The line after each number of epochs in `lines`, darker as training goes on."""
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    deliveries(ax, distances, times)
    shades = plt.cm.Reds(torch.linspace(0.3, 1, len(lines)).tolist())
    for (epochs, (weight, bias)), shade in zip(lines.items(), shades, strict=True):
        label = f"after {epochs} epochs: {weight:.2f}x + {bias:.2f}"
        ax.plot(MILES, weight * MILES + bias, color=shade, label=label)
    finish(ax, "The line, as training goes on")
    ax.legend(loc="upper left", fontsize=8)
    return fig


def fit(
    curves: dict[str, list[float]], best_loss: float, trained: Point, exact: Point, gap_title: str
) -> Figure:
    """Left: how far above the smallest possible MSE each run's loss is, epoch by epoch.
    Right: a trained line minus the exact one, across the data."""
    fig, (ax, gap_ax) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    excess_curves(ax, curves, best_loss)
    gap_ax.axhline(0, color="gray", linewidth=0.8)
    gap_ax.plot(MILES, (trained[0] - exact[0]) * MILES + trained[1] - exact[1])
    gap_ax.set(xlabel="distance (miles)", ylabel="trained - least squares (minutes)")
    finish(gap_ax, gap_title)
    return fig


def excess_curves(ax: Axes, curves: dict[str, list[float]], best_loss: float) -> None:
    """Each run's loss as a percentage above the smallest possible, on a log scale, named beside it."""
    longest = max(len(losses) for losses in curves.values())
    for label, losses in curves.items():
        above = [100 * (loss - best_loss) / best_loss for loss in losses]
        (line,) = ax.plot(range(1, len(above) + 1), above)
        if len(above) < 0.8 * longest:  # room after its end
            place = {"xy": (len(above), above[-1]), "xytext": (6, 0), "ha": "left", "va": "center"}
        else:  # above its later part
            at = int(0.6 * len(above))
            place = {"xy": (at, above[at - 1]), "xytext": (0, 8), "ha": "center", "va": "bottom"}
        ax.annotate(label, textcoords="offset points", color=line.get_color(), **place)
    ax.axhline(1, color="black", linestyle=":")
    ax.text(0.99, 1.15, "1% above", transform=ax.get_yaxis_transform(), ha="right", va="bottom")
    ax.set_yscale("log")  # from thousands of percent down to a fraction of one
    plain_log_scale(ax.yaxis)
    ax.set(xlabel="epoch", ylabel="% above the smallest possible MSE")
    finish(ax, "How close each run gets to the smallest possible MSE")


def contours(ax: Axes, inputs: torch.Tensor, targets: torch.Tensor, reach: float) -> None:
    """Contours of the MSE over (w, b) in a square of half-width `reach` around its minimum,
    marked with a star. The levels are log-spaced, so that the flat floor of a valley shows too."""
    weight, bias = least_squares(inputs, targets)
    centre = (weight.item(), bias.item())
    axis_w = torch.linspace(centre[0] - reach, centre[0] + reach, 101, dtype=torch.float64)
    axis_b = torch.linspace(centre[1] - reach, centre[1] + reach, 101, dtype=torch.float64)
    grid_w, grid_b = torch.meshgrid(axis_w, axis_b, indexing="xy")
    surface = mse_of_lines(grid_w, grid_b, inputs, targets)
    lowest = surface.min().item()
    levels = torch.logspace(math.log10(lowest * 1.01), math.log10(surface.max().item()), 25)
    ax.contour(grid_w, grid_b, surface, levels=levels, cmap="viridis_r", linewidths=0.8)
    ax.plot(*centre, "*", color="crimson", markersize=11, zorder=4, label="optimum")
    ax.set_aspect("equal")


def path(ax: Axes, points: list[Point], label: str, style: str = "-", every: int = 1) -> None:
    """A run's (w, b) after each step, joined, with a dot every `every` points."""
    ax.plot(
        *zip(*points, strict=True), style, marker=".", markevery=every, linewidth=1.5, zorder=3, label=label
    )


def valley(ax: Axes, distances: torch.Tensor, times: torch.Tensor, paths: dict[str, list[Point]]) -> None:
    """The MSE over (w, b) on the article's data, a long narrow valley, with each run's path.

    The first path is drawn solid and on top, any other dashed beneath it."""
    contours(ax, distances, times, reach=4.5)
    for index, (label, points) in reversed(list(enumerate(paths.items()))):
        path(ax, points, label, "--" if index else "-", every=max(1, len(points) // 20))
    ax.plot(*next(iter(paths.values()))[0], "o", color="black", zorder=5, label=START_LABEL)
    ax.set(xlabel="weight w (minutes per mile)", ylabel="bias b (minutes)")
    finish(ax, "MSE over (w, b): a narrow valley")
    ax.legend(loc="upper right")


def bowl(ax: Axes, standardized: torch.Tensor, times: torch.Tensor, step: list[Point], label: str) -> None:
    """The MSE over (w, b) for standardized inputs, a round bowl, with one step across it."""
    contours(ax, standardized, times, reach=15)
    ax.plot(*zip(*step, strict=True), "-", linewidth=1.8, label=label)
    ax.plot(*step[0], "o", color="black", zorder=5, label=START_LABEL)
    ax.set(xlabel="weight for z (minutes per standard deviation of distance)", ylabel="bias b (minutes)")
    finish(ax, "Standardized distances: a round bowl")
    ax.legend(loc="upper right")


def loss_valley(distances: torch.Tensor, times: torch.Tensor, paths: dict[str, list[Point]]) -> Figure:
    """The valley alone, with each run's path."""
    fig, ax = plt.subplots(figsize=(6, 5), layout="constrained")
    valley(ax, distances, times, paths)
    return fig


def loss_landscape(
    distances: torch.Tensor,
    times: torch.Tensor,
    paths: dict[str, list[Point]],
    standardized: torch.Tensor,
    step: tuple[str, list[Point]],
) -> Figure:
    """The valley with each run's path beside the bowl of the standardized input and its one step."""
    fig, (ax, ax_z) = plt.subplots(1, 2, figsize=(12, 5.5), layout="constrained")
    valley(ax, distances, times, paths)
    bowl(ax_z, standardized, times, step[1], step[0])
    return fig


def zero_grad(with_it: list[float], without: list[float]) -> Figure:
    """The loss of every epoch of two runs from the same start: with and without zero_grad()."""
    fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    epochs = range(1, len(with_it) + 1)
    ax.plot(epochs, without, color="tab:red", linewidth=0.8)
    ax.plot(epochs, with_it, color="tab:blue", linewidth=2)
    ax.set_yscale("log")  # the two losses differ by up to four orders of magnitude
    ax.set_ylim(top=20 * max(without))  # room above the swings for their label
    plain_log_scale(ax.yaxis)
    ax.text(len(without), 2 * max(without), "without optimizer.zero_grad()", color="tab:red", ha="right")
    ax.text(
        len(with_it),
        1.4 * with_it[-1],
        "with optimizer.zero_grad()",
        color="tab:blue",
        ha="right",
        va="bottom",
    )
    ax.set(xlabel="epoch", ylabel="MSE (log scale)")
    finish(ax, "The same training, with and without zero_grad()")
    return fig


def learning_rates(
    lrs: torch.Tensor, losses: torch.Tensor, best_loss: float, limit: float, lesson_lr: float, epochs: int
) -> Figure:
    """The loss after `epochs` epochs of gradient descent against the learning rate, both on log scales."""
    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    ax.loglog(lrs, losses, ".-", markersize=3, label=f"loss after {epochs} epochs")
    ax.axhline(
        best_loss, color="gray", linestyle="--", linewidth=1, label=f"smallest possible: {best_loss:.4f}"
    )
    ax.axvline(limit, color="crimson", label=f"limit 2 / λ_max = {limit:.4f}")
    ax.axvline(lesson_lr, color="gray", linestyle=":", label=f"the lesson's learning rate, {lesson_lr}")
    ax.set_ylim(best_loss / 2, 1e3)  # just past the limit the loss leaves the chart
    for axis in (ax.xaxis, ax.yaxis):
        plain_log_scale(axis)
    ax.set(xlabel="learning rate (log scale)", ylabel="MSE (log scale)")
    finish(ax, f"Gradient descent for {epochs} epochs: too small is slow, too large explodes")
    ax.legend(loc="upper center")
    return fig
