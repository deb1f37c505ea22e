# %% [markdown]
# # Lesson 06: Building and training a linear regression model
#
# Before convolutional networks, we build the smallest model there is, a straight line,
# and train it from start to finish. Small as it is, it has every part of a real PyTorch
# training pipeline: a layer (`nn.Linear`), a model class of our own (`nn.Module`), a loss
# function, an optimizer, and the loop that ties them together.
#
# Source: the "Building and training a Linear Regression" section of TK's article
# [Mastering PyTorch: From Linear Regression to Computer Vision](https://www.iamtk.co/mastering-pytorch-from-linear-regression-to-com).
#
# Run it with `python lesson.py`, or open `lesson.ipynb`. Everything is seeded: two
# runs on one machine print the same text (another machine may differ in a number's last
# digit). Figures go to `output/`.

# %%
import matplotlib.pyplot as plt
import torch
from matplotlib import ticker
from torch import nn, optim

from linreg import TrainingError, least_squares, save_figure, train

torch.manual_seed(0)  # a model's starting weights are random: fix them, so every run is the same


def heading(title: str) -> None:
    print(f"\n=== {title} ===")


# %% [markdown]
# ## 1. The simplest model: `nn.Linear`
#
# Linear regression predicts an output $y$ from an input $x$ with a straight line,
# $y = xw + b$: the **weight** $w$ and the **bias** $b$ are learned from data.
# `nn.Linear(in_features=1, out_features=1, bias=True)` is that line, as a PyTorch layer.
# In general it computes $y = xW^\top + b$ for a whole batch at once: `weight` has shape
# (out_features, in_features), here (1, 1), and `bias` has shape (out_features,).
#
# A layer takes a **batch**: one row per example. Two inputs, 2 and 4, are written
# `[[2.], [4.]]`, shape (2, 1). A new layer starts from random values, drawn uniformly
# between $-1/\sqrt{\text{in\_features}}$ and $+1/\sqrt{\text{in\_features}}$: between
# -1 and 1 here.

# %%
heading("1. nn.Linear")
model = nn.Linear(in_features=1, out_features=1, bias=True)
print(f"weight: shape {tuple(model.weight.shape)}, value {model.weight.item():.4f} (random)")
print(f"bias:   shape {tuple(model.bias.shape)}, value {model.bias.item():.4f} (random)")
examples = torch.tensor([[2.0], [4.0]])
# The output remembers how it was computed, for autograd (Lesson 05); .detach() gives just the values.
print("predictions for 2 and 4:", model(examples).detach())

# %% [markdown]
# The article sets the weight to -0.4443 and the bias to -0.5045. Changing parameters by
# hand is not a step autograd should record, hence `torch.no_grad()`.

# %%
with torch.no_grad():
    model.weight.fill_(-0.4443)
    model.bias.fill_(-0.5045)
print("with weight -0.4443 and bias -0.5045:", model(examples).detach())

# %% [markdown]
# By hand, $2 \times (-0.4443) - 0.5045 = -1.3931$. The article shows
# `tensor([[-1.3930], [-2.2815]])`: its weight and bias were *displayed* rounded to four
# decimals, and its model held a few more digits, so the last digit differs.

# %% [markdown]
# ## 2. A model of our own: `nn.Module`
#
# Real models combine many layers, so PyTorch lets us write a model as a class. Every
# model subclasses `nn.Module` and has two methods:
#
# - `__init__` creates the layers. It first calls the parent's `__init__`, which sets up
#   the bookkeeping that registers every layer we assign to `self`: that is how
#   `model.parameters()` will find the weights the optimizer must update. The article
#   writes that call `super(LinearRegression, self).__init__()`, the older spelling;
#   since Python 3, `super().__init__()` does exactly the same.
# - `forward(x)` says how an input becomes a prediction. We call `model(x)`, never
#   `model.forward(x)`: calling the model runs `forward` plus PyTorch's own bookkeeping
#   around it (hooks: functions that tools can ask to run before or after `forward`).


# %%
class LinearRegression(nn.Module):
    def __init__(self, input_size, output_size):
        super(LinearRegression, self).__init__()
        self.linear = nn.Linear(input_size, output_size)

    def forward(self, x):
        return self.linear(x)


heading("2. A custom model with nn.Module")
custom = LinearRegression(input_size=1, output_size=1)
for name, parameter in custom.named_parameters():
    print(f"parameter {name}: shape {tuple(parameter.shape)}")
# A state_dict holds a layer's parameters by name: copy the nn.Linear's weight and bias above.
custom.linear.load_state_dict(model.state_dict())
print("same predictions as nn.Linear:", torch.equal(custom(examples), model(examples)))

