"""The grading machinery every problem's checks share.

- Hints: every hint the checker can give is registered under a key, next to the check
  that gives it (register()); a failed check raises CheckError(key, **values), which
  fills the hint in. tests/test_check.py triggers every key.
- References: the checker's own starting model, and a replayed training run.
- Readers: a learner's return values read for what they hold, whatever the container
  (a tuple or a list, a float or a numpy or torch scalar).
- Recording: which optimizers stepped, and how many gradients autograd computed, while a
  learner's function ran (recording_training()).
- Running: loading the file to grade, and running one check on it (grade_one()).
"""

from __future__ import annotations

import copy
import importlib.util
import numbers
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import matplotlib

matplotlib.use("Agg")  # a learner's plt.show() must not open windows or block the checker

import numpy as np  # noqa: E402 (after choosing the backend, on purpose)
import torch  # noqa: E402
from torch import nn, optim  # noqa: E402
from torch.autograd.variable import Variable  # noqa: E402
from torch.optim.optimizer import (  # noqa: E402
    register_optimizer_step_post_hook,
    register_optimizer_step_pre_hook,
)

from linreg import LinearRegression, TrainingError  # noqa: E402

from .report import Result, counted  # noqa: E402

OPTIMIZERS = {"SGD": optim.SGD, "Adam": optim.Adam}
TOLERANCE = 0.01  # a line or a run counts as converged within 1 % of the optimal loss

# --- Hints ---

HINTS: dict[str, str] = {}  # key -> template (str.format): every hint the checker can give


def register(hints: dict[str, str]) -> None:
    """Add a module's hints to HINTS; a key names one hint in the whole checker."""
    taken = HINTS.keys() & hints.keys()
    if taken:
        raise ValueError(f"hint keys registered twice: {sorted(taken)}")
    HINTS.update(hints)


def hint(key: str, /, **values: object) -> str:
    return HINTS[key].format(**values)


class CheckError(Exception):
    """A check failed: `key` names the hint, and the message is the hint filled in."""

    def __init__(self, key: str, /, **values: object) -> None:
        super().__init__(hint(key, **values))
        self.key = key


class LoadError(Exception):
    """The file to grade cannot be loaded; the message says why, in one line."""


class TrainLoopUnavailable(BaseException):
    """Raised by a call to a train_loop() that ran past its time limit, instead of hanging again.

    A BaseException, so that a learner's `except Exception` cannot swallow it.
    """


register(
    {
        "missing function": "there is no function {name}(): keep the names from exercises.py",
        "not implemented": "not implemented yet ({where} raises NotImplementedError)",
        "raised": "{name}() raised {error} ({where})",
        "raised/loss class": (
            "{name}() raised {error} ({where}): that is what nn.MSELoss(outputs, targets) does. "
            "nn.MSELoss is a class, not the loss: create the loss function first, "
            "loss_function = nn.MSELoss(), then call it, loss_function(outputs, targets)"
        ),
        "raised/input shape": (
            "{name}() raised {error} ({where}): the model got inputs of another shape than it takes. "
            "nn.Linear(1, 1) needs one row per example, shape (N, 1), as the inputs are given: "
            "don't flatten() or squeeze() them (inputs.reshape(-1, 1) restores the shape)"
        ),
        "exited": (
            "{name}() stopped Python with {error} ({where}): return the result instead, or the "
            "function cannot be used by anything that calls it"
        ),
        "linreg refused": "linreg refused the training: {error}",
        "losses not a list": "{who} returned {what}; return a list with one float per epoch",
        "losses are tensors": "{who} returned tensors: keep loss.item(), a plain float, for each epoch",
        "losses not numbers": "{who} returned {what} among its losses: keep one float per epoch",
        "loss count": "{who} returned {got} for {asked}: keep exactly one per epoch",
    }
)

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


# --- Reading what a learner's function returned ---


