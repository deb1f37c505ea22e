"""Every number `python deeper.py` prints, checked against an independent computation (numpy)."""

from __future__ import annotations

import math
import pickle
import re
import warnings
import zipfile

import numpy as np
import pytest
import reference
import torch
from conftest import ROOT, finish, start_script
from printed import after, assert_shows, numbers, shows

import linreg
from linreg import DISTANCES, TIMES

# The script's data are float32 tensors (6.96 is stored as 6.96000003...). With the exact decimals
# the smallest MSE is 0.0254175, right on a rounding edge, so the references use the float32 values.
X = np.float32(DISTANCES).astype(float).ravel()
Y = np.float32(TIMES).astype(float).ravel()
FLOAT32_MAX = float(np.finfo(np.float32).max)
SLOPE, INTERCEPT = reference.closed_form(X, Y)
BEST_LOSS = reference.mse(X, Y, SLOPE, INTERCEPT)
LAMBDAS = np.linalg.eigvalsh(reference.hessian(X))  # ascending: slow, fast
EPOCHS, LESSON_LR, ADAM_LR = 500, 0.01, 0.1


@pytest.fixture(scope="module")
def deeper(run_script):
    run = run_script("deeper.py")
    assert run.returncode == 0, run.stderr
    return run


@pytest.fixture(scope="module")
def start(deeper) -> tuple[float, float]:
    """The lesson's seeded starting weight and bias, as section 2 prints them."""
    return tuple(after(deeper.section("2. Gradients by hand"), "start: "))


def slow_and_fast(w: float, b: float) -> tuple[float, float]:
    """The error (w, b) - optimum along the slow and the fast eigenvector (weight part positive)."""
    return reference.valley_errors(X, Y, w, b)


# --- The run as a whole


def test_deeper_exits_cleanly_on_a_headless_machine(deeper):
    assert "Warning" not in deeper.stderr, deeper.stderr


def test_it_writes_only_into_the_output_folder(deeper):
    """Run from the output folder with LESSON_OUTPUT set: everything must land there, nothing else."""
    written = {path.name for path in deeper.output_dir.iterdir()}
    assert written == {"learning_rates.png", "loss_landscape.png", "linear_regression.pt"}
    for figure in ("learning_rates.png", "loss_landscape.png"):
        data = (deeper.output_dir / figure).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_two_runs_print_exactly_the_same_text(deeper, tmp_path):
    again = finish(start_script("deeper.py", tmp_path), tmp_path)
    assert again.returncode == 0 and again.stdout == deeper.stdout


def test_every_printed_section_has_a_markdown_heading_in_the_script(deeper):
    """The script reads as a notebook: each `=== N. Title ===` has its `## N. Title` cell."""
    import jupytext

    notebook = jupytext.read(ROOT / "deeper.py")
    markdown = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    printed = re.findall(r"^=== (\d\. .+) ===$", deeper.stdout, re.MULTILINE)
    assert [title[0] for title in printed] == [str(n) for n in range(1, 8)]
    for title in printed:
        assert f"## {title}" in markdown


# --- 1. The exact answer


def test_normal_equations_and_lstsq_give_the_textbook_answer(deeper):
    section = deeper.section("1. The exact answer")
    x = X
    design = np.column_stack([x, np.ones_like(x)])
    printed = after(section, "X^T X = ")
    expected = [*(design.T @ design).ravel(), *(design.T @ Y)]
    assert printed == pytest.approx(expected, abs=1e-4)
    for prefix in ("normal equations (torch.linalg.solve): ", "torch.linalg.lstsq (least_squares):    "):
        assert_shows(after(section, prefix), [SLOPE, INTERCEPT], prefix)
    assert "they agree to 12 decimals: True" in section
    assert_shows(after(section, "smallest possible MSE: "), [BEST_LOSS])


# --- 2. Gradients by hand


def test_the_start_is_the_lessons_seeded_model(start):
    torch.manual_seed(42)
    model = linreg.LinearRegression(1, 1)
    assert_shows(list(start), [model.linear.weight.item(), model.linear.bias.item()])


def test_hand_gradients_equal_autograd_and_the_paper_formula(deeper, start):
    section = deeper.section("2. Gradients by hand")
    dw, db = reference.mse_gradient(X, Y, *start)
    assert after(section, "dL/dw") == pytest.approx([dw, dw], abs=1e-3)
    assert after(section, "dL/db") == pytest.approx([db, db], abs=1e-3)
    assert "the gradients agree (to float32 rounding): True" in section


