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
# digit). Figures go to `output/`. Two cells make a mistake on purpose, to show the message
# `train()` gives for it: their lines start with "demonstration", and are not failures.

# %%
import torch
from torch import nn, optim

import plots  # the lesson's pictures: each function draws one figure
from linreg import (
    DivergenceError,
    TrainingError,
    least_squares,
    original_units,
    save_figure,
    standardize,
    train,
)

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
#
# We call this one `layer`. The article calls it `model`; here that name is kept for the
# model we train from section 3 on, so that each name means one thing all through.

# %%
heading("1. nn.Linear")
layer = nn.Linear(in_features=1, out_features=1, bias=True)
# .item() takes the one number out of a one-element tensor, as a plain Python float.
print(f"weight: shape {tuple(layer.weight.shape)}, value {layer.weight.item():.4f} (random)")
print(f"bias:   shape {tuple(layer.bias.shape)}, value {layer.bias.item():.4f} (random)")
examples = torch.tensor([[2.0], [4.0]])
# The output remembers how it was computed, for autograd (Lesson 05); .detach() gives just the values.
print("predictions for 2 and 4:", layer(examples).detach())

# %% [markdown]
# The article sets the weight to -0.4443 and the bias to -0.5045. `fill_` writes a value
# into a tensor in place. Autograd records every operation on a parameter, to compute its
# gradient later, and it refuses to have a parameter overwritten under it: on its own,
# `layer.weight.fill_(-0.4443)` raises "a leaf Variable that requires grad is being used
# in an in-place operation". Inside `with torch.no_grad():` autograd records nothing, and
# the change is allowed.

# %%
with torch.no_grad():
    layer.weight.fill_(-0.4443)
    layer.bias.fill_(-0.5045)
print("with weight -0.4443 and bias -0.5045:", layer(examples).detach())

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
print("the layer's state_dict holds:", list(layer.state_dict()))
custom.linear.load_state_dict(layer.state_dict())  # copy section 1's weight and bias into ours
print("same predictions as nn.Linear:", torch.equal(custom(examples), layer(examples)))

# %% [markdown]
# A **state_dict** is a module's parameters in a dictionary, by name: for a layer,
# `weight` and `bias`. `load_state_dict()` copies such a dictionary into a module of the
# same shape. Above it gave our model the weight and bias of section 1's layer, so the two
# predict the same. It is also how a trained model is saved and loaded (`deeper.py`
# section 6).
#
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


def weight_and_bias(trained: LinearRegression) -> tuple[float, float]:
    return trained.linear.weight.item(), trained.linear.bias.item()


torch.manual_seed(42)
model = LinearRegression(input_size=1, output_size=1)
start_weight, start_bias = weight_and_bias(model)
print(f"untrained model: weight = {start_weight:.4f}, bias = {start_bias:.4f}")

# %%
fig = plots.before_training(distances, times, (start_weight, start_bias))
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
# Mini-batches arrive with `DataLoader` in Lesson 07. We build it as the article does, from
# the parameters it is to change:

# %%
optimizer = optim.SGD(model.parameters(), lr=0.01)

# %% [markdown]
# ## 4. The training loop
#
# Training repeats one idea: **predict, measure the loss, adjust the parameters,
# repeat**. Lesson 05 gave us what one step needs: `loss.backward()` puts the gradient
# of the loss with respect to each parameter into that parameter's `.grad`. For the MSE
# of a line the chain rule gives it on paper, too:
#
# $$\frac{\partial\,\text{MSE}}{\partial w} = \frac{2}{N}\sum_{i=1}^{N} (\hat y_i - y_i)\,x_i ,
# \qquad \frac{\partial\,\text{MSE}}{\partial b} = \frac{2}{N}\sum_{i=1}^{N} (\hat y_i - y_i) .$$
#
# A step of gradient descent moves each parameter $p$ a little against its gradient,
# $p \leftarrow p - \eta\,\partial\text{MSE}/\partial p$. Like `fill_` in section 1, that
# change goes inside `torch.no_grad()`. We take one step by hand, on a second model from
# the same seed, so that `model` itself is still untouched when its training starts.


# %%
def fresh_model() -> LinearRegression:
    """Section 3's untrained model once more: the same seed gives the same start."""
    torch.manual_seed(42)
    return LinearRegression(input_size=1, output_size=1)


