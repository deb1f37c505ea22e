"""Every claim `python lesson.py` prints, checked against an independent computation."""

from __future__ import annotations

import re

import numpy as np
import pytest
import reference
from printed import NUMBER, line_after, numbers

from linreg import DISTANCES, TIMES

# The article's example: its displayed weight and bias, and the output it shows.
ARTICLE_WEIGHT, ARTICLE_BIAS = -0.4443, -0.5045
ARTICLE_OUTPUTS = [-1.3930, -2.2815]


def tensor_after(text: str, prefix: str) -> list[float]:
    """The values of a two-row tensor printed after `prefix`."""
    start = text.index(prefix) + len(prefix)
    return numbers(text[start : text.index("]])", start)])


def shown(value: float) -> int:
    """A number as a four-decimal display shows it, in units of 0.0001."""
    return round(value * 1e4)


def test_lesson_exits_cleanly_on_a_headless_machine(lesson):
    assert lesson.returncode == 0
    assert "Warning" not in lesson.stderr, lesson.stderr


def test_two_runs_print_exactly_the_same_text(lesson_runs):
    first, second = lesson_runs
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout


def test_figures_are_written_into_the_output_folder(lesson):
    figure = lesson.output_dir / "fit.png"
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert figure.stat().st_size > 10_000  # a real plot, not an empty canvas


def test_the_articles_displayed_parameters_give_the_hand_computed_outputs(lesson):
    printed = tensor_after(lesson.stdout, "with the displayed weight and bias: tensor(")
    by_hand = [2 * ARTICLE_WEIGHT + ARTICLE_BIAS, 4 * ARTICLE_WEIGHT + ARTICLE_BIAS]
    assert [shown(v) for v in printed] == [shown(v) for v in by_hand]
    assert [shown(v) for v in printed] != [shown(v) for v in ARTICLE_OUTPUTS]  # hence the search


def test_the_found_parameters_reproduce_the_article_to_the_digit(lesson):
    section = lesson.section("1. nn.Linear")
    weight, bias = numbers(line_after(section, "with weight = "))[:2]
    printed = tensor_after(section, f"bias = {bias:.6f}: tensor(")
    assert printed == ARTICLE_OUTPUTS
    # ...and they are consistent with everything the article displays:
    assert shown(weight) == shown(ARTICLE_WEIGHT) and shown(bias) == shown(ARTICLE_BIAS)
    assert [shown(2 * weight + bias), shown(4 * weight + bias)] == [shown(v) for v in ARTICLE_OUTPUTS]


def test_the_search_for_consistent_parameters_counts_right(lesson):
    """Recount the grid the lesson searched, in numpy, with exact decimal rounding."""
    grid = np.linspace(-0.00005, 0.00005, 101)
    w, b = np.meshgrid(ARTICLE_WEIGHT + grid, ARTICLE_BIAS + grid, indexing="ij")
    ok = (
        (np.round(w * 1e4) == shown(ARTICLE_WEIGHT))
        & (np.round(b * 1e4) == shown(ARTICLE_BIAS))
        & (np.round((2 * w + b) * 1e4) == shown(ARTICLE_OUTPUTS[0]))
        & (np.round((4 * w + b) * 1e4) == shown(ARTICLE_OUTPUTS[1]))
    )
    count, total = (int(v) for v in re.findall(r"\d+", line_after(lesson.stdout, "pairs that display")))
    assert (count, total) == (int(ok.sum()), ok.size)
    ranges = numbers(line_after(lesson.stdout, "  weight from "))
    expected = [w[ok].min(), w[ok].max(), b[ok].min(), b[ok].max()]
    np.testing.assert_allclose([-0.0] + ranges, [-0.0] + expected, atol=1e-6)


def test_custom_module_matches_nn_linear(lesson):
    section = lesson.section("2. A custom model with nn.Module")
    assert "class LinearRegression(nn.Module):" in section
    assert "found parameter linear.weight" in section and "found parameter linear.bias" in section
    assert section.rstrip().endswith("identical predictions: True")


