"""limits hepdata: a valid HEPData submission, and likelihoods that reproduce the published limits on their own."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import fast_yaml  # tests/fast_yaml.py
import numpy as np
import pytest

pytest.importorskip("hepdata_lib")  # the [test] extra installs it; a bare install gets a clear skip
from hepdata_validator.full_submission_validator import FullSubmissionValidator  # noqa: E402

from limits.analysis.definition import get_analysis  # noqa: E402
from limits.publish.hepdata import likelihood_archive, placeholder_in, upload_archive  # noqa: E402
from limits.scanning.inversion import coupling_for_mu  # noqa: E402
from limits.stats.upper_limits import mu_limits  # noqa: E402

ANALYSIS = "na64-2026"
REPO = Path(__file__).resolve().parents[1]
INPUTS = ("--results", str(REPO / "results"), "--workspaces", str(REPO / "workspaces"))


@pytest.fixture(scope="module")
def record(hepdata_record):
    """The record of ANALYSIS, written once per session (conftest)."""
    return hepdata_record


def _tables(record: Path) -> dict[str, dict]:
    docs = list(fast_yaml.load_all((record / "submission.yaml").read_text()))
    return {d["name"]: {"meta": d, "data": fast_yaml.load((record / d["data_file"]).read_text())}
            for d in docs[1:]}


def test_submission_is_valid_and_complete(record):
    # the directory as written (hepdata-validate -d), and the upload archive beside it
    for kwargs in ({"directory": str(record)}, {"archive": str(upload_archive(record))}):
        validator = FullSubmissionValidator()
        assert validator.validate(**kwargs), validator.get_messages()
    head = next(fast_yaml.load_all((record / "submission.yaml").read_text()))
    hist = [r for r in head["additional_resources"] if r.get("type") == "HistFactory"]
    assert [r["location"] for r in hist] == ["Likelihoods.tar.gz"]
    assert "placeholder" in head["comment"]  # no INSPIRE id given: the record says so
    tables = _tables(record)
    assert sorted(tables) == sorted(f"Limits {m}" for m in get_analysis(ANALYSIS).model_names)
    for name, table in tables.items():
        model = name.split()[-1]
        (mass,) = table["data"]["independent_variables"]
        def kind(v):
            return {q["name"]: q["value"] for q in v["qualifiers"]}["Limit"]

        deps = table["data"]["dependent_variables"]
        observed = deps[0]
        intervals = [v for v in deps[1:] if kind(v).startswith("Observed, interval")]
        expected, *edges = [v for v in deps[1:] if kind(v).startswith("Expected")]
        assert len(deps) == 1 + len(intervals) + 5
        assert mass["header"]["units"] == "MeV" and "low" not in mass["values"][0]  # unbinned mass points
        quals = {q["name"]: q["value"] for q in observed["qualifiers"]}
        assert quals["Limit"] == "Observed" and quals["CL"] == "90%" and quals["Model"] == model
        kinds = [kind(v) for v in (expected, *edges)]
        assert kinds == ["Expected", "Expected -2 s.d.", "Expected -1 s.d.", "Expected +1 s.d.", "Expected +2 s.d."]
        assert all("errors" not in row for v in (expected, *edges) for row in v["values"])  # columns, not errors
        images = [r["location"] for r in table["meta"]["additional_resources"]]
        assert all((record / f).is_file() for f in images) and any(f.startswith("thumb_") for f in images)
        # the table is the committed scan, to the 5 significant digits written
        doc = json.loads((REPO / "results" / ANALYSIS / model / "limits.json").read_text())
        # one row per mass with an observed limit; an expected limit that excludes nothing is HEPData's "-"
        # (lmu-ltau at 1 GeV has no +2 sigma expected exclusion)
        points = [p for p in doc["points"] if p["g_obs"] is not None]
        assert len(points) == len(doc["points"])
        assert np.allclose([v["value"] for v in observed["values"]], [p["g_obs"] for p in points], rtol=1e-4)
        for var, index in zip((expected, *edges), (2, 0, 1, 3, 4)):
            written = [row["value"] for row in var["values"]]
            committed = [p["g_exp"][index] for p in points]
            assert [w == "-" for w in written] == [c is None for c in committed]
            pairs = [(w, c) for w, c in zip(written, committed) if c is not None]
            assert np.allclose(*zip(*pairs), rtol=1e-4)
        # every excluded interval's edges (issue 13): the first interval's upper edge, '-' where open up to g = 1;
        # a column that would be '-' in every row is left out (issue 19)
        committed = [p["excluded_intervals_obs"][0][1] for p in points]
        if all(c is None for c in committed):
            assert not [v for v in intervals if kind(v) == "Observed, interval 1 upper edge"]
            continue
        assert kind(intervals[0]) == "Observed, interval 1 upper edge"
        uppers = [row["value"] for row in intervals[0]["values"]]
        assert [u == "-" for u in uppers] == [c is None for c in committed]
        closed = [(u, c) for u, c in zip(uppers, committed) if c is not None]
        assert not closed or np.allclose(*zip(*closed), rtol=1e-4)
    assert not Path("submission.tar.gz").exists()  # hepdata_lib's stray archive did not land in the CWD


def test_likelihoods_alone_reproduce_the_table(record, tmp_path):
    """Unpack Likelihoods.tar.gz, rebuild each workspace with pyhf, and re-derive the coupling limits."""
    import pyhf

    with tarfile.open(record / "Likelihoods.tar.gz") as tar:
        names = sorted(tar.getnames())
        tar.extractall(tmp_path, filter="data")
    assert "README.md" in names and "pyhf patchset apply" in (tmp_path / "README.md").read_text()
    tables = _tables(record)
    for model in ("bl-unbroken", "bl-broken"):
        bkg = json.loads((tmp_path / model / "BkgOnly.json").read_text())
        patchset = pyhf.PatchSet(json.loads((tmp_path / model / "patchset.json").read_text()))
        patchset.verify(pyhf.Workspace(bkg))  # the patches belong to this background-only workspace
        observed = tables[f"Limits {model}"]["data"]["dependent_variables"][0]["values"]
        masses = tables[f"Limits {model}"]["data"]["independent_variables"][0]["values"]
        for i in (0, 60, 120, 199):  # sub-MeV, the Eq. 6 region, tens of MeV, the top of the range
            patch = patchset.patches[i]
            assert patch.values[0] == pytest.approx(masses[i]["value"], rel=1e-5)
            ws = pyhf.Workspace(bkg).model(patches=[patch])  # pyhf reads the patched workspace
            assert ws.config.poi_name == "mu" and ws.config.channels == sorted(c["name"] for c in bkg["channels"])
            limit = mu_limits("exact", bkg, {"metadata": patch.metadata, "patch": patch.patch}, 0.9)
            g = coupling_for_mu(patch.metadata, limit.mu_obs)
            assert g == pytest.approx(observed[i]["value"], rel=1e-4)  # the record's limits have 5 digits


def test_archive_is_reproducible_and_release_checked(record, run_cli, tmp_path):
    assert placeholder_in(record / "Likelihoods.tar.gz")
    code, _, err = run_cli("hepdata", "--analysis", ANALYSIS, "--out", str(tmp_path / "r"), "--release")
    assert code == 2 and "--inspire-id" in err and not (tmp_path / "r").exists()
    code, _, err = run_cli("hepdata", "--analysis", ANALYSIS, "--out", str(tmp_path / "r"), "--inspire-id", "ins12")
    assert code == 2 and "--inspire-id" in err and err.count("\n") == 1 and not (tmp_path / "r").exists()
    # with the record's id (what `--inspire-id ins1234567 --release` passes on to the archive)
    likelihood_archive(get_analysis(ANALYSIS), ["bl-unbroken"], REPO / "workspaces", tmp_path / "r.tgz", "ins1234567")
    assert not placeholder_in(tmp_path / "r.tgz")
    with tarfile.open(tmp_path / "r.tgz") as tar:
        meta = json.load(tar.extractfile("bl-unbroken/patchset.json"))["metadata"]
    assert meta["references"]["hepdata"] == "ins1234567" and "PLACEHOLDER" not in meta["description"]
    # the likelihood archive does not depend on when it was made: byte-identical on a rebuild
    likelihood_archive(get_analysis(ANALYSIS), ["bl-unbroken"], REPO / "workspaces", tmp_path / "a.tgz", None)
    likelihood_archive(get_analysis(ANALYSIS), ["bl-unbroken"], REPO / "workspaces", tmp_path / "b.tgz", None)
    assert (tmp_path / "a.tgz").read_bytes() == (tmp_path / "b.tgz").read_bytes()
    # so is the upload archive (hepdata_lib stamps its own with the build time): name order, no times, the record's
    # files as they are in the record's directory
    with tarfile.open(upload_archive(record)) as tar:
        members = tar.getmembers()
        assert [m.name for m in members] == sorted(m.name for m in members)
        assert {(m.mtime, m.uid, m.gid, m.uname, m.gname) for m in members} == {(0, 0, 0, "", "")}
        for m in members:
            assert tar.extractfile(m).read() == (record / m.name).read_bytes(), m.name


@pytest.mark.change_detector
def test_committed_records_are_current(record, tmp_path):
    """results/hepdata/<analysis>/ (committed) equals a fresh `limits hepdata` (tables, submission, likelihoods)."""
    committed = REPO / "results" / "hepdata" / ANALYSIS
    # the tables' content (parsed, so a hepdata_lib formatting or version-stamp change does not count)
    for f in sorted(record.glob("limits_*.yaml")):
        assert fast_yaml.load((committed / f.name).read_text()) == fast_yaml.load(f.read_text()), \
            f"{f.name}: rerun `limits hepdata`"
    assert _tables(committed).keys() == _tables(record).keys()
    assert (committed / "Likelihoods.tar.gz").read_bytes() == (record / "Likelihoods.tar.gz").read_bytes()
    other = get_analysis("na64-2022")  # the other committed record's likelihoods
    likelihood_archive(other, list(other.model_names), REPO / "workspaces", tmp_path / "l.tgz", None)
    assert (REPO / "results" / "hepdata" / "na64-2022" / "Likelihoods.tar.gz").read_bytes() == \
        (tmp_path / "l.tgz").read_bytes()


def test_missing_hepdata_lib_is_one_line(run_cli, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "hepdata_lib", None)  # as if the [hepdata] extra were not installed
    code, _, err = run_cli("hepdata", "--analysis", ANALYSIS, "--out", str(tmp_path / "r"), *INPUTS)
    assert code == 1 and "pip install 'limits[hepdata]'" in err and err.count("\n") == 1
    assert not (tmp_path / "r").exists()


def test_python_api_checks_release_before_any_work(tmp_path):
    """limits.hepdata_record is what `limits hepdata` runs; a release without an INSPIRE id is a typed error."""
    import limits

    with pytest.raises(limits.InputError) as err:
        limits.hepdata_record(ANALYSIS, tmp_path / "r", release=True)
    assert err.value.field == "inspire_id" and not (tmp_path / "r").exists()
