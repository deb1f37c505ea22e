"""What the checks in problems.py share.

- Fail(key, hint): a check raises it beside the condition it checks; the key names the mistake.
- Readers: what a learner's function returned, read for what it holds, whatever the container
  (a tuple or a list, a float or a numpy or torch scalar).
- References: a training run replayed from the same start, and comparisons with it.
- recording(): which optimizers stepped, and how many gradients autograd computed, while a
  learner's function ran.
- load() and run_check(): the learner's code as a namespace, and one check run on one of its
  functions, any error turned into a hint; captured() and time_limit() for the notebook.
"""

from __future__ import annotations

import copy
import numbers
import signal
import sys
import threading
import traceback
import types
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn, optim
from torch.autograd.variable import Variable
from torch.optim.optimizer import register_optimizer_step_post_hook, register_optimizer_step_pre_hook

from check import LoadError, Printed, Sink, Verdict, counted
from linreg import TrainingError

OPTIMIZERS = {"SGD": optim.SGD, "Adam": optim.Adam}
TOLERANCE = 0.01  # a line or a run counts as converged within 1 % of the optimal loss


class Fail(Exception):
    """A check failed: `key` names the mistake (tests, and counts over a class, go by it); the message is the hint."""

    def __init__(self, key: str, hint: str) -> None:
        super().__init__(hint)
        self.key = key


class OutOfTime(BaseException):
    """The notebook's time limit ran out. Not an Exception: a learner's `except Exception` must not catch it."""


# --- Reading what a learner's function returned ---


def what(value: object) -> str:
    """A returned value in a few words, for a hint: 'None', 'a dict', 'a tensor of shape (3,)'."""
    if value is None:
        return "None"
    if isinstance(value, (torch.Tensor, np.ndarray)):
        return f"a {'tensor' if isinstance(value, torch.Tensor) else 'numpy array'} of shape {tuple(value.shape)}"
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


def loss_list(value: object, who: str) -> list[float]:
    """A loss history (a list, a tuple or a numpy array of numbers) as floats, or the hint it deserves."""
    if isinstance(value, torch.Tensor) or (
        isinstance(value, (list, tuple)) and any(isinstance(v, torch.Tensor) for v in value)
    ):
        raise Fail(
            "losses are tensors", f"{who} returned tensors: keep loss.item(), a plain float, for each epoch"
        )
    if isinstance(value, np.ndarray) and value.ndim == 1:
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        raise Fail(
            "losses not a list", f"{who} returned {what(value)}; return a list with one float per epoch"
        )
    floats = [number(v) for v in value]
    if None in floats:
        bad = what(value[floats.index(None)])
        raise Fail("losses not numbers", f"{who} returned {bad} among its losses: keep one float per epoch")
    return floats


def one_per_epoch(losses: list[float], epochs: int, who: str) -> list[float]:
    if len(losses) != epochs:
        got = f"{counted(len(losses), 'loss', 'losses')} for {counted(epochs, 'epoch')}"
        raise Fail("loss count", f"{who} returned {got}: keep exactly one per epoch")
    return losses


# --- References ---


