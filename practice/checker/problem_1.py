"""Problem 1, height -> weight: the checks of height_weight_data() and fit_line(), with their hints.

height_weight_data() must give data the lesson's model can train on (two float32
tensors of shape (n, 1)) that could be real adults: heights in centimetres and weights
in kilograms, every one of them humanly possible, weight rising with height, with
scatter, and the same data for the same seed.

fit_line() must learn the line by gradient descent, and land on the least-squares line.
What counts as gradient descent, seen while fit_line() runs: any torch optimizer's
step() (optim.SGD, Adam, ...; linreg.train() uses one), or any gradient computed by
autograd (loss.backward(), torch.autograd.grad, torch.func.grad), so a loop that updates
the parameters by hand counts too. A line computed without either (linreg.least_squares,
torch.linalg.lstsq, numpy.polyfit, the textbook formulas) does not, and neither does a
loop whose gradient is a formula worked out by hand: the exercise is PyTorch's training.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from linreg import DivergenceError, least_squares, optimal_loss

from .grading import TOLERANCE, CheckError, number, pair, recording_training, register, what

# --- height_weight_data() ---

SHORTEST_CM, TALLEST_CM = 120, 230  # every adult of a synthetic sample should fall between these

register(
    {
        "data/not two tensors": (
            "height_weight_data() must return two tensors, (heights, weights); it returned {what}"
        ),
        "data/numpy": (
            "height_weight_data() returned numpy arrays: return torch tensors, "
            "torch.from_numpy(array).float(), which the model can take"
        ),
        "data/whole numbers": (
            "height_weight_data() returned whole-number tensors ({dtype}): the model needs floats "
            "(torch.float32)"
        ),
        "data/not float32": (
            "height_weight_data() returned {dtype} tensors, but nn.Linear's weight and bias are "
            "torch.float32, and nn.Linear (and linreg.train) refuse data of another float type with a "
            "dtype error. Return float32: .float(), or torch.tensor(..., dtype=torch.float32) "
            "(numpy arrays become float64)"
        ),
        "data/heights shape": (
            "heights have shape {shape}; nn.Linear needs one row per person, shape ({n}, 1): "
            "heights.reshape(-1, 1)"
        ),
        "data/weights of shape (n,)": (
            "the targets (weights) have shape ({n},) but the model's outputs have shape ({n}, 1): "
            "MSELoss would broadcast them to ({n}, {n}) and silently train towards the mean weight. "
            "Return weights.reshape(-1, 1)"
        ),
        "data/weights shape": ("weights have shape {shape}; return one row per person, shape ({n}, 1)"),
        "data/not finite": "the data contains NaN or infinite values",
        "data/metres": "the heights average {mean:.2f}: metres? Use centimetres (about 175)",
        "data/inches": "the heights average {mean:.1f}: inches? Use centimetres (1 in = 2.54 cm)",
        "data/heights off": "the heights average {mean:.1f} cm: adults average about 160-180 cm",
        "data/pounds": "the weights average {mean:.1f}: pounds? Use kilograms (1 lb = 0.4536 kg)",
        "data/weights off": "the weights average {mean:.1f} kg: adults average about 60-95 kg",
        "data/heights out of range": (
            "the heights run from {low:.0f} to {high:.0f} cm, but adults measure between about "
            f"{SHORTEST_CM} and {TALLEST_CM} cm: is their spread too wide (yours: standard deviation "
            "{sd:.1f} cm)? Adults' heights scatter by about 7-10 cm around the mean"
        ),
        "data/weights not positive": (
            "{count} of the {n} weights are zero or negative (the lightest: {low:.1f} kg), which no "
            "adult weighs: check the line (slope and intercept) and the noise, whose spread should "
            "be about 10-20 kg"
        ),
        "data/weight falls": (
            "weight falls as height rises in your data (correlation {r:.2f}): taller people are "
            "heavier, so the line's slope must be positive"
        ),
        "data/no relation": (
            "weight barely depends on height in your data (correlation {r:.2f}): make the weights "
            "a line in the heights, plus noise"
        ),
        "data/no scatter": (
            "the weights lie almost exactly on a line (correlation {r:.3f}): real weights scatter, "
            "so add noise"
        ),
        "data/seed not repeatable": (
            "the same seed gave different data: draw from torch.Generator().manual_seed(seed)"
        ),
        "data/seed ignored": "seeds 1 and 2 gave the same heights: the seed must choose the random draw",
    }
)


def check_height_weight_data(height_weight_data: Callable) -> None:
    n = 400
    heights, weights = two_tensors(height_weight_data(n, 1))
    check_shapes(heights, weights, n)
    x, y = heights.double().flatten(), weights.double().flatten()
    check_units(x.mean().item(), y.mean().item())
    check_humanly_possible(x, y)
    check_relation(correlation(x, y))
    again = two_tensors(height_weight_data(n, 1))
    if not (torch.equal(heights, again[0]) and torch.equal(weights, again[1])):
        raise CheckError("data/seed not repeatable")
    other = two_tensors(height_weight_data(n, 2))
    if torch.equal(heights, other[0]):
        raise CheckError("data/seed ignored")


def two_tensors(value: object) -> tuple[torch.Tensor, torch.Tensor]:
    """(heights, weights) from any pair, as float32 tensors, or the hint saying what is wrong."""
    both = pair(value)
    if both is not None and all(isinstance(v, np.ndarray) for v in both):
        raise CheckError("data/numpy")
    if both is None or not all(isinstance(v, torch.Tensor) for v in both):
        raise CheckError("data/not two tensors", what=what(value))
    for tensor in both:
        if not tensor.is_floating_point():
            raise CheckError("data/whole numbers", dtype=tensor.dtype)
        if tensor.dtype != torch.float32:
            raise CheckError("data/not float32", dtype=tensor.dtype)
    return both


def check_shapes(heights: torch.Tensor, weights: torch.Tensor, n: int) -> None:
    if tuple(heights.shape) != (n, 1):
        raise CheckError("data/heights shape", shape=tuple(heights.shape), n=n)
    if tuple(weights.shape) == (n,):
        raise CheckError("data/weights of shape (n,)", n=n)
    if tuple(weights.shape) != (n, 1):
        raise CheckError("data/weights shape", shape=tuple(weights.shape), n=n)
    if not (torch.isfinite(heights).all() and torch.isfinite(weights).all()):
        raise CheckError("data/not finite")


def check_units(mean_height: float, mean_weight: float) -> None:
    if 1.4 <= mean_height <= 2.1:
        raise CheckError("data/metres", mean=mean_height)
    if 55 <= mean_height <= 80:
        raise CheckError("data/inches", mean=mean_height)
    if not 140 <= mean_height <= 200:
        raise CheckError("data/heights off", mean=mean_height)
    if 130 < mean_weight <= 300:
        raise CheckError("data/pounds", mean=mean_weight)
    if not 40 <= mean_weight <= 130:
        raise CheckError("data/weights off", mean=mean_weight)


def check_humanly_possible(heights: torch.Tensor, weights: torch.Tensor) -> None:
    """Averages can be right while single people are not: every height and weight must be possible."""
    low, high = heights.min().item(), heights.max().item()
    if low < SHORTEST_CM or high > TALLEST_CM:
        raise CheckError("data/heights out of range", low=low, high=high, sd=heights.std().item())
    impossible = int((weights <= 0).sum())
    if impossible:
        raise CheckError(
            "data/weights not positive", count=impossible, n=len(weights), low=weights.min().item()
        )


def correlation(x: torch.Tensor, y: torch.Tensor) -> float:
    """Pearson's r; 0 when either never varies (weights all alike do not depend on height)."""
    dx, dy = x - x.mean(), y - y.mean()
    scale = math.sqrt((dx**2).sum().item() * (dy**2).sum().item())
    return (dx * dy).sum().item() / scale if scale > 0 else 0.0


