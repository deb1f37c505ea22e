"""Every claim `python lesson.py` prints, checked against an independent computation (numpy)."""

from __future__ import annotations

import ast
import re
import warnings

import numpy as np
import pytest
import reference
import torch
from conftest import ROOT
from printed import after, assert_shows, line_after, numbers, says, shows
from torch import nn

import linreg
from linreg import DISTANCES, LESSON_EPOCHS, LESSON_LR, TIMES

# The article's example: the weight and bias it sets, and the output it shows.
ARTICLE_WEIGHT, ARTICLE_BIAS = -0.4443, -0.5045
ARTICLE_OUTPUTS = [-1.3930, -2.2815]
FIGURES = {
    "before_training.png",
    "training_loss.png",
    "learning.png",
    "fit.png",
    "valley.png",
    "zero_grad.png",
}
FLOAT32_MAX = float(np.finfo(np.float32).max)
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


def exact_start() -> tuple[float, float]:
    """The lesson's starting weight and bias to every digit: linreg's seeded model, which a test
    below shows is the one the lesson prints (the printed start has only four decimals)."""
    model = linreg.lesson_model()
    return model.linear.weight.item(), model.linear.bias.item()


SMALLEST = reference.mse(X, Y, *reference.closed_form(X, Y))
LAMBDAS = np.linalg.eigvalsh(reference.hessian(X))  # ascending: along the valley floor, across it
LESSON_PROSE = (ROOT / "lesson.py").read_text()


def prose() -> str:
    """The lesson's markdown cells, as one text with the line breaks of prose folded."""
    import jupytext

    cells = jupytext.read(ROOT / "lesson.py").cells
    return " ".join(" ".join(c.source for c in cells if c.cell_type == "markdown").split())


def claim(phrase: str, *values: float) -> None:
    """The lesson's prose says `phrase` with numbers that agree with `values`, by the rule."""
    why = says(prose(), phrase, *values)
    assert why is None, why


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


def test_every_model_and_optimizer_has_a_name_of_its_own():
    """Re-running a notebook cell must find the object it expects: no name is bound to a second model."""
    makers = {"LinearRegression", "Linear", "fresh_model", "SGD", "Adam"}
    bound: dict[str, int] = {}
    for node in ast.parse(LESSON_PROSE).body:  # module level: what a notebook cell binds
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            function = node.value.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            if name in makers:
                for target in node.targets:
                    bound[target.id] = bound.get(target.id, 0) + 1
    assert {"layer", "model", "optimizer", "hand_model", "sgd_model", "adam_optimizer"} <= set(bound)
    assert [name for name, count in bound.items() if count > 1] == []


def test_no_markdown_cell_shows_a_committed_picture():
    """Every picture the lesson shows is drawn by its own code: the notebook may run alone."""
    assert "<img" not in prose() and "](figures/" not in prose()


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


def test_a_layers_weight_is_a_parameter_that_autograd_tracks_from_the_start(lesson):
    """What Lesson 05 did by hand, requires_grad=True, a layer has already done."""
    printed = line_after(lesson.section("1. nn.Linear"), "the weight is a")
    layer = nn.Linear(1, 1)
    assert printed == f"{type(layer.weight).__name__}, with requires_grad={layer.weight.requires_grad}"
    assert isinstance(layer.weight, nn.Parameter) and layer.weight.requires_grad and layer.bias.requires_grad
    assert "`nn.Parameter`s, tensors created with `requires_grad=True`" in prose()


def test_a_leaf_is_a_tensor_created_rather_than_computed():
    """The clause that explains the quoted error's words."""
    assert "a *leaf* is a tensor you created rather than computed from others" in prose()
    weight = nn.Linear(1, 1).weight
    assert weight.is_leaf and not (2 * weight).is_leaf


