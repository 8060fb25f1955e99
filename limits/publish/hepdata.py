"""A HEPData submission of one analysis, written with hepdata_lib (``limits hepdata``).

One table per model: the Z' mass (MeV, unbinned) against the observed 90 % CL coupling limit, the expected median and
the -2, -1, +1, +2 sigma band edges, each a column of its own (qualifier "Limit"), qualifiers naming the limit,
CL, statistical method and data set; the scan's exclusion figure as the table image; the paper figures as record
resources. The full likelihoods (pyhf JSON: ``<model>/BkgOnly.json`` + ``<model>/patchset.json`` per model, and a
README) go into ``Likelihoods.tar.gz``, attached to the record as an additional resource of type ``HistFactory``
(HEPData submission documentation, https://hepdata-submission.readthedocs.io/en/latest/analyses.html, "pyhf"). Every
table carries the keywords of https://hepdata-submission.readthedocs.io/en/latest/keywords.html: ``observables``,
``reactions`` (bremsstrahlung, plus resonant annihilation when the analysis has it, and the invisible decay),
``cmenergies`` (the beam electron on a target nucleon) and ``phrases`` (derived from the model's couplings).

Inputs are the committed scans (``results/<analysis>/<model>/limits.json``) and workspaces
(``workspaces/<analysis>/<model>/``); both must be on the same mass grid. Output: a directory with ``submission.yaml``,
the table YAMLs, images and ``Likelihoods.tar.gz`` (it validates with ``hepdata-validate -d``), and beside it the
upload archive ``<directory>.tar.gz``, validated with
hepdata-validator before it replaces any previous output (built in a sibling temporary directory).

The HEPData/INSPIRE id of the record is not known before publication: the patchsets carry the placeholder
``ins0000000`` unless ``inspire_id`` is given, and :func:`placeholder_in` lets a release check refuse it.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import logging
import math
import os
import re
import shutil
import tarfile
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from limits import constants as C
from limits._version import __version__
from limits.analysis.definition import Analysis, get_analysis
from limits.errors import InputError, PublishError
from limits.frozen import thaw
from limits.io.files import check_output_dir
from limits.io.paths import EXCLUSION_PNG, LIMITS_JSON, RESULTS_DIR, WORKSPACES_DIR, figures_dir
from limits.io.paths import results_dir as scan_dir
from limits.io.paths import workspaces_dir as workspace_dir
from limits.physics.models import Model, charge_string, get_model
from limits.plots.papers import figures_for
from limits.scanning.result import ScanResult
from limits.workspace.build import HEPDATA_PLACEHOLDER, PLACEHOLDER_NOTE, Workspaces
from limits.workspace.io import read_workspaces

__all__ = ["EXPECTED_COLUMNS", "LIKELIHOOD_ARCHIVE", "hepdata_record", "hepdata_table_text", "likelihood_archive",
           "placeholder_in", "upload_archive", "write_submission"]

log = logging.getLogger(__name__)

LIKELIHOOD_ARCHIVE = "Likelihoods.tar.gz"
# (qualifier "Limit", index in the band order -2, -1, median, +1, +2 sigma) of the expected-limit columns
EXPECTED_COLUMNS = (("Expected", 2), ("Expected -2 s.d.", 0), ("Expected -1 s.d.", 1), ("Expected +1 s.d.", 3),
                    ("Expected +2 s.d.", 4))
FORMAT_NOTE = (" Format: the expected median and the -2, -1, +1, +2 s.d. band edges are separate columns (earlier "
               "records of this package stored the bands as asymmetric uncertainties of the median, which HEPData's "
               "'sum errors' adds in quadrature).")
MISSING = "-"  # HEPData's marker of a missing value in a table
INSPIRE_ID = re.compile(r"^ins[0-9]{7}$")
SYMBOLS = {"g": ("g", "$g_{Z'}$"), "epsilon": ("epsilon", r"$\varepsilon$")}

_README = """\
# Full likelihoods of the NA64 analysis `{analysis}`: {title}

Format: pyhf JSON (HistFactory), schema version 1.0.0, one directory per model:

    <model>/BkgOnly.json    background-only workspace: one single-bin channel per NA64 run, 0 events observed
    <model>/patchset.json   one patch per Z' mass (label m_Zprime_MeV) adding the signal at a reference coupling

