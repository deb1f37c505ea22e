# %% [markdown]
# # Practice problem 1 with your own data
#
# The fit of `solution_1_height_weight.py`, on a CSV file of yours: column y against
# column x, learned by gradient descent with the worked answer's `fit_line()`
# (standardize, train, map back), compared with the exact least-squares line, and
# plotted. Run it with
#
#     python practice/solution_1_own_data.py --csv people.csv --x height --y weight
#
# The file needs a header row naming its columns; commas, semicolons or tabs may
# separate them (with semicolons or tabs, 1,75 reads as 1.75). The figure goes to
# `output/own_data_fit.png`.
#
# A mistake in the arguments or the file (a missing column, a cell that is not a
# number, too few rows) stops the script with one line saying what and where, and exit
# status 2, instead of a traceback. `own_data.py` reads the file before anything else,
# with the standard library alone, so that line comes at once, not after the seconds it
# takes to import torch.

# %%
# ruff: noqa: E402 (the imports below come after reading the learner's file, on purpose)
from own_data import fail, read_own_data

own = read_own_data()

# %%
import torch
from answers import describe_sample, fit_line, line_table, plot_fit, slope_standard_error

from linreg import TrainingError, least_squares, save_figure

print("=== Your data ===")
inputs, targets = (torch.tensor(column).reshape(-1, 1) for column in (own.inputs, own.targets))
print(f"{own.path}: {len(inputs)} rows, input {own.x_name!r}, target {own.y_name!r}")
print(describe_sample(inputs, targets, own.x_name, own.y_name))

print("\n=== The line, learned by gradient descent ===")
try:
    slope, intercept = fit_line(inputs, targets)
except TrainingError as error:  # whatever linreg refuses in a learner's data, in one line
    fail(str(error))
exact_weight, exact_bias = least_squares(inputs, targets)
exact_slope, exact_intercept = exact_weight.item(), exact_bias.item()
print(line_table({"trained": (slope, intercept), "least squares": (exact_slope, exact_intercept)}))
print(
    f"trained - least squares: slope {slope - exact_slope:.6f}, intercept {intercept - exact_intercept:.4f}"
)
if len(inputs) > 2:  # two points fit a line exactly, and leave nothing to estimate an error from
    print(f"standard error of the least-squares slope: {slope_standard_error(inputs, targets):.4f}")

# %%
title = f"{own.y_name} against {own.x_name}, from {own.path.name}"
fig = plot_fit(inputs, targets, (slope, intercept), (own.x_name, own.y_name), title)
save_figure(fig, "own_data_fit.png")
