"""The one inversion of a limit on the signal to the coupling: every crossing of S(g) = target on a tabulated S(g).

S is the total expected signal including the decay factor (PRL 129 Eq. 6), so the yield is not ~ g^2 where the Z' is
long-lived: the excluded region is a lower boundary, and possibly an upper one or islands where S(g) is not monotonic.
The workspace build tabulates S on the coupling grid (:func:`limits.analysis.coupling_grid.signal_on_grid`); the scan
inverts that table (:class:`SignalCurve`) and never evaluates the physics again, and a reader of the published
likelihood inverts each patch's ``mu_vs_coupling`` table with the same code (:func:`coupling_for_mu`).

Interpolation: a cubic spline (not-a-knot) of ln S in ln g through the tabulated points. Measured on every built-in
model and analysis (200 masses, observed and expected limits): the crossings agree with the roots of the true S(g) to
<= 7e-7 relative (scripts in the issue-20 note); S(g) changes on scales of a decade in g (g^2 production, exp(-g^2)
decay factor), far wider than the 1/32-decade grid.
"""

from __future__ import annotations

import bisect
import functools
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from limits.errors import InputError
from limits.frozen import readonly
from limits.numerics import CubicSpline
from limits.stats.roots import solve_monotonic

__all__ = ["Inversion", "SignalCurve", "coupling_for_mu", "excluded_intervals", "invert_curves"]


@dataclass(frozen=True)
class Inversion:
    """Where a signal curve crosses one target.

    Attributes:
        crossings: couplings where S(g) = target, ascending (dimensionless).
        intervals: excluded [lo, hi] intervals (S above the target); lo = the table's lowest coupling when S is above
            the target there, hi = inf when the region is open above the table.
    """

    crossings: tuple[float, ...]
    intervals: tuple[tuple[float, float], ...]

    @property
    def lower_edge(self) -> float:
        """The smallest excluded coupling (NaN without an exclusion)."""
        return self.intervals[0][0] if self.intervals else math.nan


