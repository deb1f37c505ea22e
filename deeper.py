# %% [markdown]
# # Lesson 06, going deeper: why the numbers come out as they do
#
# `lesson.py` trained a straight line on four deliveries and watched the loss go down.
# This companion script asks *why* it went down as fast as it did, and no faster, and
# lets you see it. Seven short sections:
#
# 1. the exact answer, derived and computed two ways;
# 2. the gradients worked out on paper, against autograd's;
# 3. the largest learning rate that does not blow up, computed from the data;
# 4. why 500 epochs were not enough (the learning rate first, then the valley), and how
#    standardizing the input removes the valley;
# 5. the loss landscape, with the paths of SGD and Adam drawn on it;
# 6. saving a trained model and loading it back;
# 7. running the same training on a GPU when there is one.
#
# Run it with `python deeper.py`. Everything is seeded, so two runs on one machine print
# the same text. The figures go to `output/`. The model, training loop and exact answer are the
# lesson's own, imported from `linreg.py`; the pictures are drawn by `plots.py`, as the lesson's are.

# %%
import math

import torch
from torch import nn, optim

import plots
from linreg import (
    LESSON_EPOCHS,
    LESSON_LR,
    DivergenceError,
    LinearRegression,
    design_matrix,
    display_path,
    distance_time_data,
    least_squares,
    lesson_model,
    line_errors,
    mse_hessian,
    mse_of_lines,
    optimal_loss,
    original_units,
    output_dir,
    pick_device,
    save_figure,
    standardize,
    train,
)

EPOCHS = LESSON_EPOCHS  # the lesson's run: 500 epochs of SGD at learning rate 0.01, from seed 42
ADAM_LR = 0.1

distances, times = distance_time_data()
loss_function = nn.MSELoss()


def heading(title: str) -> None:
    print(f"\n=== {title} ===")


def weight_and_bias(model: LinearRegression) -> tuple[float, float]:
    return model.linear.weight.item(), model.linear.bias.item()


def final_loss(model: LinearRegression, inputs: torch.Tensor = distances) -> float:
    with torch.no_grad():
        return loss_function(model(inputs), times).item()


def show_matrix(matrix: torch.Tensor) -> str:
    return "[" + ", ".join("[" + ", ".join(f"{v:.4f}" for v in row) + "]" for row in matrix.tolist()) + "]"


def show_table(
    columns: tuple[str, str], names: tuple[str, ...], left: list[float], right: list[float], decimals: int
) -> None:
    """Two columns of numbers side by side, one row per name."""
    print(f"{'':12}{columns[0]:>14}{columns[1]:>14}")
    for name, a, b in zip(names, left, right, strict=True):
        print(f"{name:12}{a:14.{decimals}f}{b:14.{decimals}f}")


# %% [markdown]
# ## 1. The exact answer
#
# Training only ever approaches the best line. For a straight line we can also compute
# that line directly, and then we know exactly what training is aiming at, and how far
# it got. Write each delivery as a row $(x_i, 1)$ of a matrix $X$: the 1 is an input that is
# always there, and the bias is its weight. With $\theta = (w, b)$ the predictions are
# $X\theta$ and the loss is
#
# $$L(\theta) = \frac{1}{N}\,\lVert X\theta - y \rVert^2 .$$
#
# At the lowest point of the loss its gradient is zero:
#
# $$\nabla L = \frac{2}{N}\,X^\top (X\theta - y) = 0
# \quad\Longleftrightarrow\quad X^\top X\,\theta = X^\top y .$$
#
# These are the **normal equations**: here two linear equations in two unknowns. We
# solve them with `torch.linalg.solve`, which is cheaper and more accurate than
# inverting $X^\top X$. `torch.linalg.lstsq`, which `linreg.least_squares` uses, gets
# there another way: it factorizes $X$ itself and never forms $X^\top X$. Both work in
# float64, so they should agree to about 12 digits.

