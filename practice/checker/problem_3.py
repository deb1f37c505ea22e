"""Problem 3, the loss curve: the checks of train_loop() and plot_loss_curves(), with their hints."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from torch import nn, optim

from linreg import distance_time_data, optimal_loss

from .grading import CheckError, as_losses, counted, first_difference, replay, same, start_model


def check_train_loop(train_loop: Callable) -> None:
    inputs, targets = distance_time_data()
    start, epochs = start_model(seed=3), 20
    model = copy.deepcopy(start)
    returned = train_loop(model, optim.SGD(model.parameters(), lr=0.01), inputs, targets, epochs)
    losses = as_losses(returned, epochs, "train_loop()")
    expected, trained = replay(start, "SGD", 0.01, inputs, targets, epochs)
    if not same(losses, expected):
        raise CheckError(diagnose_loop(losses, expected, start, inputs, targets))
    if not all(
        torch.allclose(p, q, atol=1e-5) for p, q in zip(model.parameters(), trained.parameters(), strict=True)
    ):
        raise CheckError(
            "the losses are right, but the model you were given did not end with the trained "
            "parameters: train that model itself, not a copy"
        )
    # An SGD step written by hand also matches above; only the optimizer's own step()
    # gives Adam's steps too.
    model = copy.deepcopy(start)
    losses = as_losses(
        train_loop(model, optim.Adam(model.parameters(), lr=0.1), inputs, targets, epochs),
        epochs,
        "train_loop()",
    )
    if not same(losses, replay(start, "Adam", 0.1, inputs, targets, epochs)[0]):
        raise CheckError(
            "with SGD your loop matches the reference, with Adam it does not: update the "
            "parameters with optimizer.step(), using the optimizer you are given"
        )


def diagnose_loop(
    losses: list[float], expected: list[float], start: nn.Module, inputs: torch.Tensor, targets: torch.Tensor
) -> str:
    """Name the likeliest mistake behind a loss history that differs from the reference."""
    epochs = len(expected)

    def like(mistake: str) -> bool:
        return same(losses, replay(start, "SGD", 0.01, inputs, targets, epochs, mistake)[0])

    if like("no zero_grad"):
        return (
            "the loss history matches the reference for one step and then differs: "
            "did you call optimizer.zero_grad()? Gradients add up from one backward() to the next"
        )
    if like("step before backward") or len(set(losses)) == 1:
        return (
            "the loss never changes, so the parameters never move: did you call optimizer.step() "
            "before loss.backward()? step() uses the gradients that backward() computes"
        )
    if same(losses[:-1], expected[1:]):
        return (
            "your losses are one epoch ahead of the reference: keep the loss computed in the "
            "forward pass, before optimizer.step() changes the parameters"
        )
    if math.isclose(losses[0], len(inputs) * expected[0], rel_tol=1e-4):
        return (
            f"the first epoch's loss is {len(inputs)} times the MSE of the model you were given, once "
            f"per example: nn.MSELoss(reduction='sum') adds the squared errors up instead of averaging "
            f"them, which makes every gradient and step {len(inputs)} times larger. Use nn.MSELoss()"
        )
    if not math.isclose(losses[0], expected[0], rel_tol=1e-4):
        return (
            f"the first epoch's loss is {losses[0]:.6g}, but the MSE of the model you were given "
            f"is {expected[0]:.6g}: use nn.MSELoss() on model(inputs) and targets, and train the "
            f"model passed in (don't create a new one)"
        )
    agree = first_difference(losses, expected)
    return (
        f"the loss history matches the reference for {counted(agree, 'epoch')}, then differs: each epoch "
        f"must do zero_grad(), forward, loss, backward(), step(), once each, in that order"
    )


def training_histories() -> tuple[dict[str, list[float]], float]:
    inputs, targets = distance_time_data()
    start = start_model(seed=4)
    histories = {
        name: replay(start, name, lr, inputs, targets, 30)[0] for name, lr in (("SGD", 0.01), ("Adam", 0.1))
    }
    return histories, optimal_loss(inputs, targets)


def check_plot_loss_curves(plot_loss_curves: Callable) -> None:
    histories, optimal = training_histories()
    figure = plot_loss_curves(copy.deepcopy(histories), optimal)
    try:
        check_figure(figure, histories, optimal)
    finally:
        plt.close("all")


def check_figure(figure: object, histories: dict[str, list[float]], optimal: float) -> None:
    if isinstance(figure, Axes):
        raise CheckError("plot_loss_curves() returned the Axes: return the Figure (fig, or ax.figure)")
    if not isinstance(figure, Figure):
        raise CheckError(f"plot_loss_curves() returned {type(figure).__name__}: return the matplotlib Figure")
    drawn = [ax for ax in figure.axes if ax.lines]
    if not drawn:
        raise CheckError("the figure has no lines: plot each history with ax.plot(epochs, losses)")
    ax = drawn[0]
    curves = [np.asarray(line.get_ydata(), dtype=float) for line in ax.lines]
    for name, losses in histories.items():
        if not any(len(y) == len(losses) and np.allclose(y, losses, rtol=1e-6) for y in curves):
            raise CheckError(
                f"no line on the axes shows the {name!r} losses you were given: plot every history "
                f"of the dict, each on the same axes, all its values in order"
            )
    missing = [axis for axis, label in (("x", ax.get_xlabel()), ("y", ax.get_ylabel())) if not label.strip()]
    if missing:
        which = "no axis labels" if len(missing) == 2 else f"no {missing[0]}-axis label"
        raise CheckError(
            f"the plot has {which}: name what each axis shows, "
            f"e.g. ax.set_xlabel('epoch'), ax.set_ylabel('MSE loss')"
        )
    if not ax.get_title().strip():
        raise CheckError("the plot has no title: ax.set_title(...) says what the figure shows")
    if ax.get_yscale() != "log":
        raise CheckError(
            "the loss axis is linear: ax.set_yscale('log'). The loss falls by orders of magnitude, so "
            "on a linear scale everything after the first epochs is flat"
        )
    if not any(len(y) and np.allclose(y, optimal, rtol=1e-6) for y in curves):
        raise CheckError(
            f"no horizontal reference line at the optimal loss: ax.axhline(optimal_loss) (here {optimal:.5g})"
        )
    legend = ax.get_legend()
    labels = [text.get_text() for text in legend.get_texts()] if legend else []
    unnamed = [name for name in histories if not any(name in label for label in labels)]
    if unnamed:
        raise CheckError(
            f"the legend does not name {', '.join(map(repr, unnamed))}: plot each curve with "
            f"label=name, then call ax.legend()"
        )
