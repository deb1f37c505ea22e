"""Independent references in plain numpy, float64: no torch, no code from linreg.

Tests compare what the lesson computes with torch against these.
"""

from __future__ import annotations

import numpy as np


def closed_form(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least-squares slope and intercept from the textbook formulas (covariance / variance)."""
    x, y = np.ravel(x).astype(float), np.ravel(y).astype(float)
    slope = np.sum((x - x.mean()) * (y - y.mean())) / np.sum((x - x.mean()) ** 2)
    return float(slope), float(y.mean() - slope * x.mean())


def mse(x: np.ndarray, y: np.ndarray, w: float, b: float) -> float:
    x, y = np.ravel(x).astype(float), np.ravel(y).astype(float)
    return float(np.mean((w * x + b - y) ** 2))


def mse_gradient(x: np.ndarray, y: np.ndarray, w: float, b: float) -> tuple[float, float]:
    """d MSE / dw and d MSE / db, worked out on paper: 2/N sum(e x) and 2/N sum(e)."""
    x, y = np.ravel(x).astype(float), np.ravel(y).astype(float)
    error = w * x + b - y
    return float(2 * np.mean(error * x)), float(2 * np.mean(error))


def gradient_descent(
    x: np.ndarray, y: np.ndarray, w: float, b: float, lr: float, epochs: int
) -> tuple[float, float, list[float]]:
    """Plain full-batch gradient descent: the update rule SGD applies, written out."""
    losses = []
    for _ in range(epochs):
        losses.append(mse(x, y, w, b))
        dw, db = mse_gradient(x, y, w, b)
        w, b = w - lr * dw, b - lr * db
    return w, b, losses
