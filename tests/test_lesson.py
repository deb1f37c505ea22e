"""Every claim `python lesson.py` prints, checked against an independent computation (numpy)."""

from __future__ import annotations

import ast
import re

import numpy as np
import pytest
import reference
import torch
from conftest import ROOT
from printed import after, assert_shows, line_after, numbers, shows
from torch import nn

import linreg
from linreg import DISTANCES, LESSON_EPOCHS, LESSON_LR, TIMES

# The article's example: the weight and bias it sets, and the output it shows.
ARTICLE_WEIGHT, ARTICLE_BIAS = -0.4443, -0.5045
ARTICLE_OUTPUTS = [-1.3930, -2.2815]
FIGURES = {"before_training.png", "learning.png", "fit.png"}
# The lesson's data are float32 tensors (6.96 is stored as 6.96000003...), and so are the references':
# at 5 decimals the smallest MSE of the exact decimals, 0.0254175, sits right on a rounding edge.
X, Y = (np.float32(values).astype(float).ravel() for values in (DISTANCES, TIMES))


def tensor_after(text: str, label: str) -> list[float]:
    """The values of a two-row tensor printed after `label`."""
    start = text.index(label) + len(label)
    return numbers(text[start : text.index("]])", start)])


def start_of(lesson) -> tuple[float, float]:
    return tuple(after(lesson.section("3. Data, loss and optimizer"), "untrained model: weight ="))


def training_reference(lesson, epochs: int = LESSON_EPOCHS) -> tuple[float, float, list[float]]:
    """The lesson's run, as plain gradient descent in numpy from the start it printed."""
    return reference.gradient_descent(X, Y, *start_of(lesson), lr=LESSON_LR, epochs=epochs)


# --- The run as a whole


def test_lesson_exits_cleanly_on_a_headless_machine(lesson):
    assert lesson.returncode == 0
    assert "Warning" not in lesson.stderr, lesson.stderr


def test_two_runs_print_exactly_the_same_text(lesson_runs):
    first, second = lesson_runs
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout


def test_figures_are_written_into_the_output_folder_and_the_run_says_where(lesson):
    assert {path.name for path in lesson.output_dir.iterdir()} == FIGURES
    for figure in FIGURES:
        assert (lesson.output_dir / figure).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"saved output/{figure}\n" in lesson.stdout  # relative to where the lesson was run


# --- 1. nn.Linear


def test_a_new_layer_starts_uniform_within_one_over_the_root_of_in_features(lesson):
    section = lesson.section("1. nn.Linear")
    weight_shape_and_value, bias_shape_and_value = after(section, "weight:"), after(section, "bias:")
    assert weight_shape_and_value[:2] == [1, 1] and bias_shape_and_value[:1] == [1]
    weight, bias = weight_shape_and_value[-1], bias_shape_and_value[-1]
    assert abs(weight) <= 1 and abs(bias) <= 1  # in_features = 1
    torch.manual_seed(0)
    layer = nn.Linear(1, 1)
    assert_shows([weight, bias], [layer.weight.item(), layer.bias.item()])
    predictions = tensor_after(section, "predictions for 2 and 4: tensor(")
    # the weight and bias are printed to 4 decimals, so 4w + b is known to within 5 units there
    assert predictions == pytest.approx([2 * weight + bias, 4 * weight + bias], abs=3e-4)


def test_the_articles_weight_and_bias_give_the_hand_computed_output(lesson):
    printed = tensor_after(lesson.section("1. nn.Linear"), "with weight -0.4443 and bias -0.5045: tensor(")
    by_hand = [2 * ARTICLE_WEIGHT + ARTICLE_BIAS, 4 * ARTICLE_WEIGHT + ARTICLE_BIAS]
    assert_shows(printed, by_hand)
    assert not all(shows(p, a) for p, a in zip(printed, ARTICLE_OUTPUTS, strict=True))  # hence the note


def test_the_note_on_the_article_states_the_hand_computation(lesson):
    note = (ROOT / "lesson.py").read_text().split("# By hand, ")[1].split("\n\n")[0]
    product, bias, result = numbers(note)[1:4]  # "2 \times (-0.4443) - 0.5045 = -1.3931"
    assert (product, -bias) == (ARTICLE_WEIGHT, ARTICLE_BIAS)
    assert_shows([result], [2 * ARTICLE_WEIGHT + ARTICLE_BIAS])


# --- 2. A custom model


def test_custom_module_registers_the_layers_parameters_and_matches_nn_linear(lesson):
    section = lesson.section("2. A custom model with nn.Module")
    assert after(section, "parameter linear.weight: shape") == [1, 1]
    assert after(section, "parameter linear.bias: shape") == [1]
    assert section.rstrip().endswith("same predictions as nn.Linear: True")


def lesson_class() -> tuple[type[nn.Module], str]:
    """The LinearRegression class as lesson.py writes it, and its source."""
    source = (ROOT / "lesson.py").read_text()
    (node,) = [
        n for n in ast.parse(source).body if isinstance(n, ast.ClassDef) and n.name == "LinearRegression"
    ]
    namespace = {"nn": nn}
    exec(compile(ast.Module(body=[node], type_ignores=[]), "lesson.py", "exec"), namespace)
    return namespace["LinearRegression"], ast.get_source_segment(source, node)


