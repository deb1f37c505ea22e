"""The grading machinery every problem's checks share.

CheckError carries a failed check's hint; the references (a replayed training run,
the tolerance of "converged") and the readers of a learner's return values live here,
with the code that loads the file to grade and runs one check on it.
"""

from __future__ import annotations

import copy
import importlib.util
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import matplotlib

matplotlib.use("Agg")  # a learner's plt.show() must not open windows or block the checker

import numpy as np  # noqa: E402 (after choosing the backend, on purpose)
import torch  # noqa: E402
from torch import nn, optim  # noqa: E402

from linreg import LinearRegression, TrainingError  # noqa: E402

from .report import Result  # noqa: E402

OPTIMIZERS = {"SGD": optim.SGD, "Adam": optim.Adam}
TOLERANCE = 0.01  # a line or a run counts as converged within 1 % of the optimal loss


class CheckError(Exception):
    """A check failed; the message is the hint shown to the learner."""


class LoadError(Exception):
    """The file to grade cannot be loaded; the message says why, in one line."""


# --- References the learner's results are compared with ---


def start_model(seed: int) -> LinearRegression:
    torch.manual_seed(seed)
    return LinearRegression(1, 1)


def replay(
    start: nn.Module,
    name: str,
    lr: float,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    epochs: int,
    mistake="",
) -> tuple[list[float], nn.Module]:
    """The training loop from a copy of start; `mistake` reproduces a classic error on purpose."""
    model = copy.deepcopy(start)
    optimizer = OPTIMIZERS[name](model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        if mistake != "no zero_grad":
            optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(inputs), targets)
        if mistake == "step before backward":
            optimizer.step()
            loss.backward()
        else:
            loss.backward()
            optimizer.step()
        losses.append(loss.item())
    return losses, model


def same(a: list[float], b: list[float], rtol: float = 1e-4) -> bool:
    return len(a) == len(b) and bool(np.allclose(a, b, rtol=rtol, atol=1e-7))


def first_difference(a: list[float], b: list[float], rtol: float = 1e-4) -> int:
    """How many leading values agree."""
    close = np.isclose(a[: len(b)], b[: len(a)], rtol=rtol, atol=1e-7)
    return int(close.argmin()) if not close.all() else min(len(a), len(b))


def counted(n: int, noun: str, plural: str = "") -> str:
    """'1 epoch', '2 epochs': hints read as sentences."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def as_floats(value: object, who: str) -> list[float]:
    """The learner's loss history as floats, or a hint about what was returned instead."""
    if not isinstance(value, (list, tuple)):
        raise CheckError(f"{who} returned {type(value).__name__}; return a list with one float per epoch")
    if any(isinstance(v, torch.Tensor) for v in value):
        raise CheckError(f"{who} returned tensors: keep loss.item(), a plain float, for each epoch")
    return [float(v) for v in value]


def one_per_epoch(losses: list[float], epochs: int, who: str) -> list[float]:
    if len(losses) != epochs:
        raise CheckError(
            f"{who} returned {counted(len(losses), 'loss', 'losses')} for {counted(epochs, 'epoch')}: "
            f"keep exactly one per epoch"
        )
    return losses


def as_losses(value: object, epochs: int, who: str) -> list[float]:
    return one_per_epoch(as_floats(value, who), epochs, who)


# --- Loading the file and running one check ---


def load_workspace(path: Path) -> ModuleType:
    """Import the file to grade, turning every way that can fail into one line."""
    if not path.is_file():
        raise LoadError(f"no such file: {path}")
    spec = importlib.util.spec_from_file_location(f"attempt_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and pickling look modules up there
    try:
        spec.loader.exec_module(module)
    except SyntaxError as error:
        raise LoadError(f"{path}, line {error.lineno}: syntax error: {error.msg}") from None
    except Exception as error:  # noqa: BLE001 (any error in the learner's file becomes a one-line message)
        raise LoadError(f"{path} failed while loading, {where(error, path)}: {describe(error)}") from None
    return module


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def where(error: BaseException, path: Path | None) -> str:
    """The line of the learner's file the error came from (else the innermost function)."""
    frames = traceback.extract_tb(error.__traceback__)
    own = [frame for frame in frames if path and Path(frame.filename).resolve() == path.resolve()]
    frame = (own or frames)[-1]
    return f"line {frame.lineno} in {frame.name}()"


def grade_one(workspace: object, problem: int, name: str, check: Callable, path: Path | None) -> Result:
    function = getattr(workspace, name, None)
    if not callable(function):
        return Result(
            problem, name, False, f"there is no function {name}(): keep the names from exercises.py"
        )
    try:
        with warnings.catch_warnings():
            # The hints say more than the warnings would (MSELoss's about shapes, for one).
            # Only UserWarning: silencing everything makes torch's first optimizer import crawl.
            warnings.filterwarnings("ignore", category=UserWarning)
            check(function)
    except NotImplementedError as error:
        return Result(
            problem, name, False, f"not implemented yet ({where(error, path)} raises NotImplementedError)"
        )
    except CheckError as failure:
        return Result(problem, name, False, str(failure))
    except TrainingError as error:
        return Result(problem, name, False, f"linreg refused the training: {error}")
    except Exception as error:  # noqa: BLE001 (a learner's bug becomes a hint, not a traceback)
        return Result(problem, name, False, f"{name}() raised {describe(error)} ({where(error, path)})")
    return Result(problem, name, True)


@contextmanager
def calls_to_train_loop(workspace: object, function: object) -> Iterator[list[None]]:
    """Record each call `function` makes to the workspace's train_loop() while the block runs.

    A function finds train_loop() in its module's globals when it calls it, so swapping
    that entry for a recording wrapper sees every call, also those made through helpers.
    """
    calls: list[None] = []
    loop = getattr(workspace, "train_loop", None)
    namespace = getattr(function, "__globals__", {})
    if loop is None or namespace.get("train_loop") is not loop:
        yield calls
        return

    def recorded(*args, **kwargs):
        calls.append(None)
        return loop(*args, **kwargs)

    namespace["train_loop"] = recorded
    try:
        yield calls
    finally:
        namespace["train_loop"] = loop
