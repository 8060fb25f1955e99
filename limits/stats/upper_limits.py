"""Upper limits on the signal strength mu for signal patches of a workspace, with the calculator chosen by name.

mu_up solves CLs(mu) = 1 - CL, observed and expected (:data:`~limits.stats.interface.BAND_LABELS` order). The
workspaces are pyhf JSON (a background-only spec and one signal patch per mass, :mod:`limits.workspace.build`); they
are read into :class:`~limits.stats.counting.CountingModel` arrays, and the calculator comes from
:mod:`limits.stats.registry`.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from limits.frozen import freeze
from limits.stats.counting import CountingModel, counting_model
from limits.stats.interface import MuLimit
from limits.stats.registry import calculator_class

__all__ = ["CANONICAL_EVENTS", "CLS_TABLE_EVENTS", "SEED_DIGITS", "SHAPE_RTOL", "canonical_shape", "cls_table",
           "mu_limits", "mu_limits_batch", "shape_seed", "shape_seed_key", "strip_systematics"]


def strip_systematics(bkg_only: dict[str, Any], patch: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Copies of a workspace and patch with every constrained modifier removed (``--stat-only``)."""
    bkg = copy.deepcopy(bkg_only)
    for channel in bkg["channels"]:
        for sample in channel["samples"]:
            sample["modifiers"] = []
    patch = copy.deepcopy(patch)
    for op in patch["patch"]:
        op["value"]["modifiers"] = [m for m in op["value"]["modifiers"] if m["type"] == "normfactor"]
    return bkg, patch


SHAPE_RTOL = 1e-12
"""Signal vectors whose per-channel fractions s_j/sum(s) agree to this relative precision share one limit solve."""

CANONICAL_EVENTS = 10.0
"""Total signal of the canonical model of a shape at zero observed events (mu_up ~ 0.2); with N observed events
10 + 2 N (so the limit stays well inside the POI bounds)."""


def canonical_shape(counts: CountingModel) -> tuple[bytes, CountingModel]:
    """(key, canonical model) of a counting model's signal shape.

    The signal fractions s_j/sum(s) are quantised in ln to :data:`SHAPE_RTOL`; the canonical model has these
    fractions times :data:`CANONICAL_EVENTS` (+ twice the observed count) and everything else of ``counts``; the key
    is the SHA-256 of all of it.
    Every mass of a shape is solved on the same canonical model, so its limit on mu x sum(s) is one number, whatever
    mass was solved first, on whichever worker, and with or without sharing.

    Why this is safe: CLs decreases in every s_j (more signal in any channel makes the count stochastically larger),
    so if two signal vectors of equal sum differ per channel by a factor within 1 +- delta, their limits on
    mu x sum(s) differ by a factor within 1 +- delta; quantisation keeps delta <= SHAPE_RTOL. NA64's analyses with a
    flat efficiency have one shape at every mass (fractions equal to ~1e-15), so a 200-mass scan solves once.
    """
    s = np.asarray(counts.signal, dtype=float)
    frac = s / s.sum()
    positive = frac > 0
    quantised = np.where(positive, np.round(np.log(np.where(positive, frac, 1.0)) / SHAPE_RTOL), 0.0)
    canon = np.where(positive, np.exp(quantised * SHAPE_RTOL), 0.0)
    # 10 events at zero counts (mu_up ~ 0.2); more with many observed events, so mu_up stays inside the POI bounds
    canon = (CANONICAL_EVENTS + 2.0 * float(np.sum(counts.observed))) * canon / canon.sum()
    h = hashlib.sha256()
    for part in (canon, counts.background, counts.background_unc, counts.observed, counts.syst_hi, counts.syst_lo):
        h.update(np.ascontiguousarray(part, dtype=float).tobytes())
    h.update(repr((counts.channels, counts.syst_names)).encode())
    return h.digest(), dataclasses.replace(counts, signal=canon)


SEED_DIGITS = 7
"""Significant digits of the signal fractions in a shape's seed key (:func:`shape_seed_key`)."""


def shape_seed_key(counts: CountingModel) -> bytes:
    """The key the toys of a signal shape are seeded from: SHA-256 of a (canonical, :func:`canonical_shape`) model as
    decimal text, signal fractions at :data:`SEED_DIGITS` significant digits, everything else at 10.

    Not :func:`canonical_shape`'s key: that one is built from the bits of computed floats (the fractions pass through
    exp and log, whose last bit depends on the CPU's SIMD path), which is right for sharing solves within a process
    but would seed the toys differently on another machine. Rounded text changes only if a computed value lies within
    its last-bit error of a rounding boundary (a chance of ~1e-9 per channel), so the same inputs and seed give the
    same toys on every CPU. Two shapes that agree to 7 digits share a seed but are still solved apart.
    """
    s = np.asarray(counts.signal, dtype=float)
    frac = s / s.sum()
    text = "|".join([
        " ".join(f"{x:.{SEED_DIGITS - 1}e}" for x in frac),
        *(" ".join(f"{x:.9e}" for x in np.asarray(part, dtype=float).ravel())
          for part in (counts.background, counts.background_unc, counts.observed, counts.syst_hi, counts.syst_lo)),
        repr((counts.channels, counts.syst_names)),
    ])
    return hashlib.sha256(text.encode()).digest()


def shape_seed(seed: int, counts: CountingModel) -> np.random.SeedSequence:
    """The toys' seed for one signal shape: ``SeedSequence(seed, spawn_key=(first 8 bytes of its seed key,))``
    (:func:`shape_seed_key`).

    Derived from the model's content, not from a mass index, so that masses with one shape share their toys (one
    solve) and the result does not depend on the order, grouping or executor of the masses, nor on the machine.
    """
    return _canonical_seed(seed, canonical_shape(counts)[1])


