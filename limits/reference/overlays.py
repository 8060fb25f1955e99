"""Other experiments' (or other scans') exclusion curves read from files, to draw beside ours (``--overlay``).

An overlay is given as ``FILE`` or ``LABEL=FILE``; its format follows from the file's suffix:

- ``.csv``: a header row naming the columns, the mass first (``mass_mev``, in MeV) and the coupling second, named
  ``g`` or ``epsilon`` (its convention) or ``coupling`` (none stated); ``#`` comment lines are skipped, empty cells are
  gaps.
- ``.lmt``: a DarkCast limit (masses in GeV; line 1 the labels, the ``lower`` column is drawn, ``upper`` too where
  present; 1e5, DarkCast's "no limit", is a gap). The convention is the one our own exports state in their header
  (``coupling g``/``coupling epsilon``), else none stated: DarkCast's couplings are its model's global coupling (epsilon
  for its dark-photon limits).
- ``.yaml``/``.yml``: a HEPData table (``independent_variables``: the mass, its ``units`` MeV or GeV;
  ``dependent_variables``: the one qualified ``Limit: Observed`` if there is one, else the first). The convention
  comes from the variable's name (epsilon or varepsilon, or g).

The label is ``LABEL`` if given, else the file's name without suffix. An overlay whose convention differs from the
figure's coupling is refused (:func:`check_overlays`); one without a stated convention is drawn as the figure's.
Overlays are :class:`~limits.reference.curves.ReferenceCurve` values, as the shipped published curves are.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "babar.csv"
    >>> _ = path.write_text("mass_mev,epsilon\\n10,1e-3\\n100,2e-3\\n")
    >>> curve = read_overlay(f"BaBar 2017={path}")
    >>> curve.label, curve.entry["coupling"], curve.mass_mev.tolist()
    ('BaBar 2017', 'epsilon', [10.0, 100.0])
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from limits import constants as C
from limits.errors import InputError
from limits.io.files import parse_document, read_document, read_text_file
from limits.reference.curves import ReferenceCurve

__all__ = ["COUPLINGS", "OVERLAY_SUFFIXES", "OverlaySpec", "check_overlays", "overlay_from_text", "read_overlay",
           "read_overlays"]

OverlaySpec = str | os.PathLike[str] | ReferenceCurve
"""An overlay as the API takes it: a file (``FILE`` or ``LABEL=FILE``) or a curve already read."""

COUPLINGS = ("g", "epsilon")
"""The coupling conventions an overlay may state: a gauge coupling g, or the dark photon's epsilon."""

OVERLAY_SUFFIXES = {".csv": "csv", ".lmt": "darkcast", ".yaml": "hepdata", ".yml": "hepdata"}
"""File suffix -> overlay format."""

_NO_LIMIT = 1e5  # DarkCast's "not excluded" (its recast's gmax)
LABEL_CHARS = 80
LABEL = re.compile(rf"[^$\x00-\x1f\x7f]{{1,{LABEL_CHARS}}}")
"""A label given with an overlay's text: one line of printable characters, no '$' (mathtext to the legend)."""


def read_overlays(specs: OverlaySpec | Iterable[OverlaySpec] | None,
                  field: str = "overlays") -> list[ReferenceCurve]:
    """:func:`read_overlay` of each spec, in order (a :class:`ReferenceCurve` as it is; none: an empty list)."""
    if isinstance(specs, (str, os.PathLike, ReferenceCurve)):
        specs = [specs]
    return [spec if isinstance(spec, ReferenceCurve) else read_overlay(spec, field) for spec in (specs or ())]


def read_overlay(spec: str | os.PathLike[str], field: str = "overlay") -> ReferenceCurve:
    """The curve of an overlay spec ``FILE`` or ``LABEL=FILE`` (see the module docstring).

    Raises:
        InputError: naming ``field``: not a path, a missing or unreadable file, an unknown suffix, a table without
            the columns or variables described above, units other than MeV/GeV, or no point with a limit.
    """
    if not isinstance(spec, (str, os.PathLike)):
        raise InputError(field, f"a {type(spec).__name__} is not an overlay (FILE or LABEL=FILE)")
    text = os.fspath(spec)
    label, sep, name = text.partition("=")
    if not sep or Path(text).is_file():  # a file whose name holds '=' is the file
        label, name = "", text
    path = Path(name)
    kind = OVERLAY_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise InputError(field, f"{name}: unknown overlay format (suffixes: {', '.join(OVERLAY_SUFFIXES)})")
    content = read_document(path, field) if kind == "hepdata" else read_text_file(path, field)
    entry = {"name": path.stem, "label": label or path.stem, "file": str(path), "format": kind,
             "source": f"overlay file {path}"}
    return _curve(kind, content, entry, f"{field} {name}", field)


