"""linreg's pieces against independent numpy computations, and its guards."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import reference
import torch
from torch import nn, optim

from linreg import (
    DISTANCES,
    TIMES,
    DivergenceError,
    LinearRegression,
    TrainingError,
    display_path,
    distance_time_data,
    least_squares,
    mse_hessian,
    optimal_loss,
    original_units,
    output_dir,
    save_figure,
    standardize,
    train,
)


def fresh_model(seed: int = 0) -> tuple[LinearRegression, float, float]:
    torch.manual_seed(seed)
    model = LinearRegression(1, 1)
    return model, model.linear.weight.item(), model.linear.bias.item()


def test_data_is_the_articles_and_shaped_one_row_per_example():
    distances, times = distance_time_data()
    assert distances.shape == times.shape == (4, 1)
    assert distances.flatten().tolist() == [1.0, 2.0, 3.0, 4.0]
    np.testing.assert_allclose(times.flatten().numpy(), [6.96, 12.11, 16.77, 22.21], rtol=1e-6)
    assert DISTANCES == [[1.0], [2.0], [3.0], [4.0]] and len(TIMES) == 4


def test_least_squares_matches_the_textbook_formula():
    distances, times = distance_time_data()
    weight, bias = least_squares(distances, times)
    slope, intercept = reference.closed_form(distances.numpy(), times.numpy())
    assert weight.shape == (1, 1) and bias.shape == (1,)
    assert weight.item() == pytest.approx(slope, abs=1e-12)
    assert bias.item() == pytest.approx(intercept, abs=1e-12)


def test_least_squares_handles_several_features():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 3))
    y = x @ np.array([[1.5], [-2.0], [0.5]]) + 4.0 + rng.normal(scale=0.1, size=(50, 1))
    weight, bias = least_squares(torch.tensor(x), torch.tensor(y))
    design = np.hstack([x, np.ones((50, 1))])
    expected = np.linalg.solve(design.T @ design, design.T @ y)  # the normal equations
    np.testing.assert_allclose(weight.numpy().T, expected[:-1], atol=1e-10)
    np.testing.assert_allclose(bias.numpy(), expected[-1], atol=1e-10)


def test_train_follows_the_gradient_descent_update_rule():
    distances, times = distance_time_data()
    model, w0, b0 = fresh_model()
    losses = train(model, optim.SGD(model.parameters(), lr=0.01), distances, times, epochs=200)
    w, b, expected = reference.gradient_descent(distances.numpy(), times.numpy(), w0, b0, 0.01, 200)
    np.testing.assert_allclose(losses, expected, rtol=1e-4)
    assert model.linear.weight.item() == pytest.approx(w, abs=1e-4)
    assert model.linear.bias.item() == pytest.approx(b, abs=1e-4)


def test_train_returns_a_decreasing_loss_for_a_stable_learning_rate():
    distances, times = distance_time_data()
    model, _, _ = fresh_model()
    losses = train(model, optim.SGD(model.parameters(), lr=0.01), distances, times, epochs=500)
    assert len(losses) == 500
    assert all(later < earlier for earlier, later in zip(losses, losses[1:], strict=False))


def test_train_reaches_the_closed_form_given_enough_epochs():
    distances, times = distance_time_data()
    model, _, _ = fresh_model()
    train(model, optim.SGD(model.parameters(), lr=0.05), distances, times, epochs=5000)
    slope, intercept = reference.closed_form(distances.numpy(), times.numpy())
    assert model.linear.weight.item() == pytest.approx(slope, abs=1e-3)
    assert model.linear.bias.item() == pytest.approx(intercept, abs=1e-3)


def test_train_logs_every_n_epochs(capsys):
    distances, times = distance_time_data()
    model, _, _ = fresh_model()
    losses = train(model, optim.SGD(model.parameters(), lr=0.01), distances, times, epochs=10, log_every=5)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"Epoch    5/10  loss {losses[4]:.6f}", f"Epoch   10/10  loss {losses[9]:.6f}"]


def test_linear_regression_is_nn_linear_inside():
    model, _, _ = fresh_model()
    plain = nn.Linear(1, 1)
    plain.load_state_dict(model.linear.state_dict())
    x = torch.tensor([[2.0], [4.0], [-1.5]])
    assert torch.equal(model(x), plain(x))
    assert [name for name, _ in model.named_parameters()] == ["linear.weight", "linear.bias"]


def test_gradients_accumulate_as_the_sum_of_each_steps_gradient():
    distances, times = distance_time_data()
    model, w, b = fresh_model()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    total_w = total_b = 0.0
    for _ in range(4):
        dw, db = reference.mse_gradient(distances.numpy(), times.numpy(), w, b)
        total_w, total_b = total_w + dw, total_b + db
        nn.MSELoss()(model(distances), times).backward()  # no zero_grad on purpose
        assert model.linear.weight.grad.item() == pytest.approx(total_w, rel=1e-5)
        assert model.linear.bias.grad.item() == pytest.approx(total_b, rel=1e-5)
        optimizer.step()  # the accumulated gradient is what moves the parameters
        w, b = w - 0.01 * total_w, b - 0.01 * total_b
    assert model.linear.weight.item() == pytest.approx(w, rel=1e-5)


# --- The guards: each mistake is refused with a message that says what to change.


def guard_message(**changes) -> str:
    distances, times = distance_time_data()
    model, _, _ = fresh_model()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    optimizer.param_groups[0]["lr"] = changes.pop("lr", 0.01)  # SGD itself refuses some bad values
    args = {
        "model": model,
        "optimizer": optimizer,
        "inputs": distances,
        "targets": times,
        "epochs": 10,
    }
    args.update(changes)
    before = model.linear.weight.item()
    with pytest.raises(TrainingError) as caught:
        train(**args)
    if not isinstance(caught.value, DivergenceError):
        assert model.linear.weight.item() == before, "a refused setup must not train at all"
    return str(caught.value)


def test_targets_of_shape_n_instead_of_n_by_1_are_refused():
    _, times = distance_time_data()
    message = guard_message(targets=times.flatten())
    assert "(4, 1)" in message and "(4,)" in message
    assert "(4, 4)" in message  # what MSELoss would silently have done
    assert "targets.reshape(-1, 1)" in message


def test_the_silent_broadcast_it_prevents_is_real():
    """Without the guard, (N,) targets train towards the mean time, not the line."""
    distances, times = distance_time_data()
    model, _, _ = fresh_model()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    with pytest.warns(UserWarning, match="target size"):
        for _ in range(3000):
            optimizer.zero_grad()
            nn.MSELoss()(model(distances), times.flatten()).backward()
            optimizer.step()
    assert model.linear.weight.item() == pytest.approx(0.0, abs=0.05)
    assert model.linear.bias.item() == pytest.approx(times.mean().item(), abs=0.1)


def test_inputs_of_shape_n_are_refused_with_the_fix():
    distances, _ = distance_time_data()
    message = guard_message(inputs=distances.flatten())
    assert "(4,)" in message and "inputs.reshape(-1, 1)" in message


def test_mismatched_lengths_are_refused():
    _, times = distance_time_data()
    message = guard_message(targets=times[:3])
    assert "4 inputs but targets of shape (3, 1) have 3 row(s)" in message
    assert "reshape" not in message  # no reshape can fix a missing target


def test_targets_laid_out_as_one_row_are_refused_with_the_fix():
    _, times = distance_time_data()
    message = guard_message(targets=times.reshape(1, -1))
    assert "(1, 4)" in message and "targets.reshape(-1, 1)" in message


@pytest.mark.parametrize("name", ["inputs", "targets"])
def test_python_lists_are_refused(name):
    distances, times = distance_time_data()
    value = (distances if name == "inputs" else times).tolist()
    message = guard_message(**{name: value})
    assert f"{name} must be a torch tensor, got list" in message


@pytest.mark.parametrize(("name", "dtype"), [("inputs", torch.int64), ("targets", torch.float64)])
def test_data_in_another_number_type_is_refused(name, dtype):
    distances, times = distance_time_data()
    tensor = (distances if name == "inputs" else times).to(dtype)
    message = guard_message(**{name: tensor})
    assert f"{name} are {dtype} but the model computes in torch.float32" in message
    assert f"{name}.to(torch.float32)" in message


def test_more_input_columns_than_the_model_takes_are_refused():
    distances, _ = distance_time_data()
    message = guard_message(inputs=torch.cat([distances, distances], dim=1))
    assert "inputs of shape (4, 2)" in message and "in_features" in message


def test_an_optimizer_built_for_another_model_is_refused():
    distances, times = distance_time_data()
    model, other = LinearRegression(1, 1), LinearRegression(1, 1)
    with pytest.raises(TrainingError, match="does not hold this model's parameters"):
        train(model, optim.SGD(other.parameters(), lr=0.01), distances, times, epochs=10)


@pytest.mark.parametrize("name", ["inputs", "targets"])
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_nan_or_infinite_data_is_refused(name, bad):
    distances, times = distance_time_data()
    tensor = (distances if name == "inputs" else times).clone()
    tensor[2, 0] = bad
    message = guard_message(**{name: tensor})
    assert f"{name} contain 1 NaN or infinite value" in message


def test_empty_data_is_refused():
    distances, times = distance_time_data()
    assert "empty" in guard_message(inputs=distances[:0], targets=times[:0])


@pytest.mark.parametrize("epochs", [0, -5, 2.5])
def test_epochs_must_be_a_positive_whole_number(epochs):
    assert "epochs must be a positive whole number" in guard_message(epochs=epochs)


@pytest.mark.parametrize("lr", [0.0, -0.01, math.nan])
def test_learning_rate_must_be_positive(lr):
    assert "learning rate must be positive" in guard_message(lr=lr)


def test_a_diverging_learning_rate_stops_at_the_first_non_finite_loss():
    distances, times = distance_time_data()
    model, w0, b0 = fresh_model()
    with pytest.raises(DivergenceError) as caught:
        train(model, optim.SGD(model.parameters(), lr=0.5), distances, times, epochs=1000)
    error = caught.value
    stopped_at = len(error.losses) + 1
    assert f"at epoch {stopped_at} with learning rate 0.5" in str(error)
    assert "try 0.05" in str(error)
    assert all(math.isfinite(v) for v in error.losses)
    # Up to there, the loss followed plain gradient descent: growing, not noise.
    _, _, expected = reference.gradient_descent(distances.numpy(), times.numpy(), w0, b0, 0.5, 10)
    np.testing.assert_allclose(error.losses[:10], expected, rtol=1e-3)
    assert error.losses[9] > 1e3 * error.losses[0]


def test_output_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("LESSON_OUTPUT", str(tmp_path / "out"))
    assert output_dir() == tmp_path / "out" and output_dir().is_dir()


def test_save_figure_writes_a_png_says_where_and_closes_it_when_headless(tmp_path, monkeypatch, capsys):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.setenv("LESSON_OUTPUT", str(tmp_path))
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    monkeypatch.chdir(tmp_path)
    save_figure(fig, "line.png")
    assert capsys.readouterr().out == "saved line.png\n"  # where it went, as you would type it here
    path = tmp_path / "line.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not plt.fignum_exists(fig.number)


def test_a_saved_file_is_named_relative_to_the_current_folder_only_when_it_lies_inside(tmp_path, monkeypatch):
    learner = tmp_path / "learner"
    figure = (learner / "output" / "fit.png").resolve()
    (learner / "elsewhere").mkdir(parents=True)
    monkeypatch.chdir(learner)
    assert display_path(figure) == display_path(Path("output/fit.png")) == "output/fit.png"
    monkeypatch.chdir(learner / "elsewhere")  # the file is not under here: its full path
    assert display_path(figure) == str(figure)
    monkeypatch.chdir(figure.anchor)  # from /, not "tmp/.../learner/output/fit.png"
    assert display_path(figure) == str(figure) and Path(display_path(figure)).is_absolute()


def test_standardize_gives_mean_0_and_std_1_and_reports_them():
    distances, _ = distance_time_data()
    z, mean, std = standardize(distances)
    x = distances.numpy().ravel()
    assert mean.item() == pytest.approx(x.mean()) and std.item() == pytest.approx(x.std())
    np.testing.assert_allclose(z.numpy().ravel(), (x - x.mean()) / x.std(), rtol=1e-6)


def test_a_constant_column_cannot_be_standardized():
    with pytest.raises(TrainingError, match="same value in every row"):
        standardize(torch.ones(5, 1))


def test_original_units_recovers_the_closed_form_from_standardized_inputs():
    distances, times = distance_time_data()
    z, mean, std = standardize(distances.double())
    weight_z, bias_z = least_squares(z, times)
    weight, bias = original_units(weight_z, bias_z, mean, std)
    slope, intercept = reference.closed_form(distances.numpy(), times.numpy())
    assert weight.item() == pytest.approx(slope, abs=1e-9) and bias.item() == pytest.approx(
        intercept, abs=1e-9
    )


def test_mse_hessian_is_the_second_derivative_autograd_finds():
    distances, times = distance_time_data()

    def loss(parameters: torch.Tensor) -> torch.Tensor:
        return ((distances.double() * parameters[0] + parameters[1] - times.double()) ** 2).mean()

    by_autograd = torch.autograd.functional.hessian(loss, torch.tensor([0.3, -0.2], dtype=torch.float64))
    np.testing.assert_allclose(mse_hessian(distances).numpy(), by_autograd.numpy(), atol=1e-12)
    np.testing.assert_allclose(
        mse_hessian(distances).numpy(), reference.hessian(distances.numpy()), atol=1e-12
    )


def test_optimal_loss_is_the_mse_of_the_closed_form_line():
    distances, times = distance_time_data()
    slope, intercept = reference.closed_form(distances.numpy(), times.numpy())
    expected = reference.mse(distances.numpy(), times.numpy(), slope, intercept)
    assert optimal_loss(distances, times) == pytest.approx(expected, rel=1e-9)
