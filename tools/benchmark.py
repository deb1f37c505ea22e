"""Time each script against the floor every such script pays: python tools/benchmark.py [RUNS [SCRIPT ...]]

The floor is importing torch and matplotlib.pyplot and creating the first torch.optim
optimizer (which imports torch's compiler machinery). Runs are interleaved so that a
busy machine slows the floor and the scripts alike; the medians are reported.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = "import torch, matplotlib.pyplot; torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)"
SCRIPTS = [
    "lesson.py",
    "deeper.py",
    "practice/solution_1_height_weight.py",
    "practice/solution_2_sgd_vs_adam.py",
    "practice/solution_3_loss_curve.py",
]


def seconds(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main(runs: int, scripts: list[str]) -> int:
    commands = {"floor": [sys.executable, "-c", FLOOR]}
    commands |= {s: [sys.executable, str(ROOT / s)] for s in scripts}
    with tempfile.TemporaryDirectory() as output:
        env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "MPLBACKEND"}}
        env["LESSON_OUTPUT"] = output
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, command in commands.items():
                times[name].append(seconds(command, env))
    floor = statistics.median(times["floor"])
    print(f"median of {runs} runs")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:40} {median:6.2f} s  {median / floor:5.2f} x floor")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5, sys.argv[2:] or SCRIPTS))