heading("4. The training loop")
hand_model = fresh_model()
loss = loss_function(hand_model(distances), times)
loss.backward()
errors = hand_model(distances).detach() - times  # prediction minus target, for every delivery
grad_w, grad_b = hand_model.linear.weight.grad.item(), hand_model.linear.bias.grad.item()
print(f"backward():  dMSE/dw = {grad_w:.4f}, dMSE/db = {grad_b:.4f}")
print(f"the formula: dMSE/dw = {2 * (errors * distances).mean():.4f}, dMSE/db = {2 * errors.mean():.4f}")
lr = 0.01  # the learning rate
with torch.no_grad():
    for parameter in hand_model.parameters():
        parameter -= lr * parameter.grad
print("one step by hand:     weight {:.6f}, bias {:.6f}".format(*weight_and_bias(hand_model)))

# %% [markdown]
# That update is exactly what `optimizer.step()` does, for every parameter the optimizer
# holds. We check it on a third model from the same start, with an optimizer of its own:

# %%
sgd_model = fresh_model()
sgd_optimizer = optim.SGD(sgd_model.parameters(), lr=lr)
loss_function(sgd_model(distances), times).backward()
sgd_optimizer.step()
print("one optimizer.step(): weight {:.6f}, bias {:.6f}".format(*weight_and_bias(sgd_model)))
# The optimizer multiplies and adds in one operation, which may round float32's last bit differently.
same = torch.allclose(torch.tensor(weight_and_bias(hand_model)), torch.tensor(weight_and_bias(sgd_model)))
print("the same step:", same)

# %% [markdown]
# Every optimizer in `torch.optim` is built and used the same way: give it the parameters
# to change, then call `step()` after each `backward()`. Only the rule inside `step()`
# differs. **Adam**, a popular alternative, divides each parameter's gradient by the
# typical size of that parameter's recent gradients before it steps. So its first step
# moves every parameter by the learning rate itself, however steep the loss is there,
# where SGD's step is the gradient times the learning rate. Practice problem 2 compares
# the two over a whole training.

# %%
adam_model = fresh_model()
adam_optimizer = optim.Adam(adam_model.parameters(), lr=0.1)
loss_function(adam_model(distances), times).backward()
adam_optimizer.step()
adam_weight, adam_bias = weight_and_bias(adam_model)
print(
    f"one Adam step at lr 0.1: weight {start_weight:.4f} -> {adam_weight:.4f}, "
    f"bias {start_bias:.4f} -> {adam_bias:.4f}"
)

# %% [markdown]
# Back to `model` and its `optimizer` from section 3. One line more than above:
# `backward()` adds to `.grad` rather than replacing it (Lesson 05; section 6 shows what
# that does to training), so each step starts with `optimizer.zero_grad()`, which clears
# the gradients of every parameter the optimizer holds. That makes the training loop five
# lines, always in this order. One pass over the data is an **epoch**: we train for 500
# epochs and print the loss every 50.

# %%
losses = []
for epoch in range(1, 501):
    optimizer.zero_grad()  # 1. clear the gradients left from the last step
    outputs = model(distances)  # 2. forward pass: a prediction for every delivery
    loss = loss_function(outputs, times)  # 3. one number for how wrong they are
    loss.backward()  # 4. backward pass: d(loss)/d(parameter) into each parameter's .grad
    optimizer.step()  # 5. move every parameter a little against its gradient
    losses.append(loss.item())  # a plain float: keeping the tensor would keep its whole graph
    if epoch % 50 == 0:
        print(f"Epoch {epoch:4d}/500  loss {loss.item():.6f}")

# %% [markdown]
# The loss fell from over a hundred (the untrained model's MSE, in section 3) to a few
# hundredths. (Each recorded loss is measured in the forward pass, before that epoch's
# update.)
#
# The rest of the course needs this loop again and again, so `linreg.py` has it as a
# function: `train(model, optimizer, inputs, targets, epochs)` runs the same five lines and
# returns the loss of every epoch. Before the first epoch it also checks for the classic
# mistakes, which would otherwise crash with a cryptic error or, worse, train the wrong
# model without an error. Here is one, on purpose: targets of shape (4,) instead of (4, 1).

