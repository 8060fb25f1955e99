"""A scan's exclusion in the formats recasting tools read: DarkCast ``.lmt`` (with its limit module), a flat CSV of
every excluded interval, and YAML.

- DarkCast (Ilten, Soreq, Williams, Xue, JHEP 06 (2018) 004; ``limits/*.lmt`` in its repository): whitespace-separated
  columns, the mass in GeV first. Line 1 names the columns (DarkCast's ``Datasets`` reads it as the labels, the first
  being the mass): ``# mass lower`` for an exclusion open towards large couplings, ``# mass lower upper`` for a
  bounded one; islands add ``lower_2 upper_2``, ... (DarkCast's ``recast`` uses ``lower`` and ``upper`` only). The
  provenance follows as comment lines. A mass where a column has no interval carries :data:`DARKCAST_NO_LIMIT` (1e5,
  DarkCast's "not excluded" value, its recast's ``gmax``); an open interval has it as its upper edge.
  Written to a file, the ``.lmt`` comes with the DarkCast limit module ``X.py`` that describes the search and the model
  module ``X_model.py`` that describes the limit's model (:func:`darkcast_module_text`, :func:`darkcast_model_text`).
- CSV: one row per (mass, interval): mass_mev, status, interval index, lower and upper coupling (``inf`` when open),
  and the observed and expected limits; masses without an exclusion keep one row with empty edges.
- YAML: the settings and, per mass, the observed and expected limits and the excluded intervals.
"""

from __future__ import annotations

import csv
import io
import math
import os
from pathlib import Path
from typing import Any

import yaml

from limits import constants as C
from limits._version import __version__
from limits.analysis.definition import builtin_analyses, get_analysis
from limits.errors import InputError
from limits.frozen import thaw
from limits.io.files import atomic_paths, check_output_file
from limits.physics.models import Model
from limits.scanning.result import ScanResult

__all__ = ["DARKCAST_NO_LIMIT", "FORMATS", "darkcast_model_text", "darkcast_module_text", "darkcast_text", "export",
           "export_text", "intervals_csv_text", "yaml_text"]

DARKCAST_NO_LIMIT = 1e5
FORMATS = ("darkcast", "csv", "yaml")


def _header(result: ScanResult) -> list[str]:
    return [f"NA64 {result.analysis}: {result.cl * 100:g}% CL exclusion of the {result.model} Z' "
            f"(coupling {result.coupling}), method {result.method}"
            + (f", {result.ntoys} toys, seed {result.seed}" if result.ntoys else ""),
            f"computed with the limits package (inputs digest {result.inputs_digest[:16]})"]


def darkcast_text(result: ScanResult) -> str:
    """The observed exclusion as a DarkCast ``.lmt`` file (masses in GeV): line 1 the column labels, then the
    provenance as comments, then one row per mass."""
    intervals = result.excluded_intervals()
    width = max((len(iv) for iv in intervals), default=0)
    bounded = width > 1 or any(hi != math.inf for iv in intervals for _, hi in iv)
    columns = ["mass"] + [name for k in range(max(width, 1)) for name in
                          ((f"lower{_suffix(k)}", f"upper{_suffix(k)}") if bounded else ("lower",))]
    lines = ["#" + "".join(f"{c:>14s}" for c in columns)[1:]]  # DarkCast's labels: line 1, the first is the mass
    lines += [f"# {line}" for line in _header(result)]
    lines.append("# columns: mass in GeV, then the lower (and upper) coupling of each excluded interval; "
                 f"{DARKCAST_NO_LIMIT:.0e} = no limit (DarkCast's gmax); lower_k/upper_k: the k-th interval (an "
                 "island), which DarkCast's recast does not read")
    for mass, ivs in zip(result.mass_mev, intervals):
        cells = [mass * C.GEV_PER_MEV]
        for k in range(max(width, 1)):
            lo, hi = ivs[k] if k < len(ivs) else (DARKCAST_NO_LIMIT, DARKCAST_NO_LIMIT)
            cells.append(lo)
            if bounded:
                cells.append(DARKCAST_NO_LIMIT if hi == math.inf else hi)
        lines.append("".join(f"{v:14.6e}" for v in cells))
    return "\n".join(lines) + "\n"


def _suffix(k: int) -> str:
    return "" if k == 0 else f"_{k + 1}"


# DarkCast's fermions (its pars.mfs) and ours: the heavy quarks take the charge of their lighter partner (a
# generation-universal model; NA64's masses never reach their thresholds)
_DARKCAST_FERMIONS = {"e": "e", "mu": "mu", "tau": "tau", "d": "d", "u": "u", "s": "s", "c": "u", "b": "d", "t": "u"}


