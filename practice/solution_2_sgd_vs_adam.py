# %% [markdown]
# # Practice problem 2: SGD against Adam
#
# Train the same model twice, once with SGD and once with Adam, and compare how fast
# each converges. To be fair, everything but the optimizer stays the same: the model,
# its starting parameters (the lesson's, seed 42), the data (the article's four
# deliveries) and the number of epochs (500).
#
# The functions used here are the worked answers in `answers.py` (`train_loop()`,
# `sweep()`, `compare_optimizers()`, ...). Run it with
# `python practice/solution_2_sgd_vs_adam.py`; the figure goes to
# `output/sgd_vs_adam.png`.

# %%
from answers import (
    OPTIMIZERS,
    SWEEP,
    current_loss,
    epochs_to_converge,
    fastest,
    plot_loss_curves,
    sgd_stability_limit,
    sweep,
    train_copy,
)

from linreg import (
    LESSON_EPOCHS,
    LESSON_LR,
    distance_time_data,
    least_squares,
    lesson_model,
    optimal_loss,
    save_figure,
)

EPOCHS = LESSON_EPOCHS  # 500, as in the lesson
start = lesson_model()  # the lesson's starting parameters (seed 42)
distances, times = distance_time_data()
best = optimal_loss(distances, times)
print(f"=== 1. The same learning rate, {LESSON_LR} ===")
print(f"start: weight = {start.linear.weight.item():.6f}, bias = {start.linear.bias.item():.6f}")
print(f"optimal loss (least squares): {best:.6f}")

# %% [markdown]
# ## 1. The same learning rate looks like a fair fight. It is not.
#
# One sweep trains a fresh copy of the same start with each optimizer at each learning
# rate of `SWEEP` (0.01, 0.1 and 1). We look at it in two parts; first, both optimizers at the
# lesson's learning rate, 0.01, and the very first step each one takes.
#
# "The loss after 500 epochs" is the MSE of the trained model, after its 500th update
# (`current_loss()`), as in `deeper.py`. The loss history is one update behind: its
# last value is the loss of epoch 500, measured before that epoch's update.

# %%
runs = sweep(start, distances, times, EPOCHS)
same_lr = {run.optimizer: run for run in runs if run.lr == LESSON_LR}
for name, run in same_lr.items():
    after = current_loss(run.model, distances, times)
    print(
        f"{name:4} at lr {LESSON_LR}: loss after {EPOCHS} epochs {after:.6f}, "
        f"{after / best:.2f} times the optimal"
    )
first_steps = {name: train_copy(start, name, LESSON_LR, distances, times, 1) for name in OPTIMIZERS}
moved = {
    name: run.model.linear.weight.item() - start.linear.weight.item() for name, run in first_steps.items()
}
gradient = first_steps["SGD"].model.linear.weight.grad.item()  # backward() ran at the start's parameters
print(
    f"first step: the weight's gradient is {gradient:.2f}; SGD moved the weight by {moved['SGD']:.4f} "
    f"(-{LESSON_LR} times the gradient), Adam by {moved['Adam']:.4f} (about lr)"
)

# %% [markdown]
# Adam ends far above SGD. The first step shows why:
#
# - SGD moves each parameter by the learning rate **times the gradient**. Far from the
#   minimum the gradient is large, so the first steps are big, and they shrink as the
#   gradient does near the minimum.
# - Adam divides the gradient by a running estimate of its own size, so each step is
#   roughly **the learning rate itself**, whatever the gradient. The weight has to
#   travel from below 1 to about 5 (see the table below): at 0.01 per step, that alone
#   takes hundreds of steps.
#
# So one learning rate means very different steps for the two. A fair comparison gives
# each optimizer a learning rate of its own, chosen the same way: by the sweep.

# %% [markdown]
# ## 2. A learning rate for each: the sweep
#
# The whole sweep, 500 epochs per run. "Final loss" is the loss after the 500 epochs;
# "within 1 %" is the epoch from which the loss stays within 1 % of the optimal loss. We
# keep, for each optimizer, the learning rate that gets there first.

# %%
print("\n=== 2. A learning rate for each: the sweep ===")


def describe(run) -> str:
    """A sweep table cell: the final loss and when it came within 1 %, or the divergence."""
    if run.diverged:
        return f"{'diverged at epoch ' + str(len(run.losses) + 1):>24}"
    epoch = epochs_to_converge(run.losses, best)
    return f"{current_loss(run.model, distances, times):12.6f}{'-' if epoch is None else epoch:>12}"


print(f"{'':8}{'SGD':>24}{'Adam':>24}")
print(f"{'lr':8}" + f"{'final loss':>12}{'within 1 %':>12}" * 2)
for lr in SWEEP:
    cells = [describe(run) for name in OPTIMIZERS for run in runs if run.optimizer == name and run.lr == lr]
    print(f"{lr:<8g}" + "".join(cells))
chosen = fastest(runs, best)
print("chosen: " + ", ".join(f"{name} lr {run.lr:g}" for name, run in chosen.items()))

# Why SGD diverges at 1: on a quadratic loss such as the MSE, gradient descent is stable
# only while lr < 2 / (the loss's largest curvature).
print(f"SGD is stable on this data only below lr {sgd_stability_limit(distances):.4f}")

# %% [markdown]
# Above its limit SGD overshoots the minimum by more each step, and the loss explodes:
# at 1 it diverges. Of the three rates tried, it is fastest at 0.1, the largest of them
# below the limit: the larger the step, the fewer are needed, as long as they stay
# stable. (Three rates cannot tell how much faster a rate between 0.1 and the limit
# would be; `deeper.py` sweeps many.) Adam is stable even at 1: its steps do not grow
# with the gradient.
#
# ## 3. The comparison, each at its own learning rate

# %%
print("\n=== 3. SGD against Adam, each at its chosen learning rate ===")
exact_weight, exact_bias = least_squares(distances, times)
print(f"{'':8}{'lr':>6}{'final loss':>12}{'within 1 % from epoch':>23}{'weight':>9}{'bias':>9}")
for name, run in chosen.items():
    weight, bias = run.model.linear.weight.item(), run.model.linear.bias.item()
    epoch = epochs_to_converge(run.losses, best)
    after = current_loss(run.model, distances, times)
    print(f"{name:8}{run.lr:>6g}{after:12.6f}{epoch:>23}{weight:9.4f}{bias:9.4f}")
print(f"{'exact':8}{'':>6}{best:12.6f}{'':>23}{exact_weight.item():9.4f}{exact_bias.item():9.4f}")

# %% [markdown]
# Both reach the least-squares line. With its own learning rate SGD is the faster here:
# on a two-parameter problem with a smooth, bowl-shaped loss, plain gradient descent
# at a well-chosen rate is hard to beat. Adam's strengths (one learning rate that works
# across parameters of very different scales, robustness to noisy gradients) matter
# more for the large models of later lessons.
#
# ## The loss curves
#
# All four runs on one log-scale figure: the two at the same learning rate, and the two
# at their chosen ones, with the optimal loss as a dotted line.

# %%
histories = {f"{name}, lr {LESSON_LR}": run.losses for name, run in same_lr.items()}
histories |= {f"{name}, lr {run.lr:g} (chosen)": run.losses for name, run in chosen.items()}
figure = plot_loss_curves(histories, best)
figure.axes[0].set_title("SGD against Adam: the same start, data and epochs")
save_figure(figure, "sgd_vs_adam.png")