# %% [markdown]
# The class is one layer deep, but it is the shape of every model to come: more layers in
# `__init__`, more steps in `forward`. The same class is in `linreg.py`, so that
# `deeper.py` and the practice problems can import it.

# %% [markdown]
# ## 3. Data, a loss function and an optimizer
#
# The article's data: four deliveries, with the distance in miles and the time they took
# in minutes. Like every batch, each is a column: one row per delivery, shape (4, 1).
#
# Then we create the model we are going to train and look at what it predicts before any
# training. Its start is random too, so we fix it with a seed of its own, 42: `deeper.py`
# and the practice problems use the same seed to start from the very same model.

# %%
heading("3. Data, loss and optimizer")
distances = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
times = torch.tensor([[6.96], [12.11], [16.77], [22.21]])
print(f"distances (miles), shape {tuple(distances.shape)}:", distances.flatten().tolist())
print(f"times (minutes), shape {tuple(times.shape)}:  ", [round(t, 2) for t in times.flatten().tolist()])

torch.manual_seed(42)
model = LinearRegression(input_size=1, output_size=1)
start_weight, start_bias = model.linear.weight.item(), model.linear.bias.item()
print(f"untrained model: weight = {start_weight:.4f}, bias = {start_bias:.4f}")

# %%
line = torch.linspace(0, 4.5, 50).view(-1, 1)  # distances to draw the model's line at


def draw_data(ax: plt.Axes) -> None:
    ax.scatter(distances, times, color="black", zorder=3, label="deliveries")
    ax.set(xlabel="distance (miles)", ylabel="time (minutes)", xlim=(0, 4.5), ylim=(-2, 25), xticks=range(5))


fig, ax = plt.subplots(figsize=(5, 3.6))
draw_data(ax)
with torch.no_grad():
    ax.plot(line, model(line), color="tab:red")
    ax.vlines(distances, model(distances), times, color="tab:red", linestyle=":")  # its errors
ax.set_title(f"Before training: the random line {start_weight:.2f}x + {start_bias:.2f}")
fig.subplots_adjust(left=0.14, right=0.96, bottom=0.15, top=0.9)
save_figure(fig, "before_training.png")

# %% [markdown]
# The random line is nowhere near the points. To improve it, we need a number that says
# *how* wrong it is: the **loss**. The mean squared error averages the squared gaps
# between the predictions $\hat y_i$ and the targets $y_i$ (the dotted red segments above):
#
# $$\text{MSE} = \frac{1}{N}\sum_{i=1}^{N} (\hat y_i - y_i)^2 .$$
#
# Why squared? Every miss counts, whatever its sign, and a big miss counts far more than a
# small one. The square is also smooth, so its gradient says which way to move and how
# far, and for a straight line its minimum has an exact formula, which we will use to
# check the training.

# %%
loss_function = nn.MSELoss()
predictions = model(distances).detach()
by_hand = ((predictions - times) ** 2).mean()
print(f"MSE by hand: {by_hand.item():.4f}   nn.MSELoss: {loss_function(predictions, times).item():.4f}")

# %% [markdown]
# The **optimizer** changes the parameters to lower the loss. Stochastic gradient descent
# (`optim.SGD`) moves each parameter a small step against its gradient, scaled by the
# learning rate $\eta$: $w \leftarrow w - \eta \, \partial \text{MSE} / \partial w$.
# "Stochastic" refers to computing each step on a small random batch of the data; with
# only four deliveries we use all of them in every step, which is plain gradient descent.
# Mini-batches arrive with `DataLoader` in Lesson 07. Adam, a popular alternative that
# adapts its step size per parameter, is compared with SGD in practice problem 2.

# %%
optimizer = optim.SGD(model.parameters(), lr=0.01)

# %% [markdown]
# ## 4. The training loop
#
# Training repeats one idea: **predict, measure the loss, adjust the parameters,
# repeat**. One pass over the data is an **epoch**, and each epoch takes five lines, always
# in this order. We train for 500 epochs and print the loss every 50.

# %%
heading("4. The training loop")
losses = []
for epoch in range(1, 501):
    optimizer.zero_grad()  # 1. clear the gradients left from the last step
    outputs = model(distances)  # 2. forward pass: a prediction for every delivery
    loss = loss_function(outputs, times)  # 3. one number for how wrong they are
    loss.backward()  # 4. backward pass: d(loss)/d(parameter) into each parameter's .grad
    optimizer.step()  # 5. move every parameter a little against its gradient
    losses.append(loss.item())  # .item(): a plain float, not a tensor holding the whole graph
    if epoch % 50 == 0:
        print(f"Epoch {epoch:4d}/500  loss {loss.item():.6f}")

