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
import math

import matplotlib.pyplot as plt
import torch
from torch import nn, optim

import plots  # the lesson's larger pictures: each function draws one figure
from linreg import (
    DivergenceError,
    TrainingError,
    least_squares,
    original_units,
    save_figure,
    standardize,
    train,
    valley_directions,
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
# In general it computes $y = xW^\top + b$ for a whole batch at once (in code,
# `x @ W.T + b`): `weight` has shape (out_features, in_features), here (1, 1), and `bias`
# has shape (out_features,).
#
# A layer takes a **batch**: one row per example. Two inputs, 2 and 4, are written
# `[[2.], [4.]]`, shape (2, 1). A new layer starts from random values, drawn uniformly
# between `-1/sqrt(in_features)` and `+1/sqrt(in_features)`: between -1 and 1 here.
#
# In Lesson 05 you set `requires_grad=True` on a tensor yourself, so that autograd would
# track it. A layer does that for you: its weight and bias are `nn.Parameter`s, tensors
# created with `requires_grad=True`, which a model finds and registers as its own.
#
# We call this one `layer`. The article calls it `model`; here that name is kept for the
# model we train from section 3 on, so that each name means one thing all through.

# %%
heading("1. nn.Linear")
layer = nn.Linear(in_features=1, out_features=1, bias=True)
# .item() takes the one number out of a one-element tensor, as a plain Python float.
print(f"weight: shape {tuple(layer.weight.shape)}, value {layer.weight.item():.4f} (random)")
print(f"bias:   shape {tuple(layer.bias.shape)}, value {layer.bias.item():.4f} (random)")
print(f"the weight is a {type(layer.weight).__name__}, with requires_grad={layer.weight.requires_grad}")
examples = torch.tensor([[2.0], [4.0]])
# The output remembers how it was computed, for autograd (Lesson 05); .detach() gives just the values.
print("predictions for 2 and 4:", layer(examples).detach())

# %% [markdown]
# The article sets the weight to -0.4443 and the bias to -0.5045. `fill_` writes a value
# into a tensor in place. Autograd records every operation on a parameter, to compute its
# gradient later, and it refuses to have a parameter overwritten under it: on its own,
# `layer.weight.fill_(-0.4443)` raises "a leaf Variable that requires grad is being used
# in an in-place operation" (a *leaf* is a tensor you created rather than computed from
# others, and *Variable* is an old name for a tensor). Inside `with torch.no_grad():`
# autograd records nothing, and the change is allowed.

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
#   `model.parameters()` will find the weights the optimizer must update. Write that call
#   `super().__init__()`. The article writes `super(LinearRegression, self).__init__()`,
#   the older spelling, which does exactly the same; the class below keeps it, so that you
#   recognise it in older code.
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


# %% [markdown]
# A **state_dict** is a module's parameters in a dictionary, by name. It is how a trained
# model is saved and loaded (`deeper.py` section 6), and `load_state_dict()` copies such a
# dictionary into a module of the same shape. Section 1's layer names its parameters
# `weight` and `bias`. Our model holds its layer in `self.linear`, so its own names carry
# that attribute's name in front: `linear.weight` and `linear.bias`. So we copy the
# layer's weight and bias into `custom.linear`, whose names match, and the two then
# predict the same. (`custom.load_state_dict(layer.state_dict())` would refuse: it would
# find none of the names it expects.)

# %%
heading("2. A custom model with nn.Module")
custom = LinearRegression(input_size=1, output_size=1)
for name, parameter in custom.named_parameters():
    print(f"parameter {name}: shape {tuple(parameter.shape)}")
print("the layer's state_dict holds:", list(layer.state_dict()))
print("our model's state_dict holds:", list(custom.state_dict()))
custom.linear.load_state_dict(layer.state_dict())  # copy section 1's weight and bias into ours
print("same predictions as nn.Linear:", torch.equal(custom(examples), layer(examples)))

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
# learning rate $\eta$: $w \leftarrow w - \eta \, \partial \text{MSE} / \partial w$, or in
# code `w = w - lr * dMSE/dw`. "Stochastic" refers to computing each step on a small random
# batch of the data; with only four deliveries we use all of them in every step, which is
# plain gradient descent. Mini-batches arrive with `DataLoader` in Lesson 07. We build it
# as the article does, from the parameters it is to change:

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
# In code, with `errors = predictions - targets`: `dMSE/dw = 2 * mean(errors * x)` and
# `dMSE/db = 2 * mean(errors)`. A step of gradient descent moves each parameter a little
# against its gradient: `p -= lr * p.grad`. Like `fill_` in section 1, that change goes
# inside `torch.no_grad()`. We take one step by hand, on a second model from the same
# seed, so that `model` itself is still untouched when its training starts.


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
# Now back to `model` and its `optimizer` from section 3, for a whole training. The
# single step above was forward, loss, `backward()`, `step()`. The loop repeats it with one
# line more in front: `backward()` adds to `.grad` rather than replacing it (Lesson 05;
# section 6 shows what that does to training), so each step starts with
# `optimizer.zero_grad()`, which clears the gradients of every parameter the optimizer
# holds. Those are the five numbered lines below, always in this order; the lines after
# them keep the loss and, every 50 epochs, print it and note where the line is. One pass
# over the data is an **epoch**: we train for 500 epochs.

# %%
losses = []
checkpoints = {}  # epoch -> (weight, bias) after it, for the pictures of section 5
for epoch in range(1, 501):
    optimizer.zero_grad()  # 1. clear the gradients left from the last step
    outputs = model(distances)  # 2. forward pass: a prediction for every delivery
    loss = loss_function(outputs, times)  # 3. one number for how wrong they are
    loss.backward()  # 4. backward pass: d(loss)/d(parameter) into each parameter's .grad
    optimizer.step()  # 5. move every parameter a little against its gradient
    losses.append(loss.item())  # a plain float: keeping the tensor would keep its whole graph
    if epoch % 50 == 0:
        print(f"Epoch {epoch:4d}/500  loss {loss.item():.6f}")
        checkpoints[epoch] = weight_and_bias(model)

# %% [markdown]
# The loss fell from over a hundred (the untrained model's MSE, in section 3) to a few
# hundredths. Each recorded loss is measured in the forward pass, before that epoch's
# update: the last one printed is the loss after 499 updates, and section 5 measures the
# model after all 500, a little lower.
#
# A list of numbers is easier to read as a picture. This is plain matplotlib, the kind of
# plot practice problem 3 asks for. The loss falls from 161.4 to 0.026, so a log scale, on
# which each factor of 10 takes the same height, shows every part of the fall:

# %%
fig, ax = plt.subplots()
ax.plot(range(1, len(losses) + 1), losses)
ax.set_yscale("log")
ax.set_yticks([0.1, 1, 10, 100], labels=["0.1", "1", "10", "100"])  # plain numbers, not powers of 10
ax.set(xlabel="epoch", ylabel="MSE (log scale)", title="The loss of every epoch, at learning rate 0.01")
save_figure(fig, "training_loss.png")

# %% [markdown]
# The rest of the course needs this loop again and again, so `linreg.py` has it as a
# function: `train(model, optimizer, inputs, targets, epochs)` runs the same five lines and
# returns the loss of every epoch. Before the first epoch it also checks for the classic
# mistakes, which would otherwise crash with a cryptic error or, worse, train the wrong
# model without an error. Here is one, on purpose, on a fresh model: targets of shape (4,)
# instead of (4, 1).

# %%
shape_model = fresh_model()
try:
    train(shape_model, optim.SGD(shape_model.parameters(), lr=0.01), distances, times.flatten(), epochs=500)
except TrainingError as error:
    print("demonstration, targets of shape (4,): train() refuses:", error)


def trained_for(epochs: int) -> tuple[LinearRegression, list[float]]:
    """Section 3's model, trained with linreg.train() for `epochs` epochs from the same start."""
    trained = fresh_model()
    return trained, train(trained, optim.SGD(trained.parameters(), lr=0.01), distances, times, epochs)


after_50, same_losses = trained_for(50)
print("train() from the same start gives exactly the same losses:", same_losses == losses[:50])

# %% [markdown]
# With `train()` we can also rerun the same start for 2, 5 and 10 epochs and look at the
# line along the way. The first few epochs do most of the work, swinging the line up onto
# the points; the rest is fine-tuning, and the lines after 50 and 500 epochs nearly
# coincide.

# %%
lines = {0: (start_weight, start_bias)}
lines |= {epochs: weight_and_bias(trained_for(epochs)[0]) for epochs in (2, 5, 10)}  # |= adds entries
lines |= {50: weight_and_bias(after_50), 500: weight_and_bias(model)}
fig = plots.learning(distances, times, lines)
save_figure(fig, "learning.png")

# %% [markdown]
# Every optimizer in `torch.optim` is built and used the same way: give it the parameters
# to change, then call `step()` after each `backward()`. Only the rule inside `step()`
# differs. **Adam**, a popular alternative, divides each parameter's gradient by the
# typical size of that parameter's recent gradients (a running average of their squares,
# square-rooted) before it steps. So its first step moves every parameter by the learning
# rate itself, whatever the gradient, where SGD's step is the gradient times the learning
# rate: at 0.01, SGD moved the weight by 0.70, since its gradient was -69.5. A learning
# rate therefore means something else to each, and Adam gets one of its own; 0.1 here is a
# first try. To compare two optimizers fairly, as practice problem 2 asks, train each from
# the same start: here `fresh_model()` makes it, and for any model `copy.deepcopy(model)`
# makes an independent copy.

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
# ## 5. How good is it?
#
# For linear regression we don't have to guess: the line with the smallest possible MSE
# has a closed form (least squares), which `torch.linalg.lstsq` computes exactly, in
# float64. `linreg.least_squares()` wraps it. We compare.

# %%
heading("5. How good is it?")


def loss_of_line(weight: torch.Tensor, bias: torch.Tensor) -> float:
    """The MSE of the line y = weight * x + bias on the deliveries, in float64, as least squares works."""
    return loss_function(distances.double() * weight + bias, times.double()).item()


best_weight, best_bias = least_squares(distances, times)
learned_weight, learned_bias = weight_and_bias(model)
with torch.no_grad():
    final_loss = loss_function(model(distances), times).item()
best_loss = loss_of_line(best_weight, best_bias)
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
# the first epoch whose loss is within 1% of the smallest possible
close_from = next(epoch for epoch, value in enumerate(fast_losses, start=1) if value < 1.01 * best_loss)
print(f"learning rate 0.1:  within 1% of the smallest possible loss from epoch {close_from} on")
print(f"learning rate 0.01: still {excess:.1f}% above it after 500 epochs")

# %%
curves = {"learning rate 0.01": losses, "learning rate 0.1": fast_losses}
exact_line = (best_weight.item(), best_bias.item())
gap_title = "What 500 epochs at learning rate 0.01 left to learn"
fig = plots.fit(curves, best_loss, lines[500], exact_line, gap_title, distances)
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
# A fixed fraction per epoch also tells how long 0.01 would have needed. We measure the
# fraction over the last 50 epochs and carry on at that pace, epoch by epoch, until the
# gap is down to 1 %:

# %%
gap = losses[-1] - best_loss  # how far the loss of epoch 500 is above the smallest possible
shrink = 1 - (gap / (losses[-51] - best_loss)) ** (1 / 50)  # the fraction of the gap each epoch removes
needed = 500
while gap > 0.01 * best_loss:  # one more epoch at the same pace
    needed, gap = needed + 1, gap * (1 - shrink)
print(
    f"learning rate 0.01: each epoch removes {100 * shrink:.2f}% of the gap, "
    f"so it is within 1% from epoch {needed} on"
)

# %% [markdown]
# Ten times the learning rate, a tenth of the epochs. Why not a larger learning rate
# still? A step too large overshoots the minimum: each step lands farther from it than
# the last, the loss grows, and it overflows. Here is one, on purpose: learning rate 0.2,
# and what `train()` says when the loss blows up.

# %%
diverging_model = fresh_model()
diverging_optimizer = optim.SGD(diverging_model.parameters(), lr=0.2)
try:
    train(diverging_model, diverging_optimizer, distances, times, epochs=500)
except DivergenceError as error:
    print("demonstration, learning rate 0.2: train() stops:", error)

# %% [markdown]
# `train()`'s advice, a tenth of the learning rate, is a rule of thumb that is safe on any
# data, not the best rate for this data: here 0.02 would be stable, but slower than 0.1.
#
# So the learning rate has a ceiling, between 0.1 and 0.2 (`deeper.py` computes it:
# 0.1198). It comes from the data: the larger the inputs, the lower it is. Heights around
# 170 cm, as in practice problem 1, put it thousands of times lower than these distances
# of 1 to 4 miles do, and lr 0.01 blows up there.
#
# And even at 0.1, training takes dozens of epochs. Why? Picture the loss as a map over
# $(w, b)$: each point of the map is one line, and its height is that line's MSE. The map
# is a long, narrow valley (the figure below). Along its floor, a larger weight goes with
# a smaller bias: such lines turn about a point among the deliveries and predict nearly
# the same times, so the loss rises slowly there. Across the floor, the walls are steep. We
# measure both: from the best $(w, b)$, a step of 0.1 along the floor and one across it.

# %%
along, across = valley_directions(distances)  # unit steps in (w, b): deeper.py shows where they come from
rises = []
for name, direction in (("along the floor", along), ("across the valley", across)):
    step_w, step_b = 0.1 * direction
    rises.append(loss_of_line(best_weight + step_w, best_bias + step_b) - best_loss)
    print(f"a step of 0.1 {name}, weight {step_w:+.4f} and bias {step_b:+.4f}: loss +{rises[-1]:.5f}")
print(f"across the valley the loss rises {rises[1] / rises[0]:.1f} times as fast")

# %% [markdown]
# Gradient descent steps in proportion to the slope, and near the best point the slope
# grows in proportion to the distance from it, 56 times more gently along the floor than
# across. So each epoch removes a fixed fraction of the **error**, by which we mean the
# distance from the best $(w, b)$: how far the line still has to go, not the loss. The
# learning rate must suit the steep walls. At the ceiling, a step across the valley is
# twice as long as the distance to the floor: it lands on the opposite wall, as high as it
# started. Along the floor the same learning rate covers only 2/56 of the distance per
# epoch, 3.6 %; at 0.01, twelve times below the ceiling, 0.3 %. The loss grows with the
# square of the distance, so its gap falls about twice as fast: the 0.60 % measured above.
# On our run:

# %%
distance_50, distance_500 = (math.dist(checkpoints[epochs], exact_line) for epochs in (50, 500))
per_epoch = 1 - (distance_500 / distance_50) ** (1 / 450)
print(
    f"error, the distance from the best (w, b): {distance_50:.4f} after 50 epochs, "
    f"{distance_500:.4f} after 500: each epoch removed {100 * per_epoch:.2f}% of it"
)

# %% [markdown]
# The figure shows where those 500 epochs went. The contour lines are spaced on a log
# scale, yellow where the loss is low: the yellow ellipses are the valley's floor, the star
# its lowest point. In a few dozen epochs SGD came down the wall (epochs 0 to 10, left);
# the remaining 450 crept along the floor (right, zoomed in on the box), and still stopped
# short of the star.

# %%
down_the_wall = {epochs: lines[epochs] for epochs in (0, 2, 5, 10)}
fig = plots.loss_valley(distances, times, down_the_wall | checkpoints)
save_figure(fig, "valley.png")

# %% [markdown]
# A valley like this is not a law of nature: it comes from the data. Shift and scale the
# input, and it disappears. That is **standardizing**: training on
# $z = (x - \bar x) / \sigma_x$, in code `z = (x - x.mean()) / x.std(correction=0)`: the
# distances shifted to mean 0 and scaled to standard deviation 1. That turns the valley
# into a round bowl, where the loss rises as fast in every direction, so one learning rate
# suits them all. `linreg.standardize()` returns $z$ with the mean and standard deviation
# it used. It uses the population standard deviation, which divides by N
# (`correction=0`); `distances.std()` divides by N - 1 and gives 1.2910 instead.
#
# The line learned on $z$, $y = w_z z + b_z$, is then rewritten for miles by
# `linreg.original_units()`: `w = w_z / std` and `b = b_z - w_z * mean / std`. Practice
# problem 1 needs both. On this bowl the slope is exactly twice the distance to the
# centre, so a step of half the slope, learning rate 0.5, lands right on it: a single
# epoch is enough (`deeper.py` draws the bowl).

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
# ### Using the trained model
#
# Now we use the model trained in section 4 to predict new deliveries. `model.eval()`
# switches layers that behave differently in training, such as dropout (a later lesson),
# to their behaviour for predictions; this model has none, but the habit matters.
# `torch.inference_mode()` is a stricter, faster `torch.no_grad()`: autograd records
# nothing, and the tensors made inside can never join a training later.
# `model.train()` switches back before any further training.

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
# passes at the same parameters, section 3's start, without clearing:

# %%
heading("6. Why zero the gradients?")
probe = fresh_model()
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
# In the first dozen epochs the red curve even dips below the blue one a few times:
# swinging, the parameters pass close to the minimum, but they cannot stay there.

# %% [markdown]
# ## Key takeaways
#
# - `nn.Linear` is a ready-made layer computing $y = xW^\top + b$. PyTorch stores $W$ with
#   one row per output, shape (out_features, in_features), hence the transpose; the
#   course's README for this lesson writes $y = xW + b$, the same line with $W$ stored the
#   other way round.
# - `nn.Module` is the base class of every model, and `forward()` defines how inputs flow
#   to predictions; a `state_dict` holds its parameters by name.
# - Training loop: `zero_grad` -> forward -> loss -> `backward` -> `step`, repeated.
# - A loss function (here `nn.MSELoss`) measures the error. An optimizer uses the
#   gradients to lower it: `optim.SGD`'s step is the update you can write by hand,
#   `p -= lr * p.grad`; Adam scales each parameter's step, and needs a learning rate of
#   its own.
# - Always zero the gradients before each backward pass: they accumulate.
# - The learning rate decides how fast training goes: too small crawls (0.01 here), too
#   large blows up (0.2 here). A narrow valley in the loss slows even the best one, and
#   standardizing the input turns the valley into a bowl.
# - Check the result against something you trust. Here the exact least-squares answer
#   showed that 500 epochs came close but had not finished.
#
# Next: Lesson 07, data management: downloading data and writing custom datasets.
