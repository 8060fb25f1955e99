"""Per-run signal-efficiency tables brought as CSV files by an analyst (from their simulation).

Format: a header ``mass_mev,efficiency`` or ``mass_mev,efficiency,rel_uncertainty``, then one row per mass, masses in
MeV strictly increasing, 0 < efficiency <= 1, 0 <= rel_uncertainty < 1 (the efficiency's relative uncertainty at that
mass; without the column the run's ``efficiency_uncertainty`` applies). Between rows the efficiency (and uncertainty)
is interpolated linearly in log(mass); a scan must stay inside the table's mass range. The file's SHA-256 goes into the
inputs digest and into ``limits.json`` (``input_files``).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

from limits.errors import InputError
from limits.io.csvfile import read_csv_rows

__all__ = ["EfficiencyTable", "read_efficiency_csv"]

HEADERS = (("mass_mev", "efficiency"), ("mass_mev", "efficiency", "rel_uncertainty"))


@dataclass(frozen=True)
class EfficiencyTable:
    """An efficiency table read from a file.

    Attributes:
        file: the file name as given (relative to the runs file).
        sha256: SHA-256 of the file's bytes.
        mass_mev: masses (MeV), increasing.
        efficiency: efficiency at each mass.
        rel_uncertainty: relative uncertainty at each mass, or None.
    """

    file: str
    sha256: str
    mass_mev: tuple[float, ...]
    efficiency: tuple[float, ...]
    rel_uncertainty: tuple[float, ...] | None


def _number(text: str, field: str, what: str, lo: float, hi: float, lo_open: bool, hi_open: bool = False) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(field, f"{what} '{text.strip()}' is not a number") from None
    ok = math.isfinite(value) and (value > lo if lo_open else value >= lo) and (value < hi if hi_open else value <= hi)
    if not ok:
        interval = f"{'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"
        raise InputError(field, f"{what} {value:g} is outside the allowed range {interval}")
    return value


def read_efficiency_csv(path: Path, name: str, field: str) -> EfficiencyTable:
    """Read and validate an efficiency CSV.

    Args:
        path: the file.
        name: the file name as written in the runs file (recorded; relative paths keep the digest location-free).
        field: what to call it in errors, e.g. ``"--runs runs.yaml: runs.I.efficiency.file"``.

    Raises:
        InputError: unreadable file, wrong header, a bad number (with its line), unsorted masses, no rows.
    """
    raw, rows = read_csv_rows(path, field)
    if not rows or tuple(c.strip() for c in rows[0]) not in HEADERS:
        raise InputError(field, f"{path}: the header must be {' or '.join(','.join(h) for h in HEADERS)}")
    ncol = len(rows[0])
    masses: list[float] = []
    effs: list[float] = []
    uncs: list[float] = []
    for line, row in enumerate(rows[1:], start=2):
        where = f"{field} {path}: line {line}"
        if len(row) != ncol:
            raise InputError(where, f"{len(row)} columns where the header has {ncol}")
        mass = _number(row[0], where, "mass_mev", 0.0, 1e6, lo_open=True)
        if masses and mass <= masses[-1]:
            raise InputError(where, f"mass_mev {mass:g} is not above the previous row's {masses[-1]:g} (sort the rows)")
        masses.append(mass)
        effs.append(_number(row[1], where, "efficiency", 0.0, 1.0, lo_open=True))
        if ncol == 3:
            uncs.append(_number(row[2], where, "rel_uncertainty", 0.0, 1.0, lo_open=False, hi_open=True))
    if not masses:
        raise InputError(field, f"{path}: no rows after the header")
    return EfficiencyTable(name, hashlib.sha256(raw).hexdigest(), tuple(masses), tuple(effs),
                           tuple(uncs) if ncol == 3 else None)
