"""CLI: listing, widths output formats, plots, and one-line errors with exit status 2."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import jsonschema
import pytest
from PIL import Image

from limits.io.schemas import load_schema


def test_models_lists_builtins(run_cli):
    code, out, _ = run_cli("models")
    assert code == 0
    for name in ("bl-unbroken", "bl-broken", "bl-dm-scalar", "b-3le", "b-2le-lmu", "b-le-2lmu", "dark-photon"):
        assert name in out


def test_widths_json_rows(run_cli):
    code, out, _ = run_cli("widths", "--model", "bl-unbroken", "--masses", "10,300", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    jsonschema.validate(rows, load_schema("widths-output"))
    assert [r["mass_mev"] for r in rows] == [10, 300]
    assert set(rows[0]) >= {"mass_mev", "gamma_over_g2_gev", "br", "ctau_m_at_g1"}
    assert set(rows[0]["br"]) == {"invisible", "ee", "mumu", "hadrons"}
    assert rows[0]["br"]["invisible"] == pytest.approx(0.75, abs=1e-4)
    assert rows[1]["gamma_over_g2_gev"] == pytest.approx(3.888e-2, rel=1e-3)  # widths.md §7
    assert rows[0]["ctau_m_at_g1"] == pytest.approx(1.973e-16 / 1.061e-3, rel=1e-3)


def test_widths_log_spaced_and_csv(run_cli):
    code, out, _ = run_cli("widths", "--masses", "1:100:3", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [float(r["mass_mev"]) for r in rows] == pytest.approx([1, 10, 100])
    assert "br_invisible" in rows[0]


def test_widths_several_models(run_cli):
    code, out, _ = run_cli("widths", "--model", "bl-unbroken,bl-broken", "--masses", "100", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and [r["model"] for r in rows] == ["bl-unbroken", "bl-broken"]
    assert rows[1]["br"]["invisible"] == pytest.approx(0.680, abs=1e-3)


def test_widths_plot(run_cli, tmp_path):
    target = tmp_path / "fig.png"
    code, _, _ = run_cli("widths", "--model", "bl-unbroken", "--model", "bl-broken", "--masses", "0.01:1200:50",
                         "--plot", str(target))
    assert code == 0 and [p.name for p in tmp_path.iterdir()] == ["fig.png"]  # written, no temporary left behind
    with Image.open(target) as im:
        assert im.format == "PNG"  # the content is tested in test_plots.py


@pytest.mark.parametrize(
    "args, field",
    [
        (("widths", "--model", "no-such-model"), "--model"),
        (("widths", "--masses", "0"), "--masses"),
        (("widths", "--masses", "-5,10"), "--masses"),
        (("widths", "--masses", "0.0001"), "--masses"),
        (("widths", "--masses", "1300"), "--masses"),
        (("widths", "--masses", "1:abc:3"), "--masses"),
        (("widths", "--masses", "1:10"), "--masses"),
        (("widths", "--coupling", "-1"), "--coupling"),
        (("widths", "--format", "xml"), "--format"),
    ],
)
def test_bad_input_one_line_exit_2(run_cli, args, field, tmp_path):
    plot = tmp_path / "never.png"
    code, out, err = run_cli(*args, "--plot", str(plot))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and field in err
    assert not plot.exists()


def test_malformed_model_file(run_cli, tmp_path):
    bad = tmp_path / "m.yaml"
    bad.write_text("name: x\ncharges: {e: -1\n")
    code, _, err = run_cli("widths", "--model", str(bad))
    assert code == 2 and err.count("\n") == 1 and "malformed" in err
    bad.write_text("name: x\ncharges: {e: -1, mu: -1, tau: -1, u: 1/3, d: 1/3}\nneutrinos: {light: sterile}\n")
    code, _, err = run_cli("widths", "--model", str(bad))
    assert code == 2 and err.count("\n") == 1 and "neutrinos.light" in err


def test_console_script_exit_status():
    proc = subprocess.run([sys.executable, "-m", "limits.cli", "widths", "--masses", "0"], capture_output=True,
                          text=True)
    assert proc.returncode == 2 and proc.stderr.strip().startswith("limits: error: --masses")


def test_help_mentions_units(run_cli):
    for command in ((), ("widths",), ("models",)):
        code, out, _ = run_cli(*command, "--help")
        assert code == 0
    code, out, _ = run_cli("widths", "--help")
    assert "MeV" in out and "GeV" in out


def test_yields_json_rows(run_cli):
    code, out, _ = run_cli("yields", "--model", "dark-photon", "--coupling", "1e-4", "--masses", "1,240",
                           "--format", "json")
    assert code == 0
    rows = json.loads(out)
    jsonschema.validate(rows, load_schema("yields-output"))
    assert rows[0]["yield_brem_per_eot"] == pytest.approx(1.93e-9, rel=0.04)  # production.md §5
    assert rows[0]["yield_annihilation_per_eot"] == 0.0
    assert rows[1]["yield_annihilation_per_eot"] == pytest.approx(3.0e-12, rel=0.05)  # §4.4, with shells


def test_yields_plot(run_cli, tmp_path):
    target = tmp_path / "y.png"
    code, _, _ = run_cli("yields", "--masses", "0.01:1200:40", "--plot", str(target))
    assert code == 0
    with Image.open(target) as im:
        assert im.format == "PNG"  # the content is tested in test_plots.py


def test_xsec(run_cli):
    code, out, _ = run_cli("xsec", "--mass-mev", "16.7", "--energy-gev", "150", "--coupling", "1e-4")
    assert code == 0 and json.loads(out)["sigma_pb"] == pytest.approx(3643, rel=0.01)
    # same electron coupling through the B-L model: g = eps * e
    code, out, _ = run_cli("xsec", "--mass-mev", "16.7", "--energy-gev", "150", "--coupling", str(1e-4 * 0.302822),
                           "--model", "bl-unbroken")
    assert json.loads(out)["sigma_pb"] == pytest.approx(3643, rel=0.01)


@pytest.mark.parametrize(
    "args, field",
    [
        (("yields", "--ecut-gev", "20"), "--ecut-gev"),
        (("yields", "--ecut-gev", "100"), "--ecut-gev"),
        (("yields", "--beam-energy-gev", "200"), "--beam-energy-gev"),
        (("yields", "--coupling", "0"), "--coupling"),
        (("yields", "--l-det-m", "-1"), "--l-det-m"),
        (("yields", "--masses", "5000"), "--masses"),
        (("xsec", "--mass-mev", "0", "--energy-gev", "100", "--coupling", "1"), "--mass-mev"),
        (("xsec", "--mass-mev", "10", "--energy-gev", "100", "--coupling", "1", "--xmin", "1.5"), "--xmin"),
        (("xsec", "--mass-mev", "10", "--coupling", "1"), "--energy-gev"),
    ],
)
def test_yields_bad_input(run_cli, args, field):
    code, out, err = run_cli(*args)
    assert code == 2 and out == "" and err.count("\n") == 1 and field in err


def test_yields_spectrum_sums_to_total(run_cli):
    code, out, _ = run_cli("yields", "--masses", "10", "--format", "json", "--spectrum")
    bins = json.loads(out)
    code2, out2, _ = run_cli("yields", "--masses", "10", "--format", "json")
    total = json.loads(out2)[0]["yield_per_eot"]
    assert code == code2 == 0
    assert sum(b["dn_de_per_eot_per_gev"] * (b["e_high_gev"] - b["e_low_gev"]) for b in bins) == pytest.approx(total)
    # the cut is on the measured ECAL energy: the spectrum starts ~6 sigma below 50 GeV, with the pass probability
    assert 30.0 <= bins[0]["e_low_gev"] < 45.0 and bins[-1]["e_high_gev"] == pytest.approx(100.0)
    assert bins[0]["pass_probability"] < 1e-6 and bins[-1]["pass_probability"] == pytest.approx(1.0)
    code, out, _ = run_cli("yields", "--masses", "10", "--format", "json", "--spectrum", "--ecal-resolution", "0", "0")
    bins = json.loads(out)
    assert code == 0 and bins[0]["e_low_gev"] == 50.0 and {b["pass_probability"] for b in bins} == {1.0}


def test_python_m_limits_lists_the_commands_in_workflow_order(tmp_path):
    """`python -m limits` is the command line; --help lists the commands as the work flows, not alphabetically."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "limits", "--help"], capture_output=True, text=True, cwd=tmp_path,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    listed = [line.split()[0] for line in done.stdout.split("Commands:")[1].splitlines() if line.strip()]
    assert listed == ["models", "widths", "yields", "xsec", "workspace", "scan", "merge", "compare", "export",
                      "figures", "hepdata", "serve", "tables", "cache"]
