"""The pieces Lesson 06 builds, in one place so every script can import them.

`lesson.py` tells the story and explains each piece; the practice problems and
the "going deeper" script reuse them from here instead of copying them:

- `distance_time_data()`: the article's four (distance, time) pairs.
- `LinearRegression`: the custom `nn.Module`, and `lesson_model()`, the lesson's
  untrained one (seed `LESSON_SEED`), which trains with `LESSON_LR` for `LESSON_EPOCHS`.
- `train()`: the training loop (zero_grad -> forward -> loss -> backward -> step),
  with guards that turn a learner's classic mistakes into clear messages.
- `least_squares()`: the exact answer the training loop is trying to reach, its
  `optimal_loss()`, `mse_of_lines()`: the loss of many lines at once (a map of it),
  `mse_hessian()`: the loss's curvature, which limits the learning rate, and
  `valley_directions()`: the directions in which it curves least and most.
- `standardize()` and `original_units()`: rescale an input to mean 0 and
  standard deviation 1 for training, and map the learned line back.
- `pick_device()`: the fastest device this machine has (CUDA, MPS or the CPU).
- `save_figure()`: saves a figure under `output/`, says where, and shows it only
  where a display or a notebook can.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import torch
from torch import nn

# The article's data: how long (minutes) a delivery took for each distance (miles).
DISTANCES = [[1.0], [2.0], [3.0], [4.0]]
TIMES = [[6.96], [12.11], [16.77], [22.21]]

# The lesson's training run, which deeper.py and the practice problems repeat and compare
# with: the model from this seed, trained this many epochs with SGD at this learning rate.
# lesson.py writes these numbers out where it teaches them; a test checks they agree.
LESSON_SEED, LESSON_LR, LESSON_EPOCHS = 42, 0.01, 500


def distance_time_data() -> tuple[torch.Tensor, torch.Tensor]:
    """Fresh (distances, times) tensors of shape (4, 1): one row per delivery."""
    return torch.tensor(DISTANCES), torch.tensor(TIMES)


class LinearRegression(nn.Module):
    """y = x w + b, written as our own module so it can grow later."""

    def __init__(self, input_size: int, output_size: int) -> None:
        super().__init__()  # sets up the bookkeeping that finds our parameters
        self.linear = nn.Linear(input_size, output_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x)


def lesson_model() -> LinearRegression:
    """The lesson's untrained model: the same seed gives the same starting weight and bias."""
    torch.manual_seed(LESSON_SEED)
    return LinearRegression(1, 1)


class TrainingError(ValueError):
    """A mistake in what was handed to `train()`, explained in plain words."""


class DivergenceError(TrainingError):
    """The loss became NaN or infinite; `losses` holds the epochs before that."""

    def __init__(self, message: str, losses: list[float]) -> None:
        super().__init__(message)
        self.losses = losses


def train(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    epochs: int,
    loss_function: nn.Module | None = None,
    log_every: int = 0,
) -> list[float]:
    """Full-batch training; returns the loss of every epoch (before its update).

    Refuses, with a message saying what to change, the mistakes that would
    otherwise crash with a cryptic error or, worse, train the wrong model
    without an error. Prints the loss every `log_every` epochs (0: never).
    """
    loss_function = loss_function or nn.MSELoss()
    check_training_setup(model, optimizer, inputs, targets, epochs)
    losses: list[float] = []
    for epoch in range(1, epochs + 1):
        optimizer.zero_grad()  # gradients add up otherwise: start each step from zero
        outputs = model(inputs)  # forward pass: predict
        loss = loss_function(outputs, targets)  # how wrong are we?
        loss.backward()  # d(loss)/d(parameter) into every parameter's .grad
        optimizer.step()  # move each parameter a little against its gradient
        value = loss.item()
        if not math.isfinite(value):
            raise DivergenceError(divergence_message(value, epoch, optimizer), losses)
        losses.append(value)
        if log_every and epoch % log_every == 0:
            print(f"Epoch {epoch:4d}/{epochs}  loss {value:.6f}")
    return losses


def learning_rates(optimizer: torch.optim.Optimizer) -> list[float]:
    return [float(group["lr"]) for group in optimizer.param_groups]


def divergence_message(value: float, epoch: int, optimizer: torch.optim.Optimizer) -> str:
    lr = learning_rates(optimizer)[0]
    return (
        f"the loss became {value} at epoch {epoch} with learning rate {lr:g}: each step "
        f"overshoots the minimum by more than the last. Use a smaller learning rate (try "
        f"{lr / 10:g}, and ten times smaller again if that diverges too), or standardize the "
        f"inputs so that a larger one is stable."
    )