def what(value: object) -> str:
    """A returned value in a few words, for a hint: 'None', 'a dict', 'a tensor of shape (3,)'."""
    if value is None:
        return "None"
    if isinstance(value, (torch.Tensor, np.ndarray)):
        kind = "tensor" if isinstance(value, torch.Tensor) else "numpy array"
        return f"a {kind} of shape {tuple(value.shape)}"
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def number(value: object) -> float | None:
    """A real number as a float, whatever holds it (int, float, numpy or one-element torch scalar)."""
    if isinstance(value, bool):  # True is an int to Python, but never a learning rate
        return None
    if isinstance(value, numbers.Real):  # int, float, and numpy's scalars
        return float(value)
    if isinstance(value, torch.Tensor) and value.numel() == 1 and value.dtype != torch.bool:
        return float(value.item())
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
        return float(value.item())
    return None


def pair(value: object) -> tuple[object, object] | None:
    """The two items of a tuple, a list or any other sequence of two; None if it is not one."""
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__len__"):
        return None
    try:
        return (value[0], value[1]) if len(value) == 2 else None
    except (TypeError, KeyError, IndexError):
        return None


def as_floats(value: object, who: str) -> list[float]:
    """A loss history (a list, a tuple or a numpy array of numbers) as floats, or the hint it deserves."""
    if isinstance(value, torch.Tensor) or (
        isinstance(value, (list, tuple)) and any(isinstance(v, torch.Tensor) for v in value)
    ):
        raise CheckError("losses are tensors", who=who)
    if not isinstance(value, (list, tuple, np.ndarray)) or np.ndim(value) != 1:
        raise CheckError("losses not a list", who=who, what=what(value))
    floats = [number(v) for v in value]
    if None in floats:
        raise CheckError("losses not numbers", who=who, what=what(value[floats.index(None)]))
    return floats


def one_per_epoch(losses: list[float], epochs: int, who: str) -> list[float]:
    if len(losses) != epochs:
        got, asked = counted(len(losses), "loss", "losses"), counted(epochs, "epoch")
        raise CheckError("loss count", who=who, got=got, asked=asked)
    return losses


def as_losses(value: object, epochs: int, who: str) -> list[float]:
    return one_per_epoch(as_floats(value, who), epochs, who)


# --- Recording the training a learner's function does ---


@dataclass
class OptimizerRun:
    """One optimizer that stepped during the recording, and what it did."""

    optimizer: optim.Optimizer
    learning_rates: list[float]  # of each parameter group, at the first step
    steps: int = 0
    before: list[list[torch.Tensor]] = field(default_factory=list)  # parameters before each step
    after: list[torch.Tensor] = field(default_factory=list)  # parameters after the last step

    @property
    def name(self) -> str:
        return type(self.optimizer).__name__


@dataclass
class TrainingRecord:
    """Everything that trained while the recording was on."""

    runs: list[OptimizerRun] = field(default_factory=list)
    gradients: int = 0  # autograd passes: loss.backward(), torch.autograd.grad, torch.func.grad

    @property
    def trained(self) -> bool:
        return self.gradients > 0 or any(run.steps for run in self.runs)


def parameters(optimizer: optim.Optimizer) -> list[torch.Tensor]:
    return [p.detach().clone() for group in optimizer.param_groups for p in group["params"]]


class CountingEngine:
    """Autograd's engine, counting the backward passes it runs: every gradient goes through it."""

    def __init__(self, engine: object, record: TrainingRecord) -> None:
        self.engine, self.record = engine, record

    def run_backward(self, *args: object, **kwargs: object) -> object:
        self.record.gradients += 1
        return self.engine.run_backward(*args, **kwargs)

    def __getattr__(self, name: str) -> object:
        return getattr(self.engine, name)


