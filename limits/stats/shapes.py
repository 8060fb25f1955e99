"""Signal shapes: the canonical counting model of a shape, which every mass of that shape is solved on, and the seed
of its toys.

A shape is a signal's per-channel fractions s_j/sum(s) with everything else of the counting model (backgrounds,
systematics, observed counts); masses with one shape have limits on mu x sum(s) that are one number. Solving each
shape once on its canonical model (:func:`canonical_shape`) makes a scan's result independent of which mass was solved
first, on which worker, and whether shapes are shared; seeding its toys from the shape's decimal text
(:func:`shape_seed`) makes them independent of the machine.
"""

from __future__ import annotations

import dataclasses
import hashlib

import numpy as np

from limits.stats.counting import CountingModel

__all__ = ["CANONICAL_EVENTS", "SEED_DIGITS", "SHAPE_RTOL", "canonical_seed", "canonical_shape", "shape_seed",
           "shape_seed_key"]


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
    return canonical_seed(seed, canonical_shape(counts)[1])


def canonical_seed(seed: int, canonical: CountingModel) -> np.random.SeedSequence:
    """The toys' seed of a canonical model (:func:`shape_seed` without the canonicalisation)."""
    return np.random.SeedSequence(seed, spawn_key=(int.from_bytes(shape_seed_key(canonical)[:8], "big"),))
