# %% [markdown]
# # Lesson 06, practice: write each function, and check it right below
#
# Three problems, five functions. Under each task is a cell with the function to write, as
# in the template `exercises.py`: replace its `raise NotImplementedError` with your code, run
# the cell, then run the check cell below it. The check grades that function here, in this
# notebook, and prints PASS, or FAIL with a hint: the same verdict
# `python practice/check.py` gives from a terminal, which can also grade this notebook
# (`python practice/check.py practice/practice.ipynb`). It runs your function on data of its
# own and grades what it does, not how it is written.
#
# A check stops your function after 60 seconds (an endless loop, say) on Linux and macOS.
# Windows has no timer for that: there a check runs until your function returns, so if one
# runs on and on, interrupt the kernel (the ■ button, or Kernel → Interrupt) and look for the
# loop that never ends.
#
# Problem 3 comes first: your answers to problems 1 and 2 may use its `train_loop()`. Stuck,
# or done? `answers.py` holds worked answers.

# %%
import copy

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure
from torch import nn, optim

import linreg

# %% tags=["check"]
from problems import check

# %% [markdown]
# ## Problem 3: the loss curve
#
# Write the training loop yourself, keeping the loss of every epoch: zero the gradients,
# predict, measure the loss, backpropagate, step.

# %%
from exercises import train_loop

# %% tags=["check"]
check(train_loop)

# %% [markdown]
# Then plot loss curves with matplotlib: one line per history, on a log scale, with the
# smallest possible loss as a reference line.

# %%
from exercises import plot_loss_curves

# %% tags=["check"]
check(plot_loss_curves)

# %% [markdown]
# ## Problem 1: predict weight from height
#
# Make a height/weight dataset of your own (synthetic is fine)...

# %%
from exercises import height_weight_data

# %% tags=["check"]
check(height_weight_data)

# %% [markdown]
# ...and train a linear regression that predicts weight from height.

# %%
from exercises import fit_line

# %% tags=["check"]
check(fit_line)

# %% [markdown]
# ## Problem 2: SGD against Adam
#
# Train the same model with SGD and with Adam, each at a learning rate tuned for it, and keep
# both loss curves. `plot_loss_curves()` draws them, to compare how fast each converges.

# %%
from exercises import compare_optimizers

# %% tags=["check"]
check(compare_optimizers)