def _darkcast_couplings(model: Model) -> dict[str, float]:
    """DarkCast's ``xfs`` of a model: each fermion's coupling per unit of the model's coupling parameter (e Q for the
    dark photon, whose parameter is epsilon). DarkCast's neutrino width is that of a left-handed neutrino,
    x^2 m/(24 pi): a light Dirac neutrino (nu_R light too) has twice it, so its x is sqrt(2) times the charge."""
    scale = model.coupling_scale
    xfs = {name: scale * model.charges[ours] for name, ours in _DARKCAST_FERMIONS.items()}
    nu = math.sqrt(2.0) if model.light_nu == "dirac" else 1.0
    xfs.update({f"nu{flavour}": scale * nu * model.nu_charges[flavour] for flavour in ("e", "mu", "tau")})
    return {k: 0.0 if v == 0 else v for k, v in xfs.items()}  # no -0.0 in the file


def darkcast_model_text(result: ScanResult) -> str:
    """The DarkCast model module of a scan's model (``X_model.py`` beside ``X.lmt``): its ``xfs``
    (:func:`_darkcast_couplings`), as DarkCast's own ``models/*.py`` define them.

    Raises:
        InputError: naming ``result``: a model with an absolute kinetic mixing (a coupling not proportional to the
            coupling parameter, which DarkCast's single global coupling cannot express).
    """
    model = _scan_model(result)
    xfs = _darkcast_couplings(model)
    lines = [f"# DarkCast model: {model.name}, the model of the NA64 limit {result.analysis} / {result.model}",
             f"# (written by the limits package {__version__}; couplings per unit {result.coupling})", "xfs = {"]
    lines += [f"    {name!r}: {value!r}," for name, value in xfs.items()]
    return "\n".join(lines) + "\n}\n"


def darkcast_module_text(result: ScanResult, lmt_name: str) -> str:
    """The DarkCast limit module of a scan's ``.lmt`` file ``lmt_name`` (in the same directory; ``X.py`` beside
    ``X.lmt``, its model in ``X_model.py``): what DarkCast's ``Limit`` reads (notes, bibtex, model, production,
    decay, bounds, efficiency), describing NA64's search as DarkCast's own NA64 modules do, with this scan's model.

    - production ``e_brem`` (electron and positron beams): DarkCast scales the yield with the electron coupling
      squared (our yield is bremsstrahlung plus resonant annihilation, both proportional to it; the annihilation's
      line shape is not); ``mu_brem`` for a muon beam (DarkCast's lepton-beam bremsstrahlung, the muon's coupling).
    - decay: the invisible final states (light neutrinos that carry a charge; ``invisible`` for heavy N and a dark
      sector, through ``iwidth``). A dark sector's width does not scale with the coupling as DarkCast assumes: it takes
      DarkCast's convention for NA64, an invisible width 99 times the visible one (BR_inv = 0.99; ours is 1 - O(1e-8)
      at these couplings, so a recast moves by ~0.5 %).
    - efficiency: no dependence on the lifetime (``t0 = 0``, ``t1 = inf``), as DarkCast's NA64 modules assume. Our
      limit also counts visible decays beyond the detector (PRL 129 Eq. 6): long-lived Z' at small masses (below
      ~20 MeV for B-L) and, for a bounded exclusion, the upper edge where it decays visibly inside. DarkCast's recast
      of this module reproduces neither: use the ``.lmt``'s ``upper`` as published.

    Raises:
        InputError: naming ``result``: a model DarkCast cannot express (:func:`darkcast_model_text`), or a scan
            combining electron-side and muon beams (:func:`_production`).
    """
    model = _scan_model(result)
    production, beam_text = _production(result)
    stem = lmt_name[: -len(".lmt")] if lmt_name.endswith(".lmt") else lmt_name
    states = [f"nu{f}_nu{f}" for f in ("e", "mu", "tau") if model.nu_charges[f] != 0]
    iwidth = None
    if model.dark is not None:
        iwidth = "lambda m, model: 99.0 * model.width('visible', m)"
        states.append("invisible")
    elif model.heavy_n_charges and model.heavy_n_mass_ratio < 0.5:
        q2 = sum(q**2 for q in model.heavy_n_charges)
        # Gamma(Z' -> N N) per g^2 (PRL 129 Eq. 3), as DarkCast's iwidth is: scaled by the coupling squared
        r2 = model.heavy_n_mass_ratio**2
        iwidth = f"lambda m, model: {q2!r} * m / (24.0 * math.pi) * (1.0 - 4.0 * {r2!r})**1.5"
        states.append("invisible")
    analysis_refs = _analysis_references(result.analysis)
    notes = [f"NA64 {result.analysis}: {result.cl * 100:g}% CL exclusion of the {result.model} Z' (coupling "
             f"{result.coupling}), {result.method} CLs, computed with the limits package {__version__} (inputs digest "
             f"{result.inputs_digest[:16]}).",
             f"Invisible search (missing energy) with NA64's {beam_text}.",
             "DarkCast's recast assumes no lifetime dependence (t0 = 0, t1 = inf): our limit also counts visible "
             "decays beyond the detector (PRL 129 Eq. 6) and its upper edge is where the Z' decays visibly inside; "
             "neither is recast. " + ("The dark sector's invisible width follows DarkCast's convention (99 x the "
                                       "visible width). " if model.dark is not None else "")
             + "References: " + "; ".join(analysis_refs or ("see the limits package",)) + "."]
    body = [
        f'"""DarkCast limit module: NA64 {result.analysis}, {result.model} (written by the limits package '
        f'{__version__}). Load with darkcast.Limit("{Path(stem).name}", path=<this directory>)."""',
        "import math",
        "import os",
        "",
        "import darkcast",
        "",
        "_HERE = os.path.dirname(os.path.abspath(__file__))",
        f"notes = {chr(10).join(notes)!r}",
        f"bibtex = {_bibtex(result.analysis)!r}",
        f"model = darkcast.Model({Path(stem).name + '_model'!r}"
        + (f", iwidth={iwidth}" if iwidth else "") + ", path=_HERE)",
        f"production = darkcast.Production({production!r})",
        f"decay = {states!r}" if len(states) != 1 else f"decay = {states[0]!r}",
        f"bounds = darkcast.Datasets(os.path.join(_HERE, {Path(lmt_name).name!r}))",
        'efficiency = darkcast.Efficiency(t0=0, t1=float("inf"))',
    ]
    if not states:
        raise InputError("result", f"{result.model} has no invisible decay: DarkCast's invisible search has nothing "
                                   "to recast (export the .lmt alone)")
    return "\n".join(body) + "\n"


