"""Functions as learners write them, right and wrong, for tests/test_check.py to grade.

Each stands in for one of the five functions of practice/exercises.py; the others come
from the worked answers. The right ones are written unlike practice/answers.py, as
learners do; each wrong one makes one mistake.
"""

from __future__ import annotations

import copy
import sys

import answers
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn, optim

import linreg


def mse(model, inputs, targets):
    return nn.functional.mse_loss(model(inputs), targets)


# --- train_loop() ---


def loop(order: str, loss_of=mse):
    """A training loop doing each epoch's steps in `order`: z(ero_grad) f(orward) b(ackward) s(tep)."""

    def train_loop(model, optimizer, inputs, targets, epochs):
        losses = []
        for _ in range(epochs):
            for letter in order:
                if letter == "z":
                    optimizer.zero_grad()
                elif letter == "f":
                    loss = loss_of(model, inputs, targets)
                    losses.append(loss.item())
                elif letter == "b":
                    loss.backward()
                elif letter == "s":
                    optimizer.step()
        return losses

    return train_loop


def loop_recording_after_the_step(model, optimizer, inputs, targets, epochs):
    """Measures the loss again after the update."""
    loss_function, losses = nn.MSELoss(), []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss_function(model(inputs), targets).backward()
        optimizer.step()
        losses.append(loss_function(model(inputs), targets).item())
    return losses


def loop_with_a_closure(model, optimizer, inputs, targets, epochs):
    """Right: step(closure), which SGD calls once to get the loss and its gradients."""

    def closure():
        optimizer.zero_grad(set_to_none=False)
        loss = ((model(inputs) - targets) ** 2).mean()
        loss.backward()
        return loss

    return [float(optimizer.step(closure)) for _ in range(epochs)]


def loop_zeroing_the_model(model, optimizer, inputs, targets, epochs):
    """Right: model.zero_grad() clears the same gradients as optimizer.zero_grad()."""
    history = np.zeros(epochs)
    for epoch in range(epochs):
        model.zero_grad()
        loss = nn.MSELoss()(model(inputs), targets)
        loss.backward()
        optimizer.step()
        history[epoch] = loss.item()
    return list(history)


def loop_keeping_tensors(model, optimizer, inputs, targets, epochs):
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = nn.MSELoss()(model(inputs), targets)
        loss.backward()
        optimizer.step()
        losses.append(loss)
    return losses


def loop_of_a_new_model(model, optimizer, inputs, targets, epochs):
    """Builds a model of its own: the loss is not the given model's."""
    model = nn.Linear(1, 1)
    return loop("zfbs")(model, optim.SGD(model.parameters(), lr=0.01), inputs, targets, epochs)


def loop_training_a_copy(model, optimizer, inputs, targets, epochs):
    model = copy.deepcopy(model)
    return loop("zfbs")(model, optim.SGD(model.parameters(), lr=0.01), inputs, targets, epochs)


def loop_updating_by_hand(model, optimizer, inputs, targets, epochs):
    losses = []
    for _ in range(epochs):
        model.zero_grad()
        loss = nn.functional.mse_loss(model(inputs), targets)
        loss.backward()
        with torch.no_grad():
            for parameter in model.parameters():
                parameter -= 0.01 * parameter.grad
        losses.append(loss.item())
    return losses


def squeezed(model, inputs, targets):
    return nn.MSELoss()(model(inputs).squeeze(), targets)


def summed(model, inputs, targets):
    return nn.MSELoss(reduction="sum")(model(inputs), targets)


def without_gradients(model, inputs, targets):
    """The forward pass under no_grad(), and requires_grad_() to silence backward()'s error."""
    with torch.no_grad():
        loss = mse(model, inputs, targets)
    return loss.requires_grad_(True)


def detached(model, inputs, targets):
    """The prediction cut off from the model, then made to require a gradient again."""
    return nn.functional.mse_loss(model(inputs).detach().requires_grad_(), targets)


# --- plot_loss_curves() ---


def plot(histories, optimal_loss, **changes):
    """A right figure drawn as a learner might; `changes` leave out or redo one part of it."""
    fig, ax = plt.subplots()
    for name, losses in histories.items():
        changes.get("curve", lambda ax, name, losses: ax.plot(losses, label=name))(ax, name, losses)
    changes.get("reference", lambda ax, y: ax.axhline(y, linestyle="--"))(ax, optimal_loss)
    if changes.get("log", True):
        ax.set_yscale("log")
    if changes.get("labels", True):
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
    changes.get("title", lambda fig, ax: ax.set_title("Loss per epoch"))(fig, ax)
    changes.get("legend", lambda fig, ax: ax.legend())(fig, ax)
    return changes.get("returned", lambda fig, ax: fig)(fig, ax)


