"""The few special functions and the spline the default scan needs, in numpy and the standard library.

Why not scipy here: importing ``scipy.special`` and ``scipy.interpolate`` costs ~0.4 s, a sixth of a default
``limits scan`` whose computation takes well under a second (issue 21), and a scan needs only these: the normal CDF
(the ECAL-resolution fold, CLs band quantiles, asymptotic CLs), ln Gamma (the negative binomial of a background with
an uncertainty), and a not-a-knot cubic spline (the yield's mass
interpolation, the inversion to the coupling). scipy stays where the work is heavier and rarer (building the physics
tables, pyhf cross-checks, minimisation of a peak). Each function is tested against scipy's to rounding
(tests/test_numerics.py); the spline is scipy's ``CubicSpline`` construction (not-a-knot ends, C2), so the
coefficients agree to rounding.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["CubicSpline", "log_gamma", "normal_cdf"]

_SQRT1_2 = math.sqrt(0.5)
_ERF = np.frompyfunc(math.erf, 1, 1)
_ERFC = np.frompyfunc(math.erfc, 1, 1)
_LGAMMA = np.frompyfunc(math.lgamma, 1, 1)


def normal_cdf(x: ArrayLike) -> np.ndarray:
    """Phi(x), the standard normal CDF (scipy.special.ndtr, the same formulas as its Cephes code): 1/2 + erf(x/sqrt 2)/2
    near 0, erfc(|x|/sqrt 2)/2 (or 1 minus it) in the tails, accurate to rounding there.

    >>> normal_cdf([0.0, -np.inf, np.inf]).tolist()
    [0.5, 0.0, 1.0]
    """
    z = np.asarray(x, dtype=float) * _SQRT1_2
    with np.errstate(invalid="ignore"):
        tail = np.asarray(0.5 * _ERFC(np.abs(z)), dtype=float)
        out = np.where(np.abs(z) < _SQRT1_2, 0.5 + 0.5 * np.asarray(_ERF(z), dtype=float),
                       np.where(z > 0, 1.0 - tail, tail))
    return np.asarray(out)


def log_gamma(x: ArrayLike) -> np.ndarray:
    """ln |Gamma(x)| (scipy.special.gammaln) for x > 0.

    >>> round(float(log_gamma(5.0)), 12) == round(math.log(24.0), 12)
    True
    """
    return np.asarray(_LGAMMA(np.asarray(x, dtype=float)), dtype=float)


class CubicSpline:
    """The not-a-knot cubic spline through (x_i, y_i) along axis 0 of ``y`` (scipy.interpolate.CubicSpline with its
    default ends): C2, and the third derivative continuous at the second and the second-to-last knot.

    Attributes:
        x: the knots, ascending (n,).
        c: the coefficients (4, n - 1, ...): on [x_i, x_i+1] the value is
            c[0] t^3 + c[1] t^2 + c[2] t + c[3] with t = x - x_i (scipy's PPoly layout).

    >>> x = np.linspace(0.0, 3.0, 7)
    >>> s = CubicSpline(x, x**3 - 2 * x)          # a cubic is reproduced exactly
    >>> round(float(s(1.25)), 12), round(1.25**3 - 2 * 1.25, 12)
    (-0.546875, -0.546875)
    """

    def __init__(self, x: ArrayLike, y: ArrayLike):
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        n = x.size
        if x.ndim != 1 or n < 2 or y.shape[0] != n or not np.all(np.diff(x) > 0):
            raise ValueError("x must be 1-D, ascending, with y's first axis of the same length (>= 2)")
        dx = np.diff(x).reshape((n - 1,) + (1,) * (y.ndim - 1))
        slope = np.diff(y, axis=0) / dx
        if n == 2:  # a straight line
            s = np.concatenate([slope, slope])
        elif n == 3:  # not-a-knot with three points: the parabola through them (its slope is linear in x and
            # equals each secant slope at the middle of its interval)
            curvature = (slope[1] - slope[0]) / (x[2] - x[0])  # p''/2
            s = np.stack([slope[0] - curvature * dx[0], slope[0] + curvature * dx[0], slope[1] + curvature * dx[1]])
        else:
            s = _not_a_knot_slopes(x, dx, slope)
        t = (s[:-1] + s[1:] - 2 * slope) / dx
        self.x = x
        self.c = np.stack([t / dx, (slope - s[:-1]) / dx - t, s[:-1], y[:-1]])

    @classmethod
    def from_coefficients(cls, x: np.ndarray, c: np.ndarray) -> CubicSpline:
        """The spline of knots ``x`` and piece coefficients ``c`` (4, pieces, ...) as :attr:`c` holds them, e.g. one
        column of a spline fitted to a 2-D table (the same spline as fitted to that column alone)."""
        spline = cls.__new__(cls)
        spline.x, spline.c = x, c
        return spline

    def __call__(self, xi: ArrayLike) -> np.ndarray:
        """The spline at ``xi`` (shape xi.shape + y.shape[1:]); the end pieces extend beyond the knots."""
        xi = np.asarray(xi, dtype=float)
        piece = np.clip(np.searchsorted(self.x, xi.ravel(), side="right") - 1, 0, self.x.size - 2)
        t = (xi.ravel() - self.x[piece]).reshape((-1,) + (1,) * (self.c.ndim - 2))
        c = self.c[:, piece]
        out = ((c[0] * t + c[1]) * t + c[2]) * t + c[3]
        return out.reshape(xi.shape + self.c.shape[2:])


def _not_a_knot_slopes(x: np.ndarray, dx: np.ndarray, slope: np.ndarray) -> np.ndarray:
    """The knot slopes of the not-a-knot spline (n >= 4): the tridiagonal system of C2 continuity with scipy's
    not-a-knot end rows, solved by elimination along the knots (the Thomas algorithm, vectorised over the other
    axes)."""
    n = x.size
    shape = (n,) + slope.shape[1:]
    lower, diag, upper, rhs = (np.zeros(shape) for _ in range(4))
    # interior rows i = 1 .. n-2: dx_i s_i-1 + 2 (dx_i-1 + dx_i) s_i + dx_i-1 s_i+1 = 3 (dx_i m_i-1 + dx_i-1 m_i)
    lower[1:-1] = dx[1:]
    diag[1:-1] = 2 * (dx[:-1] + dx[1:])
    upper[1:-1] = dx[:-1]
    rhs[1:-1] = 3 * (dx[1:] * slope[:-1] + dx[:-1] * slope[1:])
    d = x[2] - x[0]
    diag[0], upper[0] = dx[1], d
    rhs[0] = ((dx[0] + 2 * d) * dx[1] * slope[0] + dx[0] ** 2 * slope[1]) / d
    d = x[-1] - x[-3]
    lower[-1], diag[-1] = d, dx[-2]
    rhs[-1] = (dx[-1] ** 2 * slope[-2] + (2 * d + dx[-1]) * dx[-2] * slope[-1]) / d
    for i in range(1, n):  # forward elimination
        w = lower[i] / diag[i - 1]
        diag[i] = diag[i] - w * upper[i - 1]
        rhs[i] = rhs[i] - w * rhs[i - 1]
    s = np.empty(shape)
    s[-1] = rhs[-1] / diag[-1]
    for i in range(n - 2, -1, -1):  # back substitution
        s[i] = (rhs[i] - upper[i] * s[i + 1]) / diag[i]
    return s
