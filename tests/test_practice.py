"""Every number the practice solutions print, checked against an independent numpy computation."""

from __future__ import annotations

import math
import re
import subprocess
import sys

import numpy as np
import pytest
import reference
from conftest import ROOT, finish, headless_env, start_script
from printed import NUMBER, line_after, numbers

import linreg
from practice import answers, own_data

SOLUTION_1 = "practice/solution_1_height_weight.py"
OWN_DATA = "practice/solution_1_own_data.py"
SOLUTION_2 = "practice/solution_2_sgd_vs_adam.py"
SOLUTION_3 = "practice/solution_3_loss_curve.py"
FLOAT32_MAX = float(np.finfo(np.float32).max)
# The model sees the data as float32 holds it (6.96 is 6.96000003...), and so do the references:
# at six decimals the optimal loss of the float64 data differs.
DISTANCES, TIMES = (np.float32(values).astype(float) for values in (linreg.DISTANCES, linreg.TIMES))


def csv_arguments(folder, file: str = "good.csv") -> tuple[str, ...]:
    return ("--csv", str(folder / file), "--x", "height", "--y", "weight")


@pytest.fixture(scope="session")
def solution(run_script):
    def run(script: str, *args: str):
        result = run_script(script, *args)
        assert result.returncode == 0, result.stderr
        return result

    return run


@pytest.mark.parametrize(
    ("script", "figure"),
    [(SOLUTION_1, "height_weight.png"), (SOLUTION_2, "sgd_vs_adam.png"), (SOLUTION_3, "loss_curve.png")],
)
def test_each_solution_runs_headless_and_saves_its_figure(solution, script, figure):
    result = solution(script)
    assert "Warning" not in result.stderr, result.stderr
    assert result.stdout.rstrip().endswith(f"saved output/{figure}")
    assert (result.output_dir / figure).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def best_loss() -> float:
    return reference.mse(DISTANCES, TIMES, *reference.closed_form(DISTANCES, TIMES))


def start_of(text: str) -> tuple[float, float]:
    return tuple(numbers(line_after(text, "start: ")))


# --- Problem 3: the loss curve ---


def test_problem_3_losses_are_the_lessons_gradient_descent(solution):
    out = solution(SOLUTION_3).stdout
    _, _, losses = reference.gradient_descent(DISTANCES, TIMES, *start_of(out), lr=0.01, epochs=500)
    assert line_after(out, "recorded ") == "500 losses, one per epoch"
    printed = {
        int(e): float(v)
        for e, v in re.findall(rf"^epoch +(\d+): loss ({NUMBER.pattern})$", out, re.MULTILINE)
    }
    assert sorted(printed) == [1, 2, 10, 100, 500]
    for epoch, value in printed.items():
        assert value == pytest.approx(losses[epoch - 1], rel=2e-4)


def test_problem_3_summary_is_true(solution):
    out = solution(SOLUTION_3).stdout
    _, _, losses = reference.gradient_descent(DISTANCES, TIMES, *start_of(out), lr=0.01, epochs=500)
    summary = line_after(out, "optimal loss (least squares): ")
    assert "in epoch 500 the loss is" in summary  # losses[-1] is measured before epoch 500's update
    optimal, _, excess = numbers(summary)
    assert optimal == round(best_loss(), 6)
    assert excess == pytest.approx(100 * (losses[-1] / best_loss() - 1), abs=0.06)
    orders, _, share = numbers(line_after(out, "the loss spans "))
    assert orders == pytest.approx(math.log10(losses[0] / losses[-1]), abs=0.06)
    assert share == pytest.approx(100 * (losses[0] - losses[9]) / (losses[0] - losses[-1]), abs=0.06)


# --- Problem 2: SGD against Adam ---


def replay(
    name: str, start: tuple[float, float], lr: float, epochs: int = 500
) -> tuple[float, float, list[float]]:
    method = {"SGD": reference.gradient_descent, "Adam": reference.adam}[name]
    return method(DISTANCES, TIMES, *start, lr=lr, epochs=epochs)


def final_loss(name: str, start: tuple[float, float], lr: float) -> float:
    """The MSE after the last of 500 updates: the history's last loss is one update before it."""
    w, b, _ = replay(name, start, lr)
    return reference.mse(DISTANCES, TIMES, w, b)


def diverged_epoch(start: tuple[float, float], lr: float) -> int:
    """The first epoch whose float32 MSE (a sum of N squares, then / N) would overflow."""
    _, _, losses = reference.gradient_descent(DISTANCES, TIMES, *start, lr=lr, epochs=100)
    return next(epoch for epoch, loss in enumerate(losses, 1) if loss * len(DISTANCES) > FLOAT32_MAX)