def test_fill_without_no_grad_raises_the_error_the_lesson_quotes():
    """The lesson says no_grad() is required, not advised, and quotes what PyTorch says otherwise."""
    quoted = re.search(r'`layer\.weight\.fill_\(-0\.4443\)` raises "([^"]+)"', prose()).group(1)
    layer = nn.Linear(1, 1)
    with pytest.raises(RuntimeError) as raised:
        layer.weight.fill_(-0.4443)
    assert quoted in str(raised.value)
    with torch.no_grad():
        layer.weight.fill_(-0.4443)  # inside no_grad(), allowed
    assert layer.weight.item() == pytest.approx(-0.4443)


def test_the_articles_weight_and_bias_give_the_hand_computed_output(lesson):
    printed = tensor_after(lesson.section("1. nn.Linear"), "with weight -0.4443 and bias -0.5045: tensor(")
    by_hand = [2 * ARTICLE_WEIGHT + ARTICLE_BIAS, 4 * ARTICLE_WEIGHT + ARTICLE_BIAS]
    assert_shows(printed, by_hand)
    assert not all(shows(p, a) for p, a in zip(printed, ARTICLE_OUTPUTS, strict=True))  # hence the note


def test_the_note_on_the_article_states_the_hand_computation(lesson):
    note = LESSON_PROSE.split("# By hand, ")[1].split("\n\n")[0]
    product, bias, result = numbers(note)[1:4]  # "2 \times (-0.4443) - 0.5045 = -1.3931"
    assert (product, -bias) == (ARTICLE_WEIGHT, ARTICLE_BIAS)
    assert_shows([result], [2 * ARTICLE_WEIGHT + ARTICLE_BIAS])


# --- 2. A custom model


def test_custom_module_registers_the_layers_parameters_and_matches_nn_linear(lesson):
    section = lesson.section("2. A custom model with nn.Module")
    assert after(section, "parameter linear.weight: shape") == [1, 1]
    assert after(section, "parameter linear.bias: shape") == [1]
    assert line_after(section, "the layer's state_dict holds:") == str(list(nn.Linear(1, 1).state_dict()))
    ours = list(linreg.LinearRegression(1, 1).state_dict())
    assert line_after(section, "our model's state_dict holds:") == str(ours)
    assert section.rstrip().endswith("same predictions as nn.Linear: True")


def test_the_layers_state_dict_loads_into_the_models_layer_but_not_into_the_model():
    """Hence custom.linear.load_state_dict(...): the model's names carry the prefix `linear.`."""
    assert "`custom.load_state_dict(layer.state_dict())` would refuse" in prose()
    layer, model = nn.Linear(1, 1), linreg.LinearRegression(1, 1)
    with pytest.raises(RuntimeError, match="Missing key"):
        model.load_state_dict(layer.state_dict())
    model.linear.load_state_dict(layer.state_dict())
    assert torch.equal(model.linear.weight, layer.weight)


def test_the_lesson_says_which_super_spelling_to_write():
    """The class keeps the article's spelling; the text says to write the short one."""
    assert "Write that call `super().__init__()`" in prose()
    assert "super().__init__()" in (ROOT / "linreg.py").read_text()


def lesson_class() -> tuple[type[nn.Module], str]:
    """The LinearRegression class as lesson.py writes it, and its source."""
    (node,) = [
        n
        for n in ast.parse(LESSON_PROSE).body
        if isinstance(n, ast.ClassDef) and n.name == "LinearRegression"
    ]
    namespace = {"nn": nn}
    exec(compile(ast.Module(body=[node], type_ignores=[]), "lesson.py", "exec"), namespace)
    return namespace["LinearRegression"], ast.get_source_segment(LESSON_PROSE, node)


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
    assert_shows(list(start_of(lesson)), list(exact_start()))


def test_mse_by_hand_equals_pytorchs_and_numpys(lesson):
    by_hand, pytorch = after(lesson.section("3. Data, loss and optimizer"), "MSE by hand:")
    assert by_hand == pytorch
    assert_shows([by_hand], [reference.mse(DISTANCES, TIMES, *exact_start())])


# --- 4. The training loop: by hand, then with optim


