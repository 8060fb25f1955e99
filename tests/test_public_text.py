"""Public text stands alone (issue 19): what readers get cites papers, public repositories and our docs, never a
private path, and the HEPData record describes each model and process as it is.

Checked on the committed outputs (HEPData records with the README inside each ``Likelihoods.tar.gz``, every
``results/<analysis>/<model>/limits.json``, ``results/reference/``), the docs pages and the package's sources and
data (docstrings become the API docs), and on a record written afresh from the committed inputs, so that the checks
of the record code do not wait for the committed record to be regenerated.
"""

from __future__ import annotations

import importlib
import json
import math
import re
import tarfile
from pathlib import Path

import fast_yaml  # tests/fast_yaml.py
import pytest

from limits import constants as C
from limits.analysis.definition import builtin_analyses, get_analysis
from limits.physics.models import Model, builtin_names, get_model

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "results"
PRIVATE = re.compile(r"\.\./shared|shared/")  # the private notes' directory, which no reader has
MISSING = "-"  # HEPData's missing-value marker
ANNIHILATION = "E+ E- --> ZPRIME"
TEXT_SUFFIXES = {".py", ".md", ".yaml", ".yml", ".json", ".csv", ".txt", ".cff", ".toml"}
RECORDS = sorted(p.parent for p in RESULTS.glob("hepdata/*/submission.yaml"))
SCANS = sorted(RESULTS.glob("*/*/limits.json"))
DOCS = sorted((REPO / "docs").glob("*.md"))


def _private_paths(name: str, text: str) -> list[str]:
    """``file:line: ...context...`` of every private path in a text."""
    return [f"{name}:{i}: ...{line[max(m.start() - 60, 0):m.end() + 40]}..."
            for i, line in enumerate(text.splitlines(), 1) for m in PRIVATE.finditer(line)]


def _is_bl_family(model: Model) -> bool:
    """B - sum_i n_i L_i: every quark carries baryon number 1/3 (kinetic mixing would shift u and d apart)."""
    return all(math.isclose(model.charges[q], 1.0 / 3.0, rel_tol=1e-9) for q in ("u", "d", "s"))


def _is_lmu_ltau(model: Model) -> bool:
    """The neutrinos (which get no kinetic mixing) carry L_mu - L_tau: nu_e 0, nu_mu = -nu_tau != 0."""
    nu = model.nu_charges
    return nu["e"] == 0 and nu["mu"] != 0 and math.isclose(nu["mu"], -nu["tau"])


def _sqrt_s_nucleon_gev(beam_energy_gev: float) -> float:
    """The beam electron on a lead nucleon at rest, m_N = (m_p + m_n)/2: 13.7 GeV at 100 GeV."""
    m_n = 0.5 * (0.93827208816 + 0.9395654205)
    return math.sqrt(C.M_E_GEV**2 + m_n**2 + 2.0 * beam_energy_gev * m_n)


def _record_problems(record: Path, analysis_name: str) -> list[str]:
    """Everything wrong with a HEPData record directory (an empty list if nothing)."""
    analysis = get_analysis(analysis_name)
    problems: list[str] = []
    submission = (record / "submission.yaml").read_text(encoding="utf-8")
    problems += _private_paths(f"{record.name}/submission.yaml", submission)
    docs = list(fast_yaml.load_all(submission))
    # also the parsed text: YAML may fold a path across lines
    problems += _private_paths(f"{record.name}/submission.yaml (parsed)", json.dumps(docs, ensure_ascii=False))
    expected_cm = sorted({round(_sqrt_s_nucleon_gev(float(r.beam_energy_gev)), 2) for r in analysis.runs})
    for doc in docs[1:]:
        name = doc["name"]
        data_text = (record / doc["data_file"]).read_text(encoding="utf-8")
        problems += _private_paths(f"{record.name}/{doc['data_file']}", data_text)
        keywords = {k["name"]: k["values"] for k in doc.get("keywords", [])}
        model = get_model(name.removeprefix("Limits "))
        phrases = keywords.get("phrases", [])
        if any("B-L" in p for p in phrases) != _is_bl_family(model):
            problems.append(f"{name}: phrases {phrases} (B-L family: {_is_bl_family(model)})")
        if ("Dark photon" in phrases) != (model.coupling_symbol == "epsilon"):
            problems.append(f"{name}: phrases {phrases} (dark photon: {model.coupling_symbol == 'epsilon'})")
        if ("L_mu-L_tau" in phrases) != _is_lmu_ltau(model):
            problems.append(f"{name}: phrases {phrases} (L_mu-L_tau: {_is_lmu_ltau(model)})")
        cm = keywords.get("cmenergies")
        if not cm or not all(isinstance(v, (int, float)) for v in cm) or \
                not all(math.isclose(v, e, rel_tol=2e-3) for v, e in zip(sorted(cm), expected_cm)):
            problems.append(f"{name}: cmenergies {cm}, expected {expected_cm} (beam electron on a nucleon)")
        reactions = keywords.get("reactions", [])
        if "E- PB --> E- PB ZPRIME" not in reactions or "ZPRIME --> INVISIBLE" not in reactions or \
                (ANNIHILATION in reactions) != analysis.annihilation:
            problems.append(f"{name}: reactions {reactions} (annihilation: {analysis.annihilation})")
        table = fast_yaml.load(data_text)
        for var in table["dependent_variables"]:
            if all(row["value"] == MISSING for row in var["values"]):
                kind = {q["name"]: q["value"] for q in var.get("qualifiers", [])}.get("Limit")
                problems.append(f"{name}: column '{kind}' is '{MISSING}' in every row")
    archive = record / "Likelihoods.tar.gz"
    with tarfile.open(archive, "r:gz") as tar:
        handle = tar.extractfile("README.md")
        readme = handle.read().decode() if handle is not None else ""
    problems += _private_paths(f"{record.name}/Likelihoods.tar.gz:README.md", readme)
    title = readme.splitlines()[0] if readme else ""
    if not title.startswith("# ") or title.rstrip().endswith("arXiv") or \
            (analysis.references and analysis.references[0] not in title):
        problems.append(f"Likelihoods README title {title!r} is not the full title (first reference: "
                        f"{analysis.references[0] if analysis.references else None!r})")
    return problems


