# %% [markdown]
# # Lesson 06: Building and training a linear regression model
#
# Before convolutional networks, we build the smallest model there is and train it
# end to end. Every piece of a real PyTorch training pipeline shows up: a model made
# of `nn.Linear`, our own `nn.Module`, a loss function, an optimizer, and the loop
# that ties them together.
#
# Source: the "Building and training a Linear Regression" section of TK's article
# [Mastering PyTorch: From Linear Regression to Computer Vision](https://www.iamtk.co/mastering-pytorch-from-linear-regression-to-com).
#
# Run it with `python lesson.py`, or open `lesson.ipynb`. Everything is seeded: two
# runs on one machine print the same text (another machine may differ in a number's last
# digit). Figures go to `output/`.

# %%
import inspect

import matplotlib.pyplot as plt
import torch
from torch import nn, optim

from linreg import (
    LinearRegression,
    distance_time_data,
    least_squares,
    save_figure,
    train,
)

torch.manual_seed(0)  # the models' starting weights are random: fix them


def heading(title: str) -> None:
    print(f"\n=== {title} ===")


# %% [markdown]
# ## 1. The simplest model: `nn.Linear`
#
# Linear regression predicts $y = xw + b$: one input $x$, a learned weight $w$ and a
# learned bias $b$. `nn.Linear(in_features=1, out_features=1, bias=True)` is exactly
# that. It starts from small random values for $w$ and $b$, and it expects a batch:
# one row per example, so two inputs are written `[[2.], [4.]]`, shape (2, 1).

# %%
heading("1. nn.Linear")
model = nn.Linear(in_features=1, out_features=1, bias=True)
print(f"weight = {model.weight.item():.4f}, bias = {model.bias.item():.4f} (random start)")
examples = torch.tensor([[2.0], [4.0]])
print("model([[2.], [4.]]) =", model(examples).detach())

# %% [markdown]
# The article sets the weight to -0.4443 and the bias to -0.5045 and shows
# `tensor([[-1.3930], [-2.2815]])`. Let's check it by hand: $2 \times (-0.4443) - 0.5045 =
# -1.3931$, not -1.3930. The article's weight and bias were *displayed* rounded to
# four decimals; the model held more digits. Rounding the weight can move it by up
# to 0.00005, and $4w$ multiplies that error by four, which is why the second output
# is off by two in the last digit.
#
# Which weight and bias did the article's model hold? Any pair that rounds to all
# four numbers it shows. We search a fine grid around the displayed values.

# %%
ARTICLE_WEIGHT, ARTICLE_BIAS = -0.4443, -0.5045
ARTICLE_OUTPUTS = torch.tensor([[-1.3930], [-2.2815]], dtype=torch.float64)


def set_parameters(linear: nn.Linear, weight: float, bias: float) -> None:
    with torch.no_grad():  # an edit by hand, not a step autograd should record
        linear.weight.fill_(weight)
        linear.bias.fill_(bias)


def shown(values: torch.Tensor) -> torch.Tensor:
    """What PyTorch's four-decimal display makes of values, in units of 0.0001."""
    return torch.round(values.double() * 1e4)


set_parameters(model, ARTICLE_WEIGHT, ARTICLE_BIAS)
print("with the displayed weight and bias:", model(examples).detach())

# Every pair within rounding of the displayed weight and bias, 1e-6 apart.
grid = torch.linspace(-0.00005, 0.00005, 101, dtype=torch.float64)
weights, biases = torch.meshgrid(ARTICLE_WEIGHT + grid, ARTICLE_BIAS + grid, indexing="ij")
outputs = torch.stack([2 * weights + biases, 4 * weights + biases])
matches = (
    (shown(weights) == shown(torch.tensor(ARTICLE_WEIGHT)))
    & (shown(biases) == shown(torch.tensor(ARTICLE_BIAS)))
    & (shown(outputs) == shown(ARTICLE_OUTPUTS).view(2, 1, 1)).all(dim=0)
)
print(f"pairs that display as all four of the article's numbers: {int(matches.sum())} of {matches.numel()}")
print(
    f"  weight from {weights[matches].min():.6f} to {weights[matches].max():.6f}, "
    f"bias from {biases[matches].min():.6f} to {biases[matches].max():.6f}"
)
# The middle of that region is safely away from every rounding edge.
weight, bias = weights[matches].mean().item(), biases[matches].mean().item()
set_parameters(model, weight, bias)
print(f"with weight = {weight:.6f}, bias = {bias:.6f}:", model(examples).detach())