def check_training_setup(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    epochs: int,
) -> None:
    """Raise TrainingError for anything that would make training wrong or cryptic."""
    if not isinstance(epochs, int) or epochs <= 0:
        raise TrainingError(f"epochs must be a positive whole number, got {epochs!r}")
    for lr in learning_rates(optimizer):
        if not lr > 0:  # also catches NaN
            raise TrainingError(f"the learning rate must be positive, got {lr!r}")
    check_optimizer_holds(model, optimizer)
    check_data(inputs, targets)
    check_dtypes(model, inputs, targets)
    try:
        with torch.no_grad():
            outputs = model(inputs)
    except RuntimeError as error:  # e.g. "mat1 and mat2 shapes cannot be multiplied"
        raise TrainingError(
            f"the model cannot take inputs of shape {tuple(inputs.shape)}: does its in_features "
            f"match the {inputs.shape[1]} input column(s)? PyTorch says: {error}"
        ) from error
    if outputs.shape != targets.shape:
        raise TrainingError(shape_mismatch_message(outputs.shape, targets.shape))


def check_optimizer_holds(model: nn.Module, optimizer: torch.optim.Optimizer) -> None:
    """The optimizer must update this model's parameters, or training changes nothing."""
    held = {id(p) for group in optimizer.param_groups for p in group["params"]}
    trainable = [p for p in model.parameters() if p.requires_grad]
    if not trainable or not all(id(p) in held for p in trainable):
        raise TrainingError(
            "the optimizer does not hold this model's parameters, so training would never change "
            "them: build it from this model, after creating it: optim.SGD(model.parameters(), lr=...)"
        )


def check_data(inputs: torch.Tensor, targets: torch.Tensor) -> None:
    """Tensors: inputs (N, features) and targets with N rows, all finite, N > 0."""
    for name, value in (("inputs", inputs), ("targets", targets)):
        if not isinstance(value, torch.Tensor):
            raise TrainingError(
                f"{name} must be a torch tensor, got {type(value).__name__}: "
                f"convert them with torch.tensor(..., dtype=torch.float32)"
            )
    if inputs.numel() == 0 or targets.numel() == 0:
        raise TrainingError("the data is empty: there is nothing to learn from")
    if inputs.dim() != 2:
        raise TrainingError(
            f"inputs have shape {tuple(inputs.shape)}, but nn.Linear expects one row per "
            f"example: shape (N, in_features). For one feature use inputs.reshape(-1, 1)."
        )
    if len(inputs) != len(targets):
        fix = " Put one target per row: targets.reshape(-1, 1)." if targets.numel() == len(inputs) else ""
        raise TrainingError(
            f"there are {len(inputs)} inputs but targets of shape {tuple(targets.shape)} have "
            f"{len(targets)} row(s): each input needs exactly one target.{fix}"
        )
    for name, tensor in (("inputs", inputs), ("targets", targets)):
        bad = int((~torch.isfinite(tensor)).sum())
        if bad:
            raise TrainingError(
                f"{name} contain {bad} NaN or infinite value(s): a single one turns the "
                f"loss into NaN. Drop or fill those rows before training."
            )