def test_problem_2_at_the_same_learning_rate(solution):
    out = solution(SOLUTION_2).stdout
    start = start_of(out)
    assert numbers(line_after(out, "optimal loss (least squares): ")) == [round(best_loss(), 6)]
    for name in ("SGD", "Adam"):
        line = re.search(rf"^{name} +at lr 0.01: (.*)$", out, re.MULTILINE).group(1)
        assert line.startswith("loss after 500 epochs ")
        _, final, ratio = numbers(line)
        expected = final_loss(name, start, 0.01)
        assert final == pytest.approx(expected, rel=1e-4)  # not the loss one update earlier
        assert ratio == pytest.approx(expected / best_loss(), rel=1e-3, abs=0.005)  # 2 decimals
    gradient, sgd_moved, factor, adam_moved = numbers(line_after(out, "first step: "))
    assert factor == -0.01
    dw, _ = reference.mse_gradient(DISTANCES, TIMES, *start)
    assert gradient == pytest.approx(dw, abs=0.01) and sgd_moved == pytest.approx(-0.01 * dw, abs=1e-4)
    # Adam's first step is lr * m_hat / (sqrt(v_hat) + eps) = lr * g / (|g| + eps): the lr itself
    assert adam_moved == pytest.approx(-0.01 * dw / (abs(dw) + 1e-8), abs=1e-4)


def sweep_table(out: str) -> dict[float, str]:
    section = out[out.index("=== 2.") : out.index("=== 3.")]
    return {
        float(m.group(1)): m.group(2)
        for m in re.finditer(rf"^({NUMBER.pattern}) {{2,}}(.*)$", section, re.MULTILINE)
    }


def expected_cell(name: str, start: tuple[float, float], lr: float) -> tuple[str, float | None, int | None]:
    if name == "SGD" and lr > reference.sgd_stability_limit(DISTANCES):
        return "diverged", None, diverged_epoch(start, lr)
    losses = replay(name, start, lr)[2]
    return "converging", final_loss(name, start, lr), reference.first_epoch_within(losses, best_loss(), 0.01)


def test_problem_2_sweep_table_is_true(solution):
    out = solution(SOLUTION_2).stdout
    start, table = start_of(out), sweep_table(out)
    assert sorted(table) == sorted(answers.SWEEP)
    for lr, row in table.items():
        cells = re.findall(rf"diverged at epoch \d+|{NUMBER.pattern} +(?:\d+|-)", row)
        assert len(cells) == 2, row
        for name, cell in zip(("SGD", "Adam"), cells, strict=True):
            kind, final, epoch = expected_cell(name, start, lr)
            if kind == "diverged":
                assert cell == f"diverged at epoch {epoch}"
            else:
                printed_final, printed_epoch = cell.split()
                assert float(printed_final) == pytest.approx(final, rel=1e-4, abs=1e-6)
                assert printed_epoch == ("-" if epoch is None else str(epoch))


def chosen_learning_rates(start: tuple[float, float]) -> dict[str, float]:
    """Per optimizer, the lr of the sweep that stays within 1 % soonest, recomputed in numpy."""
    chosen = {}
    for name in ("SGD", "Adam"):
        cells = {lr: expected_cell(name, start, lr) for lr in answers.SWEEP}
        converged = {lr: epoch for lr, (kind, _, epoch) in cells.items() if kind != "diverged" and epoch}
        chosen[name] = min(converged, key=converged.get)
    return chosen


def test_problem_2_comparison_table_is_true(solution):
    out = solution(SOLUTION_2).stdout
    start = start_of(out)
    chosen = chosen_learning_rates(start)
    assert line_after(out, "chosen: ") == ", ".join(f"{name} lr {lr:g}" for name, lr in chosen.items())
    limit = reference.sgd_stability_limit(DISTANCES)
    assert numbers(line_after(out, "SGD is stable on this data only below lr ")) == [round(limit, 4)]
    # What the text claims: of the rates tried, SGD is fastest at the largest one below its limit.
    assert chosen["SGD"] == max(lr for lr in answers.SWEEP if lr < limit)
    section = out[out.index("=== 3.") :]
    slope, intercept = reference.closed_form(DISTANCES, TIMES)
    for name, lr in chosen.items():
        row = re.search(rf"^{name} +(.*)$", section, re.MULTILINE).group(1).split()
        w, b, losses = replay(name, start, lr)
        assert float(row[0]) == lr
        assert float(row[1]) == pytest.approx(reference.mse(DISTANCES, TIMES, w, b), rel=1e-4)
        assert int(row[2]) == reference.first_epoch_within(losses, best_loss(), 0.01)
        assert float(row[3]) == pytest.approx(w, abs=1e-4) and float(row[4]) == pytest.approx(b, abs=1e-4)
        assert (round(w, 4), round(b, 4)) == pytest.approx((slope, intercept), abs=2e-4)  # both converge
    exact = numbers(re.search(r"^exact +(.*)$", section, re.MULTILINE).group(1))
    assert exact == [round(best_loss(), 6), round(slope, 4), round(intercept, 4)]