# %% [markdown]
# The loss fell from over a hundred (the untrained model's MSE, in section 3) to a few
# hundredths. (Each recorded loss is measured
# in the forward pass, before that epoch's update.)
#
# The rest of the course needs this loop again and again, so `linreg.py` has it as a
# function: `train(model, optimizer, inputs, targets, epochs)` runs the same five lines and
# returns the loss of every epoch. Before the first epoch it also checks for the classic
# mistakes, which would otherwise crash with a cryptic error or, worse, silently train the
# wrong model. Targets of shape (4,) instead of (4, 1), for one:

# %%
try:
    train(model, optimizer, distances, times.flatten(), epochs=500)
except TrainingError as error:
    print("train() refuses:", error)


def trained_for(epochs: int) -> tuple[LinearRegression, list[float]]:
    """Section 3's model, trained with linreg.train() for `epochs` epochs from the same start."""
    torch.manual_seed(42)
    fresh = LinearRegression(input_size=1, output_size=1)
    return fresh, train(fresh, optim.SGD(fresh.parameters(), lr=0.01), distances, times, epochs)


after_50, same_losses = trained_for(50)
print("train() from the same start gives exactly the same losses:", same_losses == losses[:50])

# %% [markdown]
# With `train()` we can also stop the same run early and look at the line along the way.
# The first few epochs do most of the work, swinging the line up onto the points; the
# rest is fine-tuning.


# %%
def weight_and_bias(trained: LinearRegression) -> tuple[float, float]:
    return trained.linear.weight.item(), trained.linear.bias.item()


lines = {0: (start_weight, start_bias)}
lines |= {epochs: weight_and_bias(trained_for(epochs)[0]) for epochs in (2, 5, 10)}
lines |= {50: weight_and_bias(after_50), 500: weight_and_bias(model)}
fig, ax = plt.subplots(figsize=(6, 4))
draw_data(ax)
shades = plt.cm.Reds(torch.linspace(0.3, 1, len(lines)).tolist())  # darker: later
for (epochs, (weight, bias)), shade in zip(lines.items(), shades, strict=True):
    ax.plot(
        line, weight * line + bias, color=shade, label=f"after {epochs} epochs: {weight:.2f}x + {bias:.2f}"
    )
ax.set_title("The line, as training goes on")
ax.legend(loc="upper left", fontsize=8)
fig.subplots_adjust(left=0.12, right=0.97, bottom=0.13, top=0.92)
save_figure(fig, "learning.png")

# %% [markdown]
# ## 5. How good is it?
#
# For linear regression we don't have to guess: the line with the smallest possible MSE
# has a closed form (least squares), which `torch.linalg.lstsq` computes exactly, in
# float64. `linreg.least_squares()` wraps it. We compare.

# %%
heading("5. How good is it?")
best_weight, best_bias = least_squares(distances, times)
learned_weight, learned_bias = weight_and_bias(model)
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
# Close, not finished: 500 epochs got the loss to within a few percent of the best
# possible, and it is still falling. The left panel shows how it fell: on a log scale, a
# steep drop in the first few dozen epochs, then a long, slow slope. On the data, the
# trained and the exact line are too close to tell apart by eye, so the right panel plots
# their difference: the trained line is a little too flat and starts a little too high.

# %%
exact_line = line * best_weight.item() + best_bias.item()
with torch.no_grad():
    trained_line = model(line)
fig, (ax, gap_ax) = plt.subplots(1, 2, figsize=(11, 4))
ax.plot(range(1, len(losses) + 1), losses)
ax.axhline(best_loss, color="black", linestyle=":")
ax.set_yscale("log")  # the loss falls by orders of magnitude: on a linear scale the tail looks flat
ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:g}"))  # 0.1, not 10^-1
ax.yaxis.set_minor_locator(ticker.NullLocator())
ax.set(xlabel="epoch", ylabel="MSE (log scale)", title="The training loss of SGD at learning rate 0.01")
ax.text(
    500,
    3 * best_loss,
    f"after 500 epochs: {excess:.1f}% above the smallest\npossible MSE, {best_loss:.5f} (dotted)",
    horizontalalignment="right",
)
gap_ax.axhline(0, color="gray", linewidth=0.8)
gap_ax.plot(line, trained_line - exact_line)
gap_ax.set(
    xlabel="distance (miles)",
    ylabel="trained - least squares (minutes)",
    title="What 500 epochs of SGD left to learn",
)
fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.92, wspace=0.25)
save_figure(fig, "fit.png")

