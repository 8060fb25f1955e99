"""Poisson probabilities averaged over a discrete set of scale factors, as a function of the expected count: the
channel-local nuisance integral of the hybrid calculator (:mod:`limits.stats.hybrid`), tabulated once per set of
factors so that it costs the same for every signal shape.

For quadrature nodes f_l > 0 with weights w_l (the product of a channel's code4 factors at Gauss-Hermite nodes),

    P_k(x) = sum_l w_l Pois(k | x f_l) = sum_l w_l (x f_l)^k exp(-x f_l) / k!,      k = 0, 1, ...

is a smooth function of t = ln x whose derivatives follow from the Poisson recursion, exactly:

    dP_k/dt   = k P_k - (k + 1) P_(k+1)
    d2P_k/dt2 = k^2 P_k - (k + 1)(2k + 1) P_(k+1) + (k + 1)(k + 2) P_(k+2)

so P_0..P_(K+2) on a uniform grid in t give a quintic Hermite interpolant of P_0..P_K (value, first and second
derivative matched at every node; C2). Its error is at most h^6 max|d6P/dt6| / 46080 (h the step): below 1e-13
absolute at :data:`STEP` (3e-14 measured for NA64's channels up to k = 8; tested against the direct sum), far below
the root finder's last bracket (1e-8 in ln mu) and the cross-machine tolerance (2e-5). Below the grid
(x f_max < :data:`TAYLOR_XF`) the Taylor series in x with the moments M_n = sum_l w_l f_l^n is used (in units of
f_max); above it (x f_min > :data:`UNDERFLOW_XF`) every P_k with k <= :data:`K_MAX` is below 1e-300 and returned as 0.

Why a table: a hybrid limit evaluates these sums at every (mu, global node, channel) of a root search; with two
channel-local systematics (400 nodes) the direct sum made a scan with a signal shape per mass 12x slower than one
whose masses share a shape (issue 21). The table makes an evaluation cost a few multiplications whatever the number of
nodes, and it depends on the factors only, so every shape, mass and task of a process shares it.
"""

from __future__ import annotations

import math
import threading

import numpy as np

from limits.memo import ProcessMemo

__all__ = ["K_MAX", "STEP", "TAYLOR_XF", "UNDERFLOW_XF", "PoissonMixture", "poisson_mixture"]

STEP = 0.01
"""Grid step in t = ln x of the interpolation table."""

TAYLOR_XF = 1e-3
"""Below x f_max = TAYLOR_XF the Taylor series (:data:`_TAYLOR_TERMS` terms, relative error < 1e-30) replaces the
table."""

UNDERFLOW_XF = 2000.0
"""Above x f_min = UNDERFLOW_XF every P_k (k <= :data:`K_MAX`) is < 1e-300: returned as 0."""

K_MAX = 150
"""Largest count the table serves: (K_MAX + 2) ln(UNDERFLOW_XF) - UNDERFLOW_XF < ln(1e-300). Larger counts are
summed directly (:meth:`PoissonMixture.direct`)."""

_TAYLOR_TERMS = 12