@dataclass(frozen=True, eq=False)
class SignalCurve:
    """S(g) at one mass as tabulated: total expected signal events (sum over runs, decay factor included) at
    ascending couplings (dimensionless; :func:`limits.analysis.coupling_grid.coupling_grid` in a scan).

    Between the tabulated points S is a cubic spline of ln S in ln g; where S = 0 (no signal at all) the spline is not
    used. Read-only.

    Example:
        >>> g = np.geomspace(1e-6, 1e-2, 129)
        >>> curve = SignalCurve(g, 1e6 * g**2)                  # prompt decays: S ~ g^2
        >>> round(curve.invert([2.303])[0].crossings[0] / math.sqrt(2.303e-6), 9)
        1.0
    """

    coupling: np.ndarray
    events: np.ndarray

    def __post_init__(self) -> None:
        g = np.array(self.coupling, dtype=float)
        s = np.array(self.events, dtype=float)
        if g.ndim != 1 or g.shape != s.shape or g.size < 2:
            raise InputError("events", f"S must be tabulated at every coupling: shapes {g.shape} and {s.shape}")
        if not (np.all(g > 0) and np.all(np.diff(g) > 0)):
            raise InputError("coupling", "couplings must be positive and ascending")
        if not np.all(np.isfinite(s) & (s >= 0)):
            raise InputError("events", "the signal must be finite and >= 0 events")
        object.__setattr__(self, "coupling", readonly(g))
        object.__setattr__(self, "events", readonly(s))

    @functools.cached_property
    def _spline(self) -> CubicSpline | None:
        """ln S vs ln g through the points with S > 0 (None with fewer than two)."""
        positive = self.events > 0
        if positive.sum() < 2:
            return None
        return CubicSpline(np.log(self.coupling[positive]), np.log(self.events[positive]))

    @functools.cached_property
    def _pieces(self) -> tuple[list[float], list[list[float]]]:
        """The spline's knots (ln g) and per piece its cubic's coefficients, highest power first, as Python floats,
        for the scalar searches around a spline peak between two tabulated points (:meth:`_peak`, :meth:`_root`)."""
        spline = self._spline
        assert spline is not None
        return [float(x) for x in spline.x], np.asarray(spline.c).T.tolist()

    def _ln_events(self, ln_g: float) -> float:
        """ln S at ln g (inside the knots): the cubic of its piece, Horner's rule."""
        knots, coefficients = self._pieces
        j = min(max(bisect.bisect_right(knots, ln_g) - 1, 0), len(coefficients) - 1)
        c3, c2, c1, c0 = coefficients[j]
        t = ln_g - knots[j]
        return ((c3 * t + c2) * t + c1) * t + c0

    def __call__(self, g: ArrayLike) -> np.ndarray:
        """S (events) at couplings ``g``: the spline inside the table, 0 where the table has no signal, NaN outside
        the tabulated couplings (no extrapolation)."""
        g = np.asarray(g, dtype=float)
        out = np.full(g.shape, np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.log(g)
        in_table = (g >= self.coupling[0]) & (g <= self.coupling[-1])
        out[in_table] = 0.0
        spline = self._spline
        if spline is not None:
            inside = in_table & (x >= spline.x[0]) & (x <= spline.x[-1])
            out[inside] = np.exp(spline(x[inside]))
        return out

    def _root(self, target: float, a: float, b: float) -> float:
        """g in [a, b] where the spline crosses ``target`` (a bracket of it)."""
        return solve_monotonic(lambda g: self._ln_events(math.log(g)), math.log(target), a, bracket=(a, b),
                               rtol=1e-12)

    def _peak(self, i: int) -> tuple[float, float]:
        """(g, S) at the spline's maximum near the tabulated local maximum ``i``."""
        from scipy.optimize import minimize_scalar  # where used: importing the module stays light

        x = np.log(self.coupling)
        lo, hi = float(x[i - 1]), float(x[i + 1])
        res = minimize_scalar(lambda t: -self._ln_events(t), bounds=(lo, hi), method="bounded",
                              options={"xatol": 1e-10})
        return math.exp(float(res.x)), math.exp(-float(res.fun))

    def invert(self, targets: ArrayLike) -> list[Inversion]:
        """Every crossing of each target (events) and the excluded intervals where S is above it
        (:func:`invert_curves` of this curve alone)."""
        return invert_curves([self], [targets])[0]


def _cubic_roots(x0: np.ndarray, h: np.ndarray, c: np.ndarray) -> np.ndarray:
    """ln g = x0 + t at the root of each cubic c[0] t^3 + c[1] t^2 + c[2] t + c[3] (columns) on [0, h], which has one
    sign change there: Newton's method kept inside the bracket (a bisection step wherever Newton would leave it), all
    at once, to the last bits of ln g."""
    c3, c2, c1, c0 = c
    lo, hi = np.zeros(h.size), h.copy()
    rising = ((c3 * hi + c2) * hi + c1) * hi + c0 > 0  # f(0) < 0 < f(h), else the reverse
    t = hi * c0 / (c0 - (((c3 * hi + c2) * hi + c1) * hi + c0))  # start on the chord
    active = np.ones(h.size, dtype=bool)
    for _ in range(100):
        f = ((c3 * t + c2) * t + c1) * t + c0
        below = (f < 0) == rising  # the root lies above t
        lo, hi = np.where(below, t, lo), np.where(below, hi, t)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = t - f / ((3.0 * c3 * t + 2.0 * c2) * t + c1)
        step = np.where((newton > lo) & (newton < hi), newton, 0.5 * (lo + hi))
        converged = np.abs(step - t) <= 4 * np.finfo(float).eps * np.maximum(np.abs(x0 + t), 1.0)
        # a converged root is left where it is: each root's iterates are its own, whatever else is solved with it
        t = np.where(active, step, t)
        active &= ~converged
        if not active.any():
            break
    return x0 + t


def _spline_coefficients(curves: Sequence[SignalCurve]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(knots, coefficients (4, pieces)) of each curve's spline. Curves with a signal at every point of one coupling
    grid (every curve of a scan) share one spline fit (:class:`limits.numerics.CubicSpline` fits each column of a 2-D
    table with the operations it uses for one, so a curve's coefficients do not depend on the others)."""
    out: list[tuple[np.ndarray, np.ndarray]] = []
    full = [k for k, c in enumerate(curves) if np.all(c.events > 0)]
    shared = full and all(np.array_equal(curves[k].coupling, curves[full[0]].coupling) for k in full)
    columns: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    if shared and len(full) > 1:
        x = np.log(curves[full[0]].coupling)
        fit = CubicSpline(x, np.log(np.stack([curves[k].events for k in full], axis=1)))
        columns = {k: (fit.x, fit.c[:, :, j]) for j, k in enumerate(full)}
        for k, (knots, coefficients) in columns.items():
            # the curve's own spline is this column (the same values): remembered, so that reading S(g) off the
            # curve (--grid columns) does not fit it again; what functools.cached_property itself would store
            curves[k].__dict__.setdefault("_spline", CubicSpline.from_coefficients(knots, coefficients))
    for k, curve in enumerate(curves):
        if k in columns:
            out.append(columns[k])
        else:
            spline = curve._spline
            out.append((np.empty(0), np.empty((4, 0))) if spline is None else (spline.x, spline.c))
    return out


def invert_curves(curves: Sequence[SignalCurve], targets: Sequence[ArrayLike]) -> list[list[Inversion]]:
    """For each curve, every crossing of each of its targets (events) and the excluded intervals where S is above it.

    Each crossing is bracketed by the tabulated points and solved on the spline (all crossings of all curves in one
    vectorised solve, :func:`_cubic_roots`); where one of the two points has no signal at all (S falling to 0
    within a cell, which no physical S(g) does) it is their geometric midpoint. A tabulated local maximum within a
    factor 2 below a target is refined on the spline, so that a peak between two points that rises above the target
    is not lost (S changes by far less than x2 between neighbouring points near a maximum).

    Args:
        curves: the signal curves (a scan task's masses).
        targets: per curve, the events to exclude (observed and expected: mu_up x S(g_ref)).
    """
    wanted = [[float(t) for t in np.atleast_1d(np.asarray(ts, dtype=float))] for ts in targets]
    for target in (t for ts in wanted for t in ts):
        if not (math.isfinite(target) and target > 0):
            raise InputError("targets", f"events to exclude must be finite and > 0, got {target:g}")
    # per (curve, target): the tabulated cells it crosses, the geometric midpoints as a start
    found: list[list[np.ndarray]] = []
    solve: list[tuple[int, int, np.ndarray, np.ndarray]] = []  # (curve, target, mask in found, cells)
    for k, (curve, ts) in enumerate(zip(curves, wanted)):
        g, s = curve.coupling, curve.events
        with np.errstate(divide="ignore"):
            ln_s = np.log(s)
        found.append([])
        for j, target in enumerate(ts):
            cells = np.nonzero(np.diff(ln_s > math.log(target)))[0]
            found[k].append(np.sqrt(g[cells] * g[cells + 1]))
            on_spline = (s[cells] > 0) & (s[cells + 1] > 0)
            if on_spline.any():
                solve.append((k, j, on_spline, cells[on_spline]))
    if solve:
        splines = _spline_coefficients(curves)
        x0: list[np.ndarray] = []
        h: list[np.ndarray] = []
        c: list[np.ndarray] = []
        for k, j, _, cells in solve:
            knots, coef = splines[k]
            piece = np.clip(np.searchsorted(knots, np.log(curves[k].coupling[cells]), side="right") - 1, 0,
                            knots.size - 2)
            x0.append(knots[piece])
            h.append(knots[piece + 1] - knots[piece])
            c.append(coef[:, piece] - np.array([[0.0], [0.0], [0.0], [math.log(wanted[k][j])]]))
        roots = np.exp(_cubic_roots(np.concatenate(x0), np.concatenate(h), np.concatenate(c, axis=1)))
        start = 0
        for k, j, on_spline, cells in solve:
            found[k][j][on_spline] = roots[start:start + cells.size]
            start += cells.size
    out = []
    for curve, ts, rows in zip(curves, wanted, found):
        g, s = curve.coupling, curve.events
        maxima = np.nonzero((s[1:-1] >= s[:-2]) & (s[1:-1] > s[2:]))[0] + 1
        inversions = []
        for target, row in zip(ts, rows):
            crossings = [float(x) for x in row]
            for i in maxima[(s[maxima] > 0.5 * target) & (s[maxima] < target)]:
                g_peak, s_peak = curve._peak(int(i))
                if s_peak > target:  # a peak that only the spline shows above the target
                    crossings += [curve._root(target, float(g[i - 1]), g_peak),
                                  curve._root(target, g_peak, float(g[i + 1]))]
            crossings.sort()
            intervals = excluded_intervals(crossings, float(g[0]) if s[0] > target else None)
            inversions.append(Inversion(tuple(crossings), tuple((lo, hi) for lo, hi in intervals)))
        out.append(inversions)
    return out


def excluded_intervals(crossings: Sequence[float], excluded_from: float | None) -> list[list[float]]:
    """Excluded [lo, hi] intervals from ascending boundary crossings; ``excluded_from`` is the scan's lower edge if
    the region starts excluded there (else None). An interval left open at the top ends at infinity."""
    intervals: list[list[float]] = []
    start = excluded_from
    for c in crossings:
        if start is None:
            start = c
        else:
            intervals.append([start, c])
            start = None
    if start is not None:
        intervals.append([start, math.inf])
    return intervals


def coupling_for_mu(patch_metadata: Mapping[str, Any], mu: float) -> float:
    """The smallest coupling at which a published patch's signal is ``mu`` times its own, from the patch's
    ``mu_vs_coupling`` table: how a limit on mu from the published likelihood alone becomes one on the coupling,
    decay factor included, with the scan's inversion code (:meth:`SignalCurve.invert` of mu(g) = N(m, g)/N(m, g_ref)).
    The table is coarser than the scan's (61 points over +-1.5 decades, 6 significant digits): the couplings agree
    with the scan's to ~1e-6 (4e-6 at most over the 1200 limits of a built-in scan).

    Args:
        patch_metadata: a patch's ``metadata`` (``patchset.json``), with its ``mu_vs_coupling`` table.
        mu: the signal strength (> 0).

    Raises:
        InputError: naming ``mu``: not a number > 0, or not crossed inside the table (above its largest mu, or
            reached already at its smallest coupling); naming ``patch_metadata``: no table.
    """
    table = patch_metadata.get("mu_vs_coupling") if isinstance(patch_metadata, Mapping) else None
    if not isinstance(table, Mapping) or "mu" not in table or len(table) != 2:
        raise InputError("patch_metadata", "has no mu_vs_coupling table (a patchset written by `limits workspace`)")
    mus = np.asarray(table["mu"], dtype=float)
    couplings = np.asarray(next(v for k, v in table.items() if k != "mu"), dtype=float)
    if isinstance(mu, bool) or not isinstance(mu, numbers.Real) or not (math.isfinite(mu) and mu > 0):
        raise InputError("mu", f"must be a finite number > 0, got {mu!r}")
    mu = float(mu)
    (inv,) = SignalCurve(couplings, mus).invert([mu])
    if not inv.intervals:
        raise InputError("mu", f"{mu:g} is above the largest signal strength of the table ({mus.max():g}, couplings "
                               f"{couplings[0]:g} to {couplings[-1]:g}): the limit lies above its couplings")
    if inv.intervals[0][0] == couplings[0]:
        raise InputError("mu", f"{mu:g} is reached already at the table's smallest coupling ({couplings[0]:g}, where "
                               f"mu = {mus[0]:g}): the limit lies below its couplings")
    return inv.intervals[0][0]
