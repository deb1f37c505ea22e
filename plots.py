"""The lesson's pictures, one function per figure: the scripts say what to draw, this says how.

Each function takes the numbers to show and returns a matplotlib Figure, which the script
saves with `linreg.save_figure()`. `lesson.py` and `deeper.py` share these helpers, so a
picture drawn in both is drawn the same way.

Every figure has margins fixed in inches (`figure()`), sized for its labels. Matplotlib can
work them out itself (`layout="constrained"`), but it does so by measuring every label
before it draws, which takes about as long as drawing the figure; fixed margins cost nothing.
"""

from __future__ import annotations

import gc
import math

import matplotlib.pyplot as plt
import torch
from matplotlib import ticker
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from linreg import least_squares, mse_of_lines

# Python's garbage collector, now and then, checks every object the program holds, and the
# import of torch leaves some 300,000 of them: each full check takes a fifth of a second. Figures
# create enough new objects to set off one or two. freeze() tells the collector that the objects
# that exist by now will stay (they are modules, classes and functions), so it checks only newer ones.
gc.freeze()

Point = tuple[float, float]  # a line's (weight, bias): one point on the loss's map
MILES = torch.linspace(0, 4.5, 50)  # the distances at which a line is drawn across the data
START_LABEL = "start (seed 42)"


def figure(
    size: tuple[float, float],
    columns: int = 1,
    margins: tuple[float, float, float, float] = (0.8, 0.25, 0.6, 0.4),
    gap: float = 0.9,
) -> tuple[Figure, Axes | list[Axes]]:
    """A figure of `size` inches with `columns` axes side by side, and fixed margins in inches
    (left, right, bottom, top; `gap` between the axes): room for tick labels, axis labels and
    a title at matplotlib's usual font size."""
    width, height = size
    left, right, bottom, top = margins
    fig, axes = plt.subplots(1, columns, figsize=size)
    panel = (width - left - right - gap * (columns - 1)) / columns
    fig.subplots_adjust(left / width, bottom / height, 1 - right / width, 1 - top / height, gap / panel)
    return fig, axes


def finish(ax: Axes, title: str) -> None:
    """Title the axes and keep their tick labels few: four or five numbers per axis read at a
    glance. The title is placed explicitly, at its usual place, so that matplotlib does not work
    that place out again from the tick labels at every draw. Both make a figure quicker to draw."""
    ax.set_title(title, y=1)
    for axis in (ax.xaxis, ax.yaxis):
        if type(axis.get_major_locator()) is ticker.AutoLocator:  # not where a figure chose its ticks
            axis.set_major_locator(ticker.MaxNLocator(nbins=4, steps=[1, 2, 5, 10]))


def log_ticks(ax: Axes, values: list[float], unit: str = "") -> None:
    """A log-scale y axis labelled at `values` only, written out plainly (1,000 rather than 10^3)."""
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(ticker.FixedLocator(values))
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:,.10g}{unit}"))
    ax.yaxis.set_minor_locator(ticker.NullLocator())


def spread(heights: list[float], gap: float) -> list[float]:
    """Heights for labels beside the ends of lines: in the same order, at least `gap` apart,
    each as close to its own line as that allows."""
    order = sorted(range(len(heights)), key=heights.__getitem__)
    placed = [0.0] * len(heights)
    previous = -math.inf
    for index in order:
        placed[index] = previous = max(heights[index], previous + gap)
    return placed


def deliveries(ax: Axes, distances: torch.Tensor, times: torch.Tensor) -> None:
    """The article's four deliveries as dots, on axes that leave room for every line drawn."""
    ax.scatter(distances.flatten(), times.flatten(), color="black", zorder=3, label="deliveries")
    ax.set(xlabel="distance (miles)", ylabel="time (minutes)", xlim=(0, 4.5), ylim=(-2, 27), xticks=range(5))


