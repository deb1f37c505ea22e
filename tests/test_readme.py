"""Every number the README states is one the scripts print now, by the rule in printed.py.

Three kinds of check, all in `problems()` so that one test can also show they are strict:
the quoted output block is printed now (line by line, in order), each result the prose
restates agrees with the run, and every other number the README states is printed by some
script or is one the lesson is given.
"""

from __future__ import annotations

import re

import pytest
from conftest import ROOT
from printed import NUMBER, Shown, after, numbers, phrase_pattern, says, shows, unquoted_line

README = (ROOT / "README.md").read_text()
SCRIPTS = [
    "deeper.py",
    "practice/solution_1_height_weight.py",
    "practice/solution_2_sgd_vs_adam.py",
    "practice/solution_3_loss_curve.py",
]

# Numbers the README may state without any script computing them: inputs, not results.
GIVEN = {
    "1.0", "2.0", "3.0", "4.0", "6.96", "12.11", "16.77", "22.21",  # the article's data
    "0.01",  # the article's learning rate
    "3.10", "3.13", "2.3", "2.14",  # the Pythons and torches it runs on: test_requirements.py checks them
}  # fmt: skip

STATED = re.compile(r"(?<![\w.-])-?\d+\.\d+(?:\s?%)?|(?<![\w.-])\d+\s?%|(?<![\w.-])\d{3,}(?![\d-])")


@pytest.fixture(scope="module")
def outputs(lesson, run_script) -> dict[str, str]:
    """What each script prints now: lesson.py's run and the others'."""
    return {"lesson.py": lesson.stdout} | {script: run_script(script).stdout for script in SCRIPTS}


def quoted_block(readme: str) -> str:
    return readme.split("<!-- lesson-output:start -->")[1].split("<!-- lesson-output:end -->")[0]


def quoted_lines(readme: str) -> list[str]:
    return quoted_block(readme).strip().removeprefix("```text").removesuffix("```").strip("\n").splitlines()


def claims(outputs: dict[str, str]) -> list[tuple[str, tuple[float, ...]]]:
    """Each result the README's prose restates: (its phrase, with {} for each number; the values now)."""
    lesson, deeper = outputs["lesson.py"].split("=== 5.")[1], outputs["deeper.py"]
    trained_w, exact_w, _ = after(lesson, "weight")
    trained_b, exact_b, _ = after(lesson, "bias")
    excess = after(lesson, "Not at the optimum yet:")[0]
    close_from = after(lesson, "learning rate 0.1:  within 1% of the smallest possible loss from epoch")[0]
    overflow = re.search(r"learning rate 0\.2: train\(\) stops: the loss became inf at epoch (\d+)", lesson)
    weight, bias = after(deeper, "torch.linalg.lstsq (least_squares):")
    slow, fast = after(deeper, "its eigenvalues:")
    limit = after(deeper, "largest stable learning rate:")[-1]
    valley = deeper.split("=== 4.")[1]
    return [
        (
            "SGD is at a weight of {} and a bias of {}, where the exact least-squares answer is {} and {};"
            " its loss is {} % above",
            (trained_w, trained_b, exact_w, exact_b, excess),
        ),
        (
            "at {} the same training is within {} % of the smallest possible loss from epoch {} on",
            (0.1, 1, close_from),
        ),
        ("at {} the loss overflows at epoch {}", (0.2, int(overflow.group(1)))),
        ("`torch.linalg.lstsq`: a weight of {} and a bias of {}", (weight, bias)),
        ("eigenvalues {} and {}", (slow, fast)),
        ("2 / {} = {}", (fast, limit)),
        ("overflows at epoch {}", (int(re.search(r"inf at epoch (\d+)", deeper).group(1)),)),
        ("a factor of {}", (after(valley, "condition number lambda_max / lambda_min =")[-1],)),
        (
            "epochs {} % of the error along the valley floor is still there",
            (after(valley, "after 500 epochs")[0],),
        ),
        ("the whole {} gap", (after(valley, "loss above the minimum:")[-1],)),
        ("an epoch removes less than {} % of the error", (after(valley, "even just below the limit")[-1],)),
        (
            "learning rate {} lands on the optimum",
            (after(valley, "one epoch of gradient descent on z at lr")[-1],),
        ),
    ]