def test_one_manual_step_equals_sgds(deeper, start):
    section = deeper.section("2. Gradients by hand")
    dw, db = reference.mse_gradient(X, Y, *start)
    w, b = start[0] - LESSON_LR * dw, start[1] - LESSON_LR * db
    assert after(section, "weight") == pytest.approx([w, w], abs=2e-5)
    assert after(section, "bias") == pytest.approx([b, b], abs=2e-5)
    assert "the steps agree (to float32 rounding): True" in section


# --- 3. How large can the learning rate be?


def test_hessian_eigenvalues_and_the_learning_rate_limit(deeper):
    section = deeper.section("3. How large can the learning rate be?")
    hessian = reference.hessian(X)
    assert after(section, "Hessian H = (2/N) X^T X = ") == pytest.approx(hessian.ravel(), abs=1e-4)
    # For a 2x2 symmetric matrix the eigenvalues have a formula: (trace ± sqrt(trace² - 4 det)) / 2.
    trace, det = np.trace(hessian), np.linalg.det(hessian)
    slow, fast = (trace - math.sqrt(trace**2 - 4 * det)) / 2, (trace + math.sqrt(trace**2 - 4 * det)) / 2
    assert_shows(after(section, "its eigenvalues: "), [slow, fast])
    assert_shows(after(section, "largest stable learning rate: "), [2, fast, 2 / fast])


def limit() -> float:
    return 2 / LAMBDAS[1]


def test_just_below_the_limit_train_converges(deeper, start):
    section = deeper.section("3. How large can the learning rate be?")
    expected = reference.loss_after_gradient_descent(X, Y, *start, 0.95 * limit(), EPOCHS)
    printed = after(section, "lr = 0.95 x limit = ")
    assert_shows(printed, [0.95 * limit(), EPOCHS, expected, BEST_LOSS])
    assert expected == pytest.approx(BEST_LOSS, abs=1e-7)  # converged to the printed digits


def test_just_above_the_limit_train_stops_when_float32_overflows(deeper, start):
    section = deeper.section("3. How large can the learning rate be?")
    lr = 1.05 * limit()
    assert_shows(after(section, "lr = 1.05 x limit = "), [lr])
    match = re.search(r"the loss became inf at epoch (\d+) with learning rate (\S+): ", section)
    assert match and float(match.group(2)) == pytest.approx(lr, rel=1e-5)
    assert "Use a smaller learning rate" in section
    # train() reports the loss of epoch n before its update, that is after n - 1 steps. Its loss
    # is a float32 mean: it overflows once the loss (or the sum of the four squares) passes the
    # float32 maximum, and not a step before.
    epoch = int(match.group(1))
    overflowed = reference.loss_after_gradient_descent(X, Y, *start, lr, epoch - 1)
    previous = reference.loss_after_gradient_descent(X, Y, *start, lr, epoch - 2)
    assert FLOAT32_MAX / 4 < overflowed and previous < FLOAT32_MAX


def test_the_sweep_table_follows_gradient_descent(deeper, start):
    section = deeper.section("3. How large can the learning rate be?")
    table = section.split("loss after 500 epochs\n")[1].split("\ncheck against")[0]
    rows = [numbers(line) for line in table.splitlines()]
    lrs = [0.0001, 0.001, LESSON_LR, 0.1, 0.95 * limit(), 1.05 * limit()]
    assert len(rows) == len(lrs)
    for row, lr in zip(rows, lrs, strict=True):
        expected = reference.loss_after_gradient_descent(X, Y, *start, lr, EPOCHS)
        assert_shows(row, [lr, lr / limit(), expected], f"the row of lr {lr}")
    assert rows[-1][2] > 1e30  # diverged, yet finite in float64
    assert after(section, "sweep: ")[:2] == [EPOCHS, 140]


def test_the_sweep_agrees_with_train_at_two_learning_rates(deeper, start):
    section = deeper.section("3. How large can the learning rate be?")
    epochs, trained, swept = after(section, "check against train() at 0.95 x limit: ")
    expected = reference.loss_after_gradient_descent(X, Y, *start, 0.95 * limit(), EPOCHS)
    assert epochs == EPOCHS
    assert_shows([trained, swept], [expected, expected])
    epoch, trained, swept = after(section, "check against train() at 1.05 x limit: ")
    expected = reference.loss_after_gradient_descent(X, Y, *start, 1.05 * limit(), int(epoch) - 1)
    assert_shows([trained, swept], [expected, expected])  # three digits: float32 noise shows in the fifth
    stopped = re.search(r"inf at epoch (\d+)", section).group(1)
    assert int(epoch) == int(stopped) - 1  # the last epoch train() finished