def test_the_class_the_lesson_teaches_is_the_one_linreg_provides():
    """Written out in the lesson, in the article's words; imported from linreg everywhere else."""
    taught, source = lesson_class()
    assert "super(LinearRegression, self).__init__()" in source
    torch.manual_seed(3)
    theirs = taught(1, 1)
    torch.manual_seed(3)
    ours = linreg.LinearRegression(1, 1)
    assert [n for n, _ in theirs.named_parameters()] == [n for n, _ in ours.named_parameters()]
    x = torch.tensor([[2.0], [4.0], [-1.5]])
    assert torch.equal(theirs(x), ours(x))


# --- 3. Data, loss and optimizer


def test_the_data_is_the_articles(lesson):
    section = lesson.section("3. Data, loss and optimizer")
    assert after(section, "distances (miles), shape") == [4, 1] + [row[0] for row in DISTANCES]
    assert after(section, "times (minutes), shape") == [4, 1] + [row[0] for row in TIMES]


def test_the_model_to_train_is_linregs_lesson_model(lesson):
    model = linreg.lesson_model()
    assert_shows(list(start_of(lesson)), [model.linear.weight.item(), model.linear.bias.item()])


def test_mse_by_hand_equals_pytorchs_and_numpys(lesson):
    by_hand, pytorch = after(lesson.section("3. Data, loss and optimizer"), "MSE by hand:")
    assert by_hand == pytorch
    model = linreg.lesson_model()
    w, b = model.linear.weight.item(), model.linear.bias.item()
    assert_shows([by_hand], [reference.mse(DISTANCES, TIMES, w, b)])


# --- 4. The training loop


def test_the_logged_losses_follow_gradient_descent_at_linregs_settings(lesson):
    """The lesson writes 500 epochs and lr 0.01 out; they must be linreg.LESSON_EPOCHS and LESSON_LR."""
    section = lesson.section("4. The training loop")
    logged = {int(epoch): int(total) for epoch, total in re.findall(r"Epoch\s+(\d+)/(\d+)", section)}
    assert set(logged.values()) == {LESSON_EPOCHS}
    assert sorted(logged) == list(range(50, LESSON_EPOCHS + 1, 50))
    _, _, losses = training_reference(lesson)
    printed = [numbers(line)[-1] for line in section.splitlines() if line.startswith("Epoch")]
    # The start is printed to 4 decimals: the reference starts up to 5e-5 away, hence rel=2e-3.
    assert printed == pytest.approx([losses[epoch - 1] for epoch in sorted(logged)], rel=2e-3)
    assert all(later < earlier for earlier, later in zip(printed, printed[1:], strict=False))


def test_the_loss_fell_from_over_a_hundred_to_a_few_hundredths(lesson):
    """What the text after the loop says, in words."""
    _, _, losses = training_reference(lesson)
    assert losses[0] > 100 and 0.01 < losses[-1] < 0.1


def test_train_refuses_targets_of_shape_n_and_repeats_the_loop_exactly(lesson):
    section = lesson.section("4. The training loop")
    refusal = line_after(section, "train() refuses:")
    assert (
        "targets have shape (4,)" in refusal and "(4, 4)" in refusal and "targets.reshape(-1, 1)" in refusal
    )
    assert line_after(section, "train() from the same start gives exactly the same losses:") == "True"


def test_the_lines_drawn_along_the_way_are_gradient_descents(lesson):
    """The figure's lines come from train() stopped early: the same run, epoch for epoch."""
    for epochs in (2, 5, 10, 50):
        w, b, _ = training_reference(lesson, epochs)
        torch.manual_seed(linreg.LESSON_SEED)
        model = linreg.LinearRegression(1, 1)
        distances, times = linreg.distance_time_data()
        linreg.train(model, torch.optim.SGD(model.parameters(), lr=LESSON_LR), distances, times, epochs)
        assert [model.linear.weight.item(), model.linear.bias.item()] == pytest.approx([w, b], abs=2e-4)


# --- 5. How good is it?


def test_trained_exact_and_gap_columns_are_true(lesson):
    section = lesson.section("5. How good is it?")
    w_trained, w_exact, w_gap = after(section, "weight")
    b_trained, b_exact, b_gap = after(section, "bias")
    mse_trained, mse_best, mse_gap = after(section, "MSE")
    slope, intercept = reference.closed_form(X, Y)
    best = reference.mse(X, Y, slope, intercept)
    assert_shows([w_exact, b_exact, mse_best], [slope, intercept, best])
    w, b, _ = training_reference(lesson)
    assert [w_trained, b_trained] == pytest.approx([w, b], abs=2e-4)  # the start is printed to 4 decimals
    assert [w_gap, b_gap] == pytest.approx([w - slope, b - intercept], abs=2e-4)
    assert mse_trained == pytest.approx(reference.mse(DISTANCES, TIMES, w, b), abs=2e-5)
    assert mse_gap == pytest.approx(mse_trained - mse_best, abs=2e-5)
    assert mse_gap > 0 and w_gap < 0 < b_gap  # not finished: too flat, and starting too high