def folded(readme: str) -> str:
    """The README with line breaks in prose folded: a phrase may wrap."""
    return " ".join(readme.split())


def stated_numbers(readme: str) -> list[str]:
    """Decimals, percentages and numbers of 3+ digits in the README's prose and tables."""
    text = re.sub(r"\]\([^)]*\)", "]", readme)  # link targets: URLs and file names
    text = re.sub(r"`[^`\n]*`", "", text)  # inline code: shapes, commands, formulas
    return [n for n in STATED.findall(text) if not re.fullmatch(r"(19|20)\d\d", n)]  # years


def printed_somewhere(stated: str, printed: list[Shown]) -> bool:
    value = Shown(stated.rstrip(" %"))
    return any(shows(value, number) for number in printed)


def problems(readme: str, outputs: dict[str, str]) -> list[str]:
    """Everything the README states that the scripts do not print now."""
    found = []
    missing = unquoted_line(quoted_lines(readme), outputs["lesson.py"])
    if missing:
        found.append(f"the quoted output is not what lesson.py prints now: {missing}")
    prose = folded(readme)
    found += [f"README: {why}" for phrase, values in claims(outputs) if (why := says(prose, phrase, *values))]
    printed = numbers("\n".join(outputs.values()))
    unsupported = [n for n in stated_numbers(readme) if n not in GIVEN and not printed_somewhere(n, printed)]
    if unsupported:
        found.append(f"the README states numbers no script prints: {unsupported}")
    return found


def test_the_readme_states_what_the_scripts_print_now(outputs):
    assert problems(README, outputs) == []


def test_the_checks_see_every_kind_of_number():
    assert len(stated_numbers(README)) > 30 and len(quoted_lines(README)) > 10


def checked_numbers(readme: str, outputs: dict[str, str]) -> list[tuple[int, int]]:
    """Where the README has the numbers a check compares with a run: the quote's and the claims'."""
    block = quoted_block(readme)
    start = readme.index(block)
    spans = [(start + m.start(), start + m.end()) for m in NUMBER.finditer(block)]
    for phrase, _ in claims(outputs):
        match = phrase_pattern(phrase).search(readme)
        assert match, phrase
        spans += [match.span(group) for group in range(1, len(match.groups()) + 1)]
    return spans


def moved(token: str, step: float) -> str:
    """The token's value moved by `step`, printed with as many decimals (down, if up would widen it)."""
    decimals = len(token.split(".")[1]) if "." in token else 0
    up, down = (f"{float(token) + sign * step:.{decimals}f}" for sign in (1, -1))
    return up if len(up) == len(token) else down  # the same width keeps the quoted layout


def test_a_number_off_by_one_unit_still_agrees_and_one_off_by_one_percent_does_not(outputs):
    """The rule is loose only by the rounding that differs from one CPU to another, and strict beyond."""
    spans = checked_numbers(README, outputs)
    assert len(spans) > 30
    for start, end in spans:
        token = README[start:end]
        value = Shown(token)
        if value.unit:  # (a count has no rounding noise: it must be exact)
            one_unit = README[:start] + moved(token, value.unit) + README[end:]
            assert problems(one_unit, outputs) == [], f"{token} -> {moved(token, value.unit)} should agree"
        # 1 %, or two units of the last digit where 1 % would not show in the digits printed
        step = max(abs(value) * 0.01, 2 * value.unit, 1 if not value.unit else 0)
        one_percent = README[:start] + moved(token, step) + README[end:]
        assert problems(one_percent, outputs), f"{token} -> {moved(token, step)} went unnoticed"


def test_readme_gives_the_commands_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text()
    for command in (
        "pip install -r requirements.txt && python lesson.py",
        "pip install -r requirements-dev.txt && python -m pytest",
    ):
        assert f"\n{command}\n" in README and command in ci


def test_every_figure_the_readme_shows_is_committed_and_drawn_by_a_script(lesson, run_script):
    shown = re.findall(r"\]\((figures/[^)]+\.png)\)", README)
    assert shown, "the README shows no figures"
    drawn = {p.name for run in [lesson, *map(run_script, SCRIPTS)] for p in run.output_dir.glob("*.png")}
    committed = {p.name for p in (ROOT / "figures").glob("*.png")}
    assert committed == drawn, "figures/ is out of date: run `python tools/refresh.py`"
    for path in shown:
        assert (ROOT / path).is_file(), path
