"""Masses in MeV as the package holds them: parsed from ``LIST`` (comma-separated) or ``MIN:MAX:N`` (N log-spaced
points), checked against a range, and canonical.

Canonical means bit-identical on every CPU and numpy build, so that a mass's text, the digest of a scan's inputs and
the reuse of a finished scan never depend on the machine. Two rules make it so:

- every mass is held at :data:`MASS_DIGITS` significant decimal digits (Python's float formatting and parsing are
  correctly rounded, hence the same everywhere); a relative 5e-13 is far below any physics scale of the problem;
- a log grid is computed in decimal arithmetic at 40 digits (:mod:`decimal`: correctly rounded ``ln`` and ``exp``,
  software only), not with ``np.geomspace``, whose exp/log take a CPU-dependent SIMD path (the last bit of 6 of the
  200 default masses differed between an AVX-512 and an AVX2 machine).
"""

from __future__ import annotations

import decimal
import math

import numpy as np
from numpy.typing import ArrayLike

from limits.errors import InputError

__all__ = ["MASS_DIGITS", "MAX_MASSES", "canonical_masses_mev", "check_masses_mev", "log_grid", "masses_mev",
           "parse_masses_mev"]

MASS_DIGITS = 12
"""Significant decimal digits of every mass the package holds (see the module docstring)."""

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


def parse_masses_mev(spec: str, min_mev: float, max_mev: float, field: str = "masses", *,
                     max_count: int = MAX_MASSES) -> np.ndarray:
    """Masses in MeV from ``"m1,m2,..."`` or ``"MIN:MAX:N"`` (N log-spaced, inclusive), each in [min_mev, max_mev],
    at most ``max_count`` of them.

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
        if not 1 <= n <= max_count:
            raise InputError(field, f"N = {n} is outside 1 to {max_count}")
        if lo <= 0 or hi <= 0:
            raise InputError(field, f"masses must be > 0 MeV ({allowed})")
        if hi < lo or (n > 1 and hi == lo):
            raise InputError(field, f"MAX ({hi:g}) must exceed MIN ({lo:g})")
        check_masses_mev([lo, hi] if n > 1 else [lo], min_mev, max_mev, field)  # before the grid is made
        masses = log_grid(lo, hi, n)
    else:
        masses = np.array([_number(p, field, "mass") for p in spec.split(",")])
    return check_masses_mev(masses, min_mev, max_mev, field, max_count=max_count)


def masses_mev(value: str | ArrayLike, min_mev: float, max_mev: float, field: str = "mass_mev", *,
               max_count: int = MAX_MASSES) -> np.ndarray:
    """Masses in MeV from a spec string (``"m1,m2,..."`` or ``"MIN:MAX:N"``, :func:`parse_masses_mev`) or from
    numbers (:func:`check_masses_mev`): canonical, each in [min_mev, max_mev], at most ``max_count`` of them.

    Example:
        >>> masses_mev("1:100:3", 0.001, 1200).tolist(), masses_mev([5, 50], 0.001, 1200).tolist()
        ([1.0, 10.0, 100.0], [5.0, 50.0])
    """
    if isinstance(value, str):
        return parse_masses_mev(value, min_mev, max_mev, field, max_count=max_count)
    return check_masses_mev(value, min_mev, max_mev, field, max_count=max_count)


def canonical_masses_mev(masses_mev: ArrayLike) -> np.ndarray:
    """Masses rounded to :data:`MASS_DIGITS` significant digits through their decimal text: the same bits on every
    machine for any input that agrees to ~1e-13.

    Example:
        >>> canonical_masses_mev([0.1 + 0.2, 1200.0]).tolist()
        [0.3, 1200.0]
    """
    return np.array([float(f"{m:.{MASS_DIGITS}g}") for m in np.asarray(masses_mev, dtype=float).ravel()])


def log_grid(min_value: float, max_value: float, n: int) -> np.ndarray:
    """``n`` log-spaced values from ``min_value`` to ``max_value`` inclusive (masses in MeV, or any positive
    quantity), canonical: x_i = exp(ln MIN + i (ln MAX - ln MIN)/(n - 1)) in 40-digit decimal arithmetic, rounded to
    :data:`MASS_DIGITS` digits. Bit-identical on every machine (``tests/data/default_masses_mev.txt`` pins the
    built-in analyses' mass grids).

    Example:
        >>> log_grid(1.0, 100.0, 3).tolist()
        [1.0, 10.0, 100.0]
    """
    if n == 1:
        return canonical_masses_mev([min_value])
    with decimal.localcontext() as ctx:
        ctx.prec = 40
        lo, hi = decimal.Decimal(repr(float(min_value))).ln(), decimal.Decimal(repr(float(max_value))).ln()
        step = (hi - lo) / (n - 1)
        return np.array([float(format((lo + step * i).exp(), f".{MASS_DIGITS}g")) for i in range(n)])


def check_masses_mev(masses_mev: ArrayLike, min_mev: float, max_mev: float, field: str = "mass_mev", *,
                     max_count: int = MAX_MASSES) -> np.ndarray:
    """Masses in MeV as a canonical 1-d float array (:func:`canonical_masses_mev`), each finite and in [min_mev,
    max_mev] (a relative 1e-12 outside is clipped: it is round-off of the range's own ends), at most ``max_count``.

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
    except (TypeError, ValueError, OverflowError):
        raise InputError(field, f"masses must be numbers in MeV ({allowed})") from None
    if masses.size == 0:
        raise InputError(field, f"no masses given ({allowed})")
    bad = masses[~np.isfinite(masses) | (masses < min_mev * (1 - 1e-12)) | (masses > max_mev * (1 + 1e-12))]
    if bad.size:
        raise InputError(field, f"mass {bad[0]:g} MeV is outside the {allowed}")
    if masses.size > max_count:
        raise InputError(field, f"{masses.size} masses; at most {max_count} per call (split the range)")
    masses = np.clip(canonical_masses_mev(masses), min_mev, max_mev)
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
