"""Reading the CSV tables users bring (efficiencies, external yields): a header from an allowed list, then one row per
mass, masses strictly increasing, every cell a number checked by the caller; the file's SHA-256 for the digest."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from limits.errors import InputError

__all__ = ["MassTable", "mass_table_of", "read_csv_rows", "read_mass_table"]

# (cell text, where (field, file and line), column name) -> the value; raises InputError naming ``where``
CellParser = Callable[[str, str, str], float]


@dataclass(frozen=True)
class MassTable:
    """A validated mass table.

    Attributes:
        sha256: SHA-256 of the file's bytes.
        header: the header, one of the allowed ones.
        mass_mev: the first column (MeV), strictly increasing.
        columns: the other columns, in header order.
    """

    sha256: str
    header: tuple[str, ...]
    mass_mev: tuple[float, ...]
    columns: tuple[tuple[float, ...], ...]


def read_csv_rows(path: Path, field: str) -> tuple[str, tuple[str, ...], list[tuple[int, list[str]]]]:
    """A user's CSV read once: (SHA-256 of its bytes, the header's cells stripped, the other non-blank rows with
    their line numbers as the error messages count them, the header being line 1).

    Raises:
        InputError: unreadable or non-UTF-8 file.
    """
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")  # a byte-order mark (spreadsheet exports) is not part of the header
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(field, f"cannot read {path}: {exc}") from None
    rows = [r for r in csv.reader(io.StringIO(text)) if r and any(c.strip() for c in r)]
    header = tuple(c.strip() for c in rows[0]) if rows else ()
    return hashlib.sha256(raw).hexdigest(), header, list(enumerate(rows[1:], start=2))


def read_mass_table(path: Path, field: str, headers: Sequence[tuple[str, ...]], cell: CellParser) -> MassTable:
    """Read a CSV whose first column is ``mass_mev``: header in ``headers``, as many cells per row as the header,
    each cell through ``cell``, masses strictly increasing, at least one row.

    Raises:
        InputError: unreadable or non-UTF-8 file, wrong header, a bad row (with its line), unsorted masses, no rows.
    """
    return mass_table_of(read_csv_rows(path, field), path, field, headers, cell)


def mass_table_of(read: tuple[str, tuple[str, ...], list[tuple[int, list[str]]]], path: Path, field: str,
                  headers: Sequence[tuple[str, ...]], cell: CellParser) -> MassTable:
    """:func:`read_mass_table` of a file already read by :func:`read_csv_rows` (a reader that looks at the header
    first to tell which kind of table it has; ``path`` names the file in errors).

    Raises:
        InputError: as :func:`read_mass_table`.
    """
    sha256, header, rows = read
    if header not in headers:
        raise InputError(field, f"{path}: the header must be " + " or ".join(",".join(h) for h in headers))
    masses: list[float] = []
    columns: list[list[float]] = [[] for _ in header[1:]]
    for line, row in rows:
        where = f"{field} {path}: line {line}"
        if len(row) != len(header):
            raise InputError(where, f"{len(row)} columns where the header has {len(header)}")
        mass = cell(row[0], where, header[0])
        if masses and mass <= masses[-1]:
            raise InputError(where, f"mass_mev {mass:g} is not above the previous row's {masses[-1]:g} (sort the rows)")
        masses.append(mass)
        for column, text, name in zip(columns, row[1:], header[1:]):
            column.append(cell(text, where, name))
    if not masses:
        raise InputError(field, f"{path}: no rows after the header")
    return MassTable(sha256, header, tuple(masses), tuple(tuple(c) for c in columns))