# %%
heading("1. The exact answer")
design = design_matrix(distances)  # X = [x, 1], in float64 (from linreg)
gram, moments = design.T @ design, design.T @ times.double()
print("X^T X =", show_matrix(gram), "  X^T y =", show_matrix(moments.T))
normal = torch.linalg.solve(gram, moments).flatten()
best_weight, best_bias = least_squares(distances, times)
best = torch.cat([best_weight.flatten(), best_bias])
print(f"normal equations (torch.linalg.solve): weight = {normal[0]:.6f}, bias = {normal[1]:.6f}")
print(f"torch.linalg.lstsq (least_squares):    weight = {best[0]:.6f}, bias = {best[1]:.6f}")
print("they agree to 12 decimals:", torch.allclose(normal, best, rtol=0, atol=1e-12))
best_loss = optimal_loss(distances, times)
print(f"smallest possible MSE: {best_loss:.6f}")

# %% [markdown]
# ## 2. Gradients by hand
#
# The lesson wrote the MSE's gradient down and checked one step of `optim.SGD` against
# the update written by hand. Here is where that formula comes from, by the chain rule
# that `backward()` applies for us (Lesson 05). With the error of delivery $i$ written
# $e_i = w x_i + b - y_i$, the loss is $L = \frac{1}{N}\sum_i e_i^2$. Since
# $\partial e_i / \partial w = x_i$ and $\partial e_i / \partial b = 1$, the chain rule gives
#
# $$\frac{\partial L}{\partial w} = \frac{2}{N}\sum_i e_i\,x_i, \qquad
# \frac{\partial L}{\partial b} = \frac{2}{N}\sum_i e_i .$$
#
# We compute both from the lesson's starting model and compare them with what
# `loss.backward()` puts in `.grad`. Then one step of gradient descent by hand,
# $w \leftarrow w - \eta\,\partial L/\partial w$, against one `optimizer.step()`.

# %%
heading("2. Gradients by hand")
model = lesson_model()
weight, bias = model.linear.weight.detach().clone(), model.linear.bias.detach().clone()
print(f"start: weight = {weight.item():.6f}, bias = {bias.item():.6f}")
errors = distances * weight + bias - times
by_hand = torch.stack([2 * (errors * distances).mean(), 2 * errors.mean()])
optimizer = optim.SGD(model.parameters(), lr=LESSON_LR)
optimizer.zero_grad()
loss_function(model(distances), times).backward()
autograd = torch.stack([model.linear.weight.grad.flatten()[0], model.linear.bias.grad[0]])
show_table(("by hand", "autograd"), ("dL/dw", "dL/db"), by_hand.tolist(), autograd.tolist(), decimals=4)
print("the gradients agree (to float32 rounding):", torch.allclose(by_hand, autograd, rtol=1e-6, atol=0))
stepped_by_hand = torch.stack([weight.flatten()[0], bias[0]]) - LESSON_LR * by_hand
optimizer.step()
stepped = torch.tensor(weight_and_bias(model))
print(f"one step at learning rate {LESSON_LR}:")
show_table(
    ("by hand", "optim.SGD"), ("weight", "bias"), stepped_by_hand.tolist(), stepped.tolist(), decimals=6
)
print("the steps agree (to float32 rounding):", torch.allclose(stepped_by_hand, stepped, rtol=1e-6, atol=0))

# %% [markdown]
# ## 3. How large can the learning rate be?
#
# A larger learning rate takes larger steps, until the steps overshoot and training
# blows up. Where that happens can be computed from the data, before any training. The
# tool is the **curvature** of the loss: how fast its slope changes as $w$ and $b$
# change, its second derivatives. For two parameters they form a 2×2 matrix, the
# **Hessian**; for the MSE of a line it is the same everywhere, $H = \frac{2}{N} X^\top X$,
# since the MSE is a quadratic function of $(w, b)$. Around the
# optimum $\theta^*$ the loss is exactly
#
# $$L(\theta) = L(\theta^*) + \tfrac{1}{2}\,(\theta - \theta^*)^\top H\,(\theta - \theta^*),
# \qquad \nabla L(\theta) = H\,(\theta - \theta^*).$$
#
# One step of gradient descent with learning rate $\eta$ therefore turns the error
# $\theta - \theta^*$ into $(I - \eta H)(\theta - \theta^*)$. A 2×2 Hessian has two special
# directions, its **eigenvectors**, at right angles: along each, a step of gradient
# descent points straight at the optimum, and the curvature there is the matching
# **eigenvalue** $\lambda$. Split the error into its parts along the two: each epoch
# multiplies the part along eigenvalue $\lambda$ by $1 - \eta\lambda$. It shrinks only
# if $|1 - \eta\lambda| < 1$, that is $\eta < 2/\lambda$. The steepest direction sets
# the limit for all:
#
# $$\eta < \frac{2}{\lambda_{\max}} .$$