# --- Problem 1: height -> weight ---


@pytest.fixture(scope="session")
def people() -> tuple[np.ndarray, np.ndarray]:
    """The sample the script draws: answers.height_weight_data(1000, 0), as float64 numpy."""
    heights, weights = answers.height_weight_data(1000, 0)
    return heights.double().numpy().ravel(), weights.double().numpy().ravel()


def test_problem_1_population_and_true_line(solution):
    out = solution(SOLUTION_1).stdout
    mean_h, sd_h, mean_w, sd_w, r = numbers(line_after(out, "population: "))
    slope = r * sd_w / sd_h  # the regression line of a bivariate normal population
    intercept = mean_w - slope * mean_h
    # The intercept's sign is written as an operator, '- 117.11', so it cannot read as a factor.
    printed = re.fullmatch(
        r"weight = (\S+) kg per cm \* height ([+-]) (\d\S*) kg", line_after(out, "true line: ")
    )
    assert printed, line_after(out, "true line: ")
    assert float(printed[1]) == round(slope, 4)
    assert float(printed[2] + printed[3]) == round(intercept, 2)


@pytest.mark.parametrize(
    ("slope", "intercept", "label"),
    [
        (1.14224, -109.2113, "y = 1.142 x \u2212 109.21"),
        (0.5, 3.0, "y = 0.500 x + 3.00"),
        (-2.0, 0.0, "y = -2.000 x + 0.00"),
    ],
)
def test_a_line_in_a_legend_reads_as_an_equation(slope, intercept, label):
    """The legend once read '1.142 x -109.21', a product at first sight."""
    assert answers.line_label(slope, intercept, minus="\u2212") == label


def test_problem_1_sample_statistics(solution, people):
    out = solution(SOLUTION_1).stdout
    x, y = people
    printed = numbers(line_after(out, "height (cm) mean "))
    expected = [x.mean(), x.std(), y.mean(), y.std(), np.corrcoef(x, y)[0, 1]]
    assert printed == [round(v, 2) for v in expected[:4]] + [round(expected[4], 3)]


def test_problem_1_raw_heights_diverge_as_gradient_descent_predicts(solution, people):
    out = solution(SOLUTION_1).stdout
    x, y = people
    section = out[out.index("=== 2.") : out.index("=== 3.")]
    assert numbers(line_after(section, "SGD is stable on these inputs only below lr ")) == [
        float(f"{reference.sgd_stability_limit(x):.3g}")
    ]
    _, _, losses = reference.gradient_descent(x, y, *start_of(section), lr=0.01, epochs=20)
    epoch = next(e for e, loss in enumerate(losses, 1) if loss * len(x) > FLOAT32_MAX)
    message = line_after(section, "train() stopped it: ")
    assert message.startswith(f"the loss became inf at epoch {epoch} with learning rate 0.01")
    before = numbers(line_after(section, "losses before that: "))
    assert before == pytest.approx(losses[: epoch - 1], rel=2e-3)


