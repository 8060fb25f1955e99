"""Per-run signal-efficiency tables brought as CSV files by an analyst (from their simulation).

Format: a header ``mass_mev,efficiency`` or ``mass_mev,efficiency,rel_uncertainty``, then one row per mass, masses in
MeV strictly increasing, 0 < efficiency <= 1, 0 <= rel_uncertainty < 1 (the efficiency's relative uncertainty at that
mass; without the column the run's ``efficiency_uncertainty`` applies). Between rows the efficiency (and uncertainty)
is interpolated linearly in log(mass); a scan must stay inside the table's mass range. The file's SHA-256 goes into the
inputs digest and into ``limits.json`` (``input_files``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from limits.errors import InputError
from limits.io.csvfile import read_mass_table

__all__ = ["EfficiencyTable", "read_efficiency_csv"]

HEADERS = (("mass_mev", "efficiency"), ("mass_mev", "efficiency", "rel_uncertainty"))
# column -> (lo, hi, lo_open, hi_open) of its allowed range
RANGES = {"mass_mev": (0.0, 1e6, True, False), "efficiency": (0.0, 1.0, True, False),
          "rel_uncertainty": (0.0, 1.0, False, True)}


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


def _cell(text: str, where: str, column: str) -> float:
    lo, hi, lo_open, hi_open = RANGES[column]
    try:
        value = float(text)
    except ValueError:
        raise InputError(where, f"{column} '{text.strip()}' is not a number") from None
    ok = math.isfinite(value) and (value > lo if lo_open else value >= lo) and (value < hi if hi_open else value <= hi)
    if not ok:
        interval = f"{'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"
        raise InputError(where, f"{column} {value:g} is outside the allowed range {interval}")
    return value


def read_efficiency_csv(path: Path, name: str, field: str) -> EfficiencyTable:
    """Read and validate an efficiency CSV.

    Args:
        path: the file.
        name: the file name as written in the runs file (recorded; relative paths keep the digest location-free).
        field: what to call it in errors, e.g. ``"runs runs.yaml: runs.I.efficiency.file"``.

    Raises:
        InputError: unreadable file, wrong header, a bad number (with its line), unsorted masses, no rows.
    """
    table = read_mass_table(path, field, HEADERS, _cell)
    return EfficiencyTable(name, table.sha256, table.mass_mev, table.columns[0],
                           table.columns[1] if len(table.columns) == 2 else None)