# %% [markdown]
# ## 2. A model of our own: `nn.Module`
#
# `nn.Linear` is one layer. Real models combine many, so PyTorch lets us write our
# own model as a subclass of `nn.Module`. Two methods matter:
#
# - `__init__` creates the layers. Calling `super().__init__()` first is required:
#   it sets up the bookkeeping that lets `nn.Module` find every layer we assign as an
#   attribute, and therefore every parameter (`model.parameters()` is what the
#   optimizer will update).
# - `forward(x)` says how an input flows through those layers to a prediction. We
#   never call it directly: `model(x)` calls it (and runs any hooks around it).
#
# The class lives in `linreg.py`, so the practice problems can import it too:

# %%
heading("2. A custom model with nn.Module")
print(inspect.getsource(LinearRegression))
custom = LinearRegression(input_size=1, output_size=1)
custom.linear.load_state_dict(model.state_dict())  # the same w and b as above
for name, parameter in custom.named_parameters():
    print(f"found parameter {name}: {parameter.data.flatten().tolist()}")
same = torch.equal(custom(examples), model(examples))
print("LinearRegression and nn.Linear give identical predictions:", same)

# %% [markdown]
# ## 3. Measuring error, and a rule for improving: loss and optimizer
#
# The **mean squared error** averages the squared gaps between predictions
# $\hat y_i$ and targets $y_i$:
#
# $$\text{MSE} = \frac{1}{N}\sum_{i=1}^{N} (\hat y_i - y_i)^2$$
#
# Squaring makes every error count positively and punishes big misses most.
#
# The **optimizer** changes the parameters to lower the loss. Stochastic gradient
# descent (SGD) takes a small step against each parameter's gradient, scaled by the
# learning rate $\eta$: $\; w \leftarrow w - \eta \, \partial \text{MSE} / \partial w$.
# ("Stochastic" because it is usually fed a random handful of examples per step; we
# give it all four deliveries every time, which makes it plain gradient descent.)
# Adam is a popular alternative that adapts its step size per parameter; practice
# problem 2 compares the two.
#
# Here is the article's data, four deliveries: distance in miles, time in minutes.
# We measure how wrong the model of section 1 (the article's weight and bias, about
# -0.44 and -0.50) is on it: very, since it predicts negative times.

# %%
heading("3. Loss function and optimizer")
distances, times = distance_time_data()
print("distances (miles):", [round(d, 2) for d in distances.flatten().tolist()])
print("times (minutes):  ", [round(t, 2) for t in times.flatten().tolist()])

loss_function = nn.MSELoss()
predictions = custom(distances).detach()
by_hand = ((predictions - times) ** 2).mean()
print(f"MSE by hand: {by_hand.item():.4f}   nn.MSELoss: {loss_function(predictions, times).item():.4f}")

# %% [markdown]
# ## 4. The training loop
#
# Training repeats one idea: **predict, measure the loss, adjust the parameters,
# repeat**. In PyTorch each epoch is five lines, always in this order:
#
# 1. `optimizer.zero_grad()`: clear the gradients left from the previous step.
# 2. `outputs = model(distances)`: the forward pass, a prediction for every input.
# 3. `loss = loss_function(outputs, times)`: one number for how wrong we are.
# 4. `loss.backward()`: autograd fills each parameter's `.grad` with
#    $\partial \text{loss} / \partial \text{parameter}$.
# 5. `optimizer.step()`: every parameter moves against its gradient.
#
# We write the loop once, as `train()` in `linreg.py`, so the rest of the course
# reuses it. It returns the loss of every epoch (practice problem 3 plots them), and
# before the first epoch it checks for the classic mistakes: see "When things go
# wrong" in the README.

# %%
heading("4. The training loop")
print(inspect.getsource(train))

# %% [markdown]
# ## 5. Training on the distance/time data
#
# 500 epochs of SGD with learning rate 0.01, as in the article. We start from a fresh,
# seeded model and print the loss every 50 epochs.