def before_training(distances: torch.Tensor, times: torch.Tensor, line: Point) -> Figure:
    """The deliveries, the untrained model's line, and its errors as dotted segments."""
    weight, bias = line
    fig, ax = figure((5, 3.6), margins=(0.7, 0.2, 0.55, 0.35))
    deliveries(ax, distances, times)
    ax.plot(MILES, weight * MILES + bias, color="tab:red")
    ax.vlines(distances.flatten(), weight * distances.flatten() + bias, times.flatten(), "tab:red", ":")
    finish(ax, f"Before training: the random line {weight:.2f}x + {bias:.2f}")
    return fig


def learning(distances: torch.Tensor, times: torch.Tensor, lines: dict[int, Point]) -> Figure:
    """The line after each number of epochs in `lines`, each named at its right end. The last is
    drawn dashed and black, so that it shows on top of a line it nearly covers."""
    fig, ax = figure((7.2, 4), margins=(0.7, 1.75, 0.55, 0.35))
    deliveries(ax, distances, times)
    colours = plt.cm.viridis(torch.linspace(0.8, 0.05, len(lines) - 1).tolist()).tolist() + ["black"]
    ends = [weight * MILES[-1].item() + bias for weight, bias in lines.values()]
    heights = spread(ends, gap=1.5)
    for (epochs, (weight, bias)), colour, height in zip(lines.items(), colours, heights, strict=True):
        style = "--" if colour == "black" else "-"
        ax.plot(MILES, weight * MILES + bias, style, color=colour, linewidth=1.8)
        label = f"{epochs} epochs: {weight:.2f}x + {bias:.2f}"
        ax.text(MILES[-1].item() + 0.07, height, label, color=colour, va="center", fontsize=9)
    finish(ax, "The line, as training goes on")
    return fig


def fit(
    curves: dict[str, list[float]],
    best_loss: float,
    trained: Point,
    exact: Point,
    gap_title: str,
    distances: torch.Tensor,
) -> Figure:
    """Left: how far above the smallest possible MSE each run's loss is, epoch by epoch.
    Right: a trained line minus the exact one, across the data, with the deliveries marked."""
    fig, (ax, gap_ax) = figure((11.5, 4), columns=2, margins=(1.25, 0.25, 0.6, 0.4), gap=1.2)
    excess_curves(ax, curves, best_loss)
    gap_ax.axhline(0, color="gray", linewidth=0.8)
    difference = (trained[0] - exact[0], trained[1] - exact[1])  # the gap is a line too
    gap_ax.plot(MILES, difference[0] * MILES + difference[1])
    x = distances.flatten()
    gap_ax.plot(x, difference[0] * x + difference[1], "o", color="black", label="at the deliveries")
    gap_ax.set(xlabel="distance (miles)", ylabel="trained - least squares (minutes)", xticks=range(5))
    gap_ax.yaxis.set_major_locator(ticker.MultipleLocator(0.02))
    gap_ax.legend(loc="upper right")
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
    log_ticks(ax, [0.01, 1, 100, 1e4, 1e6], " %")  # from about a million percent down to a fraction of one
    ax.set(xlabel="epoch", ylabel="loss above the smallest possible MSE")
    finish(ax, "How close each run gets to the smallest possible MSE")