# --- the committed outputs (they follow the code once results/ is regenerated) ---------------------------------------


@pytest.mark.parametrize("record", RECORDS, ids=[r.name for r in RECORDS])
def test_committed_hepdata_record(record):
    problems = _record_problems(record, record.name)
    assert not problems, "\n".join(problems)


def test_committed_scans_cite_no_private_path():
    assert SCANS, "no committed limits.json found"
    problems = [p for path in SCANS
                for p in _private_paths(str(path.relative_to(REPO)), path.read_text(encoding="utf-8"))]
    assert not problems, "\n".join(problems)


def test_docs_pages_cite_no_private_path():
    assert DOCS
    problems = [p for page in DOCS for p in _private_paths(f"docs/{page.name}", page.read_text(encoding="utf-8"))]
    assert not problems, "\n".join(problems)


# names in backticks that are files or spey's backend name, not Python objects
NOT_PYTHON = {"limits.json", "limits.csv", "limits.yaml", "limits.na64"}


def _python_object(dotted: str) -> object | None:
    """The object a dotted name refers to (the longest importable module, then attributes), or None."""
    parts = dotted.split(".")
    for k in range(len(parts), 0, -1):
        try:
            obj: object | None = importlib.import_module(".".join(parts[:k]))
        except ImportError:
            continue
        for part in parts[k:]:
            obj = getattr(obj, part, None)
        return obj
    return None


def test_docs_name_only_python_objects_that_exist():
    """Every ``limits.x.y`` a docs page or the README names in backticks, and every member an API page documents
    (Sphinx skips a missing ``:members:`` entry without a warning), exists."""
    missing = []
    for page in [*DOCS, REPO / "README.md"]:
        text = page.read_text()
        names = set(re.findall(r"`(limits(?:\.[A-Za-z_]\w*)+)(?:\(\))?`", text)) - NOT_PYTHON
        for module, members in re.findall(r"\.\. automodule:: (\S+)\n\s+:members: ([^\n]+)", text):
            names |= {f"{module}.{m.strip()}" for m in members.split(",")}
        missing += [f"{page.name}: {name}" for name in sorted(names) if _python_object(name) is None]
    assert not missing, "\n".join(missing)


def test_package_sources_and_data_cite_no_private_path():
    """Docstrings become the API docs, and the data files (analyses, runs) are shipped and quoted in the records."""
    files = [p for p in sorted((REPO / "limits").rglob("*")) if p.is_file() and p.suffix in TEXT_SUFFIXES]
    assert files
    problems = [p for f in files for p in _private_paths(str(f.relative_to(REPO)), f.read_text(encoding="utf-8"))]
    assert not problems, "\n".join(problems)