def test_backward_gives_the_gradient_of_the_formula(lesson):
    section = lesson.section("4. The training loop")
    dw, db = reference.mse_gradient(X, Y, *exact_start())
    assert_shows(after(section, "backward():  dMSE/dw ="), [dw, db], "backward()")
    assert_shows(after(section, "the formula: dMSE/dw ="), [dw, db], "the formula")


def test_one_step_by_hand_is_the_step_optim_sgd_takes(lesson):
    section = lesson.section("4. The training loop")
    w0, b0 = exact_start()
    dw, db = reference.mse_gradient(X, Y, w0, b0)
    stepped = [w0 - LESSON_LR * dw, b0 - LESSON_LR * db]
    by_hand, by_optim = after(section, "one step by hand:"), after(section, "one optimizer.step():")
    assert_shows(by_hand, stepped, "by hand")
    assert_shows(by_optim, stepped, "optim.SGD")
    assert line_after(section, "the same step:") == "True"


def test_one_adam_step_moves_every_parameter_by_the_learning_rate(lesson):
    w0, w1, b0, b1 = after(lesson.section("4. The training loop"), "one Adam step at lr 0.1: weight")
    (start_w, start_b), (end_w, end_b) = reference.adam_path(X, Y, *exact_start(), lr=0.1, epochs=1)
    assert_shows([w0, w1, b0, b1], [start_w, end_w, start_b, end_b])
    assert [end_w - start_w, end_b - start_b] == pytest.approx([0.1, 0.1], rel=1e-6)  # whatever the gradient
    dw, db = reference.mse_gradient(X, Y, start_w, start_b)
    assert abs(dw) > 2 * abs(db)  # a steeper loss along w, yet the same step
    # Why Adam gets a learning rate of its own: SGD's step is the gradient times the learning rate.
    claim("at {}, SGD moved the weight by {}, since its gradient was {}", LESSON_LR, -LESSON_LR * dw, dw)


def test_the_logged_losses_follow_gradient_descent_at_linregs_settings(lesson):
    """The lesson writes 500 epochs and lr 0.01 out; they must be linreg.LESSON_EPOCHS and LESSON_LR."""
    section = lesson.section("4. The training loop")
    logged = {int(epoch): int(total) for epoch, total in re.findall(r"Epoch\s+(\d+)/(\d+)", section)}
    assert set(logged.values()) == {LESSON_EPOCHS}
    assert sorted(logged) == list(range(50, LESSON_EPOCHS + 1, 50))
    _, _, losses = reference.gradient_descent(X, Y, *exact_start(), lr=LESSON_LR, epochs=LESSON_EPOCHS)
    printed = [numbers(line)[-1] for line in section.splitlines() if line.startswith("Epoch")]
    assert_shows(printed, [losses[epoch - 1] for epoch in sorted(logged)])
    assert all(later < earlier for earlier, later in zip(printed, printed[1:], strict=False))


def test_the_loss_fell_from_over_a_hundred_to_a_few_hundredths(lesson):
    """What the text after the loop says, in words."""
    w, b, losses = training_reference(lesson)
    assert losses[0] > 100 and 0.01 < losses[-1] < 0.1
    claim("The loss falls from {} to {}, so a log scale", losses[0], losses[-1])
    # The last loss recorded is the model's before its 500th update; section 5 measures it after.
    assert reference.mse(X, Y, w, b) < losses[-1]


def test_the_loss_curve_is_the_lessons_own_plain_matplotlib():
    """Practice problem 3 asks for a loss curve: the lesson draws one itself, with pyplot, not plots.py."""
    (cell,) = [c for c in LESSON_PROSE.split("# %%") if '"training_loss.png"' in c]
    assert "plots." not in cell
    for call in ("plt.subplots(", "ax.plot(", 'ax.set_yscale("log")', "ax.set(", "save_figure(fig"):
        assert call in cell


def test_mseloss_warns_about_targets_of_shape_n_but_raises_no_error():
    """Hence "without an error": PyTorch warns, and trains towards the mean of the targets."""
    outputs, targets = torch.zeros(4, 1), torch.tensor(TIMES).flatten()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loss = nn.MSELoss()(outputs, targets)
    assert any("target size" in str(w.message) for w in caught)
    assert loss.item() == pytest.approx(float(np.mean(Y**2)))  # every output against every target


