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
# `output/height_weight.png`. To fit your own data instead, give a CSV file and two of
# its columns: `python practice/solution_1_height_weight.py --csv people.csv --x height
# --y weight`.

# %% [markdown]
# ## Your own data, or the survey's
#
# With `--csv FILE --x COLUMN --y COLUMN` the script fits your data instead. A mistake
# in the file (a missing column, a cell that is not a number, too few rows) stops it
# with one line saying what and where, and exit status 2, instead of a traceback.
# `own_data.py` reads the file before anything else, so such a mistake is reported at
# once, not after the seconds it takes to import torch.

# %%
# ruff: noqa: E402 (the imports below come after reading the learner's file, on purpose)
from own_data import fail, read_own_data

own = read_own_data()
own_data = own is not None

# %%
import math

import matplotlib.pyplot as plt
import torch
from answers import (
    CORRELATION,
    MEAN_HEIGHT_CM,
    MEAN_WEIGHT_KG,
    SD_HEIGHT_CM,
    SD_WEIGHT_KG,
    TRUE_INTERCEPT,
    TRUE_SLOPE,
    fit_line,
    height_weight_data,
    line_label,
    sgd_stability_limit,
)
from torch import optim

from linreg import (
    DivergenceError,
    LinearRegression,
    TrainingError,
    least_squares,
    save_figure,
    standardize,
    train,
)

torch.manual_seed(0)  # the raw-heights model's random start


# %%
def describe_sample(heights: torch.Tensor, weights: torch.Tensor, x_name: str, y_name: str) -> str:
    x, y = heights.double().flatten(), weights.double().flatten()
    r = torch.corrcoef(torch.stack([x, y]))[0, 1].item()
    # sd over the sample itself (divided by N), as linreg.standardize uses it below
    return (
        f"{x_name} mean {x.mean():.2f} (sd {x.std(correction=0):.2f}), {y_name} mean {y.mean():.2f} "
        f"(sd {y.std(correction=0):.2f}), correlation {r:.3f}"
    )


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
if own_data:
    x_name, y_name = own.x_name, own.y_name
    heights, weights = torch.tensor(own.inputs).reshape(-1, 1), torch.tensor(own.targets).reshape(-1, 1)
    print(f"{own.path}: {len(heights)} rows, input {x_name!r}, target {y_name!r}")
else:
    x_name, y_name = "height (cm)", "weight (kg)"
    print(
        f"population: height {MEAN_HEIGHT_CM} cm (sd {SD_HEIGHT_CM}), weight {MEAN_WEIGHT_KG} kg "
        f"(sd {SD_WEIGHT_KG}), correlation {CORRELATION}"
    )
    sign = "-" if TRUE_INTERCEPT < 0 else "+"
    print(f"true line: weight = {TRUE_SLOPE:.4f} kg per cm * height {sign} {abs(TRUE_INTERCEPT):.2f} kg")
    heights, weights = height_weight_data(n=1000, seed=0)
    print(f"sample of {len(heights)}, seed 0:")
print(describe_sample(heights, weights, x_name, y_name))

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
except TrainingError as error:  # anything else wrong with a learner's data, in one line
    fail(str(error))

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
try:
    slope, intercept = fit_line(heights, weights)
except TrainingError as error:
    fail(str(error))
exact_weight, exact_bias = least_squares(heights, weights)
exact_slope, exact_intercept = exact_weight.item(), exact_bias.item()
x, y = heights.double().flatten(), weights.double().flatten()
residuals = y - (exact_slope * x + exact_intercept)
standard_error = math.sqrt((residuals**2).sum().item() / (len(x) - 2) / ((x - x.mean()) ** 2).sum().item())

print(f"{'':20}{'trained':>12}{'least squares':>15}" + ("" if own_data else f"{'true':>12}"))
units = ("", "") if own_data else (" (kg per cm)", " (kg)")
print(
    f"{'slope' + units[0]:20}{slope:12.4f}{exact_slope:15.4f}" + ("" if own_data else f"{TRUE_SLOPE:12.4f}")
)
print(
    f"{'intercept' + units[1]:20}{intercept:12.2f}{exact_intercept:15.2f}"
    + ("" if own_data else f"{TRUE_INTERCEPT:12.2f}")
)
print(
    f"trained - least squares: slope {slope - exact_slope:.6f}, intercept {intercept - exact_intercept:.4f}"
)
print(f"standard error of the least-squares slope: {standard_error:.4f}")
if not own_data:
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
MINUS = "\u2212"  # the minus sign matplotlib's axes use: in the legend, '- 109.21' reads as subtraction
fig, ax = plt.subplots(figsize=(7, 4.5))
crowded = len(heights) > 100  # small faint dots for a crowd, larger solid ones for a few rows
ax.scatter(
    heights.flatten(),
    weights.flatten(),
    s=8 if crowded else 30,
    alpha=0.35 if crowded else 0.8,
    color="gray",
    label="data",
)
line_x = torch.linspace(heights.min().item(), heights.max().item(), 2)
trained_label = "trained: " + line_label(slope, intercept, MINUS)
ax.plot(line_x, slope * line_x + intercept, linewidth=2, label=trained_label)
if own_data:
    title = f"{y_name} against {x_name}, from {own.path.name}"
else:
    title = f"Weight against height: {len(heights)} synthetic adults"
    true_label = "true line: " + line_label(TRUE_SLOPE, TRUE_INTERCEPT, MINUS)
    ax.plot(line_x, TRUE_SLOPE * line_x + TRUE_INTERCEPT, "--", color="black", label=true_label)
ax.set(xlabel=x_name, ylabel=y_name, title=title)
ax.legend()
fig.tight_layout()
save_figure(fig, "own_data_fit.png" if own_data else "height_weight.png")