# %%
heading("3. How large can the learning rate be?")
curvature = mse_hessian(distances)  # (2/N) X^T X, from linreg: the practice problems use it too
eigenvalues, eigenvectors = torch.linalg.eigh(curvature)  # in ascending order
slow, fast = eigenvalues.tolist()
limit = 2 / fast
print("Hessian H = (2/N) X^T X =", show_matrix(curvature))
print(f"its eigenvalues: {slow:.6f} and {fast:.6f}")
print(f"largest stable learning rate: 2 / {fast:.6f} = {limit:.6f}")

# %% [markdown]
# We train the lesson's model with `linreg.train()` just below the limit and just above
# it. Above it, the error along the steep direction grows by 10 % a step; the loss
# overflows after a few hundred epochs, and `train()` stops with its message.


# %%
def divergence(lr: float) -> DivergenceError:
    """Train the lesson's model at a learning rate that should blow up; return train()'s error."""
    model = lesson_model()
    try:
        train(model, optim.SGD(model.parameters(), lr=lr), distances, times, EPOCHS)
    except DivergenceError as error:
        return error
    raise RuntimeError(f"learning rate {lr:g} was expected to diverge within {EPOCHS} epochs, but did not")


below, above = 0.95 * limit, 1.05 * limit
model = lesson_model()
train(model, optim.SGD(model.parameters(), lr=below), distances, times, EPOCHS)
below_loss = final_loss(model)
print(
    f"lr = 0.95 x limit = {below:.6f}: converges, loss after {EPOCHS} epochs {below_loss:.6f} "
    f"(smallest possible {best_loss:.6f})"
)
blow_up = divergence(above)
print(f"lr = 1.05 x limit = {above:.6f}: diverges, and train() says:\n  {blow_up}")

# %% [markdown]
# Now the whole picture: the loss after 500 epochs for many learning rates. Rather than
# 140 training runs, one run of gradient descent updates 140 lines at once, one per
# learning rate, using the gradient formulas of section 2 on tensors of shape
# (learning rates, deliveries). It works in float64, so the diverging runs stay finite
# and show how far they got. In the table, the column `x limit` gives each learning rate
# as a multiple of the limit: 0.95 is 5 % below it. We check the sweep against `train()`
# at the two learning rates above.


# %%
def gradient_descent_many(lrs: torch.Tensor, start: tuple[float, float], epochs: int) -> torch.Tensor:
    """Full-batch gradient descent for every learning rate at once, in float64.

    Row k is the loss of every run after k updates: shape (epochs + 1, len(lrs)).
    """
    weights, biases = torch.full_like(lrs, start[0]), torch.full_like(lrs, start[1])
    x = distances.double().flatten()
    history = []
    for _ in range(epochs):
        errors = line_errors(weights, biases, distances, times)
        history.append((errors**2).mean(dim=-1))
        weights = weights - lrs * 2 * (errors * x).mean(dim=-1)
        biases = biases - lrs * 2 * errors.mean(dim=-1)
    history.append(mse_of_lines(weights, biases, distances, times))
    return torch.stack(history)


sweep_lrs = torch.logspace(-4, math.log10(0.14), 140, dtype=torch.float64)
shown_lrs = torch.tensor([0.0001, 0.001, LESSON_LR, 0.1, below, above], dtype=torch.float64)
start = weight_and_bias(lesson_model())
history = gradient_descent_many(torch.cat([sweep_lrs, shown_lrs]), start, EPOCHS)
sweep_losses, shown_losses = history[-1, : len(sweep_lrs)], history[-1, len(sweep_lrs) :]
print(f"sweep: {EPOCHS} epochs of gradient descent for {len(sweep_lrs)} learning rates at once")
print(f"{'lr':>10}{'x limit':>10}{'loss after 500 epochs':>24}")
for lr, loss in zip(shown_lrs.tolist(), shown_losses.tolist(), strict=True):
    print(f"{lr:10.6f}{lr / limit:10.3f}{loss:24.6g}")