def test_train_refuses_targets_of_shape_n_as_a_labelled_demonstration(lesson):
    section = lesson.section("4. The training loop")
    refusal = line_after(section, "demonstration, targets of shape (4,): train() refuses:")
    assert (
        "targets have shape (4,)" in refusal and "(4, 4)" in refusal and "targets.reshape(-1, 1)" in refusal
    )
    assert "without an error" in refusal
    assert line_after(section, "train() from the same start gives exactly the same losses:") == "True"


def test_the_lines_drawn_along_the_way_are_gradient_descents(lesson):
    """The figure's lines come from train() stopped early: the same run, epoch for epoch."""
    for epochs in (2, 5, 10, 50):
        w, b, _ = reference.gradient_descent(X, Y, *exact_start(), LESSON_LR, epochs)
        model = linreg.lesson_model()
        distances, times = linreg.distance_time_data()
        linreg.train(model, torch.optim.SGD(model.parameters(), lr=LESSON_LR), distances, times, epochs)
        assert [model.linear.weight.item(), model.linear.bias.item()] == pytest.approx([w, b], abs=1e-5)


# --- 5. How good is it?


def test_trained_exact_and_gap_columns_are_true(lesson):
    section = lesson.section("5. How good is it?")
    slope, intercept = reference.closed_form(X, Y)
    w, b, _ = reference.gradient_descent(X, Y, *exact_start(), LESSON_LR, LESSON_EPOCHS)
    trained = reference.mse(X, Y, w, b)
    assert_shows(after(section, "weight"), [w, slope, w - slope], "weight")
    assert_shows(after(section, "bias"), [b, intercept, b - intercept], "bias")
    assert_shows(after(section, "MSE"), [trained, SMALLEST, trained - SMALLEST], "MSE")
    assert trained > SMALLEST and w < slope and b > intercept  # not finished: too flat, starting too high


def test_the_verdict_on_convergence_is_true(lesson):
    section = lesson.section("5. How good is it?")
    excess, still_falling, last = after(section, "Not at the optimum yet: the loss is")
    _, _, losses = reference.gradient_descent(X, Y, *exact_start(), LESSON_LR, LESSON_EPOCHS)
    assert last == 50
    assert_shows(
        [excess, still_falling], [100 * (losses[-1] - SMALLEST) / SMALLEST, losses[-51] - losses[-1]]
    )
    assert 1 < excess < 10  # "within a few percent", as the text says


def test_lr_01_gets_within_1_percent_in_under_100_epochs_and_001_not_in_500(lesson):
    """The main reason the lesson's run is slow: its learning rate, not the valley."""
    section = lesson.section("5. How good is it?")
    (epoch,) = after(section, "learning rate 0.1:  within 1% of the smallest possible loss from epoch")
    _, _, fast = reference.gradient_descent(X, Y, *exact_start(), lr=0.1, epochs=100)
    assert epoch == reference.first_epoch_within(fast, SMALLEST, 0.01) < 100
    _, _, slow = reference.gradient_descent(X, Y, *exact_start(), lr=LESSON_LR, epochs=LESSON_EPOCHS)
    assert reference.first_epoch_within(slow, SMALLEST, 0.01) is None
    still, epochs = after(section, "learning rate 0.01: still")
    assert epochs == LESSON_EPOCHS
    assert_shows([still], [100 * (slow[-1] - SMALLEST) / SMALLEST])


def test_each_epoch_removes_a_ten_times_larger_fraction_at_ten_times_the_learning_rate():
    """The straight tails of the figure's log-scale curves: their slopes differ tenfold."""

    def tail_slope(lr: float, epochs: int) -> float:
        _, _, losses = reference.gradient_descent(X, Y, *exact_start(), lr=lr, epochs=epochs)
        above = np.log(np.array(losses) - SMALLEST)
        return above[-1] - above[-2]

    assert tail_slope(0.1, 100) / tail_slope(LESSON_LR, LESSON_EPOCHS) == pytest.approx(10, rel=0.05)


