"""Problem 2, SGD against Adam: the check of compare_optimizers(), with its hints.

Each run must begin from start's parameters, leave start unchanged, keep one loss per
epoch and end within 1 % of the optimal loss; the function is called with two epoch
counts, so it must train for the epochs it is given.

The checker does not assume how the learner built the optimizers (momentum, betas,
weight decay, a scheduler are theirs to choose): it records every optimizer that steps
during the call, with its parameters before each step. A returned loss history is
traced to the run whose parameters give exactly those losses; that run's class and
learning rate must be the ones returned. A history that no recorded run explains
(hand-written updates, mini-batches) is graded on its own properties.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Callable

import torch
from torch import nn

from linreg import LESSON_EPOCHS, distance_time_data, optimal_loss

from .grading import (
    OPTIMIZERS,
    TOLERANCE,
    CheckError,
    OptimizerRun,
    TrainingRecord,
    as_floats,
    number,
    one_per_epoch,
    pair,
    recording_training,
    register,
    same,
    start_model,
    what,
)

COMPARE_EPOCHS = LESSON_EPOCHS  # the lesson's 500 epochs: the runs are graded at this length
OTHER_EPOCHS = 200  # a second call, with fewer: the function must use the epochs it is given

RESULT = '{{"SGD": (lr, losses), "Adam": (lr, losses)}}'
SMALLER = "Use a smaller learning rate: try {smaller:g}"
SGD_STEPS = (
    "SGD moves each parameter by the learning rate times its gradient, and above a limit set by the "
    "data (deeper.py, section 3, shows how to find it) each step overshoots the minimum by more than "
    "the last"
)
NOT_CONVERGED_YET = (
    "{name} at learning rate {lr:g} ends {ratio} above the optimal loss after {epochs} epochs "
    "({final:.4g} against {optimal:.4g}): it has not converged. "
)

register(
    {
        "compare/not a dict": f"compare_optimizers() must return {RESULT}; it returned {{what}}",
        "compare/missing entry": f'the result has no "{{name}}" entry (its keys: {{keys}}): return {RESULT}',
        "compare/changed start": (
            "compare_optimizers() changed `start`: train copies (copy.deepcopy(start)), so that both "
            "optimizers begin from the same parameters"
        ),
        "compare/not a pair": 'result["{name}"] must be a pair (learning rate, losses); it is {what}',
        "compare/bad learning rate": (
            'result["{name}"][0] must be the learning rate you used, a positive number; got {lr}'
        ),
        "compare/SGD diverged": (
            f"the SGD run at learning rate {{lr:g}} diverged ({{how}}): {SGD_STEPS}. {SMALLER}"
        ),
        "compare/Adam diverged": (
            "the Adam run at learning rate {lr:g} diverged ({how}): Adam moves each parameter by about "
            f"the learning rate per step, and steps of {{lr:g}} throw it far past the minimum. {SMALLER}"
        ),
        "compare/ignores epochs": (
            "asked for {asked} epochs, compare_optimizers() returned {got} {name} losses, as for "
            f"{COMPARE_EPOCHS} epochs: train for `epochs` epochs, the number it is given, not a fixed one"
        ),
        "compare/not from start": (
            "the {name} run did not begin from start's parameters (its first loss is {first:.6g}, "
            "start's is {expected:.6g}): train a copy, copy.deepcopy(start), for each optimizer"
        ),
        "compare/not the MSE": (
            "the {name} run began from start's parameters, but its first loss, {first:.6g}, is not "
            "their MSE, {expected:.6g}: keep the MSE (nn.MSELoss(), averaged over the examples) "
            "of each epoch, computed before the update"
        ),
        "compare/one epoch ahead": (
            "the {name} losses are one epoch ahead: each is the loss after that epoch's update. Keep "
            "the loss computed before optimizer.step(), so the first is start's loss, {expected:.6g}"
        ),
        "compare/wrong optimizer": (
            'the losses you return as "{name}" are those of your optim.{used} run: train the "{name}" '
            "run with optim.{name}"
        ),
        "compare/learning rate mismatch": (
            "the {name} losses are those of your optim.{used} run at learning rate {trained}, but you "
            "return {lr:g}: return the learning rate of the run whose losses you return"
        ),
        "compare/learning rate not used": (
            "you return {lr:g} as the {name} learning rate, but no optim.{name} you trained had it "
            "(yours: {trained}): return the learning rate you trained with"
        ),
        "compare/SGD not converged": NOT_CONVERGED_YET
        + (
            "SGD moves each parameter by the learning rate times its gradient, so a larger learning "
            "rate gets there in fewer steps, up to a limit set by the data above which every step "
            "overshoots and the loss explodes (deeper.py, section 3, shows where that limit lies). "
            "Try larger ones ({larger}) and keep the fastest that converges"
        ),
        "compare/Adam not converged": NOT_CONVERGED_YET
        + (
            "Adam moves each parameter by about lr per step, however large the gradient, so a small "
            "learning rate crawls. Try larger ones ({larger}) and keep the fastest"
        ),
    }
)

# The hints that differ by optimizer, each by its own key.
DIVERGED = {"SGD": "compare/SGD diverged", "Adam": "compare/Adam diverged"}
NOT_CONVERGED = {"SGD": "compare/SGD not converged", "Adam": "compare/Adam not converged"}


def check_compare_optimizers(compare_optimizers: Callable) -> None:
    inputs, targets = distance_time_data()
    start = start_model(seed=5)
    result, record = call(compare_optimizers, start, inputs, targets, COMPARE_EPOCHS, parameters_too=True)
    optimal = optimal_loss(inputs, targets)
    for name in OPTIMIZERS:
        lr, losses = learning_rate_and_losses(result[name], name)
        if diverged(losses):  # before the length: a run stopped at its divergence is short
            raise CheckError(DIVERGED[name], lr=lr, how=how_it_diverged(losses), smaller=lr / 10)
        one_per_epoch(losses, COMPARE_EPOCHS, f"the {name} run")
        check_source(name, lr, losses, start, inputs, targets, record)
        if losses[-1] / optimal - 1 > TOLERANCE:
            raise CheckError(NOT_CONVERGED[name], **not_converged(name, lr, losses[-1], optimal))
    result, _ = call(compare_optimizers, start, inputs, targets, OTHER_EPOCHS)
    for name in OPTIMIZERS:
        losses = learning_rate_and_losses(result[name], name)[1]
        if len(losses) == COMPARE_EPOCHS:
            raise CheckError("compare/ignores epochs", asked=OTHER_EPOCHS, got=len(losses), name=name)
        one_per_epoch(losses, OTHER_EPOCHS, f"the {name} run")


def call(
    compare_optimizers: Callable,
    start: nn.Module,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    epochs: int,
    parameters_too: bool = False,
) -> tuple[dict, TrainingRecord]:
    """The learner's result, read as a dict with both entries, and the training it did."""
    before = copy.deepcopy(start.state_dict())
    with recording_training(parameters_too) as record:
        result = compare_optimizers(start, inputs.clone(), targets.clone(), epochs)
    if not isinstance(result, dict):
        raise CheckError("compare/not a dict", what=what(result))
    for name in OPTIMIZERS:
        if name not in result:
            raise CheckError("compare/missing entry", name=name, keys=", ".join(map(repr, result)) or "none")
    if any(not torch.equal(before[key], value) for key, value in start.state_dict().items()):
        raise CheckError("compare/changed start")
    return result, record