@contextmanager
def recording_training(parameters_too: bool = False) -> Iterator[TrainingRecord]:
    """Record every optimizer step and every autograd pass made while the block runs.

    torch's global optimizer hooks see each step() of any optimizer, however it was
    built; autograd's engine sees each backward() and torch.autograd.grad. With
    parameters_too, each run also keeps its parameters before every step and after the
    last, so a loss history can be checked against the run that produced it.
    """
    record = TrainingRecord()
    runs: dict[int, OptimizerRun] = {}

    def before_step(optimizer: optim.Optimizer, args: object, kwargs: object) -> None:
        if id(optimizer) not in runs:
            rates = [float(group["lr"]) for group in optimizer.param_groups]
            runs[id(optimizer)] = OptimizerRun(optimizer, rates)
            record.runs.append(runs[id(optimizer)])
        run = runs[id(optimizer)]
        run.steps += 1
        if parameters_too:
            run.before.append(parameters(optimizer))

    def after_step(optimizer: optim.Optimizer, args: object, kwargs: object) -> None:
        if parameters_too:
            runs[id(optimizer)].after = parameters(optimizer)

    engine = Variable._execution_engine
    hooks = [
        register_optimizer_step_pre_hook(before_step),
        register_optimizer_step_post_hook(after_step),
    ]
    Variable._execution_engine = CountingEngine(engine, record)
    try:
        yield record
    finally:
        Variable._execution_engine = engine
        for handle in hooks:
            handle.remove()


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
    except (Exception, SystemExit) as error:  # noqa: BLE001 (any error in the learner's file: one line)
        raise LoadError(f"{path} failed while loading, {where(error, path)}: {describe(error)}") from None
    return module


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def where(error: BaseException, path: Path | None) -> str:
    """The line of the learner's file the error came from (else the innermost function)."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "where it was called"
    own = [frame for frame in frames if path and Path(frame.filename).resolve() == path.resolve()]
    frame = (own or frames)[-1]
    return f"line {frame.lineno} in {frame.name}()"


def grade_one(workspace: object, problem: int, name: str, check: Callable, path: Path | None) -> Result:
    function = getattr(workspace, name, None)
    if not callable(function):
        return failed(problem, name, "missing function", name=name)
    try:
        with warnings.catch_warnings():
            # The hints say more than the warnings would (MSELoss's about shapes, for one).
            # Only UserWarning: silencing everything makes torch's first optimizer import crawl.
            warnings.filterwarnings("ignore", category=UserWarning)
            check(function)
    except NotImplementedError as error:
        return failed(problem, name, "not implemented", where=where(error, path))
    except CheckError as failure:
        return Result(problem, name, False, str(failure), failure.key)
    except TrainingError as error:
        return failed(problem, name, "linreg refused", error=error)
    except SystemExit as error:
        return failed(problem, name, "exited", name=name, error=describe(error), where=where(error, path))
    except (Exception, TrainLoopUnavailable) as error:  # noqa: BLE001 (a learner's bug becomes a hint)
        key = known_error(error)
        return failed(problem, name, key, name=name, error=describe(error), where=where(error, path))
    return Result(problem, name, True)


def known_error(error: BaseException) -> str:
    """The hint for an error PyTorch raises on a classic mistake, else the plain 'raised'."""
    message = str(error)
    files = [frame.filename.replace("\\", "/") for frame in traceback.extract_tb(error.__traceback__)]
    if "Boolean value of Tensor" in message and any(name.endswith("nn/_reduction.py") for name in files):
        return "raised/loss class"  # nn.MSELoss(outputs, targets): the tensors taken for its options
    if "mat1 and mat2 shapes cannot be multiplied" in message:
        return "raised/input shape"
    return "raised"


def failed(problem: int, function: str, key: str, /, **values: object) -> Result:
    return Result(problem, function, False, hint(key, **values), key)


@contextmanager
def calls_to_train_loop(workspace: object, function: object, refuse: bool = False) -> Iterator[list[None]]:
    """Record each call `function` makes to the workspace's train_loop() while the block runs.

    A function finds train_loop() in its module's globals when it calls it, so swapping
    that entry for a recording wrapper sees every call, also those made through helpers.
    With refuse, a call raises TrainLoopUnavailable instead of running the loop.
    """
    calls: list[None] = []
    loop = getattr(workspace, "train_loop", None)
    namespace = getattr(function, "__globals__", {})
    if loop is None or namespace.get("train_loop") is not loop:
        yield calls
        return

    def recorded(*args, **kwargs):
        calls.append(None)
        if refuse:
            raise TrainLoopUnavailable("train_loop() ran past its time limit")
        return loop(*args, **kwargs)

    namespace["train_loop"] = recorded
    try:
        yield calls
    finally:
        namespace["train_loop"] = loop