def test_learning_rate_02_diverges_and_train_says_so_as_a_demonstration(lesson):
    section = lesson.section("5. How good is it?")
    message = line_after(section, "demonstration, learning rate 0.2: train() stops:")
    match = re.match(r"the loss became inf at epoch (\d+) with learning rate 0\.2: ", message)
    assert match and "Use a smaller learning rate" in message
    # train() reports the loss of epoch n before its update, after n - 1 steps; the float32 mean
    # overflows once the sum of the four squares passes the float32 maximum, not a step before.
    epoch = int(match.group(1))
    overflowed = reference.loss_after_gradient_descent(X, Y, *exact_start(), 0.2, epoch - 1)
    previous = reference.loss_after_gradient_descent(X, Y, *exact_start(), 0.2, epoch - 2)
    assert FLOAT32_MAX / 4 < overflowed and previous < FLOAT32_MAX
    assert 0.1 < reference.sgd_stability_limit(X) < 0.2  # "a ceiling, between 0.1 and 0.2"


def test_at_the_same_pace_the_lessons_run_would_be_within_1_percent_at_the_epoch_it_names(lesson):
    """A fixed fraction per epoch: the printed pace, carried on, lands on the epoch a longer run reaches."""
    section = lesson.section("5. How good is it?")
    shrink, one, epoch = after(section, "learning rate 0.01: each epoch removes")
    assert one == 1
    slow = LAMBDAS[0]
    assert_shows([shrink], [100 * (1 - (1 - LESSON_LR * slow) ** 2)])  # the loss goes with the error squared
    _, _, longer = reference.gradient_descent(X, Y, *exact_start(), lr=LESSON_LR, epochs=1000)
    assert epoch == reference.first_epoch_within(longer, SMALLEST, 0.01)
    close_from = after(section, "learning rate 0.1:  within 1% of the smallest possible loss from epoch")[0]
    assert epoch / close_from == pytest.approx(10, rel=0.05)  # "a tenth of the epochs" at ten times the rate
    claim("the {} % measured above", 100 * (1 - (1 - LESSON_LR * slow) ** 2))


def test_train_s_tenth_of_the_learning_rate_is_stable_here_but_slower_than_01():
    claim("here {} would be stable, but slower than {}", 0.02, 0.1)
    assert 0.02 < reference.sgd_stability_limit(X)
    runs = {lr: reference.gradient_descent(X, Y, *exact_start(), lr=lr, epochs=500)[2] for lr in (0.02, 0.1)}
    within = {lr: reference.first_epoch_within(losses, SMALLEST, 0.01) for lr, losses in runs.items()}
    assert within[0.1] < within[0.02]


def test_heights_in_centimetres_lower_the_ceiling_thousands_of_times():
    """Practice problem 1's "why": inputs around 170 put the learning rate's ceiling far below 0.01."""
    assert "put it thousands of times lower than these distances of 1 to 4 miles do" in prose()
    heights = np.linspace(150, 200, 101)
    limit = reference.sgd_stability_limit(heights)
    assert 1000 <= reference.sgd_stability_limit(X) / limit < 10_000 and LESSON_LR > limit


def test_a_step_along_the_floor_and_one_across_measure_the_valley(lesson):
    section = lesson.section("5. How good is it?")
    optimum = np.array(reference.closed_form(X, Y))
    rises = []
    names = ("along the floor", "across the valley")
    for name, direction in zip(names, reference.valley_directions(X), strict=True):
        step = 0.1 * direction
        rises.append(reference.mse(X, Y, *(optimum + step)) - SMALLEST)
        assert_shows(after(section, f"a step of 0.1 {name}, weight"), [*step, rises[-1]], name)
    assert_shows(after(section, "across the valley the loss rises"), [rises[1] / rises[0]])
    # "such lines turn about a point among the deliveries": w + t v_w, b + t v_b all cross at x = -v_b / v_w
    v_w, v_b = reference.valley_directions(X)[0]
    assert v_w > 0 > v_b and X.min() < -v_b / v_w < X.max()
    assert "turn about a point among the deliveries" in prose()
    assert shows(after(section, "across the valley the loss rises")[0], LAMBDAS[1] / LAMBDAS[0])


