"""Run inputs and analyses: the shipped facts, and every bad run file rejected with one line naming the field."""

from __future__ import annotations

import copy
import json
import math

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from limits.analysis.definition import analysis_from_document, get_analysis
from limits.analysis.runs import FIELDS, load_runs, runs_from_document
from limits.errors import InputError
from limits.io.files import yaml_load
from limits.physics.models import model_from_document


def shipped_document():
    from importlib import resources

    return yaml_load(resources.files("limits.data").joinpath("runs.yaml").read_text())


def test_every_value_has_status_and_source():
    for run in load_runs().values():
        for field in FIELDS:
            fact = run.facts[field]
            assert fact.status in ("confirmed", "derived", "unverified") and fact.source


def test_observed_zero_and_total_eot():
    # C: papers, no events in the signal box; totals 3.22e11 (PRL 129) and 9.37e11 (PRL 131 / arXiv:2606.17320)
    a22, a26 = get_analysis("na64-2022"), get_analysis("na64-2026")
    assert all(r.observed == 0 for r in a26.runs)
    assert a22.total_eot == pytest.approx(3.22e11, rel=1e-3)
    assert a26.total_eot == pytest.approx(9.37e11, rel=1e-3)
    assert [r.name for r in a22.runs] == ["I", "II", "III", "IV"] and not a22.annihilation
    assert [r.name for r in a26.runs] == ["I", "II", "III", "IV", "V"] and a26.annihilation


def test_efficiencies_within_prl129_range():
    for name, run in load_runs().items():
        if name in ("I", "II", "III", "IV", "V"):  # the electron runs; the positron and muon runs are not PRL 129's
            assert 0.48 <= run.efficiency_at(10.0) <= 0.62  # PRL 129: "varied from ~0.62 to ~0.48"


def test_background_totals():
    runs = load_runs()
    assert sum(runs[r].background for r in ("I", "II", "III")) == pytest.approx(0.53, abs=0.001)  # PRL 123
    assert runs["IV"].background == 0.03 and runs["IV"].background_uncertainty == 0.015  # PRL 129


def _bad(mutate):
    doc = shipped_document()
    mutate(doc)
    return doc


@pytest.mark.parametrize(
    "mutate, field",
    [
        (lambda d: d["runs"]["I"].pop("eot"), "runs.I.eot"),  # missing field (not in common)
        (lambda d: d["common"].pop("observed"), "runs.I.observed"),  # missing everywhere
        (lambda d: d["runs"]["II"]["eot"].update(value=-5.4e10), "runs.II.eot.value"),  # negative EOT
        (lambda d: d["common"]["efficiency"].update(value=1.2), "common.efficiency"),  # efficiency > 1
        (lambda d: d["runs"]["III"]["background"].update(status="guessed"), "runs.III.background.status"),
        (lambda d: d["runs"]["IV"]["eot"].update(value="many"), "runs.IV.eot.value"),  # wrong type
        (lambda d: d["runs"]["V"]["background"].update(value=float("nan")), "runs.V.background.value"),  # NaN
        (lambda d: d["runs"]["V"]["eot"].update(value=math.inf), "runs.V.eot.value"),
        (lambda d: d["runs"]["I"]["background"].update(value=0), "runs.I.background.value"),  # b = 0 exactly
        (lambda d: d["runs"]["I"]["eot"].pop("source"), "runs.I.eot"),
        (lambda d: d["runs"]["I"].update(colour={"value": 1, "status": "confirmed", "source": "x"}), "runs.I"),
        (lambda d: d["runs"]["I"].update(ecut_gev={"value": 120, "status": "confirmed", "source": "x"}),
         "runs.I.ecut_gev"),
        (lambda d: d.update(schema_version=2), "schema_version"),
    ],
)
def test_bad_run_documents(mutate, field):
    with pytest.raises(InputError) as err:
        runs_from_document(_bad(mutate), "runs.yaml")
    message = str(err.value)
    assert field in message and "\n" not in message


def test_bad_runs_file_on_cli_one_line_exit_2(run_cli, tmp_path):
    doc = _bad(lambda d: d["runs"]["II"]["eot"].update(value=-1))
    path = tmp_path / "runs.yaml"
    path.write_text(yaml.safe_dump(doc))
    out_dir = tmp_path / "ws"
    code, out, err = run_cli("workspace", "--runs", str(path), "--masses", "10", "--out", str(out_dir))
    assert code == 2 and err.count("\n") == 1 and "runs.II.eot.value" in err
    assert not out_dir.exists()


def test_user_runs_file_and_analysis(tmp_path):
    # a projection: run V with ten times the EOT
    doc = shipped_document()
    doc["runs"]["V"]["eot"]["value"] = 6.15e12
    (tmp_path / "runs.json").write_text(json.dumps(doc))
    analysis = {"name": "projection", "runs": ["IV", "V"], "annihilation": True, "mass_range_mev": [1, 500],
                "runs_file": "runs.json",
                "signal_yield_uncertainty": {"value": 0.1, "status": "unverified", "source": "assumed"}}
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(analysis))
    a = get_analysis(str(tmp_path / "a.yaml"))
    assert a.total_eot == pytest.approx(3.8e10 + 6.15e12)


def test_unknown_run_in_analysis(tmp_path):
    analysis = {"name": "x", "runs": ["VII"], "annihilation": False, "mass_range_mev": [1, 500],
                "signal_yield_uncertainty": {"value": 0.1, "status": "unverified", "source": "assumed"}}
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(analysis))
    with pytest.raises(InputError, match="VII"):
        get_analysis(str(tmp_path / "a.yaml"))


fact = st.fixed_dictionaries({"value": st.one_of(st.floats(), st.integers(), st.text(max_size=3), st.none()),
                              "status": st.sampled_from(["confirmed", "derived", "unverified", "x"]),
                              "source": st.text(max_size=3)})
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=15,
)


@settings(max_examples=300, deadline=None)
@given(doc=st.one_of(
    json_values,
    st.fixed_dictionaries({"schema_version": st.just(1),
                           "runs": st.dictionaries(st.sampled_from(["I", "V", "x y"]),
                                                   st.dictionaries(st.sampled_from(list(FIELDS)), fact, max_size=11),
                                                   max_size=2),
                           "common": st.dictionaries(st.sampled_from(list(FIELDS)), fact, max_size=11)}),
))
def test_loaders_never_traceback(doc):
    loaders = (lambda d: runs_from_document(d, "f"), lambda d: model_from_document(d, "f"),
               lambda d: analysis_from_document(d, "f", None, None))
    for loader in loaders:
        try:
            loader(copy.deepcopy(doc))
        except InputError as err:
            assert "\n" not in str(err)
