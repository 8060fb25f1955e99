"""The result at one Z' mass, :class:`MassLimit`: what a scan task makes and a
:class:`~limits.scanning.result.ScanResult` holds, one per mass; ``limits.json`` stores its :meth:`~MassLimit.record`.

A missing number (no exclusion, a failed mass) is NaN here and ``null`` in the files; an excluded interval open above
ends at infinity here and at ``null`` in the files.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from limits.errors import InputError
from limits.frozen import freeze
from limits.io.files import json_safe
from limits.stats.interface import CLsScan, MuLimit

__all__ = ["STATUSES", "MassLimit"]

STATUSES = ("ok", "no_exclusion", "excluded_at_scan_floor", "failed")
"""Per mass: a limit; no exclusion at any coupling; excluded down to the lowest coupling of the grid (see the
intervals); the computation failed (see the reason)."""

_NAN5 = (math.nan,) * 5
# the record's own keys; every other key of a limits.json point is a fact of the calculator
_OWN = ("mass_mev", "status", "g_obs", "g_exp", "mu_obs", "mu_exp", "s_obs", "g_ref", "excluded_intervals_obs",
        "reason", "m_chi_mev", "y_obs", "y_exp", "grid", "cls_scan")


def _number(value: Any) -> float:
    return math.nan if value is None else float(value)


def _numbers(values: Sequence[Any]) -> tuple[float, ...]:
    return tuple(_number(v) for v in values)


@dataclass(frozen=True, eq=False)
class MassLimit:
    """Upper limits at one Z' mass: on the coupling and on the signal strength, observed and expected, with every
    excluded interval, its status and the calculator's facts. Read-only.

    Attributes:
        mass_mev: the Z' mass, MeV.
        status: one of :data:`STATUSES`.
        g_obs: observed limit on the coupling (the lower edge of the excluded region; dimensionless), NaN without one.
        g_exp: expected limits on the coupling, :data:`~limits.stats.interface.BAND_LABELS` order.
        mu_obs, mu_exp: the same on the signal strength of the reference-coupling patch.
        s_obs: total expected signal events at the observed limit, mu_obs x S(g_ref).
        g_ref: the patch's reference coupling (None in files written before it was recorded).
        excluded_intervals_obs: every observed excluded coupling interval (lo, hi); hi = inf where open above (None
            in files written before it was recorded).
        reason: why there is no limit (failed masses, masses without signal), else None.
        facts: what the calculator records with its limits (e.g. the hybrid method's background counts at the band
            quantiles and their coverage, ``expected_counts``, ``band_coverage``; toys per point), as ``limits.json``
            stores them at the point's top level.
        m_chi_mev, y_obs, y_exp: with a dark sector, the dark-matter mass (MeV) and the limits as
            y = eps_eff^2 alpha_D (m_chi/m_Z')^4; else None.
        grid: ``--grid`` mode: the CLs column ``{"g": [...], "cls_obs": [...], "cls_exp": [[...] x 5]}``
            (``cls_grid.json``, not ``limits.json``); else None.
        cls_scan: the CLs the mu limits were solved from (:class:`~limits.stats.interface.CLsScan`), in a scan run
            with ``return_cls`` (returned, never written to ``limits.json``); else None.

    Example:
        >>> import limits
        >>> point = limits.scan("na64-2026", "bl-unbroken", mass_mev=[10.0]).points[0]
        >>> point.status, bool(point.g_obs < point.g_exp[2] * 2), len(point.excluded_intervals_obs)
        ('ok', True, 1)
        >>> MassLimit.from_record(point.record()).same_as(point)        # what limits.json stores, read back
        True
    """

    mass_mev: float
    status: str
    g_obs: float = math.nan
    g_exp: tuple[float, ...] = _NAN5
    mu_obs: float = math.nan
    mu_exp: tuple[float, ...] | None = _NAN5
    s_obs: float = math.nan
    g_ref: float | None = None
    excluded_intervals_obs: tuple[tuple[float, float], ...] | None = ()
    reason: str | None = None
    facts: Mapping[str, Any] = field(default_factory=dict)
    m_chi_mev: float | None = None
    y_obs: float | None = None
    y_exp: tuple[float, ...] | None = None
    grid: Mapping[str, Any] | None = None
    cls_scan: CLsScan | None = None

    def __eq__(self, other: object) -> bool:
        """The same result: equal records and grid columns, NaN equal to NaN (:meth:`same_as`)."""
        return self.same_as(other) if isinstance(other, MassLimit) else NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal by value, and holding mappings

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise InputError("status", f"must be one of {', '.join(STATUSES)}, got {self.status!r}")
        clash = sorted(set(self.facts) & set(_OWN))
        if clash:
            raise InputError("facts", f"cannot hold the point's own fields {clash}")
        freeze(self)

    @classmethod
    def from_limits(cls, mass_mev: float, g_ref: float, lim: MuLimit, s_ref: float, g_obs: float,
                    g_exp: Sequence[float], intervals: Sequence[Sequence[float]], status: str, *,
                    with_cls: bool = False) -> MassLimit:
        """The point of a solved mass: its mu limits (``lim``), the total signal of its patch ``s_ref`` (events) and
        their inversion to the coupling; ``with_cls``: with the limits' :class:`CLsScan`."""
        return cls(mass_mev=float(mass_mev), status=status, g_obs=float(g_obs), g_exp=_numbers(g_exp),
                   mu_obs=lim.mu_obs, mu_exp=tuple(lim.mu_exp), s_obs=lim.mu_obs * s_ref, g_ref=float(g_ref),
                   excluded_intervals_obs=tuple((float(lo), float(hi)) for lo, hi in intervals), facts=lim.info,
                   cls_scan=lim.cls_scan if with_cls else None)

    @classmethod
    def without_limit(cls, mass_mev: float, g_ref: float, status: str, reason: str) -> MassLimit:
        """A mass without a limit (``no_exclusion`` without signal, ``failed``): NaN limits, no interval."""
        return cls(mass_mev=float(mass_mev), status=status, g_ref=float(g_ref), reason=reason)

    def with_dark_matter(self, m_chi_mev: float, y_obs: float, y_exp: Sequence[float]) -> MassLimit:
        """This point with its limits in the light-dark-matter plane (m_chi in MeV, y)."""
        return dataclasses.replace(self, m_chi_mev=float(m_chi_mev), y_obs=float(y_obs), y_exp=_numbers(y_exp))

    def with_grid(self, grid: Mapping[str, Any]) -> MassLimit:
        """This point with its ``--grid`` CLs column."""
        return dataclasses.replace(self, grid=grid)

    # -- the limits.json point ---------------------------------------------------------------------------------
    def record(self, with_grid: bool = False) -> dict[str, Any]:
        """The point as ``limits.json`` stores it (strict JSON: NaN and infinity as null); fields that are None are
        left out (files written before they existed). The grid column goes to ``cls_grid.json``, not ``limits.json``,
        and the CLs scan is returned only: ``with_grid`` adds both (a checkpoint keeps everything)."""
        rec: dict[str, Any] = {"mass_mev": self.mass_mev, "status": self.status, "g_obs": self.g_obs,
                               "g_exp": list(self.g_exp), "mu_obs": self.mu_obs, "s_obs": self.s_obs}
        optional = {"mu_exp": None if self.mu_exp is None else list(self.mu_exp), "g_ref": self.g_ref,
                    "excluded_intervals_obs": None if self.excluded_intervals_obs is None else
                    [list(iv) for iv in self.excluded_intervals_obs],
                    "reason": self.reason, "m_chi_mev": self.m_chi_mev, "y_obs": self.y_obs,
                    "y_exp": None if self.y_exp is None else list(self.y_exp)}
        rec.update({k: v for k, v in optional.items() if v is not None})
        rec.update(self.facts)
        if with_grid and self.grid is not None:
            rec["grid"] = self.grid
        if with_grid and self.cls_scan is not None:
            rec["cls_scan"] = self.cls_scan.record()
        out: dict[str, Any] = json_safe(rec)
        return out

    @classmethod
    def from_record(cls, rec: Mapping[str, Any]) -> MassLimit:
        """A point from its record (``limits.json``, validated by the file's schema, or :meth:`record`).

        Raises:
            InputError: naming ``record``: not a mapping, a required field missing or of the wrong kind.
        """
        if not isinstance(rec, Mapping):
            raise InputError("record", f"a {type(rec).__name__} is not a point record (a mapping)")
        missing = [k for k in ("mass_mev", "status", "g_obs", "g_exp", "mu_obs", "s_obs") if k not in rec]
        if missing:
            raise InputError("record", f"a point record needs {', '.join(missing)}")
        try:
            return cls._from_record(rec)
        except (TypeError, ValueError) as exc:
            raise InputError("record", f"a point record of the wrong form: {exc}") from None

    @classmethod
    def _from_record(cls, rec: Mapping[str, Any]) -> MassLimit:
        intervals = rec.get("excluded_intervals_obs")
        return cls(
            mass_mev=float(rec["mass_mev"]), status=str(rec["status"]), g_obs=_number(rec["g_obs"]),
            g_exp=_numbers(rec["g_exp"]), mu_obs=_number(rec["mu_obs"]),
            mu_exp=None if "mu_exp" not in rec else _numbers(rec["mu_exp"]), s_obs=_number(rec["s_obs"]),
            g_ref=None if rec.get("g_ref") is None else float(rec["g_ref"]),
            excluded_intervals_obs=None if intervals is None else
            tuple((_number(lo), math.inf if hi is None else float(hi)) for lo, hi in intervals),
            reason=rec.get("reason"),
            facts={k: v for k, v in rec.items() if k not in _OWN},
            m_chi_mev=None if rec.get("m_chi_mev") is None else float(rec["m_chi_mev"]),
            y_obs=None if "y_obs" not in rec else _number(rec["y_obs"]),
            y_exp=None if "y_exp" not in rec else _numbers(rec["y_exp"]),
            grid=rec.get("grid"),
            cls_scan=None if rec.get("cls_scan") is None else CLsScan.from_record(rec["cls_scan"]))

    def same_as(self, other: MassLimit) -> bool:
        """The same result (its record and grid column), NaN equal to NaN: what merging scans checks. The CLs scan is
        not compared: it shows how the limits were found, and a scan read from files has none."""
        mine, theirs = self.record(with_grid=True), other.record(with_grid=True)
        mine.pop("cls_scan", None)
        theirs.pop("cls_scan", None)
        return mine == theirs
