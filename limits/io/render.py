"""Render result rows (lists of dicts, possibly one level nested) as an aligned table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable

from limits.io.files import json_safe

__all__ = ["FORMATS", "flatten", "render"]

FORMATS = ("table", "json", "csv")


def flatten(row: dict[str, Any]) -> dict[str, Any]:
    """One level of nesting flattened with ``_``: ``{"br": {"ee": x}}`` -> ``{"br_ee": x}``."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            out.update({f"{key}_{k}": v for k, v in value.items()})
        else:
            out[key] = value
    return out


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def render(rows: Iterable[dict[str, Any]], fmt: str, header: str = "") -> str:
    """Rows as text in ``fmt`` (one of :data:`FORMATS`). ``header`` is a comment line shown above tables only."""
    rows = list(rows)
    if fmt == "json":
        return json.dumps(json_safe(rows), indent=1, allow_nan=False) + "\n"
    flat = [flatten(r) for r in rows]
    columns = list(flat[0]) if flat else []
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for r in flat:
            writer.writerow({k: repr(v) if isinstance(v, float) else v for k, v in r.items()})
        return buf.getvalue()
    cells = [columns] + [[_cell(r[c]) for c in columns] for r in flat]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    lines = [f"# {header}"] if header else []
    lines += ["  ".join(v.rjust(w) for v, w in zip(row, widths)) for row in cells]
    return "\n".join(lines) + "\n"
