"""Worked answers to exercises.py: the same functions, implemented.

`python practice/check.py practice/answers.py` grades this file exactly as it
grades yours. The three solution scripts (solution_1_height_weight.py, ...)
import these functions and show what they find, step by step.

Try the exercises before reading on.
"""

from __future__ import annotations

import copy
import itertools
import math
from dataclasses import dataclass

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure
from torch import nn, optim

from linreg import LinearRegression, least_squares, mse_hessian, optimal_loss, original_units, standardize

# Problem 1's population: adult men (20 and over) in the US National Health and Nutrition
# Examination Survey 2015-2018, as reported by Fryar CD, Carroll MD, Gu Q, Afful J, Ogden CL,
# "Anthropometric reference data for children and adults: United States, 2015-2018",
# Vital and Health Statistics, Series 3, No. 46 (NCHS, 2021). The means are the report's; the
# spreads are approximate, read off its percentile tables. The report gives no correlation:
# 0.45 is our assumption, a typical value for adults of one sex.
MEAN_HEIGHT_CM, SD_HEIGHT_CM = 175.4, 7.6
MEAN_WEIGHT_KG, SD_WEIGHT_KG = 90.6, 20.0
CORRELATION = 0.45

# For two normal variables, the best line through the population has this slope and
# intercept, and the weights scatter around it with what the correlation leaves unexplained.
TRUE_SLOPE = CORRELATION * SD_WEIGHT_KG / SD_HEIGHT_CM  # kg per cm
TRUE_INTERCEPT = MEAN_WEIGHT_KG - TRUE_SLOPE * MEAN_HEIGHT_CM  # kg
NOISE_SD = SD_WEIGHT_KG * math.sqrt(1 - CORRELATION**2)  # kg

# Standardized heights make lr 0.01 stable; these many epochs bring SGD to the exact line.
FIT_LEARNING_RATE, FIT_EPOCHS = 0.01, 1000

# Problem 2: the optimizers compared, and the learning rates the sweep tries for each.
OPTIMIZERS = {"SGD": optim.SGD, "Adam": optim.Adam}
SWEEP = (0.01, 0.1, 1.0)  # one per decade: enough to find the scale, cheap to run
TOLERANCE = 0.01  # "converged" means within 1 % of the optimal loss


# --- Problem 1: height -> weight ---


