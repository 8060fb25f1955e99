"""Reading the CSV tables users bring (efficiencies, external yields): bytes for the checksum, rows for the parser."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from limits.errors import InputError

__all__ = ["read_csv_rows"]


def read_csv_rows(path: Path, field: str) -> tuple[bytes, list[list[str]]]:
    """(the file's bytes, its non-empty rows) of a UTF-8 CSV file.

    Raises:
        InputError: the file cannot be read or is not UTF-8 (names ``field`` and the path).
    """
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(field, f"cannot read {path}: {exc}") from None
    return raw, [r for r in csv.reader(io.StringIO(text)) if r and any(c.strip() for c in r)]