def test_problem_1_fit_matches_least_squares_and_its_error_is_sampling_noise(solution, people):
    out = solution(SOLUTION_1).stdout
    x, y = people
    section = out[out.index("=== 3.") :]
    assert numbers(line_after(section, "standardized with mean ")) == [round(x.mean(), 4), round(x.std(), 4)]
    assert numbers(line_after(section, "SGD is stable on standardized inputs below lr ")) == [
        float(f"{reference.sgd_stability_limit((x - x.mean()) / x.std()):.3g}")
    ]
    slope, intercept = reference.closed_form(x, y)
    mean_h, sd_h, mean_w, sd_w, r = numbers(line_after(out, "population: "))
    true_slope = r * sd_w / sd_h
    true_intercept = mean_w - true_slope * mean_h
    trained_s, exact_s, true_s = numbers(line_after(section, "slope (kg per cm)"))
    trained_i, exact_i, true_i = numbers(line_after(section, "intercept (kg)"))
    assert (exact_s, exact_i) == (round(slope, 4), round(intercept, 2))
    assert (true_s, true_i) == (round(true_slope, 4), round(true_intercept, 2))
    assert trained_s == pytest.approx(slope, abs=2e-4) and trained_i == pytest.approx(intercept, abs=0.02)
    gap_s, gap_i = numbers(line_after(section, "trained - least squares: "))
    assert abs(gap_s) < 1e-4 and abs(gap_i) < 0.02  # float32 training reaches the exact line
    error = reference.slope_standard_error(x, y)
    assert numbers(line_after(section, "standard error of the least-squares slope: ")) == [round(error, 4)]
    vs_true_s, in_errors, vs_true_i = numbers(line_after(section, "error against the true line: "))
    assert vs_true_s == pytest.approx(slope - true_slope, abs=2e-4)
    assert in_errors == pytest.approx(abs(slope - true_slope) / error, abs=0.06)
    assert vs_true_i == pytest.approx(intercept - true_intercept, abs=0.02)


# --- Problem 1 with a learner's own CSV file ---


@pytest.fixture(scope="session")
def csv_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("csv")
    contents = {
        "good.csv": "name,height,weight\nana,158,52.5\nbo,171,70\ncy,183.5,81\ndi,166,61\n",
        "words.csv": "height,weight\n160,55\n170,heavy\n",
        "blank.csv": "height,weight\n160,55\n,60\n",
        "nan.csv": "height,weight\n160,55\n170,nan\n",
        "one_row.csv": "height,weight\n160,55\n",
        "header_only.csv": "height,weight\n",
        "empty.csv": "",
        "constant.csv": "height,weight\n170,55\n170,60\n170,65\n",
        "extra_value.csv": "height,weight\n160,55\n170,65,3\n180,75\n",
        # good.csv as spreadsheets save it where the comma is the decimal mark, and with tabs
        "semicolons.csv": "name;height;weight\nana;158;52,5\nbo;171;70\ncy;183,5;81\ndi;166;61\n",
        "tabs.csv": "name\theight\tweight\nana\t158\t52.5\nbo\t171\t70\ncy\t183.5\t81\ndi\t166\t61\n",
        "semicolon_words.csv": "height;weight\n160;55\n170;1,2,3\n",
        "open_quote.csv": 'height,weight\n160,55\n165,"60\n170,65\n175,70\n',
        "decimal_comma.csv": 'height,weight\n160,"55,2"\n170,65\n',
    }
    for name, text in contents.items():
        (folder / name).write_text(text, encoding="utf-8")
    # As Excel saves "CSV UTF-8": a byte-order mark before the header, glued to the first column's name.
    (folder / "excel.csv").write_text("height,weight\n158,52.5\n171,70\n", encoding="utf-8-sig")
    return folder


def test_problem_1_fits_a_learners_csv(solution, csv_files):
    """A semicolon-separated file with decimal commas, fitted as the same numbers separated by commas."""
    path = csv_files / "semicolons.csv"
    result = solution(OWN_DATA, *csv_arguments(csv_files, "semicolons.csv"))
    data = np.loadtxt(csv_files / "good.csv", delimiter=",", skiprows=1, usecols=(1, 2))
    slope, intercept = reference.closed_form(data[:, 0], data[:, 1])
    out = result.stdout
    assert f"{path}: 4 rows, input 'height', target 'weight'" in out
    assert "true" not in out  # no true line to compare with: only the data's own
    trained_s, exact_s = numbers(line_after(out, "slope"))
    trained_i, exact_i = numbers(line_after(out, "intercept"))
    assert (exact_s, exact_i) == (round(slope, 4), round(intercept, 2))
    assert trained_s == pytest.approx(slope, abs=2e-4) and trained_i == pytest.approx(intercept, abs=0.02)
    assert (result.output_dir / "own_data_fit.png").exists()


def columns_of(file: str, x: str = "height", y: str = "weight") -> list[str]:
    return ["--csv", "{dir}/" + file, "--x", x, "--y", y]