def overlay_from_text(text: str, fmt: str, label: str, field: str = "overlay") -> ReferenceCurve:
    """The curve of an overlay given as its text rather than a file (a service's request, a notebook cell): ``fmt``
    is ``csv``, ``darkcast`` (a ``.lmt``) or ``hepdata`` (a table's YAML), read as the files of those formats are.

    Raises:
        InputError: naming ``field``: an unknown format, an empty label, YAML that does not parse, or the faults
            :func:`read_overlay` names.

    Example:
        >>> curve = overlay_from_text("mass_mev,g\\n10,1e-5\\n100,1e-4\\n", "csv", "mine")
        >>> curve.label, curve.entry["coupling"], curve.coupling.tolist()
        ('mine', 'g', [1e-05, 0.0001])
    """
    formats = sorted(set(OVERLAY_SUFFIXES.values()))
    if fmt not in formats:
        raise InputError(field, f"{fmt!r} is not an overlay format ({', '.join(formats)})")
    if not isinstance(label, str) or not LABEL.fullmatch(label) or not label.strip() or not isinstance(text, str):
        raise InputError(field, f"an overlay needs its text and a label of 1-{LABEL_CHARS} characters on one line, "
                                f"without '$' (the figure's legend would read it as mathtext), got {str(label)[:40]!r}")
    where = f"{field} {label}"
    # a HEPData table parsed as an input file is: no aliases, bounded nesting
    content: Any = parse_document(text, where, "not YAML") if fmt == "hepdata" else text
    entry = {"name": label, "label": label, "file": label, "format": fmt, "source": f"overlay text {label!r}"}
    return _curve(fmt, content, entry, where, field)


def _curve(kind: str, content: Any, entry: dict[str, Any], where: str, field: str) -> ReferenceCurve:
    """The curve of an overlay's content (text, or the parsed YAML of a HEPData table), sorted by mass, with the
    coupling convention it states added to ``entry``."""
    if kind == "hepdata":
        try:
            mass_mev, coupling, convention = _hepdata(content, where)
        except (AttributeError, KeyError, IndexError, TypeError):  # a document of another shape than a table's
            raise InputError(where, "not a HEPData table: independent_variables and dependent_variables must be "
                                    "lists of {header: {name, units}, values: [{value}]}") from None
    else:
        mass_mev, coupling, convention = (_csv if kind == "csv" else _darkcast)(content, where)
    keep = np.isfinite(mass_mev) & (mass_mev > 0) & ~(coupling <= 0)
    mass_mev, coupling = mass_mev[keep], coupling[keep]
    if not np.isfinite(coupling).any():
        raise InputError(field, f"{entry['file']}: no point with a limit")
    order = np.argsort(mass_mev, kind="stable")
    return ReferenceCurve({**entry, "coupling": convention}, mass_mev[order], coupling[order])


def check_overlays(overlays: Sequence[ReferenceCurve], coupling: str, field: str = "overlays") -> None:
    """Refuse an overlay whose stated coupling convention differs from a figure's ``coupling`` (``g`` or
    ``epsilon``): the curves would not be comparable.

    Raises:
        InputError: naming ``field``.
    """
    for curve in overlays:
        stated = curve.entry.get("coupling")
        if stated is not None and stated != coupling:
            raise InputError(field, f"{curve.entry['file']} is a limit on {stated}, the figure's coupling is "
                                    f"{coupling}: convert it first (epsilon e = g for the electron coupling)")


def _floats(cells: Sequence[str], where: str) -> np.ndarray:
    try:
        return np.array([float(c) if c.strip() else math.nan for c in cells])
    except ValueError as exc:
        raise InputError(where, f"not a number: {exc}") from None