def contours(
    ax: Axes, inputs: torch.Tensor, targets: torch.Tensor, centre: Point | None, reach: float
) -> None:
    """Contours of the MSE over (w, b) in a square of half-width `reach` around `centre` (the
    minimum, marked with a star, if None). The levels are log-spaced, so that the flat floor of a
    valley shows too; yellow is low, blue high."""
    weight, bias = least_squares(inputs, targets)
    optimum = (weight.item(), bias.item())
    centre = centre or optimum
    # 81 x 81 lines of 4 deliveries: small enough for torch to compute in one thread, which on a
    # small machine is quicker than waking a second one; plenty for contours of a smooth surface.
    axis_w = torch.linspace(centre[0] - reach, centre[0] + reach, 81, dtype=torch.float64)
    axis_b = torch.linspace(centre[1] - reach, centre[1] + reach, 81, dtype=torch.float64)
    grid_w, grid_b = torch.meshgrid(axis_w, axis_b, indexing="xy")
    surface = mse_of_lines(grid_w, grid_b, inputs, targets)
    lowest = mse_of_lines(*torch.tensor(optimum, dtype=torch.float64), inputs, targets).item()
    levels = torch.logspace(math.log10(lowest * 1.01), math.log10(surface.max().item()), 25)
    ax.contour(grid_w, grid_b, surface, levels=levels, cmap="viridis_r", linewidths=0.8)
    ax.plot(*optimum, "*", color="crimson", markersize=11, zorder=4, label="optimum")
    ax.set(xlim=(axis_w[0], axis_w[-1]), ylim=(axis_b[0], axis_b[-1]), aspect="equal")


def path(ax: Axes, points: list[Point], label: str, style: str = "-", every: int = 1) -> None:
    """A run's (w, b) after each step, joined, with a dot every `every` points."""
    ax.plot(
        *zip(*points, strict=True), style, marker=".", markevery=every, linewidth=1.5, zorder=3, label=label
    )


def colour_key(ax: Axes) -> None:
    """What the contours' colours mean, in the lower left corner."""
    key = "contours: yellow = low MSE, blue = high\n(spaced on a log scale)"
    box = {"facecolor": "white", "edgecolor": "none", "alpha": 0.8}
    ax.text(0.02, 0.02, key, transform=ax.transAxes, fontsize=8, va="bottom", bbox=box)