def learning_rate_and_losses(entry: object, name: str) -> tuple[float, list[float]]:
    both = pair(entry)
    if both is None:
        raise CheckError("compare/not a pair", name=name, what=what(entry))
    lr = number(both[0])
    if lr is None or not lr > 0:
        raise CheckError("compare/bad learning rate", name=name, lr=f"{both[0]!r:.40}")
    return lr, as_floats(both[1], f"the {name} run")


def diverged(losses: list[float]) -> bool:
    """NaN or infinity, or a loss that ends above where it began."""
    return not all(map(math.isfinite, losses)) or (len(losses) > 1 and losses[-1] > losses[0])


def how_it_diverged(losses: list[float]) -> str:
    finite = list(itertools.takewhile(math.isfinite, losses))
    if len(finite) < len(losses):
        return f"its loss became {losses[len(finite)]} in epoch {len(finite) + 1}"
    return f"its loss grew from {losses[0]:.4g} to {losses[-1]:.4g}"


# --- Which run a loss history comes from ---


def check_source(
    name: str,
    lr: float,
    losses: list[float],
    start: nn.Module,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    record: TrainingRecord,
) -> None:
    """The history must be a run from start, with the optimizer and learning rate returned for it.

    Where no recorded run explains the history, only what can be told without one is checked.
    """
    model = copy.deepcopy(start)  # evaluates each recorded run's parameters, one step at a time
    runs = [run for run in record.runs if run.steps == len(losses) and fits(run, model)]
    # The likeliest source first: it is usually the only one evaluated in full.
    runs.sort(key=lambda run: not (isinstance(run.optimizer, OPTIMIZERS[name]) and uses(run, lr)))
    expected = loss_at(list(start.parameters()), model, inputs, targets)
    if not math.isclose(losses[0], expected, rel_tol=1e-4):
        if any(traces(run, losses, model, inputs, targets, after_update=True) for run in runs):
            raise CheckError("compare/one epoch ahead", name=name, expected=expected)
        if any(began_at(run, start) for run in runs if isinstance(run.optimizer, OPTIMIZERS[name])):
            raise CheckError("compare/not the MSE", name=name, first=losses[0], expected=expected)
        raise CheckError("compare/not from start", name=name, first=losses[0], expected=expected)
    source = next((run for run in runs if traces(run, losses, model, inputs, targets)), None)
    if source is not None:
        if not isinstance(source.optimizer, OPTIMIZERS[name]):
            raise CheckError("compare/wrong optimizer", name=name, used=source.name)
        if not uses(source, lr):
            raise CheckError(
                "compare/learning rate mismatch", name=name, used=source.name, trained=rates(source), lr=lr
            )
        return
    named = [run for run in record.runs if isinstance(run.optimizer, OPTIMIZERS[name])]
    if named and not any(uses(run, lr) for run in named):
        trained = ", ".join(dict.fromkeys(rates(run) for run in named))
        raise CheckError("compare/learning rate not used", name=name, lr=lr, trained=trained)


