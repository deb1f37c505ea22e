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


def adam(
    x: np.ndarray, y: np.ndarray, w: float, b: float, lr: float, epochs: int, betas=(0.9, 0.999), eps=1e-8
) -> tuple[float, float, list[float]]:
    """Full-batch Adam as Kingma and Ba's paper writes it (PyTorch's defaults), with the MSE gradient."""
    params, m, v, losses = np.array([w, b]), np.zeros(2), np.zeros(2), []
    for t in range(1, epochs + 1):
        losses.append(mse(x, y, *params))
        g = np.array(mse_gradient(x, y, *params))
        m = betas[0] * m + (1 - betas[0]) * g
        v = betas[1] * v + (1 - betas[1]) * g**2
        m_hat, v_hat = m / (1 - betas[0] ** t), v / (1 - betas[1] ** t)
        params = params - lr * m_hat / (np.sqrt(v_hat) + eps)
    return float(params[0]), float(params[1]), losses


def first_epoch_within(losses: list[float], optimal: float, tolerance: float) -> int | None:
    """The 1-based epoch from which every later loss is within tolerance of optimal."""
    outside = np.flatnonzero(np.asarray(losses) > optimal * (1 + tolerance))
    if len(outside) == 0:
        return 1
    return None if outside[-1] == len(losses) - 1 else int(outside[-1]) + 2


def slope_standard_error(x: np.ndarray, y: np.ndarray) -> float:
    """The textbook standard error of a least-squares slope: s / sqrt(sum((x - mean)^2))."""
    x, y = np.ravel(x).astype(float), np.ravel(y).astype(float)
    slope, intercept = closed_form(x, y)
    s2 = np.sum((y - slope * x - intercept) ** 2) / (len(x) - 2)
    return float(np.sqrt(s2 / np.sum((x - x.mean()) ** 2)))


def sgd_stability_limit(x: np.ndarray) -> float:
    """2 / the largest eigenvalue of the MSE's Hessian, (2 / N) [x 1]^T [x 1]."""
    x = np.ravel(x).astype(float)
    design = np.column_stack([x, np.ones_like(x)])
    return float(2 / np.linalg.eigvalsh(2 * design.T @ design / len(x)).max())