def _hermite_coefficients(y: np.ndarray, d: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Monomial coefficients c_0..c_5 in u = (t - t_i)/h of the quintic through (y, d, s) at both ends of each interval
    (value, h dy/dt, h^2 d2y/dt2 along axis 0): shape (n - 1, ..., 6)."""
    y0, y1, d0, d1, s0, s1 = y[:-1], y[1:], d[:-1], d[1:], s[:-1], s[1:]
    dy = y1 - y0
    return np.stack([y0, d0, 0.5 * s0,
                     10.0 * dy - 6.0 * d0 - 4.0 * d1 - 0.5 * (3.0 * s0 - s1),
                     -15.0 * dy + 8.0 * d0 + 7.0 * d1 + 0.5 * (3.0 * s0 - 2.0 * s1),
                     6.0 * dy - 3.0 * d0 - 3.0 * d1 - 0.5 * (s0 - s1)], axis=-1)


class PoissonMixture:
    """P_k(x) = sum_l w_l Pois(k | x f_l) for factors f_l >= 0 and weights w_l (see the module docstring).

    Args:
        factors: the scale factors f_l (dimensionless, >= 0).
        weights: their weights w_l.

    Example:
        One factor 1 with weight 1 is the Poisson distribution itself:

        >>> import numpy as np
        >>> mix = PoissonMixture(np.array([1.0]), np.array([1.0]))
        >>> p = mix.pmf(np.array([2.0]), 2)[0]
        >>> bool(np.allclose(p, np.exp(-2.0) * np.array([1.0, 2.0, 2.0]), rtol=1e-12, atol=0))
        True
    """

    def __init__(self, factors: np.ndarray, weights: np.ndarray):
        f = np.asarray(factors, dtype=float).ravel()
        w = np.asarray(weights, dtype=float).ravel()
        if f.shape != w.shape or f.size == 0 or (f < 0).any() or not np.isfinite(f).all():
            raise ValueError("factors must be finite, >= 0 and as many as the weights")
        self._at_zero = float(w[f == 0].sum())  # a factor 0 contributes to k = 0 only, at every x
        self._f, self._w = f[f > 0], w[f > 0]
        self._lock = threading.Lock()
        self._coef = np.zeros((6, 0, 0))  # (6, k, intervals), built on first use up to the largest k asked for
        if self._f.size:
            self._t0 = math.log(TAYLOR_XF / float(self._f.max()))
            t_end = math.log(UNDERFLOW_XF / float(self._f.min()))
            self._n = int(math.ceil((t_end - self._t0) / STEP)) + 1
            self._x_hi = math.exp(self._t0 + STEP * (self._n - 1))
            self._x_lo = math.exp(self._t0)
            scaled = self._f / float(self._f.max())  # moments of f/f_max: <= 1, no overflow
            self._moments = np.array([float(np.sum(self._w * scaled**n)) for n in range(K_MAX + _TAYLOR_TERMS + 1)])

    def direct(self, x: np.ndarray, k_max: int) -> np.ndarray:
        """The sum over the factors itself, shape x.shape + (k_max + 1,) (the table's reference; large counts)."""
        lam = np.asarray(x, dtype=float)[..., None] * self._f
        p = np.exp(-lam) * self._w
        out = np.empty(np.shape(x) + (k_max + 1,))
        out[..., 0] = p.sum(axis=-1) + self._at_zero
        for k in range(1, k_max + 1):
            p = p * lam / k
            out[..., k] = p.sum(axis=-1)
        return out

    def _table(self, k_max: int) -> np.ndarray:
        """Hermite coefficients for k = 0..(at least) k_max; the grid does not depend on k, so a coefficient's value
        does not depend on how far the table was built."""
        with self._lock:
            if self._coef.shape[1] <= k_max:
                k_top = max(k_max, 2 * self._coef.shape[1], 8)  # build ahead: a larger count rebuilds rarely
                t = self._t0 + STEP * np.arange(self._n)
                p = self.direct(np.exp(t), min(k_top, K_MAX) + 2)
                p[:, 0] -= self._at_zero
                k = np.arange(p.shape[1] - 2)
                value = p[:, :-2]
                d1 = k * p[:, :-2] - (k + 1) * p[:, 1:-1]
                d2 = k**2 * p[:, :-2] - (k + 1) * (2 * k + 1) * p[:, 1:-1] + (k + 1) * (k + 2) * p[:, 2:]
                self._coef = np.ascontiguousarray(
                    np.moveaxis(_hermite_coefficients(value, STEP * d1, STEP**2 * d2), (0, 2), (2, 0)))
            return self._coef

    def pmf(self, x: np.ndarray, k_max: int) -> np.ndarray:
        """P_0..P_k_max at each expected count ``x`` >= 0 (events), shape x.shape + (k_max + 1,).

        Element-wise in x: an element's value does not depend on the others."""
        x = np.asarray(x, dtype=float)
        if k_max > K_MAX or self._f.size == 0:
            return self.direct(x, k_max)
        out = np.zeros(x.shape + (k_max + 1,))
        low = x < self._x_lo
        mid = ~low & (x < self._x_hi)
        if low.any():  # y^k/k! sum_m (-y)^m M'_(k+m)/m!, y = x f_max, M'_n = sum_l w_l (f_l/f_max)^n
            xl = x[low] * float(self._f.max())
            series = np.zeros(xl.shape + (k_max + 1,))
            term = np.ones_like(xl)
            for m in range(_TAYLOR_TERMS):
                series += term[:, None] * self._moments[m:m + k_max + 1]
                term = term * (-xl) / (m + 1)
            power = np.ones_like(xl)
            for k in range(k_max + 1):
                series[:, k] *= power
                power = power * xl / (k + 1)
            out[low] = series
        if mid.any():
            coef = self._table(k_max)  # (6, k, intervals): each coefficient of each k a contiguous row to gather from
            every = bool(mid.all())  # the usual case: no mask to gather or scatter through
            pos = (np.log(x if every else x[mid]).ravel() - self._t0) / STEP
            i = np.clip(np.floor(pos).astype(int), 0, self._n - 2)
            u = pos - i
            value = coef[5, : k_max + 1].take(i, axis=1)  # (k, points)
            for j in (4, 3, 2, 1, 0):
                value = value * u + coef[j, : k_max + 1].take(i, axis=1)
            value = np.maximum(value, 0.0).T  # an interpolant may dip below 0 by rounding where P_k ~ 1e-300
            if every:
                out = np.ascontiguousarray(value).reshape(out.shape)
            else:
                out[mid] = value
        out[..., 0] += self._at_zero
        return out


_MIXTURES: ProcessMemo[PoissonMixture] = ProcessMemo(256)


def poisson_mixture(factors: np.ndarray, weights: np.ndarray) -> PoissonMixture:
    """The :class:`PoissonMixture` of these factors and weights, shared by every caller in this process (its table is
    built once)."""
    f = np.ascontiguousarray(factors, dtype=float)
    w = np.ascontiguousarray(weights, dtype=float)
    return _MIXTURES.get(f.tobytes() + b"|" + w.tobytes(), lambda: PoissonMixture(f, w))