# %%
try:
    train(model, optimizer, distances, times.flatten(), epochs=500)
except TrainingError as error:
    print("demonstration, targets of shape (4,): train() refuses:", error)


def trained_for(epochs: int) -> tuple[LinearRegression, list[float]]:
    """Section 3's model, trained with linreg.train() for `epochs` epochs from the same start."""
    trained = fresh_model()
    return trained, train(trained, optim.SGD(trained.parameters(), lr=0.01), distances, times, epochs)


after_50, same_losses = trained_for(50)
print("train() from the same start gives exactly the same losses:", same_losses == losses[:50])

# %% [markdown]
# With `train()` we can also stop the same run early and look at the line along the way.
# The first few epochs do most of the work, swinging the line up onto the points; the
# rest is fine-tuning.

# %%
lines = {0: (start_weight, start_bias)}
lines |= {epochs: weight_and_bias(trained_for(epochs)[0]) for epochs in (2, 5, 10)}
lines |= {50: weight_and_bias(after_50), 500: weight_and_bias(model)}
fig = plots.learning(distances, times, lines)
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
# possible, and it is still falling. Why so slow? First, because the learning rate is
# small: each step moves a parameter by only a hundredth of its gradient. The same
# training at a learning rate ten times larger:

# %%
fast_model = fresh_model()
fast_optimizer = optim.SGD(fast_model.parameters(), lr=0.1)
fast_losses = train(fast_model, fast_optimizer, distances, times, epochs=100)
close_from = next(epoch for epoch, value in enumerate(fast_losses, start=1) if value < 1.01 * best_loss)
print(f"learning rate 0.1:  within 1% of the smallest possible loss from epoch {close_from} on")
print(f"learning rate 0.01: still {excess:.1f}% above it after 500 epochs")

# %%
curves = {"learning rate 0.01": losses, "learning rate 0.1": fast_losses}
exact_line = (best_weight.item(), best_bias.item())
fig = plots.fit(
    curves, best_loss, lines[500], exact_line, "What 500 epochs at learning rate 0.01 left to learn"
)
save_figure(fig, "fit.png")

# %% [markdown]
# The left panel shows how far each run's loss is above the smallest possible, on a log
# scale. Both curves fall steeply at first, then turn into a straight line: from then on
# each epoch removes a fixed fraction of what is left. At 0.1 that fraction is ten times
# larger than at 0.01, and the line crosses the dotted 1 % within a hundred epochs. On
# the data, the lesson's trained line and the exact one are too close to tell apart by
# eye, so the right panel plots their difference: the trained line is a little too flat
# and starts a little too high.
#
# Why not a larger learning rate still? A step too large overshoots the minimum: each
# step lands farther from it than the last, the loss grows, and it overflows. Here is
# one, on purpose: learning rate 0.2, and what `train()` says when the loss blows up.

# %%
diverging_model = fresh_model()
diverging_optimizer = optim.SGD(diverging_model.parameters(), lr=0.2)
try:
    train(diverging_model, diverging_optimizer, distances, times, epochs=500)
except DivergenceError as error:
    print("demonstration, learning rate 0.2: train() stops:", error)

# %% [markdown]
# So the learning rate has a ceiling, between 0.1 and 0.2 (`deeper.py` computes it:
# 0.1198). Yet even at 0.1, training takes dozens of epochs. Why? Seen as a function of
# $(w, b)$, the loss is a long, narrow valley. Across the valley its walls are steep, and
# they set the ceiling: there, too large a step overshoots. Along the floor, a larger
# weight with a smaller bias predicts nearly the same times, so there the loss rises
# about 56 times more slowly than across. Gradient descent steps in proportion to the
# slope, so along the floor even the largest stable learning rate removes at most about
# 3.6 % of the remaining error per epoch, two parts in 56; at 0.01, 0.3 %. The dots mark where our 500
# epochs at 0.01 went: in a few dozen epochs down the wall, then the rest along the floor,
# and still short of the optimum.

# %%
paths = {"SGD at 0.01: after 0, 2, 5, 10, 50, 500 epochs": list(lines.values())}
fig = plots.loss_valley(distances, times, paths)
save_figure(fig, "valley.png")