def test_the_valley_numbers_in_the_prose_are_the_datas():
    slow, fast = LAMBDAS
    limit = reference.sgd_stability_limit(X)
    claim("`deeper.py` computes it: {})", limit)
    claim("{} times more gently along the floor than across", round(fast / slow))
    claim("covers only 2/{} of the distance per epoch, {} %", round(fast / slow), 200 * slow / fast)
    claim("at {}, twelve times below the ceiling, {} %", LESSON_LR, 100 * LESSON_LR * slow)
    assert round(limit / LESSON_LR) == 12


def test_the_slope_grows_with_the_distance_and_the_ceiling_jumps_to_the_other_wall():
    """Near the optimum the gradient is the curvature times the distance, along each direction; at
    lr 2 / (the steep curvature), one step across the valley lands as far on the other side."""
    optimum = np.array(reference.closed_form(X, Y))
    along, across = reference.valley_directions(X)
    for direction, curvature in ((along, LAMBDAS[0]), (across, LAMBDAS[1])):
        gradient = np.array(reference.mse_gradient(X, Y, *(optimum + 0.3 * direction)))
        assert gradient == pytest.approx(curvature * 0.3 * direction, rel=1e-6)
    start = optimum + 0.3 * across
    landed = start - reference.sgd_stability_limit(X) * np.array(reference.mse_gradient(X, Y, *start))
    assert landed - optimum == pytest.approx(-0.3 * across, rel=1e-6)
    assert reference.mse(X, Y, *landed) == pytest.approx(reference.mse(X, Y, *start), rel=1e-9)  # as high


def test_the_error_is_the_distance_from_the_optimum_and_shrinks_a_fixed_fraction(lesson):
    section = lesson.section("5. How good is it?")
    path = reference.gradient_descent_path(X, Y, *exact_start(), LESSON_LR, LESSON_EPOCHS)
    optimum = np.array(reference.closed_form(X, Y))
    at_50, at_500 = (float(np.linalg.norm(np.array(path[n]) - optimum)) for n in (50, 500))
    printed = after(section, "error, the distance from the best (w, b):")
    assert_shows(printed, [at_50, 50, at_500, 500, 100 * (1 - (at_500 / at_50) ** (1 / 450))])
    assert shows(printed[-1], 100 * LESSON_LR * LAMBDAS[0])  # lr times the floor's curvature


def test_the_run_comes_down_the_wall_in_a_few_dozen_epochs_then_stays_short_on_the_floor():
    path = reference.gradient_descent_path(X, Y, *exact_start(), LESSON_LR, LESSON_EPOCHS)
    errors = [reference.valley_errors(X, Y, *point) for point in path]
    across = [abs(fast) for _, fast in errors]
    settled = next(epoch for epoch, value in enumerate(across) if value < 0.01 * across[0])
    assert 12 <= settled <= 60
    assert abs(errors[-1][0]) > 0.2 * abs(errors[0][0])  # along the floor, a fifth or more still to go


def test_standardized_distances_train_in_one_epoch_and_map_back_to_miles(lesson):
    section = lesson.section("5. How good is it?")
    z = (X - X.mean()) / X.std()
    printed = after(section, "standardized distances:")
    assert_shows(printed, [*z, X.mean(), X.std()])
    claim("`distances.std()` divides by N - 1 and gives {} instead", np.std(X, ddof=1))
    claim("learning rate {}, lands right on it: a single epoch is enough", 0.5)
    # "On this bowl the slope is exactly twice the distance to the centre": so half of it steps there.
    centre = np.array(reference.closed_form(z, Y))
    gradient = np.array(reference.mse_gradient(z, Y, *exact_start()))
    assert gradient == pytest.approx(2 * (np.array(exact_start()) - centre))
    w_z, b_z, _ = reference.gradient_descent(z, Y, *exact_start(), lr=0.5, epochs=1)
    assert_shows(after(section, "one epoch on z:"), [w_z, b_z])
    assert [w_z, b_z] == pytest.approx(reference.closed_form(z, Y), abs=1e-9)  # the optimum, in one epoch
    slope, intercept = reference.closed_form(X, Y)
    in_miles = [w_z / X.std(), b_z - w_z * X.mean() / X.std()]  # the formula the lesson writes
    assert_shows(after(section, "back in miles:"), [*in_miles, slope, intercept])