def test_mse_by_hand_equals_pytorchs(lesson):
    section = lesson.section("3. Loss function and optimizer")
    by_hand, pytorch = numbers(line_after(section, "MSE by hand: "))
    weight, bias = numbers(line_after(lesson.stdout, "with weight = "))[:2]
    assert by_hand == pytorch == pytest.approx(reference.mse(DISTANCES, TIMES, weight, bias), abs=1e-3)


def training_reference(section: str) -> tuple[float, float, list[float]]:
    """Gradient descent in numpy from the start the lesson printed."""
    w0, b0 = numbers(line_after(section, "start: "))
    return reference.gradient_descent(DISTANCES, TIMES, w0, b0, lr=0.01, epochs=500)


def test_logged_losses_follow_gradient_descent_and_decrease(lesson):
    section = lesson.section("5. Training on the distance/time data")
    logged = {int(e): float(v) for e, v in re.findall(r"Epoch\s+(\d+)/500\s+loss (\S+)", section)}
    assert sorted(logged) == list(range(50, 501, 50))
    _, _, losses = training_reference(section)
    for epoch, value in logged.items():
        # The start is printed to 4 decimals: allow for that much difference.
        assert value == pytest.approx(losses[epoch - 1], rel=2e-3)
    values = [logged[e] for e in sorted(logged)]
    assert all(later < earlier for earlier, later in zip(values, values[1:], strict=False))


def test_trained_exact_and_gap_columns_are_true(lesson):
    section = lesson.section("5. Training on the distance/time data")
    w_trained, w_exact, w_gap = numbers(line_after(section, "weight  "))
    b_trained, b_exact, b_gap = numbers(line_after(section, "bias    "))
    mse_trained, mse_best, mse_gap = numbers(line_after(section, "MSE     "))
    slope, intercept = reference.closed_form(DISTANCES, TIMES)
    assert (w_exact, b_exact) == (round(slope, 4), round(intercept, 4))
    assert mse_best == round(reference.mse(DISTANCES, TIMES, slope, intercept), 5)
    w, b, _ = training_reference(section)
    assert w_trained == pytest.approx(w, abs=2e-4) and b_trained == pytest.approx(b, abs=2e-4)
    assert w_gap == pytest.approx(w - slope, abs=2e-4) and b_gap == pytest.approx(b - intercept, abs=2e-4)
    assert mse_trained == pytest.approx(reference.mse(DISTANCES, TIMES, w, b), abs=2e-5)
    assert mse_gap == pytest.approx(mse_trained - mse_best, abs=2e-5)
    assert mse_gap > 0  # training really did stop short of the optimum


def test_the_verdict_on_convergence_is_true(lesson):
    section = lesson.section("5. Training on the distance/time data")
    excess, still_falling, _ = numbers(line_after(section, "Not at the optimum yet: "))
    slope, intercept = reference.closed_form(DISTANCES, TIMES)
    best = reference.mse(DISTANCES, TIMES, slope, intercept)
    _, _, losses = training_reference(section)
    assert excess == pytest.approx(100 * (losses[-1] - best) / best, abs=0.1)
    assert still_falling == pytest.approx(losses[-51] - losses[-1], abs=1e-5)


def test_predictions_use_the_trained_and_the_exact_line(lesson):
    section = lesson.section("5. Training on the distance/time data")
    rows = re.findall(
        rf"({NUMBER.pattern}) miles -> +({NUMBER.pattern}) minutes \(exact line: +({NUMBER.pattern})\)",
        section,
    )
    assert [float(r[0]) for r in rows] == [5.0, 7.5, 10.0]
    w, b, _ = training_reference(section)
    slope, intercept = reference.closed_form(DISTANCES, TIMES)
    for distance, trained, exact in ((float(v) for v in row) for row in rows):
        assert trained == pytest.approx(w * distance + b, abs=0.01)
        assert exact == pytest.approx(slope * distance + intercept, abs=0.005 + 1e-9)  # 2 decimals


