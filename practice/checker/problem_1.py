"""Problem 1, height -> weight: the checks of height_weight_data() and fit_line(), with their hints."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from linreg import DivergenceError, least_squares, optimal_loss

from .grading import TOLERANCE, CheckError


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