def height_weight_data(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """n adults drawn from the survey's population: heights (cm) and weights (kg), both (n, 1)."""
    generator = torch.Generator().manual_seed(seed)  # its own generator: the global seed stays untouched
    heights = MEAN_HEIGHT_CM + SD_HEIGHT_CM * torch.randn(n, 1, generator=generator)
    noise = NOISE_SD * torch.randn(n, 1, generator=generator)
    return heights, TRUE_SLOPE * heights + TRUE_INTERCEPT + noise


def fit_line(heights: torch.Tensor, weights: torch.Tensor) -> tuple[float, float]:
    """Train the lesson's model on standardized heights; return (kg per cm, kg)."""
    # On raw heights (around 175 cm) the loss curves far more sharply along the weight than
    # along the bias: by the mean squared height, about 175^2, some 30,000 times (the weight's
    # gradient is only about 175 times the bias's). A learning rate that moves the bias at a
    # useful pace makes the weight's steps overshoot; on standardized heights both curve alike.
    standardized, mean, std = standardize(heights)
    model = LinearRegression(1, 1)
    with torch.no_grad():  # start from zero, so the answer does not depend on the random seed
        for parameter in model.parameters():
            parameter.zero_()
    optimizer = optim.SGD(model.parameters(), lr=FIT_LEARNING_RATE)
    train_loop(model, optimizer, standardized, weights, FIT_EPOCHS)
    slope, intercept = original_units(model.linear.weight, model.linear.bias, mean, std)
    return slope.item(), intercept.item()


def line_label(slope: float, intercept: float, minus: str = "-") -> str:
    """'y = 1.142 x - 109.21': the intercept's sign written as the operator, never '1.142 x -109.21'.

    Figures pass minus='\u2212', the typographic minus sign matplotlib uses on its axes.
    """
    sign = minus if intercept < 0 else "+"
    return f"y = {slope:.3f} x {sign} {abs(intercept):.2f}"


# What solution_1_height_weight.py and solution_1_own_data.py both show: the sample, the
# fitted line against the exact one, and the plot.

MINUS = "\u2212"  # the minus sign matplotlib's axes use: in the legend, '- 109.21' reads as subtraction


def describe_sample(inputs: torch.Tensor, targets: torch.Tensor, x_name: str, y_name: str) -> str:
    x, y = inputs.double().flatten(), targets.double().flatten()
    r = torch.corrcoef(torch.stack([x, y]))[0, 1].item()
    # sd over the sample itself (divided by N), as linreg.standardize uses it
    return (
        f"{x_name} mean {x.mean():.2f} (sd {x.std(correction=0):.2f}), {y_name} mean {y.mean():.2f} "
        f"(sd {y.std(correction=0):.2f}), correlation {r:.3f}"
    )


def line_table(lines: dict[str, tuple[float, float]], units: tuple[str, str] = ("", "")) -> str:
    """Slope and intercept of each line, one column per line: {'trained': (slope, intercept), ...}."""
    widths = [max(12, len(name) + 2) for name in lines]
    rows = [f"{'':20}" + "".join(f"{name:>{width}}" for name, width in zip(lines, widths, strict=True))]
    for i, (what, unit, decimals) in enumerate((("slope", units[0], 4), ("intercept", units[1], 2))):
        values = [
            f"{line[i]:{width}.{decimals}f}" for line, width in zip(lines.values(), widths, strict=True)
        ]
        rows.append(f"{what + unit:20}" + "".join(values))
    return "\n".join(rows)


def slope_standard_error(inputs: torch.Tensor, targets: torch.Tensor) -> float:
    """How far the least-squares slope of a sample this size lands from the population's, typically.

    The textbook formula, sqrt(residual variance / sum((x - mean)^2)); it needs 3 points or more.
    """
    x, y = inputs.double().flatten(), targets.double().flatten()
    weight, bias = least_squares(inputs, targets)
    residuals = y - (weight.item() * x + bias.item())
    return math.sqrt((residuals**2).sum().item() / (len(x) - 2) / ((x - x.mean()) ** 2).sum().item())


def plot_fit(
    inputs: torch.Tensor,
    targets: torch.Tensor,
    trained: tuple[float, float],
    names: tuple[str, str],
    title: str,
    true_line: tuple[float, float] | None = None,
) -> Figure:
    """The data as dots, the trained line across them, and the true line when there is one."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    crowded = len(inputs) > 100  # small faint dots for a crowd, larger solid ones for a few rows
    ax.scatter(
        inputs.flatten(),
        targets.flatten(),
        s=8 if crowded else 30,
        alpha=0.35 if crowded else 0.8,
        color="gray",
        label="data",
    )
    line_x = torch.linspace(inputs.min().item(), inputs.max().item(), 2)
    ax.plot(
        line_x, trained[0] * line_x + trained[1], linewidth=2, label="trained: " + line_label(*trained, MINUS)
    )
    if true_line is not None:
        label = "true line: " + line_label(*true_line, MINUS)
        ax.plot(line_x, true_line[0] * line_x + true_line[1], "--", color="black", label=label)
    ax.set(xlabel=names[0], ylabel=names[1], title=title)
    ax.legend()
    fig.tight_layout()
    return fig


# --- Problem 2: SGD against Adam ---


@dataclass
class Run:
    """One training run of a sweep: which optimizer, at which learning rate, and how it went."""

    optimizer: str
    lr: float
    losses: list[float]  # every epoch's loss, up to the divergence if there was one
    model: nn.Module
    diverged: bool


def current_loss(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    """The model's MSE as it is now: after training, the loss its last update led to.

    A loss history holds each epoch's loss before that epoch's update, so its last
    value is one update behind the trained model.
    """
    with torch.no_grad():  # only measuring: no graph needed
        return nn.functional.mse_loss(model(inputs), targets).item()


def sgd_stability_limit(inputs: torch.Tensor) -> float:
    """The largest learning rate at which full-batch SGD on the MSE does not diverge.

    The MSE is a quadratic bowl; gradient descent on it is stable while
    lr < 2 / (its largest curvature, the top eigenvalue of its Hessian).
    """
    return 2 / torch.linalg.eigvalsh(mse_hessian(inputs)).max().item()


def train_copy(
    start: nn.Module, name: str, lr: float, inputs: torch.Tensor, targets: torch.Tensor, epochs: int
) -> Run:
    model = copy.deepcopy(start)  # every run begins from the same parameters, and start stays as it is
    optimizer = OPTIMIZERS[name](model.parameters(), lr=lr)
    losses = train_loop(model, optimizer, inputs, targets, epochs)
    # A diverged run's loss overflows to inf, then NaN: keep the epochs before that.
    finite = list(itertools.takewhile(math.isfinite, losses))
    return Run(name, lr, finite, model, diverged=len(finite) < len(losses))


def sweep(start: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, epochs: int) -> list[Run]:
    """Every optimizer at every learning rate of SWEEP, each from a copy of start."""
    return [train_copy(start, name, lr, inputs, targets, epochs) for name in OPTIMIZERS for lr in SWEEP]


def epochs_to_converge(losses: list[float], optimal: float, tolerance: float = TOLERANCE) -> int | None:
    """The first epoch from which the loss stays within tolerance of optimal; None if it never does."""
    limit = optimal * (1 + tolerance)
    if not losses or losses[-1] > limit:
        return None
    epoch = len(losses)
    while epoch > 1 and losses[epoch - 2] <= limit:  # walk back while the loss is still within
        epoch -= 1
    return epoch


def fastest(runs: list[Run], optimal: float) -> dict[str, Run]:
    """Per optimizer, the run that converges in the fewest epochs (else the lowest final loss)."""

    def speed(run: Run) -> tuple[float, float]:
        epochs = None if run.diverged else epochs_to_converge(run.losses, optimal)
        return (math.inf if epochs is None else epochs, run.losses[-1] if not run.diverged else math.inf)

    return {name: min((run for run in runs if run.optimizer == name), key=speed) for name in OPTIMIZERS}


def compare_optimizers(
    start: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, epochs: int
) -> dict[str, tuple[float, list[float]]]:
    """SGD and Adam, each at the learning rate the sweep found fastest: {name: (lr, losses)}."""
    best = fastest(sweep(start, inputs, targets, epochs), optimal_loss(inputs, targets))
    return {name: (run.lr, run.losses) for name, run in best.items()}


# --- Problem 3: the loss curve ---


def train_loop(
    model: nn.Module, optimizer: optim.Optimizer, inputs: torch.Tensor, targets: torch.Tensor, epochs: int
) -> list[float]:
    """Full-batch training, written out; returns the loss of every epoch, measured before its update."""
    loss_function = nn.MSELoss()
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()  # backward() adds to .grad: clear the last epoch's gradients first
        loss = loss_function(model(inputs), targets)  # forward pass, then how wrong it is
        loss.backward()  # the gradient of the loss with respect to every parameter
        optimizer.step()  # move the parameters against it, as the optimizer (SGD, Adam) does
        losses.append(loss.item())  # a plain float: keeping the tensor would keep its whole graph
    return losses


def plot_loss_curves(histories: dict[str, list[float]], optimal_loss: float) -> Figure:
    """One curve per history, on a log scale, with the optimal loss as a reference line."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, losses in histories.items():
        ax.plot(range(1, len(losses) + 1), losses, label=name)
    # The loss falls by orders of magnitude: on a linear scale everything after the first
    # few epochs would be a flat line at the bottom.
    ax.set_yscale("log")
    reference = f"optimal loss (least squares): {optimal_loss:.5f}"
    ax.axhline(optimal_loss, color="black", linestyle=":", label=reference)
    ax.set(xlabel="epoch", ylabel="MSE loss (log scale)", title="Training loss, epoch by epoch")
    ax.legend()
    fig.tight_layout()
    return fig
