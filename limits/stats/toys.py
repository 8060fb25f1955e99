"""LHC-style frequentist toys with q~_mu, every toy's two fits batched (``limits.stats.fit``).

Definitions as pyhf's ``ToyCalculator`` (0.7.6): toys are drawn from the model at the conditional MLEs of the
observed data, at mu_test (s+b) and at mu = 0 (b only), auxiliary data randomised (normsys a ~ N(alpha, 1), shapesys
m ~ Poisson(gamma tau)); CLs+b and CLb count toys with q~ >= q~_obs (inclusive: it matters for discrete zero counts);
the expected CLs are taken at the b-only test-statistic quantiles Phi(2, 1, 0, -1, -2). Unlike pyhf's calculator
(one toy at a time, NumPy's global RNG, broken on numpy >= 2.4) the toys of one hypothesis are fitted together and
every random number comes from an explicit seed: the toys at (mass, mu index) use
``SeedSequence(seed, spawn_key=(shape key, mu index))`` (:func:`limits.stats.shapes.shape_seed`).

Limits: CLs is evaluated on a log grid of mu around the hybrid limit (toys seeded per mu point), and each curve's
crossing of 1 - CL is found by linear interpolation of ln CLs in mu, after enforcing monotonicity; ``cls`` (the
``--grid`` tables) uses the same seeds at every mu.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from limits.io.progress import progress_bar
from limits.stats.counting import CountingModel
from limits.stats.fit import BatchLikelihood, minimize
from limits.stats.hybrid import HybridCalculator
from limits.stats.interface import N_SIGMA, Calculator, CLsScan, MuLimit
from limits.stats.intervals import GridSearch, solve_curve, zero_background_guess

__all__ = ["CALIBRATION_INDEX", "ToyCalculator", "hypotest_point", "seconds_per_point"]

GRID_POINTS = 12
"""mu points of a toy limit (before any extension)."""

TOY_CHUNK = 5_000
"""Toys fitted together: memory ~14 kB per toy in a chunk, so ~70 MB whatever --ntoys (plus 16 bytes per toy kept).
Chunks of 5000 fit 10^4 toys 10 % faster than chunks of 20000 on the development machine (less memory traffic;
issue 21); the toys and their fits do not depend on the chunking (tested)."""

Q_SIGMA = -N_SIGMA  # b-only q~ quantile for each expected band: a large q~ (Phi(+2)) gives the -2 sigma limit


class ToyCalculator(Calculator):
    """Toy-based CLs for one counting model (registry name ``toys``).

    Args:
        counts: counting model (observed counts included).
        ntoys: toys per hypothesis and tested mu.
        seed: SeedSequence of this model (mass); mu point i uses a child with spawn key i appended (default
            ``SeedSequence(0)``).
        mu_max: upper bound of mu in the fits.
        n_grid: mu points of the limit search, log-spaced over [0.5, 3.5] x the hybrid limit (the toys' observed
            and -2 sigma limits lie above ~0.7 of it at NA64's counts, the +2 sigma one below ~3.4; the adaptive
            bracketing extends the grid where a curve is not crossed).
        progress: show a progress bar over the tested mu points (tqdm, stderr).
    """

    name = "toys"
    split_search = True
    description = ("LHC-style CLs with q~_mu from toys (as pyhf's ToyCalculator): toys at the conditional MLEs, "
                   "auxiliary data randomised")
    expected_bands = "quantiles of the background-only toy CLs distribution"

    def __init__(self, counts: CountingModel, ntoys: int = 10_000, seed: np.random.SeedSequence | None = None,
                 mu_max: float = 20.0, n_grid: int = GRID_POINTS, progress: bool = False):
        super().__init__(counts)
        seed = np.random.SeedSequence(0) if seed is None else seed
        self.n_grid = n_grid
        self.progress = progress
        self.bm = BatchLikelihood(counts, mu_max)
        self.ntoys = int(ntoys)
        self.seed = seed
        self.n_obs = counts.observed[None, :]
        self.aux_a, self.aux_m = self.bm.nominal_aux(1)
        self.free_obs = minimize(self.bm, self.bm.init(1), self.n_obs, self.aux_a, self.aux_m, fix_mu=False)

    @classmethod
    def create(cls, counts: CountingModel, *, ntoys: int, seed: np.random.SeedSequence | None) -> ToyCalculator:
        """A toy calculator with ``ntoys`` per hypothesis and mu point, seeded by ``seed``."""
        return cls(counts, ntoys, seed)

    def _qtilde(self, mu: float, n: np.ndarray, a: np.ndarray, m: np.ndarray,
                x_start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """q~_mu for a batch of datasets (toys or the observation)."""
        free = minimize(self.bm, x_start, n, a, m, fix_mu=False)
        x0 = free.x.copy()
        x0[:, 0] = mu
        cond = minimize(self.bm, x0, n, a, m, fix_mu=True)
        q = np.clip(cond.nll2 - free.nll2, 0.0, None)
        return np.where(free.x[:, 0] > mu, 0.0, q), free.converged & cond.converged

    def _sample(self, rngs: tuple[np.random.Generator, ...], pars: np.ndarray,
                size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``size`` datasets (main, normsys aux, shapesys aux) drawn at parameters ``pars`` (1, P), each kind from its
        own generator so that drawing in chunks gives the same toys as drawing at once."""
        bm = self.bm
        nu = bm.expected(pars)[0]
        n = rngs[0].poisson(nu, size=(size, nu.size)).astype(float)
        alpha = pars[0, 1:1 + bm.n_syst]
        a = rngs[1].normal(alpha, 1.0, size=(size, alpha.size))
        gamma = pars[0, 1 + bm.n_syst:]
        m = rngs[2].poisson(gamma * bm.counts.tau[bm.gamma_channels], size=(size, gamma.size)).astype(float)
        return n, a, m

    def _toy_qtilde(self, mu: float, seed: np.random.SeedSequence, pars: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """q~_mu of ``ntoys`` toys drawn at ``pars``, in chunks of :data:`TOY_CHUNK` (bounded memory)."""
        rngs = tuple(np.random.default_rng(s) for s in seed.spawn(3))
        q, ok = np.empty(self.ntoys), np.empty(self.ntoys, dtype=bool)
        for start in range(0, self.ntoys, TOY_CHUNK):
            size = min(TOY_CHUNK, self.ntoys - start)
            n, a, m = self._sample(rngs, pars, size)
            q[start:start + size], ok[start:start + size] = self._qtilde(mu, n, a, m, np.repeat(pars, size, axis=0))
        return q, ok

    def hypotest(self, mu: float, index: int) -> dict[str, Any]:
        """CLs (observed, expected 5) and CLs+b, CLb with their binomial errors at ``mu`` (mu-grid point ``index``)."""
        bm = self.bm
        q_obs, _ = self._qtilde(mu, self.n_obs, self.aux_a, self.aux_m, self.free_obs.x)
        x_mu = self.free_obs.x.copy()
        x_mu[:, 0] = mu
        fit_mu = minimize(bm, x_mu, self.n_obs, self.aux_a, self.aux_m, fix_mu=True)
        x_0 = self.free_obs.x.copy()
        x_0[:, 0] = 0.0
        fit_0 = minimize(bm, x_0, self.n_obs, self.aux_a, self.aux_m, fix_mu=True)
        seed_sb, seed_b = np.random.SeedSequence(self.seed.entropy, spawn_key=(*self.seed.spawn_key, index)).spawn(2)
        q_sb, ok_sb = self._toy_qtilde(mu, seed_sb, fit_mu.x)
        q_b, ok_b = self._toy_qtilde(mu, seed_b, fit_0.x)
        tol = 1e-9 * max(1.0, float(q_obs[0]))  # inclusive counting, robust to round-off at q = q_obs

        def tails(t: float) -> tuple[float, float]:
            return float(np.mean(q_sb >= t - tol)), float(np.mean(q_b >= t - tol))

        clsb, clb = tails(float(q_obs[0]))
        expected = []
        for ns in Q_SIGMA:
            t = np.percentile(q_b, 100 * _phi(ns), method="linear")
            e_sb, e_b = tails(t)
            expected.append(e_sb / e_b if e_b > 0 else 1.0)
        n_t = self.ntoys
        err = math.sqrt(clsb * (1 - clsb) / n_t + (clsb / max(clb, 1e-300)) ** 2 * clb * (1 - clb) / n_t) \
            / max(clb, 1e-300)
        return {"cls": clsb / clb if clb > 0 else 1.0, "cls_exp": expected, "clsb": clsb, "clb": clb,
                "cls_err": err, "converged": float(np.mean(ok_sb & ok_b))}

    def cls(self, mu: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """(observed (n,), expected (n, 5)) CLs from toys at each mu, every mu with the same seeds (index 0: common
        random numbers, so that a CLs curve, e.g. a ``--grid`` column, is smooth in mu; its points are correlated)."""
        mu = np.atleast_1d(np.asarray(mu, dtype=float))
        bar = progress_bar(mu.size, f"toys ({self.ntoys} per hypothesis)", self.progress, unit="mu")
        rows = [self.hypotest(float(m), 0) if m > 0 else {"cls": 1.0, "cls_exp": [1.0] * 5} for m in bar(mu)]
        return np.array([r["cls"] for r in rows]), np.array([r["cls_exp"] for r in rows]).reshape(mu.size, 5)

    def upper_limit(self, level: float) -> MuLimit:
        """CLs on a log grid of mu around the hybrid limit (same seeds at every mu), each curve's crossing of
        ``level`` by linear interpolation of ln CLs after enforcing monotonicity.

        Adaptive bracketing: while a curve does not cross ``level`` inside the grid (already below it at the lowest
        mu, or never below it), the grid is extended by 4 points per side by a factor 3.5 (at most 6 times), each new
        point with the next seed index, so no mass fails for want of a bracket. The Monte Carlo uncertainty of each
        limit is the binomial error of CLs at the crossing over the slope of the curve there (``mu_mc_err`` in the
        info, observed first, then the bands, whose CLs error is approximated by the observed curve's at the same
        mu); the expected limits are made non-decreasing from -2 to +2 sigma (a
        band's order can flip by toy fluctuations; the larger of two crossings is kept).

        The points are independent (each its own seed): :meth:`limit_search` and :meth:`limit_of_search` let a scan
        evaluate them anywhere (:func:`limits.stats.upper_limits.solve_shapes`), with the same result.
        """
        search = self.limit_search(level)
        with progress_bar(self.n_grid, f"toys ({self.ntoys} per hypothesis)", self.progress, unit="mu") as bar:
            while not search.done:
                for mu, index in search.pending:
                    search.add(mu, self.hypotest(mu, index))
                    bar.update()
                search.advance()
        return self.limit_of_search(search)

    def limit_search(self, level: float) -> GridSearch:
        """The grid search of :meth:`upper_limit`, before any point is evaluated: the first grid is
        :attr:`n_grid` points log-spaced over [0.5, 3.5] x the hybrid limit."""
        mu_hybrid = solve_curve(HybridCalculator(self.counts).cls_at, level, float(self.counts.signal.sum()))
        return GridSearch(level, mu_hybrid * np.geomspace(0.5, 3.5, self.n_grid))

    def point(self, mu: float, index: int) -> tuple[CountingModel, int, np.random.SeedSequence, float, int]:
        """The task of grid point ``index`` at ``mu`` for :func:`hypotest_point`."""
        return self.counts, self.ntoys, self.seed, float(mu), int(index)

    @staticmethod
    def evaluate_point(point: Any) -> dict[str, Any]:
        """:func:`hypotest_point`."""
        return hypotest_point(point)

    def limit_of_search(self, search: GridSearch) -> MuLimit:
        """The limits of a finished :meth:`limit_search`, with the toys' facts."""
        found = search.result()
        return MuLimit(found.obs, found.exp,
                       {"toys_per_point": self.ntoys, "mu_grid_points": len(found.rows),
                        "toy_fit_convergence": min(r.get("converged", 1.0) for r in found.rows),
                        "mu_mc_err": found.mc_err},
                       CLsScan(np.array(found.mu), np.array([r["cls"] for r in found.rows]),
                               np.array([r["cls_exp"] for r in found.rows])))


CALIBRATION_INDEX = 2**31
"""Point index of the toys :func:`seconds_per_point` times (never a grid point's index, so never a result's toys)."""


def seconds_per_point(counts: CountingModel, ntoys: int, seed: np.random.SeedSequence) -> float:
    """Wall time (s) of one grid point of :meth:`ToyCalculator.upper_limit` (two hypotheses x ``ntoys`` toys) on this
    machine, measured: after a warm-up, hypotests of 100 toys (the faster of two) and 1000 toys near the limit give the
    fixed and the per-toy cost, extrapolated linearly. Costs ~0.6 s; its toys use :data:`CALIBRATION_INDEX`, so they
    are never part of a result."""
    mu = 1.5 * float(zero_background_guess(0.1, float(counts.signal.sum())))
    ToyCalculator(counts, 20, seed).hypotest(mu, CALIBRATION_INDEX)  # first-call costs are not per toy
    times = []
    for n, repeats in ((100, 2), (1000, 1)):
        calc = ToyCalculator(counts, n, seed)
        best = math.inf
        for _ in range(repeats):  # the faster of two: a short timing is easily stretched by another process
            t0 = time.perf_counter()
            calc.hypotest(mu, CALIBRATION_INDEX)
            best = min(best, time.perf_counter() - t0)
        times.append(best)
    per_toy = max(times[1] - times[0], 0.0) / 900
    return max(times[0] - 100 * per_toy, 0.0) + per_toy * ntoys


def hypotest_point(point: tuple[CountingModel, int, np.random.SeedSequence, float, int]) -> dict[str, Any]:
    """:meth:`ToyCalculator.hypotest` of (counts, ntoys, seed, mu, point index): one grid point as a task that can
    run in any process (the point's toys depend on the seed and index only)."""
    counts, ntoys, seed, mu, index = point
    return ToyCalculator(counts, ntoys, seed).hypotest(mu, index)


def _phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))