def test_tensors_made_in_inference_mode_can_never_join_a_training():
    """inference_mode() is stricter than no_grad(): what it makes cannot be saved for a backward pass."""
    layer, x = nn.Linear(1, 1), torch.ones(2, 1)
    with torch.no_grad():
        lenient = layer(x)
    (layer(lenient) ** 2).sum().backward()  # a no_grad() tensor may enter a training later
    with torch.inference_mode():
        strict = layer(x)
    assert strict.is_inference() and not strict.requires_grad
    with pytest.raises(RuntimeError, match="Inference tensors cannot be saved for backward"):
        (layer(strict) ** 2).sum().backward()


def test_predictions_use_the_trained_and_the_exact_line(lesson):
    section = lesson.section("5. How good is it?")
    rows = [numbers(line) for line in section.splitlines() if " miles -> " in line]
    assert [row[0] for row in rows] == [5.0, 7.5, 10.0]
    w, b, _ = reference.gradient_descent(X, Y, *exact_start(), LESSON_LR, LESSON_EPOCHS)
    slope, intercept = reference.closed_form(X, Y)
    for distance, trained, exact in rows:
        assert_shows([trained, exact], [w * distance + b, slope * distance + intercept])


# --- 6. Why zero the gradients?


def test_gradients_accumulate_without_zero_grad(lesson):
    section = lesson.section("6. Why zero the gradients?")
    repeated = [numbers(line)[-1] for line in section.splitlines() if line.startswith("after backward()")]
    w0, b0 = after(section, "start: weight =")
    assert_shows([w0, b0], list(exact_start()))  # section 3's start, whose gradient section 4 printed
    dw, _ = reference.mse_gradient(X, Y, *exact_start())
    assert_shows(repeated, [dw, 2 * dw, 3 * dw])


def test_training_without_zero_grad_swings_as_the_accumulated_update_rule_predicts(lesson):
    section = lesson.section("6. Why zero the gradients?")
    without = reference.gradient_descent_without_zero_grad(X, Y, *exact_start(), LESSON_LR, LESSON_EPOCHS)
    _, _, with_it = reference.gradient_descent(X, Y, *exact_start(), LESSON_LR, LESSON_EPOCHS)
    low, high, final = after(section, "epochs 401-500 without zero_grad: the loss swings between")
    assert_shows([low, high, final], [min(without[400:]), max(without[400:]), with_it[-1]])
    assert high > 1000 * final  # it never settles
    assert max(without[400:]) > 0.9 * max(without[:100])  # the swings have not shrunk at all


def test_without_zero_grad_the_loss_dips_below_in_the_first_dozen_epochs_but_cannot_stay():
    without = reference.gradient_descent_without_zero_grad(X, Y, *exact_start(), LESSON_LR, LESSON_EPOCHS)
    _, _, with_it = reference.gradient_descent(X, Y, *exact_start(), LESSON_LR, LESSON_EPOCHS)
    below = [epoch for epoch, (a, b) in enumerate(zip(without, with_it, strict=True), start=1) if a < b]
    assert 2 <= len(below) and max(below) <= 12  # "a few times", "in the first dozen epochs"
    assert "In the first dozen epochs the red curve even dips below the blue one a few times" in prose()
    assert min(without) > with_it[-1] and max(without[400:]) > 1000 * with_it[-1]  # never settles
