"""Problem 2, SGD against Adam: the check of compare_optimizers(), with its hints."""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Callable

import torch

from linreg import distance_time_data, optimal_loss

from .grading import (
    OPTIMIZERS,
    TOLERANCE,
    CheckError,
    as_floats,
    counted,
    first_difference,
    one_per_epoch,
    replay,
    same,
    start_model,
)

COMPARE_EPOCHS = 500  # the lesson's number of epochs


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
