"""Parse the CLI mass specification: ``LIST`` (comma-separated MeV) or ``MIN:MAX:N`` (N log-spaced points, MeV)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from limits.errors import InputError

__all__ = ["MAX_MASSES", "check_masses_mev", "parse_masses_mev"]

MAX_MASSES = 100_000
"""Masses per call: a scan of 1600 masses takes ~6 s; 10^5 is far beyond any exclusion plot's resolution."""


def _number(text: str, field: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(field, f"{what} '{text.strip()}' is not a number") from None
    if not math.isfinite(value):
        raise InputError(field, f"{what} must be finite, got '{text.strip()}'")
    return value


def parse_masses_mev(spec: str, min_mev: float, max_mev: float, field: str = "--masses") -> np.ndarray:
    """Masses in MeV from ``"m1,m2,..."`` or ``"MIN:MAX:N"`` (N log-spaced, inclusive), each in [min_mev, max_mev].

    Raises:
        InputError: malformed spec, non-positive or out-of-range mass (the message gives the allowed range).
    """
    spec = spec.strip()
    allowed = f"allowed range {min_mev:g} to {max_mev:g} MeV"
    if not spec:
        raise InputError(field, f"empty; give a comma-separated list or MIN:MAX:N in MeV ({allowed})")
    if ":" in spec:
        parts = spec.split(":")
        if len(parts) != 3:
            raise InputError(field, f"'{spec}' is not MIN:MAX:N")
        lo, hi = (_number(p, field, name) for p, name in zip(parts[:2], ("MIN", "MAX")))
        try:
            n = int(parts[2])
        except ValueError:
            raise InputError(field, f"N '{parts[2].strip()}' is not a whole number") from None
        if not 1 <= n <= MAX_MASSES:
            raise InputError(field, f"N = {n} is outside 1 to {MAX_MASSES}")
        if lo <= 0 or hi <= 0:
            raise InputError(field, f"masses must be > 0 MeV ({allowed})")
        if hi < lo or (n > 1 and hi == lo):
            raise InputError(field, f"MAX ({hi:g}) must exceed MIN ({lo:g})")
        check_masses_mev([lo, hi] if n > 1 else [lo], min_mev, max_mev, field)  # before geomspace can overflow
        masses = np.geomspace(lo, hi, n) if n > 1 else np.array([lo])
    else:
        masses = np.array([_number(p, field, "mass") for p in spec.split(",")])
    return check_masses_mev(masses, min_mev, max_mev, field)


def check_masses_mev(masses_mev: ArrayLike, min_mev: float, max_mev: float, field: str = "mass_mev") -> np.ndarray:
    """Masses in MeV as a 1-d float array, each finite and in [min_mev, max_mev] (a relative 1e-12 outside is
    clipped: it is round-off of the range's own ends).

    Raises:
        InputError: empty, not numbers, a mass outside the range (the message gives the allowed range), more than
            :data:`MAX_MASSES`, or a mass given twice (or two equal at the 6 significant digits of patch labels).

    Example:
        >>> check_masses_mev([1, 10], 0.001, 1200).tolist()
        [1.0, 10.0]
        >>> check_masses_mev([2000], 0.001, 1200)
        Traceback (most recent call last):
        ...
        limits.errors.InputError: mass_mev: mass 2000 MeV is outside the allowed range 0.001 to 1200 MeV
    """
    allowed = f"allowed range {min_mev:g} to {max_mev:g} MeV"
    try:
        masses = np.atleast_1d(np.asarray(masses_mev, dtype=float)).ravel()
    except (TypeError, ValueError):
        raise InputError(field, f"masses must be numbers in MeV ({allowed})") from None
    if masses.size == 0:
        raise InputError(field, f"no masses given ({allowed})")
    bad = masses[~np.isfinite(masses) | (masses < min_mev * (1 - 1e-12)) | (masses > max_mev * (1 + 1e-12))]
    if bad.size:
        raise InputError(field, f"mass {bad[0]:g} MeV is outside the {allowed}")
    if masses.size > MAX_MASSES:
        raise InputError(field, f"{masses.size} masses; at most {MAX_MASSES} per call (split the range)")
    masses = np.clip(masses, min_mev, max_mev)
    # one rule everywhere: each mass once, distinct at the 6 significant digits that label workspace patches
    labels = np.array([float(f"{m:.6g}") for m in masses])
    unique, first, counts = np.unique(labels, return_index=True, return_counts=True)
    if (counts > 1).any():
        twice = unique[counts > 1][0]
        same = masses[labels == twice]
        if np.all(same == same[0]):
            what = f"mass {twice:g} MeV is given twice"
        else:
            pair = ", ".join(repr(float(m)) for m in same[:2])
            what = f"masses {pair} MeV coincide at 6 significant digits (the patch labels)"
        raise InputError(field, f"{what}: give each mass once")
    return masses