# --- 4. Why 500 epochs were not enough, and the fix


def test_condition_number_and_the_two_directions(deeper):
    section = deeper.section("4. Why 500 epochs were not enough, and the fix")
    slow, fast = LAMBDAS
    assert_shows(after(section, "condition number lambda_max / lambda_min = "), [fast, slow, fast / slow])
    # The slow eigenvector v solves (H - slow I) v = 0: from its first row, v_b / v_w = (slow - H_ww) / H_wb.
    hessian = reference.hessian(X)
    ratio = (slow - hessian[0, 0]) / hessian[0, 1]
    v_w, v_b, f_w, f_b = after(section, "slow direction (the valley floor): ")
    assert v_b / v_w == pytest.approx(ratio, rel=1e-3) and v_w**2 + v_b**2 == pytest.approx(1, abs=1e-3)
    assert_shows(
        [v_w, v_b, f_w, f_b], [*reference.valley_directions(X)[0], *reference.valley_directions(X)[1]]
    )


def test_the_loss_rises_56_times_more_slowly_along_the_floor_than_across(deeper):
    """The corrected claim: not "the loss barely moves" along the floor, but it rises kappa times slower."""
    section = deeper.section("4. Why 500 epochs were not enough, and the fix")
    optimum = np.array([SLOPE, INTERCEPT])
    rises = [reference.mse(X, Y, *(optimum + 0.1 * v)) - BEST_LOSS for v in reference.valley_directions(X)]
    along, across, times_as_much = after(section, "from the optimum, a step of 0.1 along the floor")
    assert_shows([along, across, times_as_much], [*rises, rises[1] / rises[0]])
    assert round(times_as_much) == 56 and shows(times_as_much, LAMBDAS[1] / LAMBDAS[0])
    # What the old text said ("raise the weight by 1, lower the bias by 2.94: the loss barely moves")
    # was false: that move multiplies the smallest loss by more than fifty.
    v_w, v_b = reference.valley_directions(X)[0]
    assert reference.mse(X, Y, SLOPE + 1, INTERCEPT + v_b / v_w) > 50 * BEST_LOSS


def learning_rate_lines(section: str, lr: float) -> tuple[list, list, list]:
    """The three lines deeper.py prints for one learning rate in section 4."""
    lines = section.split(f"at lr {lr} each epoch")[1].splitlines()
    return numbers(lines[0]), numbers(lines[1]), numbers(lines[2])


@pytest.mark.parametrize("lr", [LESSON_LR, 0.1])
def test_what_500_epochs_leave_of_the_slow_and_the_fast_error(deeper, lr):
    section = deeper.section("4. Why 500 epochs were not enough, and the fix")
    slow, fast = LAMBDAS
    shrink_slow, shrink_fast = 1 - lr * slow, 1 - lr * fast
    factors, left, needed = learning_rate_lines(section, lr)
    assert_shows(factors, [shrink_slow, shrink_fast])
    assert_shows(left, [EPOCHS, 100 * shrink_slow**EPOCHS, 100 * abs(shrink_fast) ** EPOCHS])  # both in %
    # A negative factor is called what it is: each step lands on the other side of the floor.
    first_line = section.split(f"at lr {lr} each epoch")[1].splitlines()[0]
    noted = "(negative: each step jumps across the floor onto the other wall)" in first_line
    assert noted == (shrink_fast < 0)
    assert needed == [0.1, next(n for n in range(1, 100_000) if shrink_slow**n <= 1e-3)]


def test_a_small_learning_rate_is_the_first_reason_and_the_valley_the_second(deeper):
    """0.01 leaves 22 % of the slow error after 500 epochs; 0.1 leaves a few parts in ten million."""
    section = deeper.section("4. Why 500 epochs were not enough, and the fix")
    slow_left = {lr: learning_rate_lines(section, lr)[1][1] for lr in (LESSON_LR, 0.1)}
    assert slow_left[LESSON_LR] > 20 and slow_left[0.1] < 1e-4  # in percent
    assert round(limit() / LESSON_LR) == 12  # "about a twelfth of the limit"
    condition = LAMBDAS[1] / LAMBDAS[0]
    printed = after(section, "even just below the limit, lr ")
    assert_shows(printed, [limit(), 2, condition, 200 / condition])


def test_the_sweep_at_lr_01_ends_on_the_optimum(deeper, start):
    section = deeper.section("3. How large can the learning rate be?")
    (row,) = [numbers(line) for line in section.splitlines() if line.split()[:1] == ["0.100000"]]
    assert_shows([row[-1]], [BEST_LOSS])


