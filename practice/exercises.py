"""The template for Lesson 06's practice problems: five functions to write.

practice/exercises.py is the template: leave it as it is. Your answers go in
practice/my_answers.py, a copy of it that the checker makes the first time you
run it (git ignores that copy):

    python practice/check.py                 # grades practice/my_answers.py
    python practice/check.py my_copy.py      # or any file with these five functions

In your copy, replace each `raise NotImplementedError` with your code.

The checker runs each function on its own data and compares the results with a
reference, so keep the names and the arguments as they are. Tips:

- Start with train_loop() (problem 3): problems 1 and 2 can use it.
- linreg holds the lesson's pieces (linreg.LinearRegression, linreg.standardize,
  linreg.original_units, linreg.least_squares, ...): use them, but write the
  training loop yourself: that is the exercise.
- You can also work in the notebook practice.ipynb, which checks each function
  in place, right below it.
- Stuck? The worked answers are in answers.py, and the scripts solution_*.py
  show them at work.
"""

from __future__ import annotations

import copy  # noqa: F401 (for your answers: copy.deepcopy)

import matplotlib.pyplot as plt  # noqa: F401 (for your answers: plt.subplots)
import torch
from matplotlib.figure import Figure
from torch import nn, optim

import linreg  # noqa: F401 (for your answers: the lesson's pieces)

# --- Problem 1: predict weight from height ---


def height_weight_data(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Make a realistic synthetic dataset of n adults.

    Takes the number of people n and a random seed. Returns (heights, weights):
    heights in centimetres and weights in kilograms, two float32 tensors of
    shape (n, 1), one row per person (the type and shape nn.Linear and MSELoss
    expect).

    TODO: draw heights around a realistic mean (adults: roughly 160-180 cm), then
    weights = slope * heights + intercept + noise, with a slope and an intercept
    you choose so that the weights are realistic too (adults: roughly 60-95 kg),
    and noise, so the points scatter around the line as real ones do.
    The same seed must give the same data: use a torch.Generator seeded with it.
    """
    raise NotImplementedError("height_weight_data(): write your code here")


def fit_line(heights: torch.Tensor, weights: torch.Tensor) -> tuple[float, float]:
    """Learn weight = slope * height + intercept by gradient descent.

    Takes heights (cm) and weights (kg), tensors of shape (N, 1). Returns
    (slope, intercept) as two floats, in kg per cm and kg.

    TODO: train the lesson's linreg.LinearRegression model with optim.SGD. Try the raw
    heights first: with lr 0.01 the loss blows up (why?). Then standardize the
    heights (linreg.standardize), train on those, and map the learned weight and
    bias back to centimetres (linreg.original_units). The checker compares your
    answer with the exact least-squares line, within 1 %.
    """
    raise NotImplementedError("fit_line(): write your code here")


# --- Problem 2: SGD against Adam ---


def compare_optimizers(
    start: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, epochs: int
) -> dict[str, tuple[float, list[float]]]:
    """Train the same model with SGD and with Adam, fairly.

    Takes a model `start` (a LinearRegression(1, 1)), the data (inputs and
    targets, shape (N, 1)) and the number of epochs. Returns
    {"SGD": (lr, losses), "Adam": (lr, losses)}: for each optimizer, the
    learning rate you chose and the loss of every epoch.

    TODO: every run must begin from start's parameters: train a fresh copy
    (copy.deepcopy(start)) for each, and leave start itself unchanged. Tune each
    optimizer's learning rate separately: Adam's steps do not grow with the
    gradient as SGD's do, so the best rate for one is not the other's. Try a few
    for each (0.01, 0.1, 1, ...) and keep the one that comes within 1 % of the
    least-squares loss (linreg.optimal_loss) in the fewest epochs. The checker
    grades that each run you return ends within 1 % of that loss. The lesson's
    SGD at 0.01 does not get there in 500 epochs: its rate is a place to start,
    not the answer.
    """
    raise NotImplementedError("compare_optimizers(): write your code here")


# --- Problem 3: the loss curve ---


def train_loop(
    model: nn.Module, optimizer: optim.Optimizer, inputs: torch.Tensor, targets: torch.Tensor, epochs: int
) -> list[float]:
    """Train model for `epochs` epochs on the whole batch; return every epoch's loss.

    Takes the model, an optimizer already built on model.parameters() (SGD,
    Adam, ...: use the one you are given), inputs and targets of shape (N, 1),
    and the number of epochs. Returns a list of `epochs` floats: the MSE loss of
    each epoch, measured before that epoch's update.

    TODO: each epoch: zero the gradients, predict, compute nn.MSELoss(), call
    backward(), step the optimizer, and keep loss.item().
    """
    raise NotImplementedError("train_loop(): write your code here")


def plot_loss_curves(histories: dict[str, list[float]], optimal_loss: float) -> Figure:
    """Plot loss curves on one set of axes; return the matplotlib Figure.

    Takes histories, {name: losses} (for example {"SGD": [...], "Adam": [...]}),
    and the optimal loss (the least-squares line's MSE). Returns the Figure.

    TODO: one line per history (x: the epoch, y: the loss) labelled with its
    name, a legend, axis labels, a title, a logarithmic y axis, and a horizontal
    reference line at optimal_loss. Use plt.subplots(); do not call plt.show().
    """
    raise NotImplementedError("plot_loss_curves(): write your code here")