# %% [markdown]
# Why so slow at the end? Seen as a function of $(w, b)$, the loss is a long, narrow
# valley. Along its floor, a larger weight and a smaller bias predict almost the same
# times, so the loss barely changes there and its gradient is tiny. A learning rate small
# enough to be stable across the steep walls only crawls along the floor.
#
# More epochs close the gap, and so does **standardizing** the input: training on
# $z = (x - \bar x) / \sigma_x$, the distances shifted to mean 0 and scaled to standard
# deviation 1, turns the valley into a round bowl, where one learning rate suits every
# direction. The line learned on $z$, $y = w_z z + b_z$, is then rewritten for miles:
# $w = w_z / \sigma_x$ and $b = b_z - w_z \bar x / \sigma_x$. `linreg.standardize()`
# and `linreg.original_units()` do both steps; practice problem 1 needs them. The
# companion script `deeper.py` measures all this exactly and draws the valley, with the
# path SGD took:
#
# <img src="figures/loss_landscape.png" width="480"
#  alt="The valley of the loss over (w, b), with the paths of SGD and Adam">
#
# Now we use the model. `model.eval()` switches layers such as dropout to their behaviour
# for predictions (this model has none, but the habit matters), and
# `torch.inference_mode()` skips the bookkeeping autograd would keep for a backward pass
# we will not run. `model.train()` switches back before any further training.

# %%
new_distances = torch.tensor([[5.0], [7.5], [10.0]])
model.eval()
with torch.inference_mode():
    predicted = model(new_distances)
model.train()
exact = new_distances.double() * best_weight + best_bias
for distance, guess, truth in zip(new_distances.flatten(), predicted.flatten(), exact.flatten(), strict=True):
    print(f"{distance.item():5.1f} miles -> {guess.item():6.2f} minutes (exact line: {truth.item():6.2f})")

# %% [markdown]
# We have measured the model only on the four deliveries it was trained on. With real
# data you would hold some examples back (a validation or test set) and measure there: a
# model can fit its training data well and still predict new data badly, and only data it
# has not seen can tell. Four points are too few to split; Lesson 07 brings real datasets.

# %% [markdown]
# ## 6. Why zero the gradients?
#
# `loss.backward()` does not overwrite `.grad`: it **adds** to it (Lesson 05). That is
# useful when a gradient is built from several pieces, but in a training loop it means
# every step would push with the sum of all the gradients so far. First, three backward
# passes at the same parameters, without clearing:

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
# sum of every step's fresh gradient, so its steps keep growing. Step 1 is the same for
# both, so at step 2 they still stand at the same parameters and compute the same fresh
# gradient, but the second copy steps with the sum. From step 3 on, it stands elsewhere,
# and even its fresh gradients differ.

# %%
torch.manual_seed(0)  # the same start as the probe above
cleared, uncleared = LinearRegression(1, 1), LinearRegression(1, 1)
uncleared.load_state_dict(cleared.state_dict())
opt_cleared = optim.SGD(cleared.parameters(), lr=0.01)
opt_uncleared = optim.SGD(uncleared.parameters(), lr=0.01)
print("weight.grad when each step is taken:")
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
# What does that do to training? The same 500 epochs from the same start as in section 4,
# but without `optimizer.zero_grad()`. The accumulated gradient acts like a heavy ball
# with no friction: the parameters swing past the minimum and back, and the loss never
# settles. The table shows the lowest and highest loss in each block of 100 epochs.

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
print(f"{'':9}{'without zero_grad':>20}{'with zero_grad':>24}")
print(f"{'epochs':<9}{'lowest':>10}{'highest':>10}{'lowest':>12}{'highest':>12}")
for first in range(0, 500, 100):
    without, with_it = no_zero_losses[first : first + 100], losses[first : first + 100]
    print(
        f"{first + 1:>4d}-{first + 100:<4d}{min(without):10.2f}{max(without):10.2f}"
        f"{min(with_it):12.4f}{max(with_it):12.4f}"
    )
last_100 = no_zero_losses[-100:]
print(
    f"epochs 401-500 without zero_grad: the loss swings between {min(last_100):.2f} and "
    f"{max(last_100):.2f}; with it, it falls steadily to {losses[-1]:.4f}"
)

# %% [markdown]
# ## Key takeaways
#
# - `nn.Linear` is a ready-made layer computing $y = xW^\top + b$; `nn.Module` is the base
#   class of every model, and `forward()` defines how inputs flow to predictions.
# - Training loop: `zero_grad` -> forward -> loss -> `backward` -> `step`, repeated.
# - A loss function (here `nn.MSELoss`) measures the error; an optimizer (SGD, Adam) uses
#   the gradients to lower it.
# - Always zero the gradients before each backward pass: they accumulate.
# - Check the result against something you trust. Here the exact least-squares answer
#   showed that 500 epochs came close but had not finished.
#
# Next: Lesson 07, data management: downloading data and writing custom datasets.