CSV_ERRORS = {
    "missing file": (columns_of("absent.csv"), "no such file: "),
    "missing column": (
        columns_of("good.csv", x="size"),
        "has no column 'size'; its columns are: name, height, weight",
    ),
    "not a number": (columns_of("words.csv"), "line 3: column 'weight' holds 'heavy', which is not a number"),
    "missing value": (columns_of("blank.csv"), "line 3: column 'height' has no value"),
    "NaN": (columns_of("nan.csv"), "line 3: column 'weight' holds 'nan'"),
    "one row": (columns_of("one_row.csv"), "has 1 data row(s): a line needs at least two points"),
    "no rows": (columns_of("header_only.csv"), "has 0 data row(s)"),
    "empty file": (columns_of("empty.csv"), "is empty: it needs a header row"),
    "constant input": (columns_of("constant.csv"), "column 'height' holds 170 in every row"),
    "a quote that never closes": (
        columns_of("open_quote.csv"),
        'open_quote.csv, line 3: a quote (") opens a value that does not close on its line',
    ),
    "a decimal comma between commas": (
        columns_of("decimal_comma.csv"),
        "holds '55,2', which is not a number: a decimal comma reads only in a file whose values are "
        "separated by ';' or tabs",
    ),
    "more values than columns": (
        columns_of("extra_value.csv"),
        "extra_value.csv, line 3: 3 values, but the header names 2 columns",
    ),
    "missing column, file from Excel": (
        columns_of("excel.csv", x="size"),
        "has no column 'size'; its columns are: height, weight",  # and no byte-order mark in 'height'
    ),
    "no columns named": (["--csv", "{dir}/good.csv"], "--csv needs --x COLUMN and --y COLUMN"),
    "unknown argument": (["--colour", "red"], "unrecognized arguments: --colour red"),
    "no file named": ([], "give the CSV file to fit and two of its columns: --csv FILE"),
    "missing column, semicolons": (
        columns_of("semicolons.csv", x="size"),
        "has no column 'size'; its columns are: name, height, weight",
    ),
    "not a number, semicolons": (
        columns_of("semicolon_words.csv"),
        "line 3: column 'weight' holds '1,2,3', which is not a number",
    ),
}


@pytest.fixture(scope="session")
def csv_error_runs(csv_files, tmp_path_factory):
    """Every bad invocation, started at once: each fails before importing torch, so this is quick."""
    processes = {}
    for case, (args, _) in CSV_ERRORS.items():
        output_dir = tmp_path_factory.mktemp("csv_error")
        arguments = [arg.format(dir=csv_files) for arg in args]
        processes[case] = (start_script(OWN_DATA, output_dir, *arguments), output_dir)
    return {case: finish(process, output_dir) for case, (process, output_dir) in processes.items()}


@pytest.mark.parametrize("case", CSV_ERRORS)
def test_a_bad_csv_or_argument_gives_one_line_and_status_2(csv_error_runs, case):
    result = csv_error_runs[case]
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert CSV_ERRORS[case][1] in result.stderr
    assert result.stdout == ""


def test_a_csv_from_excel_reads_like_any_other(csv_files):
    """The byte-order mark Excel writes must not become part of the first column's name."""
    assert own_data.read_columns(csv_files / "excel.csv", "height", "weight") == ([158, 171], [52.5, 70])


@pytest.mark.parametrize("file", ["good.csv", "semicolons.csv", "tabs.csv"])
def test_a_csv_separated_by_commas_semicolons_or_tabs_reads_alike(csv_files, file):
    """Where the comma is the decimal mark, spreadsheets separate with semicolons: 52,5 is 52.5 there."""
    data = np.loadtxt(csv_files / "good.csv", delimiter=",", skiprows=1, usecols=(1, 2))
    inputs, targets = own_data.read_columns(csv_files / file, "height", "weight")
    assert (inputs, targets) == (data[:, 0].tolist(), data[:, 1].tolist())


def test_a_bad_csv_stops_the_script_before_it_imports_torch(csv_files, tmp_path):
    """The one-line error comes at once: -X importtime lists every module imported before it."""
    script = [
        sys.executable,
        "-X",
        "importtime",
        str(ROOT / OWN_DATA),
        *csv_arguments(csv_files, "words.csv"),
    ]
    result = subprocess.run(script, capture_output=True, text=True, cwd=tmp_path, env=headless_env(tmp_path))
    assert result.returncode == 2
    imported = [
        line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")
    ]
    assert "csv" in imported and not [name for name in imported if name.split(".")[0] in ("torch", "numpy")]


def test_own_data_run_by_itself_says_which_script_to_run(tmp_path):
    result = finish(start_script("practice/own_data.py", tmp_path, *csv_arguments(tmp_path)), tmp_path)
    assert result.returncode == 2 and result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: own_data.py only reads the CSV for solution_1_own_data.py")
