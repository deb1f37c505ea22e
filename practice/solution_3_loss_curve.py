# %% [markdown]
# # Practice problem 3: the loss curve
#
# Keep the loss of every epoch while training, then plot it: the curve shows at a
# glance how fast training converges and whether it has finished.
#
# We train the lesson's model exactly as section 4 of `lesson.py` does (seed 42, SGD,
# learning rate 0.01, 500 epochs) with `train_loop()` from `answers.py`, the worked
# answer to the exercise in `exercises.py`. It returns one loss per epoch, measured
# before that epoch's update. Run it with `python practice/solution_3_loss_curve.py`;
# the figure goes to `output/loss_curve.png`.

# %%
import math

from answers import plot_loss_curves, train_loop
from torch import optim

from linreg import LESSON_EPOCHS, LESSON_LR, distance_time_data, lesson_model, optimal_loss, save_figure

distances, times = distance_time_data()
model = lesson_model()  # the lesson's seed, so this is the lesson's run, every epoch of it
start_weight, start_bias = model.linear.weight.item(), model.linear.bias.item()
print("=== The loss of every epoch ===")
print(f"start: weight = {start_weight:.6f}, bias = {start_bias:.6f}")
optimizer = optim.SGD(model.parameters(), lr=LESSON_LR)
losses = train_loop(model, optimizer, distances, times, epochs=LESSON_EPOCHS)
print(f"recorded {len(losses)} losses, one per epoch")
for epoch in (1, 2, 10, 100, LESSON_EPOCHS):
    print(f"epoch {epoch:3d}: loss {losses[epoch - 1]:.6g}")  # six digits: as many as float32 keeps for sure

# %% [markdown]
# ## How far from the best possible line?
#
# A loss curve needs a yardstick: for linear regression the smallest possible loss is
# known exactly, the MSE of the least-squares line. We draw it as a reference line.
#
# The numbers below also explain the log scale: the loss spans several orders of
# magnitude, and almost all of its drop happens in the first few epochs. On a linear
# axis, everything after them would be a flat line hugging zero.

# %%
best = optimal_loss(distances, times)
excess = 100 * (losses[-1] / best - 1)
print(f"optimal loss (least squares): {best:.6f}; in epoch {len(losses)} the loss is {excess:.1f}% above it")
orders = math.log10(losses[0] / losses[-1])
early_share = 100 * (losses[0] - losses[9]) / (losses[0] - losses[-1])
print(
    f"the loss spans {orders:.1f} orders of magnitude, and the first 10 epochs "
    f"make {early_share:.1f}% of its whole drop"
)

# %% [markdown]
# ## The plot
#
# `plot_loss_curves()` draws each loss history against its epoch number, sets a log
# scale for the loss, labels both axes, adds a title, a legend and the optimal loss
# as a dotted line. It returns the figure, so the caller decides where it goes.

# %%
figure = plot_loss_curves({f"SGD, learning rate {LESSON_LR}": losses}, best)
figure.axes[0].set_title(f"The lesson's run: the loss of each of its {LESSON_EPOCHS} epochs")
save_figure(figure, "loss_curve.png")

# %% [markdown]
# The curve drops steeply, then bends into a long, slow slope that is still above the
# dotted line after 500 epochs: training has not finished. `solution_2_sgd_vs_adam.py`
# shows that a better learning rate reaches the line within a hundred epochs.
