"""A scan's exclusion in the formats recasting tools read: DarkCast ``.lmt``, a flat CSV of every excluded interval,
and YAML.

- DarkCast (Ilten, Soreq, Williams, Xue, JHEP 06 (2018) 004; ``limits/*.lmt`` in its repository): whitespace-separated
  columns, ``#`` comments, the first column the mass in GeV, then the lower and, for a bounded exclusion, the upper
  coupling of each excluded interval (islands as further lower/upper pairs). A mass where a column has no interval
  carries :data:`DARKCAST_NO_LIMIT` (1e5, DarkCast's own "not excluded" value); an interval open towards large
  couplings has that value as its upper edge.
- CSV: one row per (mass, interval): mass_mev, status, interval index, lower and upper coupling (``inf`` when open),
  and the observed and expected limits; masses without an exclusion keep one row with empty edges.
- YAML: the settings and, per mass, the observed and expected limits and the excluded intervals.
"""

from __future__ import annotations

import csv
import io
import math
import os
from typing import Any

import yaml

from limits import constants as C
from limits.errors import InputError
from limits.frozen import thaw
from limits.io.files import atomic_path, check_output_file
from limits.scanning.result import ScanResult

__all__ = ["DARKCAST_NO_LIMIT", "FORMATS", "darkcast_text", "export", "export_text", "intervals_csv_text",
           "yaml_text"]

DARKCAST_NO_LIMIT = 1e5
FORMATS = ("darkcast", "csv", "yaml")


def _header(result: ScanResult) -> list[str]:
    return [f"NA64 {result.analysis}: {result.cl * 100:g}% CL exclusion of the {result.model} Z' "
            f"(coupling {result.coupling}), method {result.method}"
            + (f", {result.ntoys} toys, seed {result.seed}" if result.ntoys else ""),
            f"computed with the limits package (inputs digest {result.inputs_digest[:16]})"]


def darkcast_text(result: ScanResult) -> str:
    """The observed exclusion as a DarkCast ``.lmt`` file (masses in GeV)."""
    intervals = result.excluded_intervals()
    width = max((len(iv) for iv in intervals), default=0)
    bounded = any(hi != math.inf for iv in intervals for _, hi in iv)
    columns = ["mass"] + [name for k in range(max(width, 1)) for name in
                          ((f"lower{k + 1 if width > 1 else ''}", f"upper{k + 1 if width > 1 else ''}")
                           if bounded or width > 1 else ("lower",))]
    lines = [f"# {line}" for line in _header(result)]
    lines.append("# columns: mass in GeV, then lower (and upper) coupling of each excluded interval; "
                 f"{DARKCAST_NO_LIMIT:.0e} = no limit")
    lines.append("#" + "".join(f"{c:>14s}" for c in columns)[1:])
    for mass, ivs in zip(result.mass_mev, intervals):
        cells = [mass * C.GEV_PER_MEV]
        for k in range(max(width, 1)):
            lo, hi = ivs[k] if k < len(ivs) else (DARKCAST_NO_LIMIT, DARKCAST_NO_LIMIT)
            cells.append(lo)
            if bounded or width > 1:
                cells.append(DARKCAST_NO_LIMIT if hi == math.inf else hi)
        lines.append("".join(f"{v:14.6e}" for v in cells))
    return "\n".join(lines) + "\n"


def intervals_csv_text(result: ScanResult) -> str:
    """Every excluded interval's edges, one row per (mass, interval)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    sym = result.coupling
    writer.writerow(["mass_mev", "status", "interval", f"{sym}_lower", f"{sym}_upper", f"{sym}_obs",
                     *(f"{sym}_exp_{b}" for b in result.band_order)])
    for i, ivs in enumerate(result.excluded_intervals()):
        common = [repr(float(result.g_obs[i])), *(repr(float(v)) for v in result.g_exp[i])]
        for k, (lo, hi) in enumerate(ivs or [(math.nan, math.nan)]):
            writer.writerow([repr(float(result.mass_mev[i])), result.status[i], k if ivs else "",
                             "" if math.isnan(lo) else repr(lo), "" if math.isnan(hi) else repr(hi), *common])
    return buf.getvalue()


def _plain(value: float) -> float | str | None:
    if math.isnan(value):
        return None
    return ".inf" if value == math.inf else float(value)


def yaml_text(result: ScanResult) -> str:
    """Settings and per-mass limits and excluded intervals as YAML (``.inf`` for an open upper edge)."""
    doc: dict[str, Any] = {
        "analysis": result.analysis, "model": result.model, "coupling": result.coupling, "cl": result.cl,
        "method": result.method, "inputs_digest": result.inputs_digest, "band_order": list(result.band_order),
        "dark_sector": result.dark_sector,
        "points": [{"mass_mev": float(m), "status": str(s), f"{result.coupling}_obs": _plain(float(o)),
                    f"{result.coupling}_exp": [_plain(float(v)) for v in e],
                    "excluded_intervals": [[_plain(lo), _plain(hi)] for lo, hi in ivs]}
                   for m, s, o, e, ivs in zip(result.mass_mev, result.status, result.g_obs, result.g_exp,
                                              result.excluded_intervals())],
    }
    text = yaml.safe_dump(thaw(doc), sort_keys=False, default_flow_style=None, width=120)  # plain dicts for PyYAML
    return "".join(f"# {line}\n" for line in _header(result)) + text.replace("'.inf'", ".inf")


def export_text(result: ScanResult, fmt: str) -> str:
    """The result in ``fmt``, one of :data:`FORMATS`."""
    return {"darkcast": darkcast_text, "csv": intervals_csv_text, "yaml": yaml_text}[fmt](result)


def export(result: ScanResult | str | os.PathLike[str], fmt: str = "darkcast",
           path: str | os.PathLike[str] | None = None) -> str:
    """A scan's observed exclusion, every excluded interval (islands included), in a recasting tool's format
    (:mod:`limits.publish.export`): ``darkcast`` (a DarkCast ``.lmt`` file, masses in GeV), ``csv`` or ``yaml``.

    Args:
        result: a scan, or the path of its limits.json (or its directory).
        fmt: one of ``darkcast``, ``csv``, ``yaml``.
        path: also write the text to this file (atomically).

    Returns:
        The text.

    Raises:
        InputError: an unknown format (field ``fmt``), an unreadable result (``result``), an unwritable ``path``.

    Example:
        >>> from limits.scanning.run import scan
        >>> text = export(scan("na64-2026", "bl-unbroken", mass_mev=[1.0, 10.0]), "darkcast")
        >>> [line.split()[0] for line in text.splitlines() if not line.startswith("#")]  # masses in GeV
        ['1.000000e-03', '1.000000e-02']
    """
    if fmt not in FORMATS:
        raise InputError("fmt", f"'{fmt}' is not one of {', '.join(FORMATS)}")
    if path is not None:
        if not isinstance(path, (str, os.PathLike)):
            raise InputError("path", f"a {type(path).__name__} is not a file path")
        check_output_file(path, "path")
    res = ScanResult.read(result)
    text = export_text(res, fmt)
    if path is not None:
        with atomic_path(path, field="path") as tmp:
            tmp.write_text(text)
    return text