def _canonical_seed(seed: int, canonical: CountingModel) -> np.random.SeedSequence:
    """The toys' seed of a canonical model (:func:`shape_seed` without the canonicalisation)."""
    return np.random.SeedSequence(seed, spawn_key=(int.from_bytes(shape_seed_key(canonical)[:8], "big"),))


# limits of canonical models by (method, cl, ntoys, seed, shape key), shared by every task of this process: the memo
# of a pure function
_SOLVED: dict[tuple[Any, ...], MuLimit] = {}
_SOLVED_MAX = 4096


def mu_limits_batch(method: str, bkg_only: dict[str, Any], patches: Sequence[dict[str, Any]], cl: float, *,
                    ntoys: int = 10_000, seed: int = 0, share_shapes: bool = True) -> list[MuLimit]:
    """Observed and expected mu upper limits at confidence level ``cl`` for each signal patch of one workspace.

    Each patch is solved on the canonical model of its signal shape (:func:`canonical_shape`), and patches with the
    same shape share that solve (memoised in this process): mu_up = (mu_up x S)_canonical / sum(s).
    ``share_shapes=False`` solves every patch anew, with identical results (tested).

    Args:
        method: a registry name (``hybrid`` or its alias ``exact``, ``asymptotic``, ``toys``, ``asymptotic-pyhf``).
        bkg_only: the background-only workspace (pyhf JSON).
        patches: signal patches (one per mass).
        cl: confidence level, e.g. 0.9.
        ntoys: toys per hypothesis and mu point (``toys``).
        seed: the toys' seed; each shape's toys use :func:`shape_seed`.
        share_shapes: solve once per distinct signal shape.
    """
    all_counts = [counting_model(bkg_only, p) for p in patches]
    # a patch without signal (the model gives none at this mass) has no limit: NaN, flagged ``no_signal``
    usable = [i for i, c in enumerate(all_counts) if np.isfinite(c.signal).all() and c.signal.sum() > 0]
    if len(usable) < len(all_counts):
        found = dict(zip(usable, mu_limits_batch(method, bkg_only, [patches[i] for i in usable], cl, ntoys=ntoys,
                                                  seed=seed, share_shapes=share_shapes))) if usable else {}
        nan = MuLimit(math.nan, (math.nan,) * 5, {"no_signal": True})
        return [found.get(i, nan) for i in range(len(all_counts))]
    counts = all_counts
    calc = calculator_class(method)
    shapes = [canonical_shape(c) for c in counts]
    keys = [(calc.name, cl, ntoys, seed, key) for key, _ in shapes]
    todo: dict[tuple[Any, ...], int] = {}
    for i, k in enumerate(keys):
        if not share_shapes or k not in _SOLVED:
            todo.setdefault(k if share_shapes else (*k, i), i)
    solved = calc.upper_limits([shapes[i][1] for i in todo.values()], 1.0 - cl, ntoys=ntoys,
                               seeds=[_canonical_seed(seed, shapes[i][1]) for i in todo.values()]) if todo else []
    fresh = dict(zip(todo, solved))
    if share_shapes:
        if len(_SOLVED) + len(fresh) > _SOLVED_MAX:
            _SOLVED.clear()
        _SOLVED.update(fresh)
    out = []
    for i, (c, k) in enumerate(zip(counts, keys)):
        lim = _SOLVED[k] if share_shapes else fresh[(*k, i)]
        scale = float(shapes[i][1].signal.sum()) / float(c.signal.sum())
        info = dict(lim.info)
        if "mu_mc_err" in info:
            info["mu_mc_err"] = [e * scale for e in info["mu_mc_err"]]
        out.append(MuLimit(lim.mu_obs * scale, tuple(m * scale for m in lim.mu_exp), info))
    return out


CLS_TABLE_EVENTS = np.geomspace(0.02, 200.0, 121)
"""Total signal (events) at which :func:`cls_table` evaluates CLs at zero observed events, 30 points per decade
(scaled with the canonical model's total otherwise)."""

_TABLES: dict[tuple[Any, ...], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


def cls_table(method: str, counts: CountingModel, *, ntoys: int = 10_000,
              seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CLs of a signal shape as a function of its total signal: (events (k,), observed (k,), expected (k, 5)).

    Evaluated once per (method, shape) on the canonical model (:func:`canonical_shape`) at
    :data:`CLS_TABLE_EVENTS` and remembered: every mass of a shape reads its CLs column off this table (``--grid``),
    whatever the method (the toys use the shape's seed, :func:`shape_seed`).
    """
    key, canon = canonical_shape(counts)
    memo = (calculator_class(method).name, ntoys, seed, key)
    if memo not in _TABLES:
        calc = calculator_class(method).create(canon, ntoys=ntoys, seed=_canonical_seed(seed, canon))
        total = float(canon.signal.sum())
        events = CLS_TABLE_EVENTS * total / CANONICAL_EVENTS  # the table follows the canonical scale
        obs, exp = calc.cls(events / total)
        if len(_TABLES) > 256:
            _TABLES.clear()
        _TABLES[memo] = freeze((events, np.asarray(obs, float), np.asarray(exp, float)))
    return _TABLES[memo]


def mu_limits(method: str, bkg_only: dict[str, Any], patch: dict[str, Any], cl: float, *, ntoys: int = 10_000,
              seed: int = 0) -> MuLimit:
    """:func:`mu_limits_batch` for one patch."""
    return mu_limits_batch(method, bkg_only, [patch], cl, ntoys=ntoys, seed=seed)[0]
