"""A correct attempt at practice/exercises.py, written unlike practice/answers.py.

The checker must pass it: numpy data, a hand-written gradient descent for the line,
zero_grad() at the end of each epoch, F.mse_loss, state_dict copies, learning rates
fixed in advance, and a figure built with add_subplot, semilogy and a plotted line.
"""

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F


def height_weight_data(n, seed):
    rng = np.random.default_rng(seed)
    heights = rng.normal(163.0, 9.5, size=(n, 1))
    weights = 0.85 * heights - 62.0 + rng.normal(0.0, 13.0, size=(n, 1))
    return torch.from_numpy(heights).float(), torch.from_numpy(weights).float()


def fit_line(heights, weights):
    mean, scale = heights.mean(), heights.std()
    z = (heights - mean) / scale
    w = torch.zeros(1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    for _ in range(300):
        loss = ((z * w + b - weights) ** 2).mean()
        grad_w, grad_b = torch.autograd.grad(loss, [w, b])
        with torch.no_grad():
            w -= 0.1 * grad_w
            b -= 0.1 * grad_b
    slope = w.item() / scale.item()
    return slope, b.item() - slope * mean.item()


def train_loop(model, optimizer, inputs, targets, epochs):
    history = []
    for _ in range(epochs):
        loss = F.mse_loss(model(inputs), targets)
        history.append(float(loss))
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
    return history


def compare_optimizers(start, inputs, targets, epochs):
    results = {}
    for name, kind, lr in (("SGD", torch.optim.SGD, 0.1), ("Adam", torch.optim.Adam, 0.5)):
        model = type(start)(1, 1)
        model.load_state_dict(start.state_dict())
        results[name] = (lr, train_loop(model, kind(model.parameters(), lr=lr), inputs, targets, epochs))
    return results


def plot_loss_curves(histories, optimal_loss):
    fig = plt.figure()
    ax = fig.add_subplot()
    for name, losses in histories.items():
        ax.semilogy(np.arange(len(losses)), losses, label=name)
    longest = max(len(losses) for losses in histories.values())
    ax.plot([0, longest], [optimal_loss, optimal_loss], "k--", label="least squares")
    ax.set_xlabel("epochs")
    ax.set_ylabel("loss")
    ax.set_title("Loss curves")
    ax.legend()
    return fig