def began_at(run: OptimizerRun, start: nn.Module) -> bool:
    """Whether the run's first step started from start's parameters."""
    return all(torch.equal(a, b) for a, b in zip(run.before[0], start.parameters(), strict=True))


def uses(run: OptimizerRun, lr: float) -> bool:
    return any(math.isclose(lr, rate, rel_tol=1e-6) for rate in run.learning_rates)


def rates(run: OptimizerRun) -> str:
    return " and ".join(f"{rate:g}" for rate in dict.fromkeys(run.learning_rates))


def fits(run: OptimizerRun, model: nn.Module) -> bool:
    """Whether the run's parameters are a model like start: the same tensors' shapes, in order."""
    shapes = [p.shape for p in model.parameters()]
    return bool(run.before) and [p.shape for p in run.before[0]] == shapes


def loss_at(
    parameters: list[torch.Tensor], model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor
) -> float:
    with torch.no_grad():
        for parameter, value in zip(model.parameters(), parameters, strict=True):
            parameter.copy_(value)
        return nn.functional.mse_loss(model(inputs), targets).item()


def traces(
    run: OptimizerRun,
    losses: list[float],
    model: nn.Module,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    after_update: bool = False,
) -> bool:
    """Whether `losses` are the run's losses before each step (or, after_update, after each)."""
    states = run.before[1:] + [run.after] if after_update else run.before
    if not math.isclose(loss_at(states[-1], model, inputs, targets), losses[-1], rel_tol=1e-3, abs_tol=1e-7):
        return False  # the last loss tells most runs apart at the cost of one evaluation
    return same([loss_at(state, model, inputs, targets) for state in states], losses, rtol=1e-3)


# --- The advice of the hints ---


def larger_learning_rates(lr: float, count: int = 3) -> str:
    """The next `count` values of 0.01, 0.03, 0.1, 0.3, 1, 3, ... above lr: '0.3, 1, 3' for 0.1."""
    decade = math.floor(math.log10(lr))
    series = [m * 10.0**e for e in range(decade, decade + 3) for m in (1, 3)]
    return ", ".join(f"{v:g}" for v in [v for v in series if v > lr * (1 + 1e-9)][:count])


def not_converged(name: str, lr: float, final: float, optimal: float) -> dict[str, object]:
    ratio = f"{final / optimal:.1f} times" if final > 2 * optimal else f"{100 * (final / optimal - 1):.1f} %"
    return {
        "name": name,
        "lr": lr,
        "ratio": ratio,
        "epochs": COMPARE_EPOCHS,
        "final": final,
        "optimal": optimal,
        "larger": larger_learning_rates(lr),
    }