def test_the_verdict_on_convergence_is_true(lesson):
    section = lesson.section("5. How good is it?")
    excess, still_falling, last = after(section, "Not at the optimum yet: the loss is")
    slope, intercept = reference.closed_form(DISTANCES, TIMES)
    best = reference.mse(DISTANCES, TIMES, slope, intercept)
    _, _, losses = training_reference(lesson)
    assert last == 50
    assert excess == pytest.approx(100 * (losses[-1] - best) / best, abs=0.1)
    assert 1 < excess < 10  # "within a few percent", as the text says
    assert still_falling == pytest.approx(losses[-51] - losses[-1], abs=1e-5)


def test_predictions_use_the_trained_and_the_exact_line(lesson):
    section = lesson.section("5. How good is it?")
    rows = [numbers(line) for line in section.splitlines() if " miles -> " in line]
    assert [row[0] for row in rows] == [5.0, 7.5, 10.0]
    w, b, _ = training_reference(lesson)
    slope, intercept = reference.closed_form(X, Y)
    for distance, trained, exact in rows:
        assert trained == pytest.approx(w * distance + b, abs=0.01)  # the start is printed to 4 decimals
        assert shows(exact, slope * distance + intercept)


# --- 6. Why zero the gradients?


def test_gradients_accumulate_without_zero_grad(lesson):
    section = lesson.section("6. Why zero the gradients?")
    repeated = [numbers(line)[-1] for line in section.splitlines() if line.startswith("after backward()")]
    assert repeated[1] == pytest.approx(2 * repeated[0], abs=2e-4)
    assert repeated[2] == pytest.approx(3 * repeated[0], abs=3e-4)
    w0, b0 = after(section, "start: weight =")
    assert repeated[0] == pytest.approx(reference.mse_gradient(DISTANCES, TIMES, w0, b0)[0], abs=2e-3)


def step_table(section: str) -> list[list[float]]:
    return [numbers(line) for line in section.splitlines() if re.fullmatch(r" +\d( +-?\d+\.\d+){4}", line)]


def test_the_step_table_follows_the_hand_computed_gradients(lesson):
    """Replay both models' three steps in numpy with the MSE gradient formula."""
    section = lesson.section("6. Why zero the gradients?")
    w0, b0 = after(section, "start: weight =")
    table = step_table(section)
    assert [row[0] for row in table] == [1, 2, 3]
    cleared, uncleared = (w0, b0), (w0, b0)
    sum_w = sum_b = 0.0
    for _, with_zero, without, fresh, running_sum in table:
        dw, db = reference.mse_gradient(DISTANCES, TIMES, *cleared)
        fresh_w, fresh_b = reference.mse_gradient(DISTANCES, TIMES, *uncleared)
        sum_w, sum_b = sum_w + fresh_w, sum_b + fresh_b
        assert [with_zero, fresh, without] == pytest.approx([dw, fresh_w, sum_w], abs=2e-3)
        assert without.token == running_sum.token  # .grad without zero_grad is the running sum
        cleared = (cleared[0] - LESSON_LR * dw, cleared[1] - LESSON_LR * db)
        uncleared = (uncleared[0] - LESSON_LR * sum_w, uncleared[1] - LESSON_LR * sum_b)


def test_the_text_says_when_the_fresh_gradients_part(lesson):
    """Equal at steps 1 and 2 (the copies still stand together), different from step 3."""
    table = step_table(lesson.section("6. Why zero the gradients?"))
    assert [shows(row[1], row[3]) for row in table] == [True, True, False]
    text = (ROOT / "lesson.py").read_text()
    assert "at step 2 they still stand at the same parameters" in text and "From step 3 on" in text


def test_training_without_zero_grad_swings_as_the_accumulated_update_rule_predicts(lesson):
    section = lesson.section("6. Why zero the gradients?")
    w0, b0 = start_of(lesson)
    without = reference.gradient_descent_without_zero_grad(DISTANCES, TIMES, w0, b0, LESSON_LR, LESSON_EPOCHS)
    _, _, with_it = training_reference(lesson)
    rows = [numbers(line) for line in section.splitlines() if re.match(r" *\d+-\d+ ", line)]
    assert [(row[0], row[1]) for row in rows] == [(k + 1, k + 100) for k in range(0, 500, 100)]
    for first, last, *printed in rows:
        block = slice(int(first) - 1, int(last))
        expected = [min(without[block]), max(without[block]), min(with_it[block]), max(with_it[block])]
        # Printed to 2 or 4 decimals, from a start printed to 4: allow that rounding.
        assert printed == pytest.approx(expected, rel=1e-4, abs=0.006)
    low, high, final = after(section, "epochs 401-500 without zero_grad: the loss swings between")
    assert [low, high] == rows[-1][2:4]
    assert high > 1000 * final and final == pytest.approx(with_it[-1], rel=2e-3)
