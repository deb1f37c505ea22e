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


def gradient_descent_without_zero_grad(
    x: np.ndarray, y: np.ndarray, w: float, b: float, lr: float, epochs: int
) -> list[float]:
    """The loss of every epoch when .grad is never cleared: each step uses the sum of all gradients so far."""
    losses, total_w, total_b = [], 0.0, 0.0
    for _ in range(epochs):
        losses.append(mse(x, y, w, b))
        dw, db = mse_gradient(x, y, w, b)
        total_w, total_b = total_w + dw, total_b + db
        w, b = w - lr * total_w, b - lr * total_b
    return losses


# --- For deeper.py: the curvature of the loss, and where gradient descent and Adam go.


def hessian(x: np.ndarray) -> np.ndarray:
    """d²MSE/d(w, b)²: (2/N) X^T X with X = [x, 1]; the same everywhere, since the MSE is quadratic."""
    x = np.ravel(x).astype(float)
    design = np.column_stack([x, np.ones_like(x)])
    return 2 / len(x) * design.T @ design


def valley_directions(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Hessian's eigenvectors, slow (the valley floor) then fast (across it), weight part positive."""
    _, vectors = np.linalg.eigh(hessian(x))
    vectors = vectors * np.sign(vectors[0])
    return vectors[:, 0], vectors[:, 1]


def valley_errors(x: np.ndarray, y: np.ndarray, w: float, b: float) -> tuple[float, float]:
    """The error (w, b) - optimum, along the valley floor and across it."""
    slow, fast = valley_directions(x)
    error = np.array([w, b]) - closed_form(x, y)
    return float(error @ slow), float(error @ fast)


def gradient_descent_path(
    x: np.ndarray, y: np.ndarray, w: float, b: float, lr: float, epochs: int
) -> list[tuple[float, float]]:
    """(w, b) before training and after every step of plain gradient descent."""
    path = [(w, b)]
    for _ in range(epochs):
        dw, db = mse_gradient(x, y, w, b)
        w, b = w - lr * dw, b - lr * db
        path.append((w, b))
    return path


def loss_after_gradient_descent(
    x: np.ndarray, y: np.ndarray, w: float, b: float, lr: float, epochs: int
) -> float:
    """The MSE after `epochs` steps of gradient descent, without stepping: in the Hessian's eigenbasis
    each step multiplies the error along eigenvalue lam by (1 - lr lam), and the loss above its
    minimum is half the error's H-norm. An independent route to what an iterated run computes."""
    slope, intercept = closed_form(x, y)
    lams, vectors = np.linalg.eigh(hessian(x))
    error = vectors.T @ (np.array([w, b]) - [slope, intercept])
    error = error * (1 - lr * lams) ** epochs
    return mse(x, y, slope, intercept) + 0.5 * float(np.sum(lams * error**2))


def adam_path(
    x: np.ndarray, y: np.ndarray, w: float, b: float, lr: float, epochs: int
) -> list[tuple[float, float]]:
    """Adam (Kingma & Ba, the defaults betas = (0.9, 0.999), eps = 1e-8) written out; returns the path."""
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    theta, m, v = np.array([w, b], dtype=float), np.zeros(2), np.zeros(2)
    path = [(w, b)]
    for t in range(1, epochs + 1):
        g = np.array(mse_gradient(x, y, *theta))
        m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g**2
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        path.append((float(theta[0]), float(theta[1])))
    return path


# --- For the practice problems.


def adam(
    x: np.ndarray, y: np.ndarray, w: float, b: float, lr: float, epochs: int
) -> tuple[float, float, list[float]]:
    """Adam in gradient_descent's form: the final (w, b) and the loss of every epoch."""
    path = adam_path(x, y, w, b, lr, epochs)
    return path[-1][0], path[-1][1], [mse(x, y, *point) for point in path[:-1]]


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
    return float(2 / np.linalg.eigvalsh(hessian(x)).max())
