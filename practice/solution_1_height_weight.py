# %% [markdown]
# # Practice problem 1: predict weight from height
#
# A new dataset for the lesson's model: the heights and weights of adults. We make it
# ourselves, from a published survey, so that we know the true line behind the data and
# can see how close training gets to it.
#
# The steps:
#
# 1. Draw 1000 synthetic adults whose heights and weights follow the survey.
# 2. Train on the raw heights in centimetres with plain SGD at lr 0.01, the lesson's
#    setting. It diverges, and `linreg.train()` stops it with a message saying why.
# 3. Standardize the heights, train again, and map the learned line back to kg per cm.
#    Compare it with the exact least-squares line and with the true line.
# 4. Plot the data with the fitted line.
#
# The functions used here are the worked answers in `answers.py`. Run it with
# `python practice/solution_1_height_weight.py`; the figure goes to
# `output/height_weight.png`. `solution_1_own_data.py` does the same fit on a CSV file
# of your own.

# %%
import torch
from answers import (
    CORRELATION,
    MEAN_HEIGHT_CM,
    MEAN_WEIGHT_KG,
    SD_HEIGHT_CM,
    SD_WEIGHT_KG,
    TRUE_INTERCEPT,
    TRUE_SLOPE,
    describe_sample,
    fit_line,
    height_weight_data,
    line_table,
    plot_fit,
    sgd_stability_limit,
    slope_standard_error,
)
from torch import optim

from linreg import DivergenceError, LinearRegression, least_squares, save_figure, standardize, train

torch.manual_seed(0)  # the raw-heights model's random start

# %% [markdown]
# ## 1. The data
#
# The survey is NHANES 2015-2018 (adult men in the US; the exact reference is in
# `answers.py`). If heights and weights are jointly normal, the best line through the
# population has slope $r \, s_w / s_h$ and passes through the two means; each weight
# then scatters around that line with standard deviation $s_w \sqrt{1 - r^2}$.
# `height_weight_data()` draws heights, then weights from the true line plus that
# scatter, from a seeded generator. Both come as shape (N, 1): one row per person.

# %%
print("=== 1. The data ===")
print(
    f"population: height {MEAN_HEIGHT_CM} cm (sd {SD_HEIGHT_CM}), weight {MEAN_WEIGHT_KG} kg "
    f"(sd {SD_WEIGHT_KG}), correlation {CORRELATION}"
)
sign = "-" if TRUE_INTERCEPT < 0 else "+"
print(f"true line: weight = {TRUE_SLOPE:.4f} kg per cm * height {sign} {abs(TRUE_INTERCEPT):.2f} kg")
heights, weights = height_weight_data(n=1000, seed=0)
print(f"sample of {len(heights)}, seed 0:")
print(describe_sample(heights, weights, "height (cm)", "weight (kg)"))

# %% [markdown]
# ## 2. Raw heights make SGD diverge
#
# The gradient of the MSE with respect to the weight grows with the height (around
# 175), and the loss's curvature with its square. Gradient descent is stable only while
# the learning rate stays below 2 / (the largest curvature): for raw heights that limit
# is tiny, and at lr 0.01 every step overshoots the minimum by far more than the last.
# `linreg.train()` notices the infinite loss and stops with a message that says what to
# change.

# %%
print("\n=== 2. Raw inputs, plain SGD at lr 0.01 ===")
print(f"SGD is stable on these inputs only below lr {sgd_stability_limit(heights):.3g}")
model = LinearRegression(input_size=1, output_size=1)
print(f"start: weight = {model.linear.weight.item():.6f}, bias = {model.linear.bias.item():.6f}")
try:
    losses = train(model, optim.SGD(model.parameters(), lr=0.01), heights, weights, epochs=1000)
    print(f"trained without diverging: loss {losses[-1]:.4f} after {len(losses)} epochs")
except DivergenceError as error:
    print(f"train() stopped it: {error}")
    print("losses before that: " + ", ".join(f"{loss:.4g}" for loss in error.losses))

# %% [markdown]
# ## 3. Standardize, train, map back
#
# `fit_line()` rescales the heights to mean 0 and standard deviation 1
# (`linreg.standardize`), where the same lr 0.01 is stable, trains from zero for 1000
# epochs, and rewrites the learned line for heights in cm (`linreg.original_units`):
# slope = w / std, intercept = b - slope * mean.
#
# Two yardsticks: the exact least-squares line (`linreg.least_squares`), which training
# should reach, and the true line, which no finite sample pins down exactly. The
# standard error of the slope says how far from the truth a sample this size lands.

# %%
print("\n=== 3. Standardized inputs ===")
standardized, mean, std = standardize(heights)
print(f"standardized with mean {mean.item():.4f} and standard deviation {std.item():.4f}")
print(f"SGD is stable on standardized inputs below lr {sgd_stability_limit(standardized):.3g}")
slope, intercept = fit_line(heights, weights)
exact_weight, exact_bias = least_squares(heights, weights)
exact_slope, exact_intercept = exact_weight.item(), exact_bias.item()
lines = {"trained": (slope, intercept), "least squares": (exact_slope, exact_intercept)}
lines["true"] = (TRUE_SLOPE, TRUE_INTERCEPT)
print(line_table(lines, units=(" (kg per cm)", " (kg)")))
print(
    f"trained - least squares: slope {slope - exact_slope:.6f}, intercept {intercept - exact_intercept:.4f}"
)
standard_error = slope_standard_error(heights, weights)
print(f"standard error of the least-squares slope: {standard_error:.4f}")
gap = slope - TRUE_SLOPE
print(
    f"error against the true line: slope {gap:+.4f} kg per cm ({abs(gap) / standard_error:.1f} "
    f"standard errors), intercept {intercept - TRUE_INTERCEPT:+.2f} kg"
)

# %% [markdown]
# Training reaches the least-squares line to within float32 rounding. The gap to the
# true line is of the size of the standard error: it comes from drawing 1000 people,
# not from training. A larger sample would shrink it (as one over the square root of
# the sample size).
#
# ## 4. The plot

# %%
title = f"Weight against height: {len(heights)} synthetic adults"
names = ("height (cm)", "weight (kg)")
fig = plot_fit(heights, weights, (slope, intercept), names, title, true_line=(TRUE_SLOPE, TRUE_INTERCEPT))
save_figure(fig, "height_weight.png")