stopped_at = len(blow_up.losses)  # train() recorded the loss of every epoch before the overflow
print(
    f"check against train() at 0.95 x limit: loss after {EPOCHS} epochs {below_loss:.6f} (train), "
    f"{shown_losses[-2]:.6f} (sweep)"
)
# Hundreds of epochs into a divergence, float32 rounding (which differs from one CPU to another)
# shows in the fifth digit: three digits say the same on every machine.
print(
    f"check against train() at 1.05 x limit: loss of epoch {stopped_at} {blow_up.losses[-1]:.3g} (train), "
    f"{history[stopped_at - 1, -1]:.3g} (sweep)"
)

# %%
fig = plots.learning_rates(sweep_lrs, sweep_losses, best_loss, limit, LESSON_LR, EPOCHS)
save_figure(fig, "learning_rates.png")

# %% [markdown]
# ## 4. Why 500 epochs were not enough, and the fix
#
# The lesson trained for 500 epochs at learning rate 0.01 and stopped a few percent above
# the smallest possible loss. Two things made it slow, and the factor $1 - \eta\lambda$
# measures both. First, and most, the learning rate was small: 0.01 is about a twelfth of
# the limit found above, and the sweep shows that at 0.1 the same 500 epochs end on the
# optimum. Second, the valley. The two eigenvalues of $H$ are far apart, and their ratio,
# the **condition number** $\kappa = \lambda_{\max} / \lambda_{\min}$, says how much more
# steeply the loss rises across the valley than along its floor. The learning rate must
# respect the steep direction ($\eta < 2/\lambda_{\max}$), so along the gentle one each
# epoch removes only a fraction $\eta\lambda_{\min}$ of the error: less than $2/\kappa$ of
# it, even at the largest stable learning rate. The fast error, across the valley,
# shrinks by $|1 - \eta\lambda_{\max}|$ an epoch, and after 500 epochs nothing is left of
# it (the tiny percentage printed). Where that factor is negative, each step overshoots: it
# jumps across the floor and lands on the opposite wall, closer to the floor than it started.

# %%
heading("4. Why 500 epochs were not enough, and the fix")
condition = fast / slow
print(f"condition number lambda_max / lambda_min = {fast:.6f} / {slow:.6f} = {condition:.2f}")
# eigh returns each eigenvector up to its sign: fix it so the weight part is positive.
slow_direction, fast_direction = (v * torch.sign(v[0]) for v in eigenvectors.T)
print(
    f"slow direction (the valley floor): ({slow_direction[0]:.4f}, {slow_direction[1]:.4f}); "
    f"fast direction (across it): ({fast_direction[0]:.4f}, {fast_direction[1]:.4f})"
)
rise_slow, rise_fast = (
    mse_of_lines(*(best + 0.1 * direction), distances, times).item() - best_loss
    for direction in (slow_direction, fast_direction)
)
print(
    f"from the optimum, a step of 0.1 along the floor raises the loss by {rise_slow:.5f}, "
    f"across the valley by {rise_fast:.5f}: {rise_fast / rise_slow:.2f} times as much"
)
for lr in (LESSON_LR, 0.1):
    shrink_slow, shrink_fast = 1 - lr * slow, 1 - lr * fast
    # A negative factor flips the error's sign: the step jumps across the floor to the other wall.
    overshoot = " (negative: each step jumps across the floor onto the other wall)" if shrink_fast < 0 else ""
    print(
        f"at lr {lr} each epoch multiplies the error by {shrink_slow:.6f} along the slow direction "
        f"and by {shrink_fast:.6f} along the fast one{overshoot}"
    )
    print(
        f"  after {EPOCHS} epochs {100 * shrink_slow**EPOCHS:.4g}% of the slow error is left, "
        f"and {100 * abs(shrink_fast) ** EPOCHS:.1e}% of the fast one"
    )
    print(
        f"  leaving 0.1% of the slow error takes {math.ceil(math.log(1e-3) / math.log(shrink_slow))} epochs"
    )
