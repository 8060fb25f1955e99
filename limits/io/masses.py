"""Parse the CLI mass specification: ``LIST`` (comma-separated MeV) or ``MIN:MAX:N`` (N log-spaced points, MeV)."""

from __future__ import annotations

import math

import numpy as np

from limits.errors import InputError

__all__ = ["parse_masses_mev"]


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
        if not 1 <= n <= 1_000_000:
            raise InputError(field, f"N = {n} is outside 1 to 1000000")
        if lo <= 0 or hi <= 0:
            raise InputError(field, f"masses must be > 0 MeV ({allowed})")
        if hi < lo or (n > 1 and hi == lo):
            raise InputError(field, f"MAX ({hi:g}) must exceed MIN ({lo:g})")
        masses = np.geomspace(lo, hi, n) if n > 1 else np.array([lo])
    else:
        masses = np.array([_number(p, field, "mass") for p in spec.split(",")])
    bad = masses[(masses < min_mev * (1 - 1e-12)) | (masses > max_mev * (1 + 1e-12))]
    if bad.size:
        raise InputError(field, f"mass {bad[0]:g} MeV is outside the {allowed}")
    return np.clip(masses, min_mev, max_mev)
