"""What the checks of problems.py share: Fail, readers of what a learner's function returns,
reference runs, a recording of the training a function does, and running one check on it."""

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
from check import LoadError, Printed, Verdict, counted
from torch import nn, optim
from torch.autograd.variable import Variable
from torch.optim.optimizer import register_optimizer_step_post_hook, register_optimizer_step_pre_hook

from linreg import TrainingError

OPTIMIZERS = {"SGD": optim.SGD, "Adam": optim.Adam}
TOLERANCE = 0.01  # a line or a run has converged within 1 % of the optimal loss


class Fail(Exception):  # noqa: N818 (a verdict, not an error)
    """A check failed: Fail("key: hint"). The key, before the first ": ", names the mistake whatever numbers
    the hint quotes (tests, and counts over a class, go by it); the rest is the hint."""

    def __init__(self, text: str) -> None:
        self.key, _, hint = text.partition(": ")
        super().__init__(hint)


class OutOfTime(BaseException):
    """A notebook's check ran past its time limit. Not an Exception, which the learner's code may catch."""


# --- Reading what a learner's function returned ---


def what(value: object) -> str:
    """A value in a few words: 'None', 'a dict', 'a Tensor of shape (3,)'."""
    shape = f" of shape {tuple(value.shape)}" if isinstance(value, (torch.Tensor, np.ndarray)) else ""
    return "None" if value is None else f"a {type(value).__name__.replace('ndarray', 'numpy array')}{shape}"


def number(value: object) -> float | None:
    """A real number as a float, whatever holds it: int, float, numpy or one-element tensor (not a bool)."""
    if isinstance(value, (torch.Tensor, np.ndarray)) and value.reshape(-1).shape[0] == 1:
        value = value.reshape(-1)[0].item()
    return float(value) if isinstance(value, numbers.Real) and not isinstance(value, bool) else None


def pair(value: object) -> tuple[object, object] | None:
    """The two items of a tuple, a list or another sequence of two; None if it is not one."""
    try:
        return (value[0], value[1]) if not isinstance(value, (str, dict)) and len(value) == 2 else None
    except (TypeError, KeyError, IndexError):
        return None


def losses_of(value: object, who: str, epochs: int | None = None) -> list[float]:
    """A loss history (a list, tuple or numpy array of numbers, one per epoch) as floats, or its hint."""
    items = value.tolist() if isinstance(value, np.ndarray) and value.ndim == 1 else value
    listed = isinstance(items, (list, tuple))
    if isinstance(value, torch.Tensor) or listed and any(isinstance(v, torch.Tensor) for v in items):
        raise Fail(f"losses: {who} returned tensors: keep loss.item(), a plain float, for each epoch")
    floats = [number(v) for v in items] if listed else [None]
    if None in floats:
        bad = f"{what(items[floats.index(None)])} among its losses" if listed else what(value)
        raise Fail(f"losses: {who} returned {bad}: return a list with one float per epoch")
    if epochs is not None and len(floats) != epochs:
        got = f"{counted(len(floats), 'loss', 'losses')} for {counted(epochs, 'epoch')}"
        raise Fail(f"loss count: {who} returned {got}: keep exactly one per epoch")
    return floats


# --- References ---


def replay(start: nn.Module, name: str, lr: float, inputs, targets, epochs: int, no_zero_grad=False):
    """The training loop from a copy of start: (its losses, the trained model); or without zero_grad()."""
    model = copy.deepcopy(start)
    optimizer = OPTIMIZERS[name](model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        if not no_zero_grad:
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


# --- Recording the training a learner's function does ---


@dataclass
class Run:
    """An optimizer that stepped while recording, and its model's loss before and after each step."""

    optimizer: optim.Optimizer
    rates: list[float]  # of each parameter group, at the first step
    before: list[float] = field(default_factory=list)
    after: list[float] = field(default_factory=list)


class Record:
    """The runs that stepped, by id(optimizer), and the count of autograd passes (loss.backward(),
    torch.autograd.grad, torch.func.grad): it stands in for autograd's engine, which all of them use."""

    def __init__(self, engine: object) -> None:
        self.engine, self.runs, self.gradients = engine, {}, 0

    def run_backward(self, *args: object, **kwargs: object) -> object:
        self.gradients += 1
        return self.engine.run_backward(*args, **kwargs)

    def __getattr__(self, name: str) -> object:
        return getattr(self.engine, name)


@contextmanager
def recording(measure: Callable[[list[torch.Tensor]], float] | None = None) -> Iterator[Record]:
    """Record every optimizer step (torch's global hooks see any optimizer's) and autograd pass while the
    block runs; with `measure`, each run's loss before and after every step, to trace a history to it."""
    record = Variable._execution_engine = Record(Variable._execution_engine)

    def hook(when: str) -> Callable:
        def seen(optimizer: optim.Optimizer, *_: object) -> None:
            rates = [group["lr"] for group in optimizer.param_groups]
            run = record.runs.setdefault(id(optimizer), Run(optimizer, rates))
            if measure:
                getattr(run, when).append(measure([p for g in optimizer.param_groups for p in g["params"]]))

        return seen

    hooks = [
        register_optimizer_step_pre_hook(hook("before")),
        register_optimizer_step_post_hook(hook("after")),
    ]
    try:
        yield record
    finally:
        Variable._execution_engine = record.engine
        for handle in hooks:
            handle.remove()


# --- Loading the learner's code, and running one check on it ---


def warm_up() -> None:
    """Pay the one-time costs before a time limit counts: an optimizer's first step, a first figure."""
    import matplotlib.pyplot as plt

    optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1).step()
    plt.close(plt.figure())