def check_dtypes(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> None:
    """Data in the parameters' number type: whole numbers, or numpy's float64, break the maths."""
    dtype = next(model.parameters()).dtype
    for name, tensor in (("inputs", inputs), ("targets", targets)):
        if tensor.dtype != dtype:
            raise TrainingError(
                f"{name} are {tensor.dtype} but the model computes in {dtype}: convert them "
                f"with {name}.to({dtype}) (numpy arrays become float64, and whole numbers int64)"
            )


def shape_mismatch_message(outputs: torch.Size, targets: torch.Size) -> str:
    try:
        effect = (
            f"MSELoss would broadcast them to shape "
            f"{tuple(torch.broadcast_shapes(outputs, targets))} and train the wrong model without an error"
        )
    except RuntimeError:
        effect = "MSELoss cannot compare them"
    fix = "Give the targets the same shape as the outputs"
    if len(targets) == 1 and tuple(outputs) == (targets[0], 1):
        fix += ": targets.reshape(-1, 1)"
    return (
        f"the model's outputs have shape {tuple(outputs)} but the targets have shape "
        f"{tuple(targets)}: {effect}. {fix}."
    )


def design_matrix(inputs: torch.Tensor) -> torch.Tensor:
    """X = [inputs, 1] in float64: the bias is the weight of an input that is always 1."""
    x = inputs.double()
    return torch.cat([x, torch.ones(len(x), 1, dtype=x.dtype)], dim=1)


def least_squares(inputs: torch.Tensor, targets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The exact minimizer of the MSE: (weight of shape (out, in), bias of shape (out,)).

    Solved in float64 by torch.linalg.lstsq on [inputs, 1], so it is the
    reference the trained float32 parameters are compared with.
    """
    solution = torch.linalg.lstsq(design_matrix(inputs), targets.double()).solution
    return solution[:-1].T, solution[-1]


def optimal_loss(inputs: torch.Tensor, targets: torch.Tensor) -> float:
    """The smallest MSE any line can reach on this data: the least-squares line's."""
    weight, bias = least_squares(inputs, targets)
    return torch.mean((design_matrix(inputs)[:, :-1] @ weight.T + bias - targets.double()) ** 2).item()


def line_errors(
    weights: torch.Tensor, biases: torch.Tensor, inputs: torch.Tensor, targets: torch.Tensor
) -> torch.Tensor:
    """Prediction minus target of the lines y = w x + b, for many (w, b) at once, in float64.

    One input column; `weights` and `biases` have the same shape S, the result (*S, N).
    """
    x, y = inputs.double().flatten(), targets.double().flatten()
    return weights.unsqueeze(-1) * x + biases.unsqueeze(-1) - y


def mse_of_lines(
    weights: torch.Tensor, biases: torch.Tensor, inputs: torch.Tensor, targets: torch.Tensor
) -> torch.Tensor:
    """The MSE of each line y = w x + b: a whole map of the loss over (w, b) in one call."""
    return (line_errors(weights, biases, inputs, targets) ** 2).mean(dim=-1)


def mse_hessian(inputs: torch.Tensor) -> torch.Tensor:
    """The MSE's second derivatives in (weights, bias): (2/N) X^T X, the same at every point.

    Its eigenvalues are the loss's curvatures; gradient descent is stable only for
    learning rates below 2 / the largest.
    """
    design = design_matrix(inputs)
    return 2 / len(design) * design.T @ design


def valley_directions(inputs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Unit steps in (weight, bias), for one input column: along the loss's valley floor, where it
    curves least, and across the valley, where it curves most. They are the Hessian's eigenvectors,
    each signed so that its weight part is positive (eigh may return either sign)."""
    _, vectors = torch.linalg.eigh(mse_hessian(inputs))  # columns, by ascending curvature
    along, across = (vector * torch.sign(vector[0]) for vector in vectors.T)
    return along, across


def standardize(inputs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(inputs - mean) / std per column, with the mean and (population) std used.

    Gradient descent is fastest when every input is on the same scale, around 0.
    """
    mean, std = inputs.mean(dim=0), inputs.std(dim=0, correction=0)
    if not bool((std > 0).all()):
        raise TrainingError("an input column has the same value in every row: it cannot be standardized")
    return (inputs - mean) / std, mean, std


def original_units(
    weight: torch.Tensor, bias: torch.Tensor, mean: torch.Tensor, std: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """The line learned on standardized inputs, written for the original inputs.

    y = w z + b with z = (x - mean) / std is y = (w / std) x + (b - w mean / std).
    """
    scaled = weight / std
    return scaled, bias - (scaled * mean).sum(dim=-1)


def pick_device() -> torch.device:
    """An NVIDIA GPU (CUDA) if there is one, else Apple's GPU (MPS), else the CPU."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def output_dir() -> Path:
    """Where every script of the lesson writes: $LESSON_OUTPUT, else output/ here."""
    path = Path(os.environ.get("LESSON_OUTPUT", Path(__file__).resolve().parent / "output"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def display_path(path: Path) -> str:
    """A path as you would type it here: relative to the current folder when it lies inside it,
    absolute otherwise. From the root of the file system every file lies inside it, but there a
    relative path (tmp/you/output/fit.png) reads like a mistake: the root gets absolute paths."""
    path, here = Path(path).resolve(), Path.cwd().resolve()
    if here == Path(here.anchor) or not path.is_relative_to(here):
        return str(path)
    return path.relative_to(here).as_posix()


def save_figure(fig, name: str) -> None:
    """Save under output_dir() and say where; display only where that can work (a notebook, a GUI)."""
    import matplotlib
    import matplotlib.pyplot as plt

    path = output_dir() / name
    engine = fig.get_layout_engine()
    if engine is not None:
        # Lay the figure out (layout="constrained") once, here, and keep that layout: with an
        # engine still set, savefig would draw the whole figure once more just to redo it.
        engine.execute(fig)
        fig.set_layout_engine(None)
    fig.savefig(path, dpi=100, pil_kwargs={"compress_level": 1})  # quick to write, a little larger
    print("saved", display_path(path))
    if matplotlib.get_backend().lower() == "agg":  # headless: nowhere to show it
        plt.close(fig)
    else:
        plt.show()