print(
    f"even just below the limit, lr {limit:.6f}, an epoch removes less than 2 / {condition:.2f} = "
    f"{200 / condition:.2f}% of the slow error"
)

# %% [markdown]
# Let's measure it. We train exactly as the lesson did and record where $(w, b)$ is
# after every step, with a hook that the optimizer calls after each `step()`
# (`register_step_post_hook`), so `train()` itself needs no change. Then we split the
# error $\theta - \theta^*$ into its slow and fast parts. What is left of the loss,
# $\frac{1}{2}\lambda_{\min} e_{\text{slow}}^2 + \frac{1}{2}\lambda_{\max} e_{\text{fast}}^2$,
# is the whole gap the lesson found between its trained and its exact MSE.


# %%
def record_path(model: LinearRegression, optimizer: optim.Optimizer) -> list[tuple[float, float]]:
    """(weight, bias) before training, then after every optimizer step, as training goes."""
    path = [weight_and_bias(model)]
    optimizer.register_step_post_hook(lambda *_: path.append(weight_and_bias(model)))
    return path


def split_error(point: tuple[float, float]) -> tuple[float, float]:
    """The error (w, b) - optimum, along the slow and the fast direction of the valley."""
    error = torch.tensor(point, dtype=torch.float64) - best
    return (error @ slow_direction).item(), (error @ fast_direction).item()


def no_negative_zero(value: float, decimals: int = 4) -> float:
    """A float32 speck such as -3e-8 prints as 0.0000 rather than -0.0000."""
    return round(value, decimals) + 0.0


sgd_model = lesson_model()
sgd = optim.SGD(sgd_model.parameters(), lr=LESSON_LR)
sgd_path = record_path(sgd_model, sgd)
train(sgd_model, sgd, distances, times, EPOCHS)
(slow_start, fast_start), (slow_end, fast_end) = split_error(sgd_path[0]), split_error(sgd_path[-1])
print(
    f"measured, training as the lesson did: slow error {slow_start:.4f} -> {slow_end:.4f} "
    f"({100 * slow_end / slow_start:.2f}% left), "
    f"fast error {fast_start:.4f} -> {no_negative_zero(fast_end):.4f}"
)
gap = final_loss(sgd_model) - best_loss
print(f"loss above the minimum: 1/2 lambda_min e_slow^2 = {slow * slow_end**2 / 2:.5f}, measured {gap:.5f}")

# %% [markdown]
# **The fix: standardize the input.** With $z = (x - \bar x) / \sigma_x$ the column of
# inputs has mean 0 and variance 1, so $\frac{1}{N}Z^\top Z = I$ and the Hessian
# becomes $2I$: the same curvature in every direction, a condition number of 1, and a
# round bowl instead of a valley. One learning rate now fits every direction:
# with $\eta = 1/\lambda = 1/2$ the factor $1 - \eta\lambda$ is 0, so a single epoch of
# plain gradient descent lands on the optimum. The line learned on $z$ maps back to
# miles with $w = w_z / \sigma_x$ and $b = b_z - w_z \bar x / \sigma_x$
# (`linreg.original_units`).

