"""Asymptotic CLs with the q~_mu test statistic (Cowan, Cranmer, Gross, Vitells, EPJC 71, 1554 (2011)), via pyhf.

pyhf's calculator is used as is (its Asimov dataset is post-fit). pyhf's ``upper_limit`` is not used: in 0.7.6 it
ignores ``level``. Never evaluated at mu = 0 (qtilde 0/0, pyhf #1992/#2725): CLs(0) = 1.
"""

from __future__ import annotations

import numpy as np
import pyhf

__all__ = ["cls_asymptotic"]


def cls_asymptotic(model, data, mu: float) -> tuple[float, np.ndarray]:
    """(observed CLs, expected CLs at -2, -1, 0, +1, +2 sigma) at signal strength ``mu`` > 0."""
    if mu <= 0:
        return 1.0, np.ones(5)
    obs, expected = pyhf.infer.hypotest(float(mu), data, model, test_stat="qtilde", calctype="asymptotics",
                                        return_expected_set=True)
    return float(obs), np.array([float(e) for e in expected])


class BatchAsymptotic:
    """pyhf's asymptotic q~_mu calculator, re-implemented on :mod:`limits.stats.fit` for a batch of signals.

    Same definitions as pyhf 0.7.6 (``AsymptoticCalculator`` with ``test_stat="qtilde"``): q~ from a conditional fit
    at mu and a free fit with mu in [0, mu_max] (0 if mu_hat > mu); the Asimov dataset at mu = 0 with the nuisance
    parameters fitted to the observed data (post-fit), auxiliary data included; in sqrt(q) space
    t = sqrt(q) - sqrt(qA) if sqrt(q) <= sqrt(qA) else (q - qA)/(2 sqrt(qA)); CLs+b = Phi(-(t + sqrt(qA))),
    CLb = Phi(-t); expected CLs at t = 2, 1, 0, -1, -2 (the -2..+2 sigma limits). Agreement with pyhf's calculator
    is tested to 1e-4.

    Args:
        model: counting model (its structure; observed counts from it).
        signals: (B, J) signals at mu = 1 of the datasets (e.g. one per mass).
    """

    def __init__(self, model, signals: np.ndarray, mu_max: float = 20.0):
        from limits.stats.fit import BatchModel, minimize

        self.bm = BatchModel(model, mu_max)
        self.signals = np.atleast_2d(signals)
        b = self.signals.shape[0]
        self.n_obs = np.tile(model.observed, (b, 1))
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
        self.aux_m_asimov = theta0[:, 1 + self.bm.n_syst:] * model.tau[self.bm.gamma_channels]
        self.free_asimov = minimize(self.bm, theta0, self.n_asimov, self.aux_a_asimov, self.aux_m_asimov,
                                    fix_mu=False, signal=self.signals)
        self.converged = free.converged & bkg.converged & self.free_asimov.converged

    def cls(self, mu: np.ndarray, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(observed CLs (n,), expected CLs (n, 5)) at mu (n,) for datasets ``rows`` (default: all, n = B)."""
        from scipy.special import ndtr

        from limits.stats.fit import minimize

        rows = np.arange(self.signals.shape[0]) if rows is None else np.asarray(rows)
        mu = np.asarray(mu, dtype=float)

        def qtilde(n, a, m, free):
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
        obs = ndtr(-(t + sqa)) / ndtr(-t)
        n_sigma = np.array([2.0, 1.0, 0.0, -1.0, -2.0])
        exp = ndtr(-(n_sigma[None, :] + sqa[:, None])) / ndtr(-n_sigma)[None, :]
        return np.where(mu > 0, obs, 1.0), np.where(mu[:, None] > 0, exp, 1.0)
