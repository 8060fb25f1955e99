"""Issue 22, overlays: other curves from a CSV, a DarkCast .lmt or a HEPData table on our figures."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import yaml

import limits
from limits.plots.exclusion import draw_exclusion
from limits.reference.overlays import read_overlay

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "results"
COMMITTED = RESULTS / "na64-2022" / "bl-unbroken"


def test_csv_overlay_reads_masses_in_mev_and_states_its_convention(tmp_path):
    path = tmp_path / "babar.csv"
    path.write_text("# digitised from a figure\nmass_mev,epsilon\n20,2e-3\n10,1e-3\n15,\n")
    curve = read_overlay(path)
    assert curve.label == "babar" and curve.entry["coupling"] == "epsilon"
    assert curve.mass_mev.tolist() == [10.0, 15.0, 20.0]  # sorted by mass; an empty cell is a gap
    assert curve.coupling[0] == 1e-3 and math.isnan(curve.coupling[1])
    (tmp_path / "any.csv").write_text("mass_mev,coupling\n1,1e-5\n2,2e-5\n")
    assert read_overlay(f"mine={tmp_path / 'any.csv'}").entry["coupling"] is None  # no convention stated


def test_our_darkcast_export_and_hepdata_table_read_back_as_our_limit(tmp_path):
    res = limits.ScanResult.from_json(COMMITTED)
    limits.export(res, "darkcast", tmp_path / "na64.lmt")
    lmt = read_overlay(tmp_path / "na64.lmt")
    assert lmt.entry["coupling"] == "g" and lmt.label == "na64"
    np.testing.assert_allclose(lmt.mass_mev, res.mass_mev, rtol=1e-6)  # GeV in the file, 7 digits
    np.testing.assert_allclose(lmt.coupling, res.g_obs, rtol=1e-6)
    table = read_overlay(RESULTS / "hepdata" / "na64-2022" / "limits_bl-unbroken.yaml")
    assert table.entry["coupling"] == "g"
    np.testing.assert_allclose(table.mass_mev, res.mass_mev, rtol=1e-5)
    # the Observed column (not the first, expected one), to the table's 5 significant digits
    np.testing.assert_allclose(table.coupling, res.g_obs, rtol=6e-5)
    # the same table in GeV
    doc = yaml.safe_load((RESULTS / "hepdata" / "na64-2022" / "limits_dark-photon-dirac.yaml").read_text())
    doc["independent_variables"][0]["header"]["units"] = "GeV"
    for v in doc["independent_variables"][0]["values"]:
        v["value"] = v["value"] * 1e-3
    (tmp_path / "gev.yaml").write_text(yaml.safe_dump(doc))
    gev = read_overlay(tmp_path / "gev.yaml")
    assert gev.entry["coupling"] == "epsilon"
    np.testing.assert_allclose(gev.mass_mev, limits.ScanResult.from_json(
        RESULTS / "na64-2022" / "dark-photon-dirac").mass_mev, rtol=1e-5)


def test_a_two_sided_darkcast_limit_draws_both_edges(tmp_path):
    path = tmp_path / "two.lmt"
    path.write_text("#   mass   lower   upper\n# a comment\n0.01 1e-5 1e-3\n0.02 2e-5 1e5\n0.03 1e5 1e5\n")
    curve = read_overlay(path)
    assert curve.entry["coupling"] is None
    finite = curve.coupling[np.isfinite(curve.coupling)]
    assert sorted(finite.tolist()) == [1e-5, 2e-5, 1e-3]  # no-limit values (1e5) are gaps


@pytest.mark.parametrize(("content", "suffix", "says"), [
    ("mass,g\n1,2\n", ".csv", "header must be"),
    ("mass_mev,g\nx,2\n", ".csv", "not a number"),
    ("0.01 1e-5\n", ".lmt", "line 1 naming its columns"),
    ("independent_variables: [{header: {name: m, units: keV}, values: [{value: 1}]}]\n"
     "dependent_variables: [{header: {name: g}, values: [{value: 1}]}]\n", ".yaml", "MeV or GeV"),
    ("mass_mev,g\n1,\n", ".csv", "no point with a limit"),
    ("", ".txt", "unknown overlay format"),
])
def test_bad_overlays_are_refused_naming_the_file(tmp_path, content, suffix, says):
    path = tmp_path / f"bad{suffix}"
    path.write_text(content)
    with pytest.raises(limits.InputError, match=says) as err:
        read_overlay(path, "overlays")
    assert err.value.field.startswith("overlays")


def test_overlays_are_drawn_with_their_labels_inside_our_mass_range(tmp_path):
    (tmp_path / "wide.csv").write_text("mass_mev,g\n0.001,1e-6\n10,1e-5\n1e5,1e-1\n")
    res = limits.ScanResult.from_json(COMMITTED)
    fig = draw_exclusion(res, overlays=[f"Wide={tmp_path / 'wide.csv'}"])
    ax = fig.axes[0]
    assert "Wide" in [t.get_text() for t in ax.get_legend().get_texts()]
    line = next(line for line in ax.get_lines() if line.get_label() == "Wide")
    assert max(line.get_xdata()) <= res.mass_mev.max()  # the frame is not widened
    with pytest.raises(limits.InputError, match="limit on epsilon"):
        (tmp_path / "eps.csv").write_text("mass_mev,epsilon\n1,1e-5\n")
        draw_exclusion(res, overlays=[tmp_path / "eps.csv"])


def test_scan_figures_and_compare_take_overlays_from_the_command_line(tmp_path, run_cli):
    (tmp_path / "other.csv").write_text("mass_mev,g\n1,1e-5\n1000,1e-3\n")
    (tmp_path / "eps.csv").write_text("mass_mev,epsilon\n1,1e-5\n1000,1e-3\n")
    limits.export(limits.ScanResult.from_json(COMMITTED), "darkcast", tmp_path / "na64.lmt")
    hep = RESULTS / "hepdata" / "na64-2022" / "limits_bl-unbroken.yaml"
    base = ("scan", "--masses", "1:500:6", "--out")
    code, _, err = run_cli(*base, str(tmp_path / "plain"))
    assert code == 0
    code, _, err = run_cli(*base, str(tmp_path / "plain"), "--overlay", f"Other={tmp_path / 'other.csv'}",
                           "--overlay", str(tmp_path / "na64.lmt"), "--overlay", f"HEPData={hep}")
    assert code == 0 and "reused" in err  # the finished scan is reused, its figure drawn again with the overlays
    assert (tmp_path / "plain" / "exclusion.png").read_bytes() != b""
    code, out, err = run_cli(*base, str(tmp_path / "eps"), "--overlay", str(tmp_path / "eps.csv"))
    assert code == 2 and err.startswith("limits: error: --overlay") and err.count("\n") == 1
    assert not (tmp_path / "eps").exists()  # refused before anything is computed or written
    code, _, err = run_cli("figures", "--results", str(RESULTS), "--out", str(tmp_path / "figs"),
                           "--overlay", f"Other={tmp_path / 'other.csv'}")
    from limits.plots.papers import FIGURES

    assert code == 0 and len(list((tmp_path / "figs").glob("*.png"))) == len(FIGURES)
    code, _, err = run_cli("compare", "--results", str(COMMITTED), "--reference", "na64-prl129-2022-bl-unbroken",
                           "--plot", str(tmp_path / "cmp.png"), "--overlay", str(tmp_path / "other.csv"))
    assert code == 0 and (tmp_path / "cmp.png").is_file()
    code, _, err = run_cli("compare", "--results", str(COMMITTED), "--reference", "na64-prl129-2022-bl-unbroken",
                           "--overlay", str(tmp_path / "other.csv"))
    assert code == 2 and "--plot" in err


def test_an_overlay_given_as_text_reads_as_its_file(tmp_path):
    """overlay_from_text (the service's overlays, a notebook's) reads each format as read_overlay reads its file."""
    from limits.reference.overlays import overlay_from_text

    res = limits.ScanResult.from_json(COMMITTED)
    limits.export(res, "darkcast", tmp_path / "na64.lmt")
    files = {"darkcast": tmp_path / "na64.lmt",
             "hepdata": RESULTS / "hepdata" / "na64-2022" / "limits_bl-unbroken.yaml"}
    (tmp_path / "c.csv").write_text("mass_mev,epsilon\n20,2e-3\n10,1e-3\n15,\n")
    files["csv"] = tmp_path / "c.csv"
    for fmt, path in files.items():
        from_file, from_text = read_overlay(path), overlay_from_text(path.read_text(), fmt, "x")
        assert from_text.entry["coupling"] == from_file.entry["coupling"] and from_text.label == "x"
        np.testing.assert_array_equal(from_text.mass_mev, from_file.mass_mev)
        np.testing.assert_array_equal(from_text.coupling, from_file.coupling)
    for text, fmt, label, says in [("mass_mev,g\n1,1\n", "exe", "x", "not an overlay format"),
                                   ("mass_mev,g\n1,1\n", "csv", " ", "a label of 1-80 characters"),
                                   ("mass_mev,g\n1,1\n", "csv", "$x$", r"without '\$'"),
                                   ("a: [1\n", "hepdata", "x", "not YAML"),
                                   ("mass,g\n1,1\n", "csv", "x", "header")]:
        with pytest.raises(limits.InputError, match=says):
            overlay_from_text(text, fmt, label)


def test_one_scan_as_a_hepdata_table_is_the_records_table():
    """The service's hepdata.yaml of a scan: the same data as the committed record's table of that scan, and valid
    for hepdata-validator's data-file schema."""
    pytest.importorskip("hepdata_lib")
    from hepdata_validator.data_file_validator import DataFileValidator

    from limits.publish.hepdata import hepdata_table_text

    ours = yaml.safe_load(hepdata_table_text(limits.ScanResult.from_json(COMMITTED)))
    record = yaml.safe_load((RESULTS / "hepdata" / "na64-2022" / "limits_bl-unbroken.yaml").read_text())
    assert ours == record
    validator = DataFileValidator()
    assert validator.validate(data=ours, file_path="hepdata.yaml"), validator.get_messages()


def test_a_user_model_named_as_a_built_in_gets_no_published_curve():
    """The published curve of (na64-2022, bl-unbroken) is drawn beside the built-in model's scan only: a pasted
    model that took the name bl-unbroken with other charges is another model."""
    from limits.publish.outputs import published_curves

    builtin = limits.ScanResult.from_json(COMMITTED)
    assert [c.entry["name"] for c in published_curves(builtin)] == ["na64-prl129-2022-bl-unbroken"]
    text = (ROOT / "limits" / "data" / "models" / "bl-unbroken.yaml").read_text().replace("e: -1", "e: -3")
    assert "e: -3" in text
    shadow = limits.scan("na64-2022", text, mass_mev=[10.0])
    assert shadow.model == "bl-unbroken" and published_curves(shadow) == []
    assert published_curves(limits.scan("na64-2022", "bl-unbroken", mass_mev=[10.0]))
