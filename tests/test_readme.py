"""Every number the README states is one the scripts print now, or one the lesson is given."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

SCRIPTS = [
    "deeper.py",
    "practice/solution_1_height_weight.py",
    "practice/solution_2_sgd_vs_adam.py",
    "practice/solution_3_loss_curve.py",
]

# Numbers the README may state without any script computing them: inputs, not results.
GIVEN = {
    "-0.4443", "-0.5045", "-1.3930", "-2.2815",  # the article's example weight, bias and output
    "1.0", "2.0", "3.0", "4.0", "6.96", "12.11", "16.77", "22.21",  # the article's data
    "0.01",  # the article's learning rate
    "0.95", "1.05",  # deeper.py's factors either side of the stability limit
    "1 %", "0.1 %",  # thresholds the text and scripts choose, not results
    "0.3 %",  # 1 - 0.997006 per epoch: tests/test_deeper.py checks it from deeper.py's output
    "3.10",  # the Python version the lesson needs
}  # fmt: skip

NUMBER = re.compile(r"(?<![\w.-])-?\d+\.\d+(?:\s?%)?|(?<![\w.-])\d+\s?%|(?<![\w.-])\d{3,}(?![\d-])")


def stated_numbers() -> list[str]:
    """Decimals, percentages and numbers of 3+ digits in the README's prose and tables."""
    text = (ROOT / "README.md").read_text()
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets: URLs and file names
    text = re.sub(r"`[^`\n]*`", "", text)  # inline code: shapes, commands, formulas
    return [n for n in NUMBER.findall(text) if not re.fullmatch(r"(19|20)\d\d", n)]  # years


def printed_values(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", text)]


@pytest.fixture(scope="module")
def printed(lesson, run_script) -> list[float]:
    outputs = [lesson.stdout] + [run_script(script).stdout for script in SCRIPTS]
    return sorted(set(printed_values("\n".join(outputs))))


def matches(stated: str, printed: list[float]) -> bool:
    """Some printed value, rounded as the README rounds it, is the stated number."""
    digits = stated.rstrip(" %")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    target = float(digits)
    return any(round(value, decimals) == target for value in printed)


def test_the_readme_states_numbers():
    assert len(stated_numbers()) > 30  # the scan itself works


def test_every_number_in_the_readme_is_printed_by_a_script(printed):
    unsupported = [n for n in stated_numbers() if n not in GIVEN and not matches(n, printed)]
    assert not unsupported, f"the README states numbers no script prints: {unsupported}"