def _csv(content: str, where: str) -> tuple[np.ndarray, np.ndarray, str | None]:
    """mass_mev and coupling columns of a CSV overlay; the convention from the coupling column's name."""
    rows = [row for row in csv.reader(io.StringIO(content)) if row and not row[0].lstrip().startswith("#")]
    if not rows or len(rows[0]) < 2:
        raise InputError(where, "needs a header row 'mass_mev,<g|epsilon|coupling>' and rows of two numbers")
    head = [h.strip().lower() for h in rows[0]]
    if head[0] != "mass_mev" or head[1] not in (*COUPLINGS, "coupling"):
        raise InputError(where, f"the header must be 'mass_mev,<g|epsilon|coupling>' (mass in MeV), got "
                                f"{','.join(rows[0][:2])!r}")
    body = rows[1:]
    if any(len(row) < 2 for row in body):
        raise InputError(where, "every row needs a mass and a coupling")
    return (_floats([r[0] for r in body], where), _floats([r[1] for r in body], where),
            head[1] if head[1] in COUPLINGS else None)


def _darkcast(content: str, where: str) -> tuple[np.ndarray, np.ndarray, str | None]:
    """A DarkCast .lmt: masses in GeV, the lower column (and the upper one, drawn after a gap)."""
    lines = content.splitlines()
    labels = lines[0].replace("#", "").split() if lines else []
    rows = [line.split("#")[0].split() for line in lines[1:]]
    rows = [r for r in rows if r]
    if len(labels) < 2 or not rows or any(len(r) != len(labels) for r in rows):
        raise InputError(where, "a DarkCast .lmt needs line 1 naming its columns ('# mass lower [upper]') and "
                                "rows of as many numbers")
    table = np.array([_floats(r, where) for r in rows])
    mass_mev = table[:, 0] / C.GEV_PER_MEV
    cols = {name: table[:, i] for i, name in enumerate(labels)}
    lower = np.where(cols.get("lower", table[:, 1]) >= _NO_LIMIT, math.nan, cols.get("lower", table[:, 1]))
    if "upper" in cols:  # the upper edge, drawn as its own line after a gap
        upper = np.where(cols["upper"] >= _NO_LIMIT, math.nan, cols["upper"])
        mass_mev = np.concatenate([mass_mev, [math.nan], mass_mev])
        lower = np.concatenate([lower, [math.nan], upper])
    stated = re.search(r"\(coupling (g|epsilon)\)", content)
    return mass_mev, lower, stated.group(1) if stated else None


def _hepdata(doc: Any, where: str) -> tuple[np.ndarray, np.ndarray, str | None]:
    """A HEPData table: its mass variable and its observed limit."""
    if not isinstance(doc, Mapping) or not doc.get("independent_variables") or not doc.get("dependent_variables"):
        raise InputError(where, "a HEPData table needs independent_variables (the mass) and dependent_variables")
    x = doc["independent_variables"][0]
    units = str(x.get("header", {}).get("units", "")).strip().lower()
    if units not in ("mev", "gev"):
        raise InputError(where, f"the mass's units must be MeV or GeV, got {units or 'none'!r}")
    dependents = doc["dependent_variables"]
    chosen = next((d for d in dependents if any(str(q.get("name", "")).lower() == "limit"
                                                and str(q.get("value", "")).lower() == "observed"
                                                for q in d.get("qualifiers") or [])), dependents[0])
    mass = _values(x, where) * (1.0 if units == "mev" else 1.0 / C.GEV_PER_MEV)
    coupling = _values(chosen, where)
    if mass.size != coupling.size:
        raise InputError(where, f"{mass.size} masses but {coupling.size} limits")
    return mass, coupling, _convention(str(chosen.get("header", {}).get("name", "")))


def _values(variable: Mapping[str, Any], where: str) -> np.ndarray:
    out = []
    for v in variable.get("values") or []:
        value = v.get("value") if isinstance(v, Mapping) else None
        try:
            out.append(float(value))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            out.append(math.nan)  # '-' or missing: a gap
    if not out:
        raise InputError(where, "a variable without values")
    return np.array(out)


def _convention(name: str) -> str | None:
    """The coupling a HEPData variable's name states: epsilon (also as varepsilon), or g."""
    lowered = name.lower()
    if "epsilon" in lowered or "\u03b5" in name:
        return "epsilon"
    if re.search(r"(^|[^a-z\\])g($|[^a-z])", lowered):
        return "g"
    return None