def check_relation(r: float) -> None:
    if r < -0.2:  # a clear fall; a correlation near 0, either side, is no relation at all
        raise CheckError("data/weight falls", r=r)
    if r < 0.1:
        raise CheckError("data/no relation", r=r)
    if r > 0.98:
        raise CheckError("data/no scatter", r=r)


# --- fit_line() ---

register(
    {
        "fit/diverged": (
            "training diverged ({detail}). On raw heights (around {mean:.0f} cm) the loss curves about "
            "{ratio:,.0f} times more sharply along the weight than along the bias (that factor is the "
            "mean squared height), so a learning rate that moves the bias at a useful pace makes "
            "each step of the weight overshoot, further every time. Standardize the heights "
            "(linreg.standardize), train on those, then map the line back to cm (linreg.original_units)"
        ),
        "fit/not two numbers": "fit_line() must return two numbers, (slope, intercept); it returned {value}",
        "fit/exact formula": (
            "your line is the exact least-squares line, but the checker saw no gradient descent while "
            "fit_line() ran: no optimizer stepped, and autograd computed no gradient (loss.backward(), "
            "torch.autograd.grad). linreg.least_squares, like any exact formula, is the checker's "
            "reference, not the answer: learn the line by training a model with optim.SGD"
        ),
        "fit/no training": (
            "the checker saw no gradient descent while fit_line() ran: no optimizer stepped, and "
            "autograd computed no gradient (loss.backward(), torch.autograd.grad). Learn the line by "
            "training: a model (LinearRegression(1, 1)), optim.SGD and a training loop, such as your "
            "train_loop()"
        ),
        "fit/standardized slope": (
            "your slope, {slope:.3f}, is the slope for standardized heights (kg per standard "
            "deviation): map it back to kg per cm with linreg.original_units(weight, bias, mean, std)"
        ),
        "fit/standardized intercept": (
            "the slope is right but the intercept, {intercept:.2f}, is the mean weight: the bias of "
            "the standardized line. Map it back too: intercept = bias - slope * mean height"
        ),
        "fit/flat line": (
            "your line is flat at the mean weight (slope {slope:.4f} kg/cm, intercept {intercept:.2f} "
            "kg): training finds that line when the loss compares every prediction with every "
            "target, as MSELoss does for predictions of shape (N,) against targets of shape (N, 1) "
            "(it broadcasts them to (N, N)). Give both the shape (N, 1): don't squeeze() one of them"
        ),
        "fit/not least squares": (
            "your line (slope {slope:.4f} kg/cm, intercept {intercept:.2f} kg) is not the "
            "least-squares line (slope {exact_slope:.4f}, intercept {exact_intercept:.2f}); its MSE "
            "is {excess:.1f} % higher. Train longer or with a larger learning rate, on "
            "standardized heights"
        ),
    }
)