# %%
standardized, mean, std = standardize(distances)
print(
    f"standardized distances z = (x - {mean.item():.2f}) / {std.item():.6f} = "
    f"{[round(v, 4) for v in standardized.flatten().tolist()]}"
)
curvature_z = mse_hessian(standardized)
slow_z, fast_z = torch.linalg.eigvalsh(curvature_z).tolist()
print(f"Hessian for z: {show_matrix(curvature_z)}, eigenvalues {slow_z:.6f} and {fast_z:.6f}")
print(f"condition number: {fast_z / slow_z:.6f}")
z_model = lesson_model()
lr_z = 1 / fast_z
train(z_model, optim.SGD(z_model.parameters(), lr=lr_z), standardized, times, epochs=1)
exact_weight_z, exact_bias_z = least_squares(standardized, times)
print(f"one epoch of gradient descent on z at lr 1 / {fast_z:.6f} = {lr_z:.6f}:")
show_table(
    ("one epoch", "exact"),
    ("weight (z)", "bias (z)"),
    list(weight_and_bias(z_model)),
    [exact_weight_z.item(), exact_bias_z.item()],
    decimals=5,
)
print(
    f"loss after that one epoch: {final_loss(z_model, standardized):.6f} (smallest possible {best_loss:.6f})"
)
in_miles = original_units(z_model.linear.weight.detach(), z_model.linear.bias.detach(), mean, std)
print("mapped back to miles with original_units():")
show_table(
    ("one epoch", "closed form"), ("weight", "bias"), [v.item() for v in in_miles], best.tolist(), decimals=5
)

# %% [markdown]
# ## 5. The loss landscape
#
# Sections 3 and 4 described the valley with numbers; here it is as a picture, with the
# paths two optimizers take through it. A contour map of the MSE over $(w, b)$ shows the
# valley; its contour levels are spaced evenly on a log scale, so the flat floor still
# shows. On it we draw the path of the lesson's SGD run (recorded above) and of Adam,
# from the same start, each for 500 epochs. SGD first drops straight down the steep wall
# (the fast direction is settled within a few dozen epochs) and then, at the lesson's
# small learning rate, creeps along the floor.
# Adam divides each parameter's step by a running root-mean-square of that parameter's
# recent gradients, so its first steps move $w$ and $b$ by about the same amount,
# diagonally; then it too has to follow the valley. Neither has reached the optimum after
# 500 epochs (the losses below are both above it): the learning rates here are the
# lesson's for SGD and a plausible first try for Adam, not the best ones, which practice
# problem 2 looks for. Next to it, the same map for the standardized input: a round bowl,
# and the single step of section 4 straight to its centre.


# %%
def first_settled_epoch(path: list[tuple[float, float]], fraction: float = 0.01) -> int:
    """The first epoch after which the error across the valley is below `fraction` of its start."""
    across = ((torch.tensor(path, dtype=torch.float64) - best) @ fast_direction).abs()
    return int(torch.nonzero(across < fraction * across[0])[0])


heading("5. The loss landscape")
start_loss = mse_of_lines(*torch.tensor(start, dtype=torch.float64), distances, times).item()
print(
    f"start: weight {start[0]:.4f}, bias {start[1]:.4f}, loss {start_loss:.4f}; "
    f"optimum: weight {best[0]:.4f}, bias {best[1]:.4f}, loss {best_loss:.6f}"
)
adam_model = lesson_model()
adam = optim.Adam(adam_model.parameters(), lr=ADAM_LR)
adam_path = record_path(adam_model, adam)
train(adam_model, adam, distances, times, EPOCHS)
for name, path, trained in (("SGD", sgd_path, sgd_model), ("Adam", adam_path, adam_model)):
    lr = LESSON_LR if name == "SGD" else ADAM_LR
    print(
        f"{name:4} (lr {lr}): after {EPOCHS} epochs weight {path[-1][0]:.4f}, bias {path[-1][1]:.4f}, "
        f"loss {final_loss(trained):.6f}; error across the valley under 1% "
        f"after {first_settled_epoch(path)} epochs"
    )


# %%
paths = {f"SGD, {EPOCHS} epochs": sgd_path, f"Adam, {EPOCHS} epochs": adam_path}
z_step = ("one epoch at lr 0.5", [start, weight_and_bias(z_model)])
fig = plots.loss_landscape(distances, times, paths, standardized, z_step)
save_figure(fig, "loss_landscape.png")