def test_measured_errors_along_the_valley_match_the_prediction(deeper, start):
    section = deeper.section("4. Why 500 epochs were not enough, and the fix")
    w, b, _ = reference.gradient_descent(X, Y, *start, LESSON_LR, EPOCHS)
    (slow_start, fast_start), (slow_end, fast_end) = slow_and_fast(*start), slow_and_fast(w, b)
    printed = after(section, "measured, training as the lesson did: ")
    assert printed[:2] == pytest.approx([slow_start, slow_end], abs=1e-4)
    assert printed[2] == pytest.approx(100 * slow_end / slow_start, abs=0.01)
    assert printed[3:] == pytest.approx([fast_start, fast_end], abs=1e-4)
    assert printed[2] == pytest.approx(100 * (1 - LESSON_LR * LAMBDAS[0]) ** EPOCHS, abs=0.01)
    formula, measured = after(section, "loss above the minimum: ")[-2:]
    assert formula == pytest.approx(LAMBDAS[0] * slow_end**2 / 2, abs=1e-5)
    assert measured == pytest.approx(reference.mse(X, Y, w, b) - BEST_LOSS, abs=1e-5)


def test_standardizing_makes_the_bowl_round(deeper):
    section = deeper.section("4. Why 500 epochs were not enough, and the fix")
    x = X
    z = (x - x.mean()) / x.std()
    printed = after(section, "standardized distances z = (x - ")
    assert_shows(printed, [x.mean(), x.std(), *z])
    lambdas_z = np.linalg.eigvalsh(reference.hessian(z))
    hessian_line = after(section, "Hessian for z: ")
    assert hessian_line[:4] == pytest.approx(reference.hessian(z).ravel(), abs=1e-4)
    assert_shows(hessian_line[4:], list(lambdas_z))
    assert_shows(after(section, "condition number: "), [lambdas_z[1] / lambdas_z[0]])
    assert lambdas_z[1] / lambdas_z[0] == pytest.approx(1)


def test_one_epoch_on_standardized_input_lands_on_the_optimum(deeper, start):
    section = deeper.section("4. Why 500 epochs were not enough, and the fix")
    x = X
    z = (x - x.mean()) / x.std()
    lr = after(section, "one epoch of gradient descent on z at lr ")[-1]
    assert lr == 0.5
    w, b, _ = reference.gradient_descent(z, Y, *start, lr, 1)
    slope_z, intercept_z = reference.closed_form(z, Y)
    assert after(section, "weight (z)") == pytest.approx([w, slope_z], abs=2e-6)
    assert after(section, "bias (z)") == pytest.approx([b, intercept_z], abs=2e-6)
    assert_shows(after(section, "loss after that one epoch: "), [BEST_LOSS] * 2)
    # Back in miles: w = w_z / std, b = b_z - w_z mean / std, against the closed form itself.
    mapped = section.split("mapped back to miles")[1]
    assert after(mapped, "weight") == pytest.approx([w / x.std(), SLOPE], abs=2e-6)
    assert after(mapped, "bias") == pytest.approx([b - w * x.mean() / x.std(), INTERCEPT], abs=2e-6)


# --- 5. The loss landscape


def test_start_and_optimum_of_the_landscape(deeper, start):
    section = deeper.section("5. The loss landscape")
    printed = after(section, "start: ")
    assert_shows(printed, [*start, reference.mse(X, Y, *start), SLOPE, INTERCEPT, BEST_LOSS])


def test_sgd_and_adam_end_where_their_update_rules_lead(deeper, start):
    section = deeper.section("5. The loss landscape")
    w, b, _ = reference.gradient_descent(X, Y, *start, LESSON_LR, EPOCHS)
    lr, epochs, *end, loss, _, settled = after(section, "SGD  (lr ")
    assert (lr, epochs) == (LESSON_LR, EPOCHS)
    assert end == pytest.approx([w, b], abs=2e-4)
    assert loss == pytest.approx(reference.mse(X, Y, w, b), abs=2e-6)
    # The error across the valley shrinks by |1 - lr lambda_max| a step: below 1% after this many.
    assert settled == math.ceil(math.log(0.01) / math.log(abs(1 - LESSON_LR * LAMBDAS[1])))

    path = reference.adam_path(X, Y, *start, ADAM_LR, EPOCHS)
    lr, epochs, *end, loss, _, settled = after(section, "Adam (lr ")
    assert (lr, epochs) == (ADAM_LR, EPOCHS)
    assert end == pytest.approx(path[-1], abs=2e-4)
    assert loss == pytest.approx(reference.mse(X, Y, *path[-1]), abs=2e-5)
    across = [abs(slow_and_fast(*point)[1]) for point in path]
    assert settled == next(n for n, value in enumerate(across) if value < 0.01 * across[0])


