"""Asymptotic CLs with the q~_mu test statistic (Cowan, Cranmer, Gross, Vitells, EPJC 71, 1554 (2011)).

pyhf's definitions (``AsymptoticCalculator``, ``test_stat="qtilde"``, 0.7.6) re-implemented on the batched fits of
:mod:`limits.stats.fit`, so that many masses are fitted together; agreement with pyhf's own calculator is tested
(:mod:`limits.stats.pyhf_calculator` keeps pyhf's path for that). pyhf's ``upper_limit`` is not used: in 0.7.6 it
ignores ``level``. Never evaluated at mu = 0 (q~ is 0/0 there, pyhf #1992/#2725): CLs(0) = 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from limits.numerics import normal_cdf
from limits.stats.counting import CountingModel
from limits.stats.fit import BatchLikelihood, FitResult, minimize
from limits.stats.interface import N_SIGMA, Calculator, MuLimit
from limits.stats.intervals import solve_curves

__all__ = ["AsymptoticCalculator", "BatchAsymptotic"]


class BatchAsymptotic:
    """pyhf's asymptotic q~_mu calculator, re-implemented on :mod:`limits.stats.fit` for a batch of signals.

    Same definitions as pyhf 0.7.6 (``AsymptoticCalculator`` with ``test_stat="qtilde"``): q~ from a conditional fit
    at mu and a free fit with mu in [0, mu_max] (0 if mu_hat > mu); the Asimov dataset at mu = 0 with the nuisance
    parameters fitted to the observed data (post-fit), auxiliary data included; in sqrt(q) space
    t = sqrt(q) - sqrt(qA) if sqrt(q) <= sqrt(qA) else (q - qA)/(2 sqrt(qA)); CLs+b = Phi(-(t + sqrt(qA))),
    CLb = Phi(-t); expected CLs at t = 2, 1, 0, -1, -2 (the -2..+2 sigma limits). Agreement with pyhf's calculator
    is tested to 1e-4.

    Args:
        counts: counting model (its structure; observed counts from it).
        signals: (B, J) signals at mu = 1 of the datasets (e.g. one per mass).
    """

    def __init__(self, counts: CountingModel, signals: np.ndarray, mu_max: float = 20.0):
        self.bm = BatchLikelihood(counts, mu_max)
        self.signals = np.atleast_2d(signals)
        b = self.signals.shape[0]
        self.n_obs = np.tile(counts.observed, (b, 1))
        self.aux_a, self.aux_m = self.bm.nominal_aux(b)
        free = minimize(self.bm, self.bm.init(b), self.n_obs, self.aux_a, self.aux_m, fix_mu=False,
                        signal=self.signals)
        self.free_obs = free
        bkg = minimize(self.bm, self.bm.init(b, 0.0), self.n_obs, self.aux_a, self.aux_m, fix_mu=True,
                       signal=self.signals)
        # Asimov at mu = 0, nuisances post-fit: main data = nu(theta_0), aux = the fitted nuisances
        theta0 = bkg.x
        self.n_asimov = self.bm.expected(theta0, self.signals)
        self.aux_a_asimov = theta0[:, 1:1 + self.bm.n_syst].copy()
        self.aux_m_asimov = theta0[:, 1 + self.bm.n_syst:] * counts.tau[self.bm.gamma_channels]
        self.free_asimov = minimize(self.bm, theta0, self.n_asimov, self.aux_a_asimov, self.aux_m_asimov,
                                    fix_mu=False, signal=self.signals)
        self.converged = free.converged & bkg.converged & self.free_asimov.converged

    def cls(self, mu: np.ndarray, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(observed CLs (n,), expected CLs (n, 5)) at mu (n,) for datasets ``rows`` (default: all, n = B)."""
        rows = np.arange(self.signals.shape[0]) if rows is None else np.asarray(rows)
        mu = np.asarray(mu, dtype=float)

        def qtilde(n: np.ndarray, a: np.ndarray, m: np.ndarray, free: FitResult) -> np.ndarray:
            x0 = free.x[rows].copy()
            x0[:, 0] = mu
            cond = minimize(self.bm, x0, n[rows], a[rows], m[rows], fix_mu=True, signal=self.signals[rows])
            q = np.clip(cond.nll2 - free.nll2[rows], 0.0, None)
            return np.where(free.x[rows, 0] > mu, 0.0, q)

        q = qtilde(self.n_obs, self.aux_a, self.aux_m, self.free_obs)
        qa = qtilde(self.n_asimov, self.aux_a_asimov, self.aux_m_asimov, self.free_asimov)
        sq, sqa = np.sqrt(q), np.sqrt(qa)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(sq <= sqa, sq - sqa, (q - qa) / (2 * sqa))
        obs = normal_cdf(-(t + sqa)) / normal_cdf(-t)
        n_sigma = -N_SIGMA  # t = +2 is the -2 sigma expected limit
        exp = normal_cdf(-(n_sigma[None, :] + sqa[:, None])) / normal_cdf(-n_sigma)[None, :]
        return np.where(mu > 0, obs, 1.0), np.where(mu[:, None] > 0, exp, 1.0)


class AsymptoticCalculator(Calculator):
    """Asymptotic CLs (registry name ``asymptotic``): :class:`BatchAsymptotic` for one counting model, and for a
    batch of them sharing the background-only part in :meth:`upper_limits`.

    Args:
        counts: the counting model (observed counts included).
        mu_max: upper bound of mu in the fits (the workspaces' POI bound).
    """

    name = "asymptotic"
    description = "asymptotic CLs with q~_mu (Cowan, Cranmer, Gross, Vitells 2011), profile likelihood as pyhf"
    batch_size = 50  # masses fitted together in one scan task
    expected_bands = "pyhf asymptotic (Asimov, post-fit to the observed data)"

    def __init__(self, counts: CountingModel, mu_max: float = 20.0):
        super().__init__(counts)
        self._batch = BatchAsymptotic(counts, counts.signal[None, :], mu_max)

    def cls(self, mu: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """(observed (n,), expected (n, 5)) CLs at each mu; mu is capped at ``mu_max`` as pyhf's bounds do."""
        mu = np.atleast_1d(np.asarray(mu, dtype=float))
        capped = np.where(mu > 1e-12, np.minimum(mu, self._batch.bm.mu_max), 0.0)
        return self._batch.cls(capped, np.zeros(mu.size, dtype=int))

    def upper_limit(self, level: float) -> MuLimit:
        """Observed and expected mu_up (vectorised root finding over the six curves)."""
        return self.upper_limits([self.counts], level, ntoys=0, seeds=[None])[0]

    @classmethod
    def upper_limits(cls, counts: Sequence[CountingModel], level: float, *, ntoys: int,
                     seeds: Sequence[np.random.SeedSequence | None]) -> list[MuLimit]:
        """Limits for several models with a common structure: one batch of fits and one batched root search."""
        signals = np.array([c.signal for c in counts])
        calc = BatchAsymptotic(counts[0], signals)
        roots = solve_curves(calc.cls, level, signals.sum(axis=1), mu_max=calc.bm.mu_max)
        return [MuLimit(float(r[0]), tuple(float(v) for v in r[1:]), {"fits_converged": bool(ok)})
                for r, ok in zip(roots, calc.converged)]