# %% [markdown]
# ## 6. Save and load
#
# Training takes time, and a trained model is worth keeping: here is how to store one and
# get it back. A trained model is its parameters. `model.state_dict()` holds them by name
# (`linear.weight`, `linear.bias`); `torch.save` writes that dictionary to a file,
# here in the lesson's output folder. To use it later, build a fresh model of the same
# class and load the parameters into it.
#
# A `.pt` file is a zip archive: the tensors' numbers, and a pickle that describes the
# dictionary around them. A pickle can hold instructions to build any Python object, so
# loading an untrusted one can run any code. `torch.load(..., weights_only=True)` builds
# tensors and plain containers only, and refuses the rest. Since torch 2.6 that is
# `torch.load`'s default; the lesson still writes it out, because the code then says what
# it relies on, and stays safe on the older versions a learner may have.

# %%
heading("6. Save and load")
saved = output_dir() / "linear_regression.pt"
torch.save(sgd_model.state_dict(), saved)
names = ", ".join(sgd_model.state_dict())
print(f"saved the state_dict of the model trained in section 4 above ({names}) as {display_path(saved)}")
new_distances = torch.tensor([[5.0], [7.5], [10.0]])
fresh = LinearRegression(1, 1)
with torch.inference_mode():
    untrained = fresh(new_distances).flatten().tolist()
# Load first, then predict: inference_mode is for using a model, not for changing one.
fresh.load_state_dict(torch.load(saved, weights_only=True))
with torch.inference_mode():
    loaded, trained = fresh(new_distances), sgd_model(new_distances)
print(f"{'miles':>6}{'fresh model':>14}{'after loading':>16}{'trained':>10}")
for distance, before, after, original in zip(
    new_distances.flatten().tolist(),
    untrained,
    loaded.flatten().tolist(),
    trained.flatten().tolist(),
    strict=True,
):
    print(f"{distance:6.1f}{before:14.4f}{after:16.4f}{original:10.4f}")
print("identical predictions after loading:", torch.equal(loaded, trained))

# %% [markdown]
# ## 7. Any device
#
# Real models train on GPUs, and the code barely changes for it: the same training runs
# on a GPU if there is one. `linreg.pick_device()` takes an NVIDIA
# GPU (CUDA) if PyTorch sees one, else an Apple GPU (MPS), else the CPU. The model and
# the data must live on the same device: `.to(device)` moves them. `print` shows a
# tensor wherever it lives, but numpy and matplotlib work only on the CPU's memory:
# results come back with `.cpu()` (or `.item()`, for a single number) before they go there.
# For four data points a GPU is not faster, only the same code in another place; on a
# GPU the last digits may differ a little from the CPU's, since its arithmetic rounds
# in a different order.

# %%
heading("7. Any device")
device = pick_device()
print(f"CUDA available: {torch.cuda.is_available()}, MPS available: {torch.backends.mps.is_available()}")
print(f"training on: {device}")
device_model = lesson_model().to(device)
device_optimizer = optim.SGD(device_model.parameters(), lr=LESSON_LR)
train(device_model, device_optimizer, distances.to(device), times.to(device), EPOCHS)
on_device = torch.cat([p.detach().cpu().flatten() for p in device_model.parameters()])
on_cpu = torch.cat([p.detach().flatten() for p in sgd_model.parameters()])
print(f"after {EPOCHS} epochs on {device}: weight {on_device[0]:.4f}, bias {on_device[1]:.4f}")
print(f"largest difference from the CPU run of section 4 above: {(on_device - on_cpu).abs().max():.1e}")

# %% [markdown]
# ## What to remember
#
# - Linear regression has an exact answer, the normal equations $X^\top X\theta = X^\top y$;
#   `torch.linalg.lstsq` computes it more robustly than the textbook formula.
# - Autograd computes the same gradients you can derive on paper; an optimizer step is
#   $\theta \leftarrow \theta - \eta\nabla L$, nothing more.
# - The curvature of the loss fixes the learning rate: above $2/\lambda_{\max}$ gradient
#   descent diverges.
# - A small learning rate is the first reason for slow training: at 0.1 instead of 0.01
#   the lesson's 500 epochs end on the optimum. When the curvatures differ (a large
#   condition number), even the largest stable learning rate removes less than
#   $2/\kappa$ of the error along the gentle direction per epoch. Standardizing the
#   inputs evens the curvatures out.
# - Save the `state_dict`, load it with `weights_only=True`; move model and data to the
#   same device, and results back to the CPU.