def load(pieces: list[tuple[str, str]], path: Path) -> dict:
    """Run the learner's code (check.read_source's pieces) as a module of its own; its namespace."""
    module = sys.modules["attempt"] = types.ModuleType("attempt")  # where dataclasses look their module up
    module.__file__ = str(path)
    sys.path.insert(0, str(path.resolve().parent))  # a learner's file may import its neighbours
    for name, code in pieces:
        try:
            exec(compile(code, name, "exec"), module.__dict__)
        except SyntaxError as error:  # (for a null byte, without a line)
            line = f", line {error.lineno}" if error.lineno else ""
            raise LoadError(f"{name}{line}: syntax error: {error.msg}") from None
        except (Exception, SystemExit) as error:  # any error of the learner's code, in one line
            raise LoadError(f"{name} failed while loading, {where(error, {name})}") from None
    return module.__dict__


def where(error: BaseException, files: set[str]) -> str:
    """'line 3 in fit_line(): ValueError: ...': the error at the learner's line it came from."""
    frames = traceback.extract_tb(error.__traceback__)
    frame = ([frame for frame in frames if frame.filename in files] or frames or [None])[-1]
    said = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return f"line {frame.lineno} in {frame.name}(): {said}" if frame else said


def run_check(check: Callable, namespace: dict, name: str, problem: int) -> Verdict:
    """One check on the learner's function `name`: its verdict, with a hint for whatever went wrong."""
    code = [f for f in namespace.values() if isinstance(f, types.FunctionType) and f.__globals__ is namespace]
    files = {f.__code__.co_filename for f in code}  # the learner's: a file, or a notebook's cells

    def failed(key: str, hint: str) -> Verdict:
        return Verdict(name, problem, False, hint, key)

    if not callable(namespace.get(name)):
        return failed("missing function", f"there is no function {name}(): keep the names from exercises.py")
    try:
        with warnings.catch_warnings():  # the hints say more than the warnings (MSELoss's about shapes);
            warnings.simplefilter("ignore", UserWarning)  # only these: all would slow torch's imports down
            check(namespace[name])
    except Fail as failure:
        return failed(failure.key, str(failure))
    except NotImplementedError as error:
        return failed("not implemented", f"not implemented yet ({where(error, files).split(':')[0]})")
    except TrainingError as error:
        return failed("linreg refused", f"linreg refused the training: {error}")
    except SystemExit as error:
        return failed("exited", f"{name}() stopped Python at {where(error, files)}: return a result instead")
    except Exception as error:  # a learner's bug becomes a hint
        return failed(*raised(error, f"{name}() raised an error at {where(error, files)}"))
    return Verdict(name, problem, True)


def raised(error: Exception, said: str) -> tuple[str, str]:
    """The key and hint for an error: PyTorch's on a classic mistake explained, any other as it is."""
    files = [frame.filename.replace("\\", "/") for frame in traceback.extract_tb(error.__traceback__)]
    if "Boolean value of Tensor" in str(error) and any(file.endswith("nn/_reduction.py") for file in files):
        return "raised/loss class", (
            f"{said}: nn.MSELoss is a class, not the loss: create it first, loss_function = nn.MSELoss(), "
            "then call loss_function(outputs, targets)"
        )
    if "mat1 and mat2 shapes cannot be multiplied" in str(error):
        return "raised/input shape", f"{said}: nn.Linear(1, 1) takes inputs of shape (N, 1): don't flatten()"
    return "raised", said


@contextmanager
def calls_to(namespace: dict, name: str, refuse: str = "") -> Iterator[list[None]]:
    """Record each call the learner's code makes to its function `name` (with `refuse`, a call raises
    RuntimeError(refuse) instead). Its functions find it in their globals, the namespace, where a
    wrapper sees every call, also through helpers."""
    calls, function = [], namespace.get(name)

    def recorded(*args: object, **kwargs: object) -> object:
        calls.append(None)
        if refuse:
            raise RuntimeError(refuse)
        return function(*args, **kwargs)

    namespace.update({name: recorded} if callable(function) else {})
    try:
        yield calls
    finally:
        namespace.update({name: function} if callable(function) else {})


@contextmanager
def in_place(printed: Printed, seconds: float | None = None) -> Iterator[None]:
    """What the block prints goes into `printed`; with `seconds`, OutOfTime is raised in it after that
    long, where a timer signal can (not on Windows; in the main thread, a notebook's)."""
    timer = seconds and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()

    def stop(*_: object) -> None:
        raise OutOfTime

    if timer:
        previous = signal.signal(signal.SIGALRM, stop)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        with redirect_stdout(printed), redirect_stderr(printed):
            yield
    finally:
        if timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