# %% [markdown]
# A valley like this is not a law of nature: it comes from the data. Shift and scale the
# input, and it disappears. That is **standardizing**: training on
# $z = (x - \bar x) / \sigma_x$, the distances shifted to mean 0 and scaled to standard
# deviation 1, turns the valley into a round bowl, where the loss rises as fast in every
# direction, so one learning rate suits them all. `linreg.standardize()` returns $z$ with
# the mean $\bar x$ and standard deviation $\sigma_x$ it used. The line learned on $z$,
# $y = w_z z + b_z$, is then rewritten for miles, $w = w_z / \sigma_x$ and
# $b = b_z - w_z \bar x / \sigma_x$, by `linreg.original_units()`. Practice problem 1
# needs both. Here a single epoch at learning rate 0.5 is enough (`deeper.py` shows why,
# and draws the bowl):

# %%
standardized, mean, std = standardize(distances)
z_values = [round(z, 4) for z in standardized.flatten().tolist()]
print(f"standardized distances: {z_values} (mean {mean.item():.2f}, standard deviation {std.item():.4f})")
bowl_model = fresh_model()
bowl_optimizer = optim.SGD(bowl_model.parameters(), lr=0.5)
train(bowl_model, bowl_optimizer, standardized, times, epochs=1)
weight_z, bias_z = bowl_model.linear.weight.detach(), bowl_model.linear.bias.detach()
weight_miles, bias_miles = original_units(weight_z, bias_z, mean, std)
print(f"one epoch on z:        weight_z {weight_z.item():.4f}, bias_z {bias_z.item():.4f}")
print(
    f"back in miles:         weight {weight_miles.item():.4f}, bias {bias_miles.item():.4f} "
    f"(exact: {best_weight.item():.4f}, {best_bias.item():.4f})"
)

# %% [markdown]
# Now we use the model trained in section 4. `model.eval()` switches layers such as dropout to their behaviour
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
# In a training loop without `zero_grad()`, then, each step moves by the sum of every
# gradient so far, and the steps of long ago keep pushing in their old direction. The
# parameters overshoot the minimum, swing back past it, and overshoot again: the loss
# never settles. Here is the same training as in section 4, 500 epochs from the same
# start, with the one line left out:

# %%
no_zero_model = fresh_model()
no_zero_optimizer = optim.SGD(no_zero_model.parameters(), lr=0.01)
no_zero_losses = []
for _ in range(500):
    loss = loss_function(no_zero_model(distances), times)
    loss.backward()  # the bug: gradients pile up because nothing clears them
    no_zero_optimizer.step()
    no_zero_losses.append(loss.item())
last_100 = no_zero_losses[-100:]
print(
    f"epochs 401-500 without zero_grad: the loss swings between {min(last_100):.2f} and "
    f"{max(last_100):.2f}; with it, it falls steadily to {losses[-1]:.4f}"
)
fig = plots.zero_grad(losses, no_zero_losses)
save_figure(fig, "zero_grad.png")

# %% [markdown]
# ## Key takeaways
#
# - `nn.Linear` is a ready-made layer computing $y = xW^\top + b$. PyTorch stores $W$ with
#   one row per output, shape (out_features, in_features), hence the transpose; the
#   course's summary writes $y = xW + b$, the same line with $W$ stored the other way round.
# - `nn.Module` is the base class of every model, and `forward()` defines how inputs flow
#   to predictions; a `state_dict` holds its parameters by name.
# - Training loop: `zero_grad` -> forward -> loss -> `backward` -> `step`, repeated.
# - A loss function (here `nn.MSELoss`) measures the error. An optimizer uses the
#   gradients to lower it: `optim.SGD`'s step is the update you can write by hand,
#   $p \leftarrow p - \eta\,\partial L/\partial p$; Adam scales each parameter's step.
# - Always zero the gradients before each backward pass: they accumulate.
# - The learning rate decides how fast training goes: too small crawls (0.01 here), too
#   large blows up (0.2 here). A narrow valley in the loss slows even the best one, and
#   standardizing the input turns the valley into a bowl.
# - Check the result against something you trust. Here the exact least-squares answer
#   showed that 500 epochs came close but had not finished.
#
# Next: Lesson 07, data management: downloading data and writing custom datasets.