def fit_line_data() -> tuple[torch.Tensor, torch.Tensor]:
    """The checker's own people: not the learner's data, so a fit tuned to it cannot pass by luck."""
    rng = np.random.default_rng(7)
    heights = rng.normal(168.0, 9.0, size=(300, 1))
    weights = 0.95 * heights - 88.0 + rng.normal(0.0, 10.0, size=(300, 1))
    return torch.tensor(heights, dtype=torch.float32), torch.tensor(weights, dtype=torch.float32)


def check_fit_line(fit_line: Callable) -> None:
    heights, weights = fit_line_data()
    with recording_training() as record:
        try:
            value = fit_line(heights.clone(), weights.clone())
        except DivergenceError as error:  # linreg.train() stops a diverging run
            detail = str(error).split(":")[0]  # 'the loss became inf at epoch 3 with learning rate 0.01'
            raise CheckError("fit/diverged", **divergence(detail, heights)) from None
    slope, intercept = two_numbers(value)
    if not (math.isfinite(slope) and math.isfinite(intercept)):  # a loop of one's own runs on to NaN
        raise CheckError("fit/diverged", **divergence("fit_line() returned NaN or infinity", heights))
    exact_weight, exact_bias = least_squares(heights, weights)
    exact_slope, exact_intercept = exact_weight.item(), exact_bias.item()
    x, y = heights.double().flatten(), weights.double().flatten()
    excess = torch.mean((slope * x + intercept - y) ** 2).item() / optimal_loss(heights, weights) - 1
    exact = excess <= TOLERANCE and math.isclose(slope, exact_slope, rel_tol=TOLERANCE)
    if not record.trained:
        raise CheckError("fit/exact formula" if exact else "fit/no training")
    if exact:
        return
    mean_weight = y.mean().item()
    if math.isclose(slope, exact_slope * x.std(correction=0).item(), rel_tol=0.02):
        raise CheckError("fit/standardized slope", slope=slope)
    if math.isclose(intercept, mean_weight, rel_tol=0.02):
        if math.isclose(slope, exact_slope, rel_tol=0.02):
            raise CheckError("fit/standardized intercept", intercept=intercept)
        if abs(slope) < 0.05 * abs(exact_slope):
            raise CheckError("fit/flat line", slope=slope, intercept=intercept)
    raise CheckError(
        "fit/not least squares",
        slope=slope,
        intercept=intercept,
        exact_slope=exact_slope,
        exact_intercept=exact_intercept,
        excess=100 * excess,
    )


def divergence(detail: str, heights: torch.Tensor) -> dict[str, object]:
    """The numbers the divergence hint quotes, from the heights trained on.

    The MSE's curvature along the weight is 2 * mean(height^2) and along the bias 2 (its
    Hessian's diagonal, linreg.mse_hessian): their ratio is the mean squared height.
    """
    x = heights.double()
    return {"detail": detail, "mean": x.mean().item(), "ratio": (x**2).mean().item()}


def two_numbers(value: object) -> tuple[float, float]:
    both = pair(value)
    numbers = [number(v) for v in both] if both is not None else [None]
    if None in numbers:
        raise CheckError("fit/not two numbers", value=f"{value!r:.60}")
    return numbers[0], numbers[1]