Models: {models}.

One mass from the command line (pyhf >= 0.7):

    pyhf patchset apply {first}/BkgOnly.json {first}/patchset.json --name {patch} > ws.json
    pyhf cls ws.json --test-poi 0.2

(`pyhf inspect` needs a patched workspace such as `ws.json`: the background-only one declares no signal, so its POI
`mu` is not a parameter of it, as for ATLAS's published background-only workspaces.)

Every mass, in Python: the 90 % CL upper limit on mu for each patch of every model in this archive, and the coupling
it means. Run it in the archive's directory; it takes ~10 s per patch with pyhf 0.7.6 (numpy backend), so select
patches or models for a quick look.

```python
import json
from pathlib import Path

import numpy as np
import pyhf
from scipy.interpolate import CubicSpline

LEVEL = 0.1  # 1 - CL: 90 % CL, as the published limits


def coupling_limit(metadata, mu_up):
    \"\"\"The coupling where the signal is mu_up times the patch's: its mu_vs_coupling table, up to its first maximum
    (the lower edge of the excluded region), interpolated by a cubic spline in log-log.\"\"\"
    table = metadata["mu_vs_coupling"]
    name = next(key for key in table if key != "mu")  # g, or epsilon for the dark photon
    coupling, mu = np.asarray(table[name], dtype=float), np.asarray(table["mu"], dtype=float)
    falling = np.nonzero(np.diff(mu) <= 0)[0]
    end = falling[0] + 1 if falling.size else mu.size
    log_coupling = CubicSpline(np.log(mu[:end]), np.log(coupling[:end]))
    return name, float(np.exp(log_coupling(np.log(mu_up))))


for directory in sorted(p for p in Path(".").iterdir() if (p / "patchset.json").is_file()):
    workspace = pyhf.Workspace(json.loads((directory / "BkgOnly.json").read_text()))
    patchset = pyhf.PatchSet(json.loads((directory / "patchset.json").read_text()))
    for patch in patchset.patches:
        patched = pyhf.Workspace(patchset.apply(workspace, patch.values))
        model = patched.model()
        data = patched.data(model)
        # toms748_scan with level and a lower bound above 0: see below why not upper_limit(data, model)
        mu_up, mu_exp = pyhf.infer.intervals.upper_limits.toms748_scan(data, model, 0.01, 20.0, level=LEVEL)
        name, limit = coupling_limit(patch.metadata, float(mu_up))
        mass = patch.values[0]
        print(f"{{directory.name}} m = {{mass:.6g}} MeV: mu_up = {{float(mu_up):.6g}}, {{name}} < {{limit:.6e}}")
```

Why not `pyhf.infer.intervals.upper_limits.upper_limit(data, model, level=0.1)`: in pyhf 0.7.6 it starts its root
search at the POI's lower bound, mu = 0, where the asymptotic CLs is 0/0 (q~_mu = q_mu,A = 0), so it stops with "The
function value at x=0.0 is NaN" on any workspace whose POI starts at 0; and that path ignores `level` (it computes
95 % CL). A lower bound above 0 in the workspace would change the likelihood's parameter space (q~_mu assumes
mu >= 0), so the workspaces keep [0, 20]; `toms748_scan` with a positive starting point and `level`, as above, is
pyhf's own root search without both problems. `upper_limit(data, model, scan=np.geomspace(0.02, 2, 25),
level=0.1)` (a grid scan) works too.

Signal and coupling. Each patch is the expected signal per run at the coupling `<coupling>_ref` in its metadata
(about 10 events in total). The parameter of interest mu scales that signal; at another coupling the signal is
s(m, <coupling>) = mu(<coupling>) s(m, <coupling>_ref), tabulated per patch in `mu_vs_coupling` (it is
(<coupling>/<coupling>_ref)^2 only where the Z' decays promptly: visible decays beyond the detector count as signal,
PRL 129 Eq. 6). A 90% CL upper limit mu_up becomes a coupling limit by interpolating that table in log-log (a
cubic spline, as above: a straight line between its points is off by up to ~1e-3 where the Z' is long-lived).

Interpolation codes: normsys code4, histosys code4p (patchset metadata `modifier_settings`); the published limits use
the hybrid CLs calculator of the `limits` package (CLs with the total count as test statistic, nuisance
parameters integrated over their constraints). pyhf's asymptotic q~_mu gives limits ~15 % lower in the coupling at
zero observed events.

Provenance: `limits` {version}, analysis `{analysis}` ({references}); per-run EOT, efficiency and background in the
patchset metadata `runs`. {placeholder}
"""


def _title(analysis: Analysis) -> str:
    """The record's full title: the analysis' first reference (e.g. "NA64, arXiv:2606.17320 (2026)"), else its whole
    description, else its name; never cut (the description's own colons are part of it)."""
    if analysis.references:
        return analysis.references[0]
    return analysis.description or analysis.name


def _cm_energies_gev(analysis: Analysis) -> list[float]:
    """HEPData's ``cmenergies`` keyword (GeV): one value per distinct beam energy of the analysis' runs.

    The keyword is the centre-of-mass energy in GeV (https://hepdata-submission.readthedocs.io/en/latest/keywords.html).
    For a fixed target we take the per-nucleon convention of fixed-target experiments: the beam particle (mass m) on
    one target nucleon at rest, sqrt(s_N) = sqrt(m^2 + m_N^2 + 2 E0 m_N), 13.7 GeV for E0 = 100 GeV (as NA61/SHINE
    quotes sqrt(s_NN) = 17.3 GeV for p+p at 158 GeV/c, arXiv:1705.02467). We found no NA64 record on HEPData with
    another convention. Not the whole lead nucleus (sqrt(s) ~ 275 GeV) nor an atomic electron (0.32 GeV).
    """
    m_n = C.M_NUCLEON_GEV
    beams = sorted({(float(run.beam_energy_gev), C.M_MU_GEV if str(run.beam_particle).startswith("mu") else C.M_E_GEV)
                    for run in analysis.runs})
    return sorted({round(math.sqrt(m**2 + m_n**2 + 2.0 * e0 * m_n), 2) for e0, m in beams})


def _reactions(analysis: Analysis) -> list[str]:
    """HEPData ``reactions``: Z' bremsstrahlung of each beam particle on lead, resonant e+e- annihilation if the
    analysis includes it, and the invisible decay (HEPData particle names)."""
    names = {"e-": "E-", "e+": "E+", "mu+": "MU+", "mu-": "MU-"}
    brems = [f"{names[b]} PB --> {names[b]} PB ZPRIME" for b in analysis.beams]
    return brems + (["E+ E- --> ZPRIME"] if analysis.annihilation else []) + ["ZPRIME --> INVISIBLE"]


def _on_target(analysis: Analysis) -> str:
    """The beam particles on target of an analysis' runs, by beam: "9.37e+11 EOT", or e.g. "9.37e+11 EOT, 2.61e+10
    positrons and 1.98e+10 muons on target" for a combination."""
    counts: dict[str, float] = {}
    for run in analysis.runs:
        kind = {"e-": "EOT", "e+": "positrons", "mu+": "muons", "mu-": "muons"}[str(run.beam_particle)]
        counts[kind] = counts.get(kind, 0.0) + float(run.eot)
    parts = [f"{n:.3g} {kind}" for kind, n in counts.items()]
    if list(counts) == ["EOT"]:
        return parts[0]
    return ", ".join(parts) + ("" if parts[-1].endswith("EOT") else " on target")


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _phrases(model: Model) -> list[str]:
    """HEPData ``phrases`` of a model's table, derived from its couplings rather than its name.

    The U(1) charges are the model's charges with the kinetic-mixing part removed. Charges proportional to the
    electric charge with neutral neutrinos make a dark photon ("Dark photon", "Kinetic mixing"); any other model is a
    "Z'", and of the B - sum_i n_i L_i family ("B-L", plus e.g. "B-3L_e" for a variant) when every quark carries the
    same non-zero charge (baryon number), or an L_a - L_b boson ("L_mu-L_tau") when no quark is charged and two
    lepton flavours carry opposite charges; loop-induced or absolute kinetic mixing adds "Kinetic mixing", a dark
    sector "Dark matter".
    """
    mixing = model.kinetic_mixing * C.E_CHARGE
    gauge = {f: q - mixing * C.EM_CHARGE[f] for f, q in model.charges.items()}
    quarks = [gauge[q] for q in ("u", "d", "s")]
    leptons = {f: gauge[f] for f in ("e", "mu", "tau")}
    scale = gauge["e"] / C.EM_CHARGE["e"]
    photon_like = (scale != 0 and all(_close(gauge[f], scale * C.EM_CHARGE[f]) for f in gauge)
                   and all(q == 0 for q in model.nu_charges.values()))
    phrases = ["Dark sector"]
    if photon_like:
        phrases += ["Dark photon", "Kinetic mixing"]
    else:
        phrases.append("Z'")
        if quarks[0] != 0 and all(_close(q, quarks[0]) for q in quarks):
            n = {f: -q / (3.0 * quarks[0]) for f, q in leptons.items()}  # B - sum n_f L_f, B = 1/3 per quark
            phrases.append("B-L")
            if not all(_close(v, 1.0) for v in n.values()):
                phrases.append("B" + "".join(("-" if v > 0 else "+") + ("" if _close(abs(v), 1.0) else
                                                                         charge_string(abs(v))) + f"L_{f}"
                                             for f, v in n.items() if not _close(v, 0.0)))
        elif all(q == 0 for q in quarks):
            pos = [f for f, q in leptons.items() if q > 0 and not _close(q, 0.0)]
            neg = [f for f, q in leptons.items() if q < 0 and not _close(q, 0.0)]
            if len(pos) == 1 and len(neg) == 1 and _close(leptons[pos[0]], -leptons[neg[0]]):
                phrases.append(f"L_{pos[0]}-L_{neg[0]}")
        if model.kinetic_mixing or model.epsilon:
            phrases.append("Kinetic mixing")
    if model.dark is not None:
        phrases.append("Dark matter")
    return phrases + ["Missing energy", "Fixed target", "Exclusion limit"]


def placeholder_in(archive: str | Path) -> bool:
    """True if any patchset in a likelihood archive still carries the placeholder HEPData reference."""
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            if member.name.endswith("patchset.json"):
                handle = tar.extractfile(member)
                doc = json.load(handle) if handle is not None else {}
                if doc.get("metadata", {}).get("references", {}).get("hepdata") == HEPDATA_PLACEHOLDER:
                    return True
    return False


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o644, 0  # fixed metadata: the archive is reproducible
    tar.addfile(info, io.BytesIO(data))


def likelihood_archive(analysis: Analysis, models: list[str], workspaces_dir: Path, target: Path,
                       inspire_id: str | None, read: Mapping[str, Workspaces] | None = None) -> None:
    """Write ``Likelihoods.tar.gz`` (byte-reproducible) from the committed workspaces of ``models`` (those already
    read and validated are passed in ``read``, by model)."""
    buffer = io.BytesIO()
    patch_name = None
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for model in models:
            source = workspace_dir(analysis.name, model, workspaces_dir)
            workspaces = (read[model] if read is not None and model in read else
                          read_workspaces(source, field="workspaces_dir"))
            patchset = thaw(workspaces.patchset)  # this record's copy, with its INSPIRE id
            if inspire_id:
                patchset["metadata"]["references"]["hepdata"] = inspire_id
                meta = patchset["metadata"]
                meta["description"] = meta["description"].replace(PLACEHOLDER_NOTE, "")
            patch_name = patch_name or patchset["patches"][len(patchset["patches"]) // 2]["metadata"]["name"]
            _add_bytes(tar, f"{model}/BkgOnly.json", (source / "BkgOnly.json").read_bytes())
            text = json.dumps(patchset, indent=1, sort_keys=True, allow_nan=False) + "\n"
            _add_bytes(tar, f"{model}/patchset.json", text.encode())
        readme = _README.format(
            title=_title(analysis), models=", ".join(models), first=models[0], patch=patch_name,
            version=__version__, analysis=analysis.name, references="; ".join(analysis.references),
            placeholder=("HEPData reference: " + inspire_id) if inspire_id else
            f"The patchsets' HEPData reference `{HEPDATA_PLACEHOLDER}` is a PLACEHOLDER: no record id exists yet.")
        _add_bytes(tar, "README.md", readme.encode())
    _write_gzip(buffer.getvalue(), target)


def _write_gzip(data: bytes, target: Path) -> None:
    with open(target, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(data)


def _reproducible_copy(archive: Path, target: Path) -> None:
    """Copy a gzipped tar to ``target`` with its members in name order and fixed metadata (times, owners, modes):
    hepdata_lib stamps its upload archive with the time of the build, so two builds of the same record would differ
    in every byte after the header; ours differ only where the record does."""
    buffer = io.BytesIO()
    with tarfile.open(archive, "r:gz") as source, \
            tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for member in sorted(source.getmembers(), key=lambda m: m.name):
            handle = source.extractfile(member) if member.isfile() else None
            if handle is not None:
                _add_bytes(tar, member.name, handle.read())
    _write_gzip(buffer.getvalue(), target)


def _load_scan(results_dir: Path, analysis: Analysis, model: str, patch_masses: np.ndarray) -> ScanResult:
    path = scan_dir(analysis.name, model, results_dir) / LIMITS_JSON
    result = ScanResult.from_json(path, field="results_dir")
    masses = result.mass_mev
    if masses.shape != patch_masses.shape or not np.allclose(masses, patch_masses, rtol=1e-5):
        raise InputError("results_dir", f"{path}: masses differ from the workspace patches; regenerate both "
                                      f"(`limits workspace --all`, `limits scan --all`)")
    for p in result.points:
        intervals = p.excluded_intervals_obs or ()
        if p.status == "ok" and (len(intervals) != 1 or intervals[0][1] != math.inf):
            raise InputError("results_dir", f"{path}: at {p.mass_mev:g} MeV the excluded region is not "
                                          f"{{coupling > limit}}; contour tables are not implemented")
    return result


METHOD_TEXT = {
    "hybrid": ("CLs, hybrid (formerly 'exact'): total count as test statistic, nuisances integrated over their "
               "priors (normsys alpha ~ N(0, 1); background scale gamma ~ Gamma(tau, tau), the posterior of the "
               "Poisson auxiliary measurement under a 1/gamma prior)"),
    "exact": "CLs, hybrid (recorded under its old name 'exact')",
    "asymptotic": "CLs, asymptotic (q~_mu, Asimov bands)",
    "toys": "CLs, LHC-style toys with q~_mu ({ntoys} per point, seed {seed})",
}


def _band_coverage(result: ScanResult) -> str:
    """A sentence on the discrete expected counts and the actual coverage of the bands (hybrid method), or ''."""
    facts = [p.facts for p in result.points if "band_coverage" in p.facts]
    if not facts:
        return ""
    p = facts[0]
    counts = ", ".join(str(n) for n in p["expected_counts"])
    return (f" Expected limits of a counting experiment: the background-only total count at the -2..+2 s.d. "
            f"quantiles is N = {counts} (at the first mass), so the '68%' band covers "
            f"{100 * p['band_coverage']['1sigma']:.1f}% and the '95%' band {100 * p['band_coverage']['2sigma']:.1f}% "
            f"of outcomes.")


def _description(analysis: Analysis, model_name: str, model: Model, result: ScanResult, columns: list[tuple[Any, str]],
                 short: str, cl: str, method: str, eot: str) -> str:
    """The table description, naming the columns the table has (and the missing-value marker only where it occurs)."""
    def has_missing(prefix: str) -> bool:
        return any(MISSING in var.values for var, kind in columns if kind.startswith(prefix))

    intervals = [kind for _, kind in columns if kind.startswith("Observed, interval")]
    text = (f"{cl} CL upper limits on the coupling {short} of the {model_name} Z' ({model.description}) vs its mass, "
            f"NA64 missing-energy search, runs {', '.join(r.name for r in analysis.runs)} ({eot}). Observed limit, "
            f"the expected median and the edges of its 68% and 95% bands (-2, -1, +1, +2 s.d.), each its own column")
    text += (f" ('{MISSING}' where that expected limit excludes nothing in the scanned coupling range). "
             if has_missing("Expected") else ". ")
    if intervals:
        text += ("Everything above the limit is excluded up to the upper edge of the excluded interval, where the Z' "
                 "decays inside the detector (columns 'Observed, interval k upper edge'"
                 + (f", '{MISSING}' where the exclusion is open up to the largest scanned coupling, 1"
                    if has_missing("Observed, interval") else "") + ")"
                 + ("; further intervals (islands) have their own lower and upper columns. "
                    if any(" interval 2 " in kind for kind in intervals) else ". "))
    else:
        text += "At every mass everything above the limit is excluded, up to the largest scanned coupling, 1. "
    return (text + f"Statistical method: {method}.{_band_coverage(result)} "
            + " ".join(f"{k.replace('_', ' ').capitalize()}: {v}" for k, v in analysis.assumptions))


def _table(hd: Any, analysis: Analysis, model_name: str, result: ScanResult, image: Path | None,
           model: Model | None = None) -> Any:
    """One hepdata_lib Table: mass vs observed and expected limits (``model``: the scan's model, by default the
    built-in one named ``model_name``)."""
    model = model if model is not None else get_model(model_name)
    curves = result.curves()
    # a mass without an observed limit has no row; an expected band edge that excludes nothing in the scanned
    # coupling range is written as HEPData's missing-value marker
    keep = np.isfinite(curves.obs)
    exp = curves.exp[keep]
    short, latex = SYMBOLS[result.coupling]
    table = hd.Table(f"Limits {model_name}")
    cl = f"{result.cl * 100:g}%"
    method = METHOD_TEXT.get(result.method, result.method).format(ntoys=result.ntoys, seed=result.seed)
    eot = _on_target(analysis)
    table.location = "Derived from the NA64 data with the limits package; see the record's figures."
    table.keywords["observables"] = ["LIMIT"]
    table.keywords["reactions"] = _reactions(analysis)
    table.keywords["cmenergies"] = _cm_energies_gev(analysis)
    table.keywords["phrases"] = _phrases(model)
    mass = hd.Variable("$m_{Z'}$", is_independent=True, is_binned=False, units="MeV")
    mass.values = list(curves.mass_mev[keep])
    mass.digits = 6
    table.add_variable(mass)
    observed = hd.Variable(f"{latex} upper limit", is_independent=False, is_binned=False)
    observed.values = list(curves.obs[keep])
    # the expected median and each band edge as a column of its own, not as asymmetric errors, which HEPData's
    # "sum errors" would add in quadrature (hepdata_lib issue 97)
    columns = [(observed, "Observed")]
    intervals = [iv for iv, k in zip(result.excluded_intervals(), result.ok) if k]
    intervals = [iv for iv, k in zip(intervals, keep) if k]
    for k in range(max((len(iv) for iv in intervals), default=0)):
        for side, label in ((0, "lower"), (1, "upper")):
            if (k, side) == (0, 0):
                continue  # the observed limit itself
            var = hd.Variable(f"{latex} excluded interval {k + 1} {label} edge", is_independent=False,
                              is_binned=False)
            var.values = [float(iv[k][side]) if len(iv) > k and math.isfinite(iv[k][side]) else MISSING
                          for iv in intervals]
            columns.append((var, f"Observed, interval {k + 1} {label} edge"))
    for kind, index in EXPECTED_COLUMNS:
        var = hd.Variable(f"{latex} upper limit", is_independent=False, is_binned=False)
        var.values = [float(x) if np.isfinite(x) else MISSING for x in exp[:, index]]
        columns.append((var, kind))
    # a column that is the missing-value marker in every row says nothing (e.g. the first interval's upper edge when
    # every exclusion is open up to the largest scanned coupling): left out, and the description names what is there
    columns = [(var, kind) for var, kind in columns if any(v != MISSING for v in var.values)]
    table.description = _description(analysis, model_name, model, result, columns, short, cl, method, eot)
    for var, kind in columns:
        var.digits = 5
        var.add_qualifier("Limit", kind)
        var.add_qualifier("CL", cl)
        var.add_qualifier("Method", method)
        var.add_qualifier("Model", model_name)
        var.add_qualifier("Data", f"NA64 runs {analysis.runs[0].name}-{analysis.runs[-1].name}, {eot}")
        table.add_variable(var)
    if image is not None:
        # hepdata_lib's add_image shells out to ImageMagick; write the same two resources (full image and a
        # "thumb_" thumbnail, 240x179 as hepdata_lib) with Pillow, a matplotlib dependency, so no system package
        thumb = image.with_name("thumb_" + image.name)
        with Image.open(image) as im:
            im.thumbnail((240, 179))
            im.save(thumb)
        table.add_additional_resource("Image file", str(image), copy_file=True)
        table.add_additional_resource("Thumbnail image file", str(thumb), copy_file=True)
    return table


def write_submission(analysis: Analysis, out_dir: str | Path, *, results_dir: str | Path = RESULTS_DIR,
                     workspaces_dir: str | Path = WORKSPACES_DIR, figures: Sequence[Path] = (),
                     inspire_id: str | None = None) -> Path:
    """Write and validate the HEPData submission of ``analysis`` into ``out_dir``; returns the upload archive path.

    Raises:
        InputError: missing or inconsistent inputs, a malformed ``inspire_id``.
        PublishError: hepdata-validator rejects the result (its messages included); nothing is written then.
    """
    # optional extra (`pip install 'limits[hepdata]'`): imported only by the command that needs it
    import hepdata_lib as hd
    from hepdata_validator.full_submission_validator import FullSubmissionValidator

    if inspire_id is not None and not INSPIRE_ID.match(inspire_id):
        raise InputError("inspire_id", f"'{inspire_id}' is not of the form ins + 7 digits (e.g. ins2117814)")
    results_dir, workspaces_dir, out_dir = Path(results_dir), Path(workspaces_dir), Path(out_dir).absolute()
    models = list(analysis.model_names)
    scans, read = {}, {}
    for model in models:
        read[model] = read_workspaces(workspace_dir(analysis.name, model, workspaces_dir), field="workspaces_dir")
        scans[model] = _load_scan(results_dir, analysis, model, np.array([p["metadata"]["values"][0]
                                                                          for p in read[model].patchset["patches"]]))
    if inspire_id is None:
        log.warning("the likelihoods carry the placeholder HEPData id %s; pass the record's INSPIRE id before "
                    "uploading", HEPDATA_PLACEHOLDER)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp.", dir=out_dir.parent))
    try:
        build, images = staging / "build", staging / "images"
        images.mkdir()
        submission = hd.Submission()
        submission.comment = (f"NA64 missing-energy search for an invisibly decaying Z', {analysis.description} "
                              f"Limits computed with the open `limits` package from NA64's published inputs; "
                              f"full likelihoods in {LIKELIHOOD_ARCHIVE}. References: "
                              + "; ".join(analysis.references) + "."
                              + FORMAT_NOTE
                              + ("" if inspire_id else f" The likelihoods' HEPData reference is a placeholder "
                                                       f"({HEPDATA_PLACEHOLDER}) until the record id is known."))
        for model in models:
            source = scan_dir(analysis.name, model, results_dir) / EXCLUSION_PNG
            image = None
            if source.is_file():  # unique names: every table's image lands in one flat directory
                image = images / f"{analysis.name}_{model}_exclusion.png"
                shutil.copyfile(source, image)
            submission.add_table(_table(hd, analysis, model, scans[model], image))
        for fig in figures:
            submission.add_additional_resource(f"Figure: {Path(fig).stem}", str(Path(fig).absolute()), copy_file=True)
        archive = staging / LIKELIHOOD_ARCHIVE
        likelihood_archive(analysis, models, workspaces_dir, archive, inspire_id, read)
        submission.add_additional_resource(
            "Full likelihoods (pyhf JSON, HistFactory): per model a background-only workspace and a patchset with one "
            "signal patch per Z' mass, and a README with the commands", str(archive), copy_file=True,
            file_type="HistFactory")
        # hepdata_lib writes submission.tar.gz into the working directory: run it inside the staging area
        with contextlib.chdir(staging):
            submission.create_files(str(build), validate=False, remove_old=True)
            validator = FullSubmissionValidator()
            if not validator.validate(archive="submission.tar.gz"):
                messages = "; ".join(f"{name}: {m.message}" for name, msgs in validator.get_messages().items()
                                     for m in msgs)
                raise PublishError(f"hepdata-validator rejected the submission: {messages}")
            _reproducible_copy(staging / "submission.tar.gz", staging / "upload.tar.gz")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(build, out_dir)
        os.replace(staging / "upload.tar.gz", upload_archive(out_dir))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return upload_archive(out_dir)


def hepdata_table_text(result: ScanResult) -> str:
    """One scan as a HEPData data table (YAML: the mass as independent variable in MeV, the observed limit, every
    excluded interval's edges and the expected median and bands as dependent variables, qualified as in the
    record's tables of :func:`write_submission`), its description and keywords as leading comments. The file
    :mod:`limits.reference.overlays` reads back (``.yaml``) and hepdata-validator's data-file schema accepts. Needs
    the ``[hepdata]`` extra; the analysis must be a built-in (its runs and references are described).

    Raises:
        InputError: ``result`` is not a scan of a built-in analysis.
    """
    import hepdata_lib as hd
    import yaml

    if not isinstance(result, ScanResult):
        raise InputError("result", f"a {type(result).__name__} is not a ScanResult")
    analysis = get_analysis(result.analysis)
    model = result.scan_model()
    table = _table(hd, analysis, result.model, result, None, model)
    doc: dict[str, list[Any]] = {"independent_variables": [], "dependent_variables": []}
    for var in table.variables:  # hepdata_lib's dicts hold defaultdicts: plain JSON values for the YAML
        doc["independent_variables" if var.is_independent else "dependent_variables"].append(
            json.loads(json.dumps(var.make_dict())))
    head = [table.name, *table.description.split("\n"),
            *(f"{k}: {', '.join(map(str, v))}" for k, v in table.keywords.items())]
    return "".join(f"# {line}\n" for line in head) + yaml.safe_dump(doc, default_flow_style=False, sort_keys=False)


def upload_archive(out_dir: str | Path) -> Path:
    """Where the upload archive of a record written to ``out_dir`` goes: ``<out_dir>.tar.gz`` beside it, so that the
    directory itself validates with ``hepdata-validate -d``."""
    out = Path(out_dir).absolute()
    return out.with_name(out.name + ".tar.gz")


def hepdata_record(analysis: str | Mapping[str, Any] | Analysis, out_dir: str | os.PathLike[str], *,
                   results_dir: str | os.PathLike[str] = RESULTS_DIR,
                   workspaces_dir: str | os.PathLike[str] = WORKSPACES_DIR, inspire_id: str | None = None,
                   release: bool = False) -> Path:
    """The HEPData record of an analysis (:mod:`limits.publish.hepdata`): one table per model it is published for,
    from the scans in ``results_dir`` and the workspaces in ``workspaces_dir``, the papers' figures found in
    ``results_dir``/figures as resources, validated with hepdata-validator; ``out_dir`` is replaced atomically and
    the upload archive written beside it. Needs the ``[hepdata]`` extra.

    Args:
        analysis: see :func:`limits.analysis.definition.get_analysis`.
        out_dir: the record's directory.
        results_dir, workspaces_dir: where the committed scans and workspaces are.
        inspire_id: the record's INSPIRE id (ins + 7 digits), replacing the placeholder in the likelihoods.
        release: refuse a record that would still carry the placeholder id.

    Returns:
        The upload archive, ``<out_dir>.tar.gz``.

    Raises:
        InputError: ``release`` without ``inspire_id``, a malformed id, missing scans or workspaces.
        PublishError: hepdata_lib or hepdata-validator not installed, or the record rejected by the validator.
    """
    if release and inspire_id is None:
        raise InputError("inspire_id", f"required with release (the likelihoods would carry the placeholder "
                                       f"{HEPDATA_PLACEHOLDER})")
    check_output_dir(out_dir, "out_dir")
    a = get_analysis(analysis)
    results, workspaces_path = Path(results_dir), Path(workspaces_dir)
    figures = [path for name in figures_for(a.name) if (path := figures_dir(results) / name).is_file()]
    try:
        return write_submission(a, Path(out_dir), results_dir=results, workspaces_dir=workspaces_path,
                                figures=figures, inspire_id=inspire_id)
    except ModuleNotFoundError as exc:
        raise PublishError(f"{exc.name} is not installed: pip install 'limits[hepdata]'") from None