def test_reference_curves_cite_papers_and_repositories_at_a_commit():
    directory = RESULTS / "reference"
    problems = [p for f in sorted(directory.iterdir()) if f.is_file()
                for p in _private_paths(f"results/reference/{f.name}", f.read_text(encoding="utf-8"))]
    assert not problems, "\n".join(problems)
    for entry in json.loads((directory / "index.json").read_text(encoding="utf-8"))["curves"]:
        source = entry["source"]
        # the curve is NA64's (journal and DOI first); the repository is where the digitisation came from
        assert source.startswith("NA64, Phys. Rev.") and "doi:10.1103/" in source, entry["name"]
        assert re.search(r"github\.com/[\w.-]+/[\w.-]+@[0-9a-f]{40}:\S+", source), entry["name"]
    readme = (directory / "README.md").read_text(encoding="utf-8")
    assert len(re.findall(r"@[0-9a-f]{40}:", readme)) >= 3


# --- a record written now from the committed inputs: the record code itself ---------------------------------------


@pytest.fixture(scope="module")
def fresh_record(hepdata_record):
    """The na64-2026 record written from the committed inputs once per session (conftest)."""
    return hepdata_record


def test_fresh_record(fresh_record):
    """na64-2026 (bremsstrahlung and annihilation; B-L family, dark photon, L_mu-L_tau, dark matter models)."""
    problems = _record_problems(fresh_record, "na64-2026")
    assert not problems, "\n".join(problems)
    docs = list(fast_yaml.load_all((fresh_record / "submission.yaml").read_text(encoding="utf-8")))
    assert len(docs) - 1 == len(get_analysis("na64-2026").model_names)
    for doc in docs[1:]:
        # the description speaks only of columns the table has
        kinds = [{q["name"]: q["value"] for q in v["qualifiers"]}["Limit"]
                 for v in fast_yaml.load((fresh_record / doc["data_file"]).read_text())["dependent_variables"]]
        assert ("interval k upper edge" in doc["description"]) == any(k.startswith("Observed, interval") for k in kinds)


@pytest.mark.parametrize("analysis_name", builtin_analyses())
def test_keywords_of_every_analysis(analysis_name):
    """The reactions and cmenergies of each built-in analysis (a record is built only for na64-2026 above)."""
    from limits.publish.hepdata import _cm_energies_gev, _reactions

    analysis = get_analysis(analysis_name)
    assert (ANNIHILATION in _reactions(analysis)) == analysis.annihilation
    cm = _cm_energies_gev(analysis)
    # the beam on a nucleon at rest, sqrt(2 E0 m_N) at these energies (100 GeV electrons: 13.7 GeV), one per energy
    energies = sorted({float(r.beam_energy_gev) for r in analysis.runs})
    assert cm == pytest.approx([math.sqrt(2 * e * 0.939) for e in energies], rel=0.005)


@pytest.mark.parametrize("model_name", builtin_names())
def test_phrases_of_every_builtin_model(model_name):
    from limits.publish.hepdata import _phrases

    model = get_model(model_name)
    phrases = _phrases(model)
    assert any("B-L" in p for p in phrases) == _is_bl_family(model)
    assert ("Dark photon" in phrases) == (model.coupling_symbol == "epsilon")
    assert ("L_mu-L_tau" in phrases) == _is_lmu_ltau(model)
    assert ("Dark matter" in phrases) == (model.dark is not None)


def test_the_citation_file_names_every_paper_the_analyses_use():
    """Issue 22: CITATION.cff gives a DOI or an arXiv id for every paper a built-in analysis cites, and the spey
    backend's metadata carries the same identifiers."""
    import re

    import yaml

    from limits.analysis.definition import builtin_analyses, get_analysis

    cff = yaml.safe_load((REPO / "CITATION.cff").read_text())
    assert cff["preferred-citation"]["type"] == "article"
    text = (REPO / "CITATION.cff").read_text()
    for ref in cff["references"]:
        assert ref.get("doi") or any(i["value"].startswith("arXiv:") for i in ref.get("identifiers", [])), ref
    for name in builtin_analyses():
        for cited in get_analysis(name).references:
            for arxiv in re.findall(r"arXiv:(\d{4}\.\d{4,5})", cited):
                assert f"arXiv:{arxiv}" in text, (name, cited)
            for journal, volume, page in re.findall(r"(PRL|PRD) (\d+), (\d+)", cited):
                kind = {"PRL": "PhysRevLett", "PRD": "PhysRevD"}[journal]
                assert f"10.1103/{kind}.{volume}.{page}" in text, (name, cited)
    spey_backend = (REPO / "limits" / "publish" / "spey_backend.py").read_text()
    for doi in re.findall(r'doi: "(10\.1103/[^"]+)"', text):
        if "PhysRevLett.126" not in doi:  # the muon g-2 measurement: a band on our figures, not NA64 data
            assert doi in spey_backend, doi