def _scan_model(result: ScanResult) -> Model:
    """The model of a scan, from the document it records; refused where DarkCast cannot express it."""
    model = result.scan_model()
    if model.epsilon != 0:
        raise InputError("result", f"{result.model} has an absolute kinetic mixing (a coupling not proportional to "
                                   f"{result.coupling}): DarkCast's single global coupling cannot express it; export "
                                   "the .lmt alone")
    return model


def _production(result: ScanResult) -> tuple[str, str]:
    """DarkCast's production of a scan (``e_brem`` or ``mu_brem``: the yield scales with that lepton's coupling
    squared, DarkCast's "A_brem") and the words for the notes, from the beams its runs recorded (the electron beam
    for results that predate other beams).

    Raises:
        InputError: naming ``result``: electron-side and muon beams combined (one DarkCast production cannot scale
            both).
    """
    beams = sorted({str(s.get("beam_particle", "e-")) for s in (result.setups or {}).values()} or {"e-"})
    leptons = {"mu" if b.startswith("mu") else "e" for b in beams}
    if len(leptons) > 1:
        raise InputError("result", f"{result.analysis} combines electron-side and muon beams ({', '.join(beams)}): "
                                   "a DarkCast limit has one production; export each beam's analysis instead")
    words = {"e-": "electron", "e+": "positron", "mu+": "muon", "mu-": "muon"}
    names = " and ".join(dict.fromkeys(words[b] for b in beams))
    lepton = leptons.pop()
    return f"{lepton}_brem", (f"{names} beam; production by the {'muon' if lepton == 'mu' else 'electron'} "
                              "coupling")


def _analysis_references(name: str) -> tuple[str, ...]:
    return get_analysis(name).references if name in builtin_analyses() else ()


# the papers of the built-in analyses, as DarkCast's modules cite them (inSPIRE BibTeX keys)
_BIBTEX = {
    "na64-2022": "@article{NA64:2022rme,\n author = \"Andreev, Yu. M. and others\",\n collaboration = \"NA64\",\n"
                 " title = \"{Search for a New B-L Z' Gauge Boson with the NA64 Experiment at CERN}\",\n"
                 " journal = \"Phys. Rev. Lett.\",\n volume = \"129\",\n pages = \"161801\",\n year = \"2022\",\n"
                 " doi = \"10.1103/PhysRevLett.129.161801\",\n eprint = \"2207.09979\",\n archivePrefix = \"arXiv\"\n}",
    "na64-2026": "@article{NA64:2026,\n collaboration = \"NA64\",\n eprint = \"2606.17320\",\n"
                 " archivePrefix = \"arXiv\",\n year = \"2026\"\n}",
}


def _bibtex(analysis: str) -> str:
    return _BIBTEX.get(analysis, f"% no BibTeX entry for the analysis {analysis}")


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
        target = Path(path)
        files = {target: text}
        if fmt == "darkcast":  # the limit module and its model beside the .lmt (X.lmt: X.py, X_model.py)
            stem = target.name[: -len(".lmt")] if target.name.endswith(".lmt") else target.stem
            files[target.with_name(f"{stem}.py")] = darkcast_module_text(res, target.name)
            files[target.with_name(f"{stem}_model.py")] = darkcast_model_text(res)
        with atomic_paths(list(files), field="path") as temps:
            for tmp, content in zip(temps, files.values()):
                tmp.write_text(content)
    return text