def replay(
    start: nn.Module,
    name: str,
    lr: float,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    epochs: int,
    mistake="",
) -> tuple[list[float], nn.Module]:
    """The training loop from a copy of start; `mistake` makes a classic one on purpose."""
    model = copy.deepcopy(start)
    optimizer = OPTIMIZERS[name](model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        if mistake != "no zero_grad":
            optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(inputs), targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses, model


def same(a: list[float], b: list[float], rtol: float = 1e-4) -> bool:
    return len(a) == len(b) and bool(np.allclose(a, b, rtol=rtol, atol=1e-7))


def agreeing(a: list[float], b: list[float]) -> int:
    """How many leading values agree."""
    close = np.isclose(a[: len(b)], b[: len(a)], rtol=1e-4, atol=1e-7)
    return int(close.argmin()) if not close.all() else min(len(a), len(b))


def loss_at(
    model: nn.Module, parameters: list[torch.Tensor], inputs: torch.Tensor, targets: torch.Tensor
) -> float:
    """The MSE of `model` with these parameters."""
    with torch.no_grad():
        for parameter, value in zip(model.parameters(), parameters, strict=True):
            parameter.copy_(value)
        return nn.functional.mse_loss(model(inputs), targets).item()


# --- Recording the training a learner's function does ---


@dataclass
class Run:
    """One optimizer that stepped while the recording was on."""

    optimizer: optim.Optimizer
    rates: list[float]  # of each parameter group, at the first step
    steps: int = 0
    before: list[list[torch.Tensor]] = field(default_factory=list)  # parameters before each step, if kept
    after: list[torch.Tensor] = field(default_factory=list)  # and after the last

    @property
    def name(self) -> str:
        return type(self.optimizer).__name__


@dataclass
class Record:
    runs: list[Run] = field(default_factory=list)
    gradients: int = 0  # autograd passes: loss.backward(), torch.autograd.grad, torch.func.grad

    @property
    def trained(self) -> bool:
        return self.gradients > 0 or any(run.steps for run in self.runs)


class CountingEngine:
    """Autograd's engine, counting the backward passes it runs: every gradient goes through it."""

    def __init__(self, engine: object, record: Record) -> None:
        self.engine, self.record = engine, record

    def run_backward(self, *args: object, **kwargs: object) -> object:
        self.record.gradients += 1
        return self.engine.run_backward(*args, **kwargs)

    def __getattr__(self, name: str) -> object:
        return getattr(self.engine, name)


def parameters(optimizer: optim.Optimizer) -> list[torch.Tensor]:
    return [p.detach().clone() for group in optimizer.param_groups for p in group["params"]]


@contextmanager
def recording(keep_parameters: bool = False) -> Iterator[Record]:
    """Record every optimizer step and every autograd pass while the block runs.

    torch's global optimizer hooks see each step() of any optimizer, however it was built;
    autograd's engine sees every gradient. With keep_parameters, each run also keeps its
    parameters before every step and after the last, so that a loss history can be traced
    to the run that produced it.
    """
    record, runs = Record(), {}

    def before(optimizer: optim.Optimizer, args: object, kwargs: object) -> None:
        if id(optimizer) not in runs:
            runs[id(optimizer)] = Run(optimizer, [float(group["lr"]) for group in optimizer.param_groups])
            record.runs.append(runs[id(optimizer)])
        runs[id(optimizer)].steps += 1
        if keep_parameters:
            runs[id(optimizer)].before.append(parameters(optimizer))

    def after(optimizer: optim.Optimizer, args: object, kwargs: object) -> None:
        if keep_parameters:
            runs[id(optimizer)].after = parameters(optimizer)

    engine = Variable._execution_engine
    hooks = [register_optimizer_step_pre_hook(before), register_optimizer_step_post_hook(after)]
    Variable._execution_engine = CountingEngine(engine, record)
    try:
        yield record
    finally:
        Variable._execution_engine = engine
        for hook in hooks:
            hook.remove()


# --- Loading the learner's code, and running one check on it ---


def warm_up() -> None:
    """Pay the checker's one-time costs before any time limit counts: torch builds its optimizers'
    machinery on the first step, and matplotlib reads its fonts for the first figure."""
    import matplotlib.pyplot as plt

    optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1).step()
    plt.close(plt.figure())


def load(pieces: list[tuple[str, str]], path: Path) -> dict:
    """Run the learner's code (check.read_source's pieces) as a module of its own; its namespace."""
    module = types.ModuleType("attempt")
    module.__file__ = str(path)
    sys.modules[module.__name__] = module  # dataclasses look their module up there
    sys.path.insert(0, str(path.resolve().parent))  # a learner's file may import its neighbours
    for name, code in pieces:
        try:
            exec(compile(code, name, "exec"), module.__dict__)  # noqa: S102 (running it is the point)
        except (Exception, SystemExit) as error:  # noqa: BLE001 (any error in the learner's file: one line)
            raise LoadError(
                f"{name} failed while loading, {where(error, {name})}: {describe(error)}"
            ) from None
    return module.__dict__