def valley(ax: Axes, distances: torch.Tensor, times: torch.Tensor, paths: dict[str, list[Point]]) -> None:
    """The MSE over (w, b) on the article's data, a long narrow valley, with each run's path.

    The first path is drawn solid and on top, any other dashed beneath it."""
    contours(ax, distances, times, None, reach=4.5)
    for index, (label, points) in reversed(list(enumerate(paths.items()))):
        path(ax, points, label, "--" if index else "-", every=max(1, len(points) // 20))
    ax.plot(*next(iter(paths.values()))[0], "o", color="black", zorder=5, label=START_LABEL)
    ax.set(xlabel="weight w (minutes per mile)", ylabel="bias b (minutes)")
    colour_key(ax)
    finish(ax, "MSE over (w, b): a narrow valley")
    ax.legend(loc="upper right")


def epoch_dots(ax: Axes, points: dict[int, Point], labelled: list[int], offset: Point) -> None:
    """Dots at the (w, b) of each epoch in `points`, joined, with the epochs in `labelled` written beside."""
    ax.plot(*zip(*points.values(), strict=True), ".-", color="tab:blue", zorder=3, linewidth=1.2)
    for epochs in labelled:
        ax.annotate(str(epochs), points[epochs], xytext=offset, textcoords="offset points", fontsize=8)


def loss_valley(distances: torch.Tensor, times: torch.Tensor, points: dict[int, Point]) -> Figure:
    """Left: the valley with where SGD was after each number of epochs in `points`, the first few
    labelled. Right: a close-up of the optimum, with the later epochs, all labelled."""
    fig, (ax, zoom) = figure((11, 5), columns=2, margins=(0.7, 0.25, 0.6, 0.4), gap=0.9)
    contours(ax, distances, times, None, reach=4.5)
    early = [epochs for epochs in points if epochs <= 10]
    epoch_dots(ax, points, early, (-4, 6))
    ax.plot(*points[0], "o", color="black", zorder=5)
    ax.set(xlabel="weight w (minutes per mile)", ylabel="bias b (minutes)")
    colour_key(ax)
    finish(ax, "A narrow valley: where SGD was after 0 to 10 epochs")
    late = {epochs: point for epochs, point in points.items() if epochs >= 50}
    centre = (sum(w for w, _ in late.values()) / len(late), sum(b for _, b in late.values()) / len(late))
    contours(zoom, distances, times, centre, reach=0.3)
    epoch_dots(zoom, late, [epochs for epochs in late if epochs % 100 == 0 or epochs == 50], (6, -3))
    zoom.set(xlabel="weight w (minutes per mile)", ylabel="bias b (minutes)")
    finish(zoom, "Close-up of the box: epochs 50 to 500")
    ax.indicate_inset_zoom(zoom, edgecolor="black")
    return fig


def bowl(ax: Axes, standardized: torch.Tensor, times: torch.Tensor, step: list[Point], label: str) -> None:
    """The MSE over (w, b) for standardized inputs, a round bowl, with one step across it."""
    contours(ax, standardized, times, None, reach=15)
    ax.plot(*zip(*step, strict=True), "-", linewidth=1.8, label=label)
    ax.plot(*step[0], "o", color="black", zorder=5, label=START_LABEL)
    ax.set(xlabel="weight w_z (minutes per standard deviation of distance)", ylabel="bias b_z (minutes)")
    finish(ax, "Standardized distances: a round bowl")
    ax.legend(loc="upper right")


def loss_landscape(
    distances: torch.Tensor,
    times: torch.Tensor,
    paths: dict[str, list[Point]],
    standardized: torch.Tensor,
    step: tuple[str, list[Point]],
) -> Figure:
    """The valley with each run's path beside the bowl of the standardized input and its one step."""
    fig, (ax, ax_z) = figure((12, 5.5), columns=2, margins=(0.7, 0.25, 0.6, 0.4), gap=0.9)
    valley(ax, distances, times, paths)
    bowl(ax_z, standardized, times, step[1], step[0])
    return fig


def zero_grad(with_it: list[float], without: list[float]) -> Figure:
    """The loss of every epoch of two runs from the same start: with and without zero_grad()."""
    fig, ax = figure((7, 4), margins=(0.75, 0.25, 0.55, 0.35))
    epochs = range(1, len(with_it) + 1)
    ax.plot(epochs, without, color="tab:red", linewidth=0.8)
    ax.plot(epochs, with_it, color="tab:blue", linewidth=2)
    log_ticks(ax, [0.1, 1, 10, 100, 1000])  # the two losses differ by up to four orders of magnitude
    ax.set_ylim(top=20 * max(without))  # room above the swings for their label
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
    """The loss after `epochs` epochs of gradient descent against the learning rate, both on log
    scales, each line named where it is drawn."""
    fig, ax = figure((7, 4.5), margins=(0.75, 0.25, 0.55, 0.35))
    ax.loglog(lrs, losses, ".-", markersize=3)
    ax.text(lrs[12].item(), losses[12].item(), f"  loss after {epochs} epochs", va="bottom")
    ax.axhline(best_loss, color="gray", linestyle="--", linewidth=1)
    ax.text(lrs[0].item(), best_loss * 0.9, f"smallest possible: {best_loss:.4f}", va="top", color="gray")
    ax.axvline(limit, color="crimson")
    vertical = {"rotation": 90, "va": "top"}
    ax.text(limit * 0.93, 300, f"limit 2 / λ_max = {limit:.4f}", color="crimson", ha="right", **vertical)
    ax.axvline(lesson_lr, color="gray", linestyle=":")
    ax.text(lesson_lr * 1.07, 300, f"the lesson's learning rate, {lesson_lr}", color="gray", **vertical)
    ax.set_ylim(best_loss / 2, 1e3)  # just past the limit the loss leaves the chart
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:g}"))
    ax.xaxis.set_minor_locator(ticker.NullLocator())
    log_ticks(ax, [0.1, 1, 10, 100, 1000])
    ax.set(xlabel="learning rate (log scale)", ylabel="MSE (log scale)")
    finish(ax, f"Gradient descent for {epochs} epochs: too small is slow, too large explodes")
    return fig