def plot_drawn_differently(histories, optimal_loss):
    """Right: a figure title, a figure legend, steps, hlines, supxlabel and a log axis of semilogy."""
    fig, (linear, ax) = plt.subplots(1, 2, figsize=(9, 4))
    for name, losses in histories.items():
        linear.plot(losses)  # the left panel: linear, unlabelled
        ax.semilogy(np.arange(1, len(losses) + 1), np.array(losses, dtype=np.float32), drawstyle="steps-mid")
        ax.lines[-1].set_label(name.upper())
    longest = max(map(len, histories.values()))
    ax.hlines(optimal_loss, 1, longest, colors="k", label="best possible")
    fig.supxlabel("epoch")
    ax.set_ylabel("MSE")
    fig.suptitle("SGD and Adam")
    fig.legend()
    return fig


def plot_with_points_and_an_axline(histories, optimal_loss):
    """Right: scattered points on twin axes, and axline for the reference."""
    fig = plt.figure()
    ax = fig.add_subplot()
    twin = ax.twinx()
    for axes, (name, losses) in zip((ax, twin), histories.items(), strict=False):
        axes.scatter(range(len(losses)), losses, s=4, label=name)
        axes.set_yscale("log")
    ax.axline((0, optimal_loss), (1, optimal_loss), color="gray")
    ax.set(xlabel="epoch", ylabel="loss", title="Loss curves")
    fig.legend(loc="upper right")
    return fig


def plot_on_separate_axes(histories, optimal_loss):
    fig, axes = plt.subplots(1, len(histories))
    for ax, (name, losses) in zip(axes, histories.items(), strict=True):
        ax.plot(losses, label=name)
    return fig


# --- height_weight_data() ---


def data(transform):
    """The worked answers' data, passed through transform(heights, weights) -> (heights, weights)."""

    def height_weight_data(n, seed):
        return transform(*answers.height_weight_data(n, seed))

    return height_weight_data


def drawn_people(slope: float, intercept: float, noise: float, height_sd: float = 7.6, seed=None):
    """Heights around 175 cm and weights on a line plus noise; seed=None: the one asked for."""

    def height_weight_data(n, asked):
        generator = torch.Generator().manual_seed(asked if seed is None else seed)
        heights = 175 + height_sd * torch.randn(n, 1, generator=generator)
        return heights, slope * heights + intercept + noise * torch.randn(n, 1, generator=generator)

    return height_weight_data


def data_ignoring_n(n, seed):
    """Always 100 people, whatever n asks for."""
    return answers.height_weight_data(100, seed)


def data_seeded_globally(n, seed):
    """Right: torch.manual_seed, and a list of two tensors."""
    torch.manual_seed(seed)
    heights = torch.normal(170.0, 8.0, size=(n, 1))
    return [heights, 0.9 * heights - 80 + torch.normal(0.0, 12.0, size=(n, 1))]


def data_unseeded(n, seed):
    heights = torch.normal(170.0, 8.0, size=(n, 1))
    return heights, 0.9 * heights - 80 + torch.normal(0.0, 12.0, size=(n, 1))


# --- fit_line() ---


def fitted(epochs: int = 300, lr: float = 0.1, standardized: bool = True, loss_of=mse, map_back="both"):
    """A fit by gradient descent on nn.Linear, mapped back to cm as `map_back` says.

    'both': right; 'slope': the slope only; 'none': not at all; 'swapped': right, but returned as
    (intercept, slope); 'times std': the slope multiplied by the std instead of divided;
    'w mean': the intercept as b - w * mean, with the standardized weight w.
    """

    def fit_line(heights, weights):
        inputs, mean, std = linreg.standardize(heights) if standardized else (heights, 0.0, 1.0)
        model = nn.Linear(1, 1)
        optimizer = optim.SGD(model.parameters(), lr=lr)
        for _ in range(epochs):
            optimizer.zero_grad()
            loss_of(model, inputs, weights).backward()
            optimizer.step()
        w, b = model.weight.item(), model.bias.item()
        if map_back == "none":
            return w, b
        slope = w * float(std) if map_back == "times std" else w / float(std)
        intercept = {"slope": b, "w mean": b - w * float(mean)}.get(map_back, b - slope * float(mean))
        return (intercept, slope) if map_back == "swapped" else (slope, intercept)

    return fit_line