def learner_files(namespace: dict) -> set[str]:
    """Where the learner's functions were compiled from: a file, a notebook's cells."""
    functions = [
        f for f in namespace.values() if isinstance(f, types.FunctionType) and f.__globals__ is namespace
    ]
    return {function.__code__.co_filename for function in functions}


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def where(error: BaseException, files: set[str]) -> str:
    """The line of the learner's code the error came from (else the innermost function)."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "where it was called"
    frame = ([frame for frame in frames if frame.filename in files] or frames)[-1]
    return f"line {frame.lineno} in {frame.name}()"


def run_check(check: Callable, function: object, name: str, problem: int, files: set[str]) -> Verdict:
    """One check on one of the learner's functions: its verdict, with a hint for whatever went wrong."""

    def failed(key: str, hint: str) -> Verdict:
        return Verdict(name, problem, False, hint, key)

    if not callable(function):
        return failed("missing function", f"there is no function {name}(): keep the names from exercises.py")
    try:
        with warnings.catch_warnings():
            # The hints say more than the warnings (MSELoss's about shapes, for one). Only
            # UserWarning: ignoring every warning makes torch's first optimizer import crawl.
            warnings.filterwarnings("ignore", category=UserWarning)
            check(function)
    except Fail as failure:
        return failed(failure.key, str(failure))
    except NotImplementedError as error:
        return failed(
            "not implemented", f"not implemented yet ({where(error, files)} raises NotImplementedError)"
        )
    except TrainingError as error:
        return failed("linreg refused", f"linreg refused the training: {error}")
    except SystemExit as error:
        return failed(
            "exited",
            f"{name}() stopped Python with {describe(error)} ({where(error, files)}): return the result "
            "instead, or the function cannot be used by anything that calls it",
        )
    except Exception as error:  # noqa: BLE001 (a learner's bug becomes a hint)
        return failed(*raised(error, f"{name}() raised {describe(error)} ({where(error, files)})"))
    return Verdict(name, problem, True)


def raised(error: Exception, said: str) -> tuple[str, str]:
    """The key and hint for an error: PyTorch's on a classic mistake explained, any other as it is."""
    files = [frame.filename.replace("\\", "/") for frame in traceback.extract_tb(error.__traceback__)]
    if "Boolean value of Tensor" in str(error) and any(name.endswith("nn/_reduction.py") for name in files):
        return "raised/loss class", (  # nn.MSELoss(outputs, targets): the tensors taken for its options
            f"{said}: that is what nn.MSELoss(outputs, targets) does. nn.MSELoss is a class, not the "
            "loss: create the loss function first, loss_function = nn.MSELoss(), then call it, "
            "loss_function(outputs, targets)"
        )
    if "mat1 and mat2 shapes cannot be multiplied" in str(error):
        return "raised/input shape", (
            f"{said}: the model got inputs of another shape than it takes. nn.Linear(1, 1) needs one "
            "row per example, shape (N, 1), as the inputs are given: don't flatten() or squeeze() them "
            "(inputs.reshape(-1, 1) restores the shape)"
        )
    return "raised", said


@contextmanager
def calls_to(namespace: dict, name: str, refuse: str = "") -> Iterator[list[None]]:
    """Record each call the learner's code makes to its function `name` while the block runs.

    A function finds the others in its module's globals when it calls them, so swapping that
    entry for a recording wrapper sees every call, also those made through helpers. With
    `refuse`, a call raises RuntimeError(refuse) instead of running the function.
    """
    calls: list[None] = []
    function = namespace.get(name)
    if not callable(function):
        yield calls
        return

    def recorded(*args: object, **kwargs: object) -> object:
        calls.append(None)
        if refuse:
            raise RuntimeError(refuse)
        return function(*args, **kwargs)

    namespace[name] = recorded
    try:
        yield calls
    finally:
        namespace[name] = function


@contextmanager
def captured(printed: Printed) -> Iterator[None]:
    """What the block prints goes into `printed` (the command's child relays it instead)."""
    stream = Sink(printed.add)
    with redirect_stdout(stream), redirect_stderr(stream):
        yield


@contextmanager
def time_limit(seconds: float) -> Iterator[bool]:
    """Raise OutOfTime in the block after `seconds`, where a timer signal can (not on Windows, and
    only in the main thread). Yields whether the limit applies."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield False
        return

    def stop(signum: int, frame: object) -> None:
        raise OutOfTime

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