# %%
heading("5. Training on the distance/time data")
torch.manual_seed(42)
model = LinearRegression(input_size=1, output_size=1)
start = {name: p.item() for name, p in model.named_parameters()}
print(f"start: weight = {start['linear.weight']:.4f}, bias = {start['linear.bias']:.4f}")
optimizer = optim.SGD(model.parameters(), lr=0.01)
losses = train(model, optimizer, distances, times, epochs=500, log_every=50)

# %% [markdown]
# How good is that? For linear regression we don't have to guess: the parameters
# with the smallest possible MSE have a closed form (least squares), which
# `torch.linalg.lstsq` computes. We compare.

# %%
best_weight, best_bias = least_squares(distances, times)
learned_weight, learned_bias = model.linear.weight.item(), model.linear.bias.item()
with torch.no_grad():
    final_loss = loss_function(model(distances), times).item()
    best_loss = loss_function(distances.double() * best_weight + best_bias, times.double()).item()
rows = [
    ("weight", learned_weight, best_weight.item(), 4),
    ("bias", learned_bias, best_bias.item(), 4),
    ("MSE", final_loss, best_loss, 5),
]
print(f"{'':8}{'trained':>10}{'exact':>10}{'gap':>10}")
for name, trained, exact_value, digits in rows:
    print(f"{name:8}{trained:10.{digits}f}{exact_value:10.{digits}f}{trained - exact_value:10.{digits}f}")
excess = 100 * (final_loss - best_loss) / best_loss
still_moving = losses[-51] - losses[-1]
print(
    f"Not at the optimum yet: the loss is {excess:.1f}% above the smallest possible, "
    f"and it still fell by {still_moving:.5f} over the last 50 epochs."
)

# %% [markdown]
# Honest verdict: 500 epochs get close, not all the way. The loss is a long, narrow
# valley in $(w, b)$: a learning rate small enough to be stable across the valley
# crawls along its floor, where raising $w$ while lowering $b$ barely changes the
# predictions. More epochs, or standardized inputs, would close the gap; the
# companion script `deeper.py` measures exactly how much.
#
# Now we use the model. `model.eval()` switches layers such as dropout to inference
# behaviour (our model has none, but it is a habit worth having), and
# `torch.inference_mode()` skips the bookkeeping autograd would do for a backward
# pass we will never run.

# %%
new_distances = torch.tensor([[5.0], [7.5], [10.0]])
model.eval()
with torch.inference_mode():
    predicted = model(new_distances)
exact = new_distances.double() * best_weight + best_bias
for distance, guess, truth in zip(new_distances.flatten(), predicted.flatten(), exact.flatten(), strict=True):
    print(f"{distance.item():5.1f} miles -> {guess.item():6.2f} minutes (exact line: {truth.item():6.2f})")

# %% [markdown]
# The two lines are too close to tell apart by eye, so the right panel plots their
# difference: the trained line is a little too flat and starts a little too high.

# %%
fig, (ax, gap_ax) = plt.subplots(1, 2, figsize=(10, 4))
line = torch.linspace(0, 4.5, 50).view(-1, 1)
with torch.inference_mode():
    trained_line = model(line)
exact_line = line * best_weight.item() + best_bias.item()
ax.scatter(distances, times, color="black", zorder=3, label="deliveries")
ax.plot(line, trained_line, label=f"trained: {learned_weight:.3f}x + {learned_bias:.3f}")
ax.plot(line, exact_line, "--", label=f"least squares: {best_weight.item():.3f}x + {best_bias.item():.3f}")
ax.set(xlabel="distance (miles)", ylabel="time (minutes)", title="Delivery time against distance")
ax.legend()
gap_ax.axhline(0, color="gray", linewidth=0.8)
gap_ax.plot(line, trained_line - exact_line)
gap_ax.set(
    xlabel="distance (miles)",
    ylabel="trained - least squares (minutes)",
    title="What 500 epochs of SGD left to learn",
)
fig.tight_layout()
save_figure(fig, "fit.png")

# %% [markdown]
# ## 6. Why zero the gradients?
#
# `loss.backward()` does not overwrite `.grad`: it **adds** to it (Lesson 05). That is
# useful when a gradient is built from several pieces, but in a training loop it means
# every step would push with the sum of all the gradients so far. First, three
# backward passes at the same parameters, without clearing:

# %%
heading("6. Why zero the gradients?")
torch.manual_seed(0)
probe = LinearRegression(1, 1)
print(f"start: weight = {probe.linear.weight.item():.4f}, bias = {probe.linear.bias.item():.4f}")
for call in range(1, 4):
    loss_function(probe(distances), times).backward()
    print(f"after backward() #{call}: weight.grad = {probe.linear.weight.grad.item():9.4f}")
print("the same gradient, added up: 1x, 2x, 3x")

# %% [markdown]
# Now with the optimizer stepping in between. Two copies of the same model take three
# steps; only the first clears its gradients. The second one's `.grad` is the running
# sum of every step's fresh gradient, so its steps keep growing. From step 2 on, the
# copies stand at different parameters (the second moved further), so even their fresh
# gradients differ.

# %%
torch.manual_seed(0)  # the same start as the probe above
cleared, uncleared = LinearRegression(1, 1), LinearRegression(1, 1)
uncleared.load_state_dict(cleared.state_dict())
opt_cleared = optim.SGD(cleared.parameters(), lr=0.01)
opt_uncleared = optim.SGD(uncleared.parameters(), lr=0.01)
print(f"{'step':>4}{'with zero_grad':>16}{'without':>10}{'its fresh gradient':>20}{'running sum':>13}")
running_sum = 0.0
for step in range(1, 4):
    opt_cleared.zero_grad()
    loss_function(cleared(distances), times).backward()
    fresh = torch.autograd.grad(loss_function(uncleared(distances), times), uncleared.linear.weight)[0]
    running_sum += fresh.item()
    loss_function(uncleared(distances), times).backward()  # no zero_grad() before this
    print(
        f"{step:4d}{cleared.linear.weight.grad.item():16.4f}{uncleared.linear.weight.grad.item():10.4f}"
        f"{fresh.item():20.4f}{running_sum:13.4f}"
    )
    opt_cleared.step()
    opt_uncleared.step()

# %% [markdown]
# What does that do to training? The same 500 epochs from the same start as in
# section 5, but without `optimizer.zero_grad()`. The accumulated gradient acts like a
# heavy ball with no friction: the parameters swing past the minimum and back, and
# the loss never settles. The table shows the lowest and highest loss in each block of
# 100 epochs.

# %%
torch.manual_seed(42)  # the same seed, so the same starting weight and bias
model = LinearRegression(1, 1)
optimizer = optim.SGD(model.parameters(), lr=0.01)
no_zero_losses = []
for _ in range(500):
    loss = loss_function(model(distances), times)
    loss.backward()  # the bug: gradients pile up because nothing clears them
    optimizer.step()
    no_zero_losses.append(loss.item())
print(f"{'epochs':<9}{'without zero_grad':>20}{'with zero_grad':>24}")
for first in range(0, 500, 100):
    without, with_it = no_zero_losses[first : first + 100], losses[first : first + 100]
    print(
        f"{first + 1:>4d}-{first + 100:<4d}{min(without):10.2f} to {max(without):6.2f}"
        f"{min(with_it):12.4f} to {max(with_it):8.4f}"
    )
last_100 = no_zero_losses[-100:]
print(
    f"epochs 401-500 without zero_grad: the loss swings between {min(last_100):.2f} and "
    f"{max(last_100):.2f}; with it, it falls steadily to {losses[-1]:.4f}"
)

# %% [markdown]
# ## Key takeaways
#
# - `nn.Linear` is a ready-made $y = xW + b$ layer; `nn.Module` is the base class of
#   every model, and `forward()` defines how inputs flow to predictions.
# - Training loop: `zero_grad` -> forward -> loss -> `backward` -> `step`, repeated.
# - A loss function (here `nn.MSELoss`) measures the error; an optimizer (SGD, Adam)
#   uses the gradients to lower it.
# - Always zero the gradients before each backward pass: they accumulate.
# - Check the result against something you trust. Here the exact least-squares answer
#   showed that 500 epochs came close but had not finished.
#
# Next: Lesson 07, data management: downloading data and writing custom datasets.