def fit_with_adam_and_linreg_train(heights, weights):
    """Right: Adam through linreg.train(), returning a tensor of two numbers."""
    inputs, mean, std = linreg.standardize(heights)
    model = linreg.LinearRegression(1, 1)
    linreg.train(model, optim.Adam(model.parameters(), lr=0.5), inputs, weights, epochs=400)
    slope, intercept = linreg.original_units(model.linear.weight, model.linear.bias, mean, std)
    return torch.cat([slope.flatten(), intercept.flatten()]).detach()


def fit_with_torch_func_grad(heights, weights):
    """Right: gradients from torch.func.grad, steps by hand, in float64."""
    x, y = heights.double().flatten(), weights.double().flatten()
    z = (x - x.mean()) / x.std()

    def loss(theta):
        return ((theta[0] * z + theta[1] - y) ** 2).mean()

    theta = torch.zeros(2, dtype=torch.float64)
    for _ in range(200):
        theta = theta - 0.2 * torch.func.grad(loss)(theta)
    slope = theta[0] / x.std()
    return np.float64(slope), np.float64(theta[1] - slope * x.mean())


def fit_by_least_squares(heights, weights):
    weight, bias = linreg.least_squares(heights, weights)
    return weight.item(), bias.item()


def fit_diverging_in_linreg_train(heights, weights):
    model = nn.Linear(1, 1)
    linreg.train(model, optim.SGD(model.parameters(), lr=0.01), heights, weights, 100)
    return model.weight.item(), model.bias.item()


def fit_in_float64_with_linreg_train(heights, weights):
    model = nn.Linear(1, 1)
    linreg.train(model, optim.SGD(model.parameters(), lr=0.01), heights.double(), weights.double(), 100)
    return model.weight.item(), model.bias.item()


def fit_that_exits(heights, weights):
    sys.exit("could not fit")


# --- compare_optimizers() ---


def history(model, optimizer, inputs, targets, epochs, batch=None, after_step=False, loss_of=mse):
    """A learner's own loop: full batch, or mini-batches of `batch` rows; each epoch's full-batch loss."""
    losses = []
    for _ in range(epochs):
        if not after_step:
            with torch.no_grad():
                losses.append(loss_of(model, inputs, targets).item())
        for rows in torch.split(torch.arange(len(inputs)), batch or len(inputs)):
            optimizer.zero_grad()
            loss_of(model, inputs[rows], targets[rows]).backward()
            optimizer.step()
        if after_step:
            with torch.no_grad():
                losses.append(loss_of(model, inputs, targets).item())
    return losses


SGD_AND_ADAM = {
    "SGD": lambda parameters: optim.SGD(parameters, lr=0.1),
    "Adam": lambda p: optim.Adam(p, lr=0.5),
}


def comparison(builders=None, returned=None, fixed_epochs=None, start_from=None, **history_options):
    """A learner's compare_optimizers() with fixed optimizers.

    builders: {name: parameters -> optimizer}; returned(name, lr, losses) -> the entry
    returned for name; fixed_epochs: a number used instead of `epochs`; start_from(start)
    -> the model each run trains (default: a deep copy).
    """
    builders = builders or SGD_AND_ADAM
    returned = returned or (lambda name, lr, losses: (lr, losses))
    start_from = start_from or copy.deepcopy

    def compare_optimizers(start, inputs, targets, epochs):
        results = {}
        for name, build in builders.items():
            model = start_from(start)
            optimizer = build(model.parameters())
            losses = history(model, optimizer, inputs, targets, fixed_epochs or epochs, **history_options)
            results[name] = returned(name, optimizer.param_groups[0]["lr"], losses)
        return results

    return compare_optimizers


def sweep_training_one_copy(start, inputs, targets, epochs):
    """One copy of start for the whole sweep: each run goes on from where the last one ended."""
    model, results = copy.deepcopy(start), {}
    for name, kind, rates in (("SGD", optim.SGD, (0.01, 0.1)), ("Adam", optim.Adam, (0.1, 0.5))):
        for lr in rates:
            losses = history(model, kind(model.parameters(), lr=lr), inputs, targets, epochs)
            if name not in results or losses[-1] < results[name][1][-1]:
                results[name] = (lr, losses)
    return results


def sweep_returning_the_last_runs_losses(start, inputs, targets, epochs):
    """The classic sweep bug: the best learning rate is kept, but the losses of the last run."""
    results = {}
    for name, kind in (("SGD", optim.SGD), ("Adam", optim.Adam)):
        best_lr, best_loss = None, float("inf")
        for lr in (0.1, 0.03):
            model = copy.deepcopy(start)
            losses = history(model, kind(model.parameters(), lr=lr), inputs, targets, epochs)
            if losses[-1] < best_loss:
                best_lr, best_loss = lr, losses[-1]
        results[name] = (best_lr, losses)
    return results