def test_gradients_accumulate_without_zero_grad(lesson):
    section = lesson.section("6. Why zero the gradients?")
    repeated = [float(v) for v in re.findall(rf"weight.grad = +({NUMBER.pattern})", section)]
    assert repeated[1] == pytest.approx(2 * repeated[0], abs=2e-4)
    assert repeated[2] == pytest.approx(3 * repeated[0], abs=3e-4)
    table = re.findall(
        rf"^ +(\d) +({NUMBER.pattern}) +({NUMBER.pattern}) +({NUMBER.pattern}) +({NUMBER.pattern})$",
        section,
        re.MULTILINE,
    )
    assert [int(row[0]) for row in table] == [1, 2, 3]
    for row in table:
        assert row[2] == row[4]  # .grad without zero_grad is the running sum of fresh gradients
    first = [float(v) for v in table[0][1:]]
    assert len(set(first)) == 1  # at step 1 nothing has accumulated yet


def test_gradient_table_follows_the_hand_computed_gradients(lesson):
    """Replay both models' three steps in numpy with the MSE gradient formula."""
    section = lesson.section("6. Why zero the gradients?")
    w0, b0 = numbers(line_after(section, "start: "))
    table = re.findall(
        rf"^ +\d +({NUMBER.pattern}) +({NUMBER.pattern}) +({NUMBER.pattern}) +({NUMBER.pattern})$",
        section,
        re.MULTILINE,
    )
    cleared, uncleared = (w0, b0), (w0, b0)
    sum_w = sum_b = 0.0
    for row in table:
        with_zero, without, fresh, _ = (float(v) for v in row)
        dw, db = reference.mse_gradient(DISTANCES, TIMES, *cleared)
        assert with_zero == pytest.approx(dw, abs=2e-3)
        fresh_w, fresh_b = reference.mse_gradient(DISTANCES, TIMES, *uncleared)
        sum_w, sum_b = sum_w + fresh_w, sum_b + fresh_b
        assert fresh == pytest.approx(fresh_w, abs=2e-3) and without == pytest.approx(sum_w, abs=2e-3)
        cleared = (cleared[0] - 0.01 * dw, cleared[1] - 0.01 * db)
        uncleared = (uncleared[0] - 0.01 * sum_w, uncleared[1] - 0.01 * sum_b)
    repeated = [float(v) for v in re.findall(rf"weight.grad = +({NUMBER.pattern})", section)]
    assert repeated[0] == pytest.approx(reference.mse_gradient(DISTANCES, TIMES, w0, b0)[0], abs=2e-3)


def test_training_without_zero_grad_swings_as_the_accumulated_update_rule_predicts(lesson):
    section = lesson.section("6. Why zero the gradients?")
    w0, b0 = numbers(line_after(lesson.section("5. Training on the distance/time data"), "start: "))
    without = reference.gradient_descent_without_zero_grad(DISTANCES, TIMES, w0, b0, 0.01, 500)
    _, _, with_it = reference.gradient_descent(DISTANCES, TIMES, w0, b0, 0.01, 500)
    n = NUMBER.pattern
    rows = re.findall(
        rf"^ *(\d+)-(\d+) +({n}) to +({n}) +({n}) to +({n})$",
        section,
        re.MULTILINE,
    )
    assert [(int(r[0]), int(r[1])) for r in rows] == [(k + 1, k + 100) for k in range(0, 500, 100)]
    for first, last, *printed in rows:
        block = slice(int(first) - 1, int(last))
        expected = [min(without[block]), max(without[block]), min(with_it[block]), max(with_it[block])]
        # Printed to 2 or 4 decimals, from a start printed to 4: allow that rounding.
        assert [float(v) for v in printed] == pytest.approx(expected, rel=1e-4, abs=0.006)
    low, high, final = numbers(line_after(section, "epochs 401-500 without zero_grad: "))
    assert (low, high) == tuple(float(v) for v in rows[-1][2:4])
    assert high > 1000 * final and final == pytest.approx(with_it[-1], rel=2e-3)
