"""Hybrid CLs for counting experiments: total-count test statistic, nuisance parameters integrated over their
constraints (registry name ``hybrid``; ``exact`` is an alias kept for old commands and results).

Why "hybrid" and not "exact": the counting probabilities are exact, but the nuisances are averaged over priors (a
Bayesian step inside a frequentist test, Cousins & Highland), and the test statistic is the total count, not the LHC
q~_mu. At NA64's zero observed events it excludes ~2.33 events, where LHC-style toys exclude ~2.1 and asymptotics
~1.75: the most conservative of the three, and the one that reproduces the published limits.

Test statistic: the total count N = sum_j n_j (fewer events = less signal-like). For the all-zero observation of
NA64 this ordering coincides with q~_mu: the all-zero outcome is the least signal-like for both, so the p-values are
the probabilities of observing nothing (stats notes §3):

    CLs+b(mu) = P(N = 0 | mu) = E[exp(-mu S(theta) - B(theta))],   CLb = E[exp(-B(theta))],   CLs = E[exp(-mu S(theta))]

when signal and background nuisances are independent; without systematics CLs = exp(-mu S), i.e. S_up = ln 10 =
2.303 events at 90 % CL for any background. For N_obs > 0 (the expected bands)
CLs = P(N <= N_obs | mu)/P(N <= N_obs | 0).

Nuisance treatment ("hybrid", Cousins & Highland, NIM A320, 331 (1992)): the expectation over each constraint, i.e.
normsys alpha ~ N(0, 1) mapped through pyhf's code4 interpolation (Gauss-Hermite quadrature; shared parameters in an
outer sum, channel-specific ones inside each channel, the latter tabulated once as a function of the channel's expected
count, :mod:`limits.stats.poisson_mixture`, to 1e-13), and the background scale gamma_j ~ Gamma(shape tau_j, rate
tau_j), mean 1 and standard deviation db_j/b_j, the distribution the shapesys Poisson auxiliary measurement implies
(so each channel's background count is negative binomial).

Expected bands: the quantiles (2.3, 15.9, 50, 84.1, 97.7 %) of N under the background-only hypothesis, each mapped to
its limit. At NA64's backgrounds (B ~ 0.5-1) N = 0 has probability e^-B ~ 35-60 %, so several quantiles coincide.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from limits.frozen import frozen_cache
from limits.memo import ProcessMemo
from limits.numerics import log_gamma, normal_cdf
from limits.stats.counting import CountingModel, code4
from limits.stats.interface import N_SIGMA, Calculator, MuLimit
from limits.stats.intervals import solve_rows
from limits.stats.poisson_mixture import PoissonMixture, poisson_mixture

__all__ = ["HybridCalculator"]

def _same_but_signal(counts: CountingModel) -> tuple[Any, ...]:
    """What, besides the signal, a hybrid calculation depends on: models with equal keys share a calculator."""
    return (counts.syst_names, counts.syst_hi.tobytes(), counts.syst_lo.tobytes(), counts.background.tobytes(),
            counts.tau.tobytes(), counts.observed.tobytes(), counts.syst_hi.shape)


@frozen_cache(8)
def _gauss_hermite(n: int) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.hermite_e.hermegauss(n)
    return x, w / np.sqrt(2 * np.pi)


def _poisson_pmf(k_max: int, lam: np.ndarray) -> np.ndarray:
    """P(n = 0..k_max | lam), shape lam.shape + (k_max + 1,), by the recursion p_k = p_(k-1) lam/k."""
    lam = np.asarray(lam, dtype=float)
    out = np.empty(lam.shape + (k_max + 1,))
    out[..., 0] = np.exp(-lam)
    for k in range(1, k_max + 1):
        out[..., k] = out[..., k - 1] * lam / k
    return out


def _convolve(a: np.ndarray, b: np.ndarray, k_max: int) -> np.ndarray:
    """pmf of a sum of two independent counts, truncated at k_max (last axis): out_r = sum_i a_i b_(r-i).

    While r < 7 the terms are added in order of i, one array operation each: the order numpy's sum takes for fewer
    than 8 terms (its pairwise summation starts at 8), so the values are those of ``np.sum``, now fixed by the code
    rather than by the numpy build, and without a reduction over a short axis (slow); from r = 7 on, ``np.sum``."""
    out = np.empty(a.shape[:-1] + (k_max + 1,))
    for r in range(k_max + 1):
        if r < 7:
            term = a[..., 0] * b[..., r]
            for i in range(1, r + 1):
                term += a[..., i] * b[..., r - i]
            out[..., r] = term
        else:
            out[..., r] = np.sum(a[..., : r + 1] * b[..., r::-1][..., : r + 1], axis=-1)
    return out


def _negative_binomial_pmf(k: np.ndarray, tau: float, b: float) -> np.ndarray:
    """P(n = k) for n ~ Poisson(gamma b), gamma ~ Gamma(shape tau, rate tau): the negative binomial with n = tau,
    p = tau/(tau + b), Gamma(k + tau)/(k! Gamma(tau)) p^tau (1 - p)^k (in logs; scipy.stats.nbinom.pmf, without
    importing scipy, :mod:`limits.numerics`)."""
    log_p, log_q = math.log(tau / (tau + b)), math.log(b / (tau + b)) if b > 0 else -math.inf
    with np.errstate(invalid="ignore"):
        log_pmf = (log_gamma(k + tau) - log_gamma(k + 1.0) - log_gamma(tau) + tau * log_p
                   + np.where(k > 0, k * log_q, 0.0))
    return np.asarray(np.exp(log_pmf))


class _Nuisances:
    """What a hybrid CLs needs besides the signal, computed once per background and systematics (every signal shape
    of a scan shares it: :func:`_nuisances`).

    Attributes:
        global_factors, global_weights: Gauss-Hermite nodes of the product of the normsys factors that act on more
            than one channel (G, channels) and their weights (G,): the outer sum.
        local_mixtures: (the channel-local integral as a function of the expected count, the channels it serves):
            channels with equal local factors share one :class:`~limits.stats.poisson_mixture.PoissonMixture`.
        expected_counts: total counts at the b-only quantiles 2.3, 15.9, 50, 84.1, 97.7 %.
    """

    def __init__(self, counts: CountingModel, n_nodes: int):
        self._counts = counts
        nch = counts.signal.size
        acts = (counts.syst_hi != 1) | (counts.syst_lo != 1)  # which channels each normsys acts on
        shared = [k for k in range(len(counts.syst_names)) if acts[k].sum() > 1]
        self._x, self._w = _gauss_hermite(n_nodes)
        self.global_factors, self.global_weights = self._kappa_product(shared, None)
        groups: dict[int, tuple[PoissonMixture, list[int]]] = {}
        for j in range(nch):
            local = [k for k in range(len(counts.syst_names)) if acts[k].sum() == 1 and acts[k, j]]
            mixture = poisson_mixture(*self._kappa_product(local, j))  # shared per process and set of factors
            groups.setdefault(id(mixture), (mixture, []))[1].append(j)
        self.local_mixtures = tuple((mixture, np.array(channels)) for mixture, channels in groups.values())
        self._background: dict[int, np.ndarray] = {}
        self.expected_counts = self._expected_counts()

    def _kappa_product(self, syst: list[int], channel: int | None) -> tuple[np.ndarray, np.ndarray]:
        """Quadrature nodes of prod_k kappa_k(alpha_k) over the listed parameters, and their weights.

        Returns (factors, weights): factors shape (n_nodes^len, n_channels) if channel is None else (n_nodes^len,).
        """
        m = self._counts
        channels = slice(None) if channel is None else channel
        factors = np.ones((1, m.signal.size))[:, channels]
        weights = np.ones(1)
        for k in syst:  # outer product, one parameter at a time: kappa_k at the nodes only
            kappa = code4(self._x[:, None], m.syst_hi[k], m.syst_lo[k])[:, channels]  # (n, nch) or (n,)
            factors = (factors[:, None] * kappa[None]).reshape((-1,) + kappa.shape[1:])
            weights = (weights[:, None] * self._w[None, :]).ravel()
        return factors, weights

    def background_pmf(self, k_max: int) -> np.ndarray:
        """P(N_background = 0..k_max): per channel Poisson(b) or negative binomial (gamma-distributed b)."""
        if k_max not in self._background:
            m = self._counts
            total = (np.arange(k_max + 1) == 0).astype(float)
            k = np.arange(k_max + 1)
            for b, tau in zip(m.background, m.tau):
                if np.isinf(tau):
                    pmf = _poisson_pmf(k_max, b)
                else:  # Poisson(gamma b), gamma ~ Gamma(tau, rate tau): NB with n = tau, p = tau/(tau + b)
                    pmf = _negative_binomial_pmf(k, tau, b)
                total = _convolve(total, pmf, k_max)
            total.setflags(write=False)
            self._background[k_max] = total
        return self._background[k_max]

    def _expected_counts(self) -> np.ndarray:
        quantiles = normal_cdf(N_SIGMA)
        k_max = 8
        while True:
            cdf = np.cumsum(self.background_pmf(k_max))
            if cdf[-1] > quantiles[-1] or k_max > 10_000:
                break
            k_max *= 2
        counts = np.searchsorted(cdf, quantiles)
        counts.setflags(write=False)
        return counts


_NUISANCES: ProcessMemo[_Nuisances] = ProcessMemo(64)

_ROWS = 2048
"""Rows of signal evaluated at once by :meth:`HybridCalculator.cls_many`: (rows x 20 global nodes x channels x
counts) doubles stay a few MB."""


def _nuisances(counts: CountingModel, n_nodes: int) -> _Nuisances:
    """The :class:`_Nuisances` of a counting model, shared by every model with the same background and systematics
    in this process (the masses of a scan, whatever their signal shape)."""
    return _NUISANCES.get((_same_but_signal(counts), n_nodes), lambda: _Nuisances(counts, n_nodes))


class HybridCalculator(Calculator):
    """CLs of a :class:`CountingModel` with the total-count test statistic, nuisances integrated (registry name
    ``hybrid``, alias ``exact``; see the module docstring).

    Args:
        counts: the counting model (signal at mu = 1).
        n_nodes: Gauss-Hermite nodes per normsys parameter.

    Example:
        Without systematics CLs = exp(-mu S) at zero observed events, so the 90 % CL limit is S_up = ln 10 events:

        >>> import numpy as np
        >>> from limits.stats.counting import CountingModel
        >>> counts = CountingModel(("run",), np.array([10.0]), np.array([0.5]), np.array([0.0]), np.array([0.0]),
        ...                        (), np.zeros((0, 1)), np.zeros((0, 1)))
        >>> lim = HybridCalculator(counts).upper_limit(0.1)
        >>> round(lim.mu_obs * 10.0, 4)
        2.3026
    """

    name = "hybrid"
    batch_size = 20  # masses per scan task: their limits are shared per shape, their inversions batched
    description = ("hybrid CLs (Cousins-Highland; formerly 'exact'): total observed count as test statistic, "
                   "nuisances integrated over their priors: normsys alpha ~ N(0, 1) through code4, background scale "
                   "gamma ~ Gamma(tau, tau) with tau = (b/db)^2, the posterior of the Poisson auxiliary measurement "
                   "under a 1/gamma prior (a flat prior, Gamma(tau + 1, tau), moves the band limits by 2-3 %)")
    expected_bands = ("quantiles of the total count under the background-only hypothesis (nuisances integrated), "
                      "each mapped to its limit: a discrete count, so several quantiles can coincide and a band covers "
                      "more than its nominal 68 % / 95 % (the counts, their probabilities and each band's actual "
                      "coverage are recorded per mass)")

    def __init__(self, counts: CountingModel, n_nodes: int = 20):
        super().__init__(counts)
        self.n_obs = int(round(counts.observed.sum()))
        self._nuisances = _nuisances(counts, n_nodes)

    def signal_count_pmf(self, mu_s: np.ndarray, k_max: int) -> np.ndarray:
        """P(N_signal = 0..k_max) for each row of expected signal per channel ``mu_s`` (rows, channels): mu times a
        signal shape, nuisances integrated; all rows at once (rows, k_max + 1). Element-wise operations and
        reductions along axes only (no BLAS products), so that a row's value does not depend on the other rows."""
        nuis = self._nuisances
        x = mu_s[:, None, :] * nuis.global_factors[None]  # (rows, G, channels): expected signal at each global node
        per_channel = np.empty(x.shape + (k_max + 1,))
        for mixture, channels in nuis.local_mixtures:  # channels with the same local factors: one evaluation
            per_channel[:, :, channels] = mixture.pmf(x[:, :, channels], k_max)
        total = per_channel[:, :, 0]
        for j in range(1, x.shape[2]):
            total = _convolve(total, per_channel[:, :, j], k_max)
        return (total * nuis.global_weights[:, None]).sum(axis=1)

    def background_pmf(self, k_max: int) -> np.ndarray:
        """P(N_background = 0..k_max): per channel Poisson(b) or negative binomial (gamma-distributed b); read-only
        (shared by every calculator of this background)."""
        return self._nuisances.background_pmf(k_max)

    def cls_at(self, mu: float, n_total: int | None = None) -> float:
        """CLs at one signal strength mu for a total observed count (default: the model's observation)."""
        n = self.n_obs if n_total is None else int(n_total)
        return float(self.cls_rows(np.array([mu])[:, None] * self.counts.signal[None, :], np.array([n]))[0])

    def cls_rows(self, mu_s: np.ndarray, n_total: np.ndarray) -> np.ndarray:
        """CLs for each row of expected signal per channel ``mu_s`` (rows, channels; mu times a signal shape with
        this model's systematics and background) at the total observed count ``n_total`` (rows,), all at once:

            CLs = P(N <= n | mu)/P(N <= n | 0) = sum_r P(N_signal = r | mu) P(N_bkg <= n - r) / P(N_bkg <= n)

        (at n = 0 the background cancels: CLs = P(N_signal = 0 | mu)); CLs = 1 where mu_s is all 0."""
        n = np.asarray(n_total, dtype=int)
        out = np.ones(n.size)
        signal = mu_s.sum(axis=1) > 0
        for k_max in np.unique(n[signal]).tolist():  # each count with its own truncation
            rows = signal & (n == k_max)
            out[rows] = self._cls_of_pmf(self.signal_count_pmf(mu_s[rows], k_max), k_max)
        return out

    def cls_counts(self, mu_s: np.ndarray, counts: Sequence[int]) -> np.ndarray:
        """CLs for each row of expected signal per channel ``mu_s`` (rows, channels) at each total observed count in
        ``counts``: (rows, len(counts)), from one signal-count distribution per row (truncated at the largest
        count; a count's probability does not depend on the truncation)."""
        out = np.ones((mu_s.shape[0], len(counts)))
        signal = mu_s.sum(axis=1) > 0
        if signal.any():
            pmf = self.signal_count_pmf(mu_s[signal], max(counts))
            for i, n in enumerate(counts):
                out[signal, i] = self._cls_of_pmf(pmf[:, : n + 1], n)
        return out

    def _cls_of_pmf(self, pmf: np.ndarray, n: int) -> np.ndarray:
        """CLs at total count n from P(N_signal = 0..n) (rows, n + 1): the background's cumulative weights."""
        if n == 0:  # the background cancels
            return pmf[:, 0]
        below = np.cumsum(self.background_pmf(n))  # P(N_bkg <= k)
        return np.asarray((pmf * below[::-1]).sum(axis=1) / below[-1])

    def expected_counts(self) -> np.ndarray:
        """Total counts at the b-only quantiles 2.3, 15.9, 50, 84.1, 97.7 % (for the -2..+2 sigma bands)."""
        return self._nuisances.expected_counts

    def cls(self, mu: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """(observed CLs (n,), expected CLs (n, 5)) at each mu; the expected ones at the b-only count quantiles. All
        counts at once (:meth:`cls_counts`)."""
        mu = np.atleast_1d(np.asarray(mu, dtype=float))
        counts = self.expected_counts()
        distinct = sorted({self.n_obs, *counts.tolist()})
        table = self.cls_counts(np.maximum(mu, 0.0)[:, None] * self.counts.signal[None, :], distinct)
        table[mu <= 0] = 1.0
        column = {n: table[:, i] for i, n in enumerate(distinct)}
        return column[self.n_obs], np.stack([column[n] for n in counts.tolist()], axis=1)

    @classmethod
    def cls_many(cls, counts: Sequence[CountingModel], mu: Sequence[np.ndarray], *, ntoys: int,
                 seeds: Sequence[np.random.SeedSequence | None]) -> list[tuple[np.ndarray, np.ndarray]]:
        """:meth:`cls` of many models at once: models that differ in their signal only share one calculator, and
        their (model, mu) rows are evaluated together, :data:`_ROWS` at a time (:meth:`cls_counts` is element-wise
        per row, so each value is what :meth:`cls` gives for its model)."""
        groups: dict[tuple[Any, ...], list[int]] = {}
        for i, c in enumerate(counts):
            groups.setdefault(_same_but_signal(c), []).append(i)
        out: list[tuple[np.ndarray, np.ndarray] | None] = [None] * len(counts)
        for members in groups.values():
            calc = cls(counts[members[0]])
            observed, quantiles = calc.n_obs, calc.expected_counts().tolist()
            distinct = sorted({observed, *quantiles})
            mus = [np.atleast_1d(np.asarray(mu[i], dtype=float)) for i in members]
            mu_s = np.concatenate([np.maximum(m, 0.0)[:, None] * counts[i].signal[None, :]
                                   for i, m in zip(members, mus)])
            table = np.concatenate([calc.cls_counts(mu_s[r:r + _ROWS], distinct)
                                    for r in range(0, mu_s.shape[0], _ROWS)])
            table[np.concatenate(mus) <= 0] = 1.0
            column = {n: table[:, k] for k, n in enumerate(distinct)}
            start = 0
            for i, m in zip(members, mus):
                stop = start + m.size
                out[i] = (column[observed][start:stop].copy(),
                          np.stack([column[n][start:stop] for n in quantiles], axis=1))
                start = stop
        return [pair for pair in out if pair is not None]

    def upper_limit(self, level: float) -> MuLimit:
        """mu_up where CLs = level for the observation and for each b-only count quantile (one root per distinct
        count, :meth:`solve`)."""
        return self.solve(self.counts.signal[None, :], level)[0]

    @classmethod
    def upper_limits(cls, counts: Sequence[CountingModel], level: float, *, ntoys: int,
                     seeds: Sequence[np.random.SeedSequence | None]) -> list[MuLimit]:
        """:meth:`upper_limit` of many models at once: models that differ in their signal only (the masses of a
        scan, each its own signal shape) share one calculator and one vectorised root search
        (:func:`limits.stats.intervals.solve_rows`); each limit is what :meth:`upper_limit` gives for its model."""
        groups: dict[tuple[Any, ...], list[int]] = {}
        for i, c in enumerate(counts):
            groups.setdefault(_same_but_signal(c), []).append(i)
        out: list[MuLimit | None] = [None] * len(counts)
        for members in groups.values():
            calc = cls(counts[members[0]])
            for i, lim in zip(members, calc.solve(np.stack([counts[i].signal for i in members]), level)):
                out[i] = lim
        return [lim for lim in out if lim is not None]

    def solve(self, signals: np.ndarray, level: float) -> list[MuLimit]:
        """The limits of signal shapes ``signals`` (models, channels) that share this model's systematics and
        background: mu where CLs = level for the observed count and for each b-only count quantile, every (shape,
        distinct count) root in one vectorised search."""
        counts = self.expected_counts()
        distinct = sorted({self.n_obs, *counts.tolist()})
        model = np.repeat(np.arange(signals.shape[0]), len(distinct))
        n = np.tile(distinct, signals.shape[0])

        def cls_of(mu: np.ndarray, rows: np.ndarray) -> np.ndarray:
            return self.cls_rows(mu[:, None] * signals[model[rows]], n[rows])

        mu_up = solve_rows(cls_of, level, signals.sum(axis=1)[model]).reshape(signals.shape[0], len(distinct))
        facts = self.band_facts(counts)
        at = {c: i for i, c in enumerate(distinct)}
        return [MuLimit(float(row[at[self.n_obs]]), tuple(float(row[at[c]]) for c in counts.tolist()), facts)
                for row in mu_up]

    def band_facts(self, counts: np.ndarray) -> dict[str, object]:
        """The counts behind the expected limits (-2..+2 sigma), P(N = k | b) for k = 0..max of them, and the
        probability that N falls inside each band, from the -1 sigma count to the +1 sigma count (and -2 to +2),
        i.e. its actual coverage (nominal 68.3 % and 95.4 %)."""
        pmf = self.background_pmf(int(counts.max()))
        return {"expected_counts": [int(n) for n in counts],
                "count_probabilities": [float(p) for p in pmf],
                "band_coverage": {"1sigma": float(pmf[counts[1]:counts[3] + 1].sum()),
                                  "2sigma": float(pmf[counts[0]:counts[4] + 1].sum())}}