# --- 6. Save and load


def test_the_saved_state_dict_holds_the_trained_parameters(deeper, start):
    section = deeper.section("6. Save and load")
    assert "(linear.weight, linear.bias) as output/linear_regression.pt" in section
    state = torch.load(deeper.output_dir / "linear_regression.pt", weights_only=True)
    w, b, _ = reference.gradient_descent(X, Y, *start, LESSON_LR, EPOCHS)
    assert state["linear.weight"].item() == pytest.approx(w, abs=1e-4)
    assert state["linear.bias"].item() == pytest.approx(b, abs=1e-4)


def test_the_loaded_model_predicts_exactly_like_the_trained_one(deeper, start):
    section = deeper.section("6. Save and load")
    rows = [numbers(line) for line in section.splitlines() if re.fullmatch(r"[\d. -]+", line)]
    w, b, _ = reference.gradient_descent(X, Y, *start, LESSON_LR, EPOCHS)
    assert [row[0] for row in rows] == [5.0, 7.5, 10.0]
    for miles, fresh, loaded, trained in rows:
        assert loaded == trained == pytest.approx(w * miles + b, abs=2e-3)
        assert abs(fresh - trained) > 1  # the fresh model had learned nothing
    assert "identical predictions after loading: True" in section


class NotATensor:
    """Any Python object: a full pickle of it can make loading run code."""


def test_a_pt_file_is_a_zip_archive_holding_a_pickle(deeper):
    saved = deeper.output_dir / "linear_regression.pt"
    assert zipfile.is_zipfile(saved)
    assert any(name.endswith("/data.pkl") for name in zipfile.ZipFile(saved).namelist())


def test_torch_load_reads_weights_only_by_default_since_2_6(tmp_path):
    """The text says weights_only=True is the default since 2.6, and that older torch needs it written out."""
    path = tmp_path / "object.pt"
    torch.save({"thing": NotATensor()}, path)
    major, minor = (int(part) for part in torch.__version__.split(".")[:2])
    if (major, minor) >= (2, 6):
        with pytest.raises(pickle.UnpicklingError):
            torch.load(path)
    else:  # before 2.6 the default builds any object, which is why the lesson writes weights_only=True
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # 2.4 and 2.5 warn that the default will change
            assert isinstance(torch.load(path)["thing"], NotATensor)
        with pytest.raises(pickle.UnpicklingError):
            torch.load(path, weights_only=True)
    assert isinstance(torch.load(path, weights_only=False)["thing"], NotATensor)


# --- 7. Any device


@pytest.mark.parametrize(
    ("cuda", "mps", "expected"),
    [(True, True, "cuda"), (True, False, "cuda"), (False, True, "mps"), (False, False, "cpu")],
)
def test_pick_device_prefers_cuda_then_mps_then_the_cpu(monkeypatch, cuda, mps, expected):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    assert linreg.pick_device() == torch.device(expected)


def test_print_shows_a_tensor_anywhere_but_numpy_needs_the_cpu():
    """Off the CPU (here the 'meta' device, which every machine has; on CUDA or MPS alike), a tensor
    prints, but numpy refuses it until .cpu() brings it back."""
    devices = ["meta"] + (["cuda"] if torch.cuda.is_available() else [])
    for device in devices:
        tensor = torch.zeros(3, device=device)
        assert f"device='{device}" in str(tensor)  # print() works
        with pytest.raises((TypeError, RuntimeError, NotImplementedError)):
            tensor.numpy()
    if torch.cuda.is_available():
        assert torch.zeros(3, device="cuda").cpu().numpy().tolist() == [0, 0, 0]


def test_training_on_the_chosen_device_matches_the_cpu(deeper, start):
    section = deeper.section("7. Any device")
    device = linreg.pick_device()
    assert (
        f"CUDA available: {torch.cuda.is_available()}, MPS available: {torch.backends.mps.is_available()}"
        in section
    )
    assert f"training on: {device}" in section
    w, b, _ = reference.gradient_descent(X, Y, *start, LESSON_LR, EPOCHS)
    epochs, weight, bias = after(section, "after ")
    assert epochs == EPOCHS and [weight, bias] == pytest.approx([w, b], abs=2e-4)
    difference = after(section, "largest difference from the CPU run of section 4 above: ")[-1]
    if device.type == "cpu":
        assert difference == 0  # the very same computation
    else:
        assert difference < 1e-4  # a GPU rounds in another order
