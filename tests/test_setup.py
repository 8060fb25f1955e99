"""Issue 20: one set-up value, its defaults defined once, passed down and recorded in every result."""

from __future__ import annotations

import json

import pytest

import limits
from limits import constants as C
from limits.physics.setup import Setup


def test_the_defaults_are_nas64s_and_stated_once():
    s = Setup()
    # PRL 129: 100 GeV electrons, E_ECAL < 50 GeV; arXiv:2606.17320: 10 %/sqrt(E) (+) 4 %, ECAL + HCAL ~ 5.4 m
    assert (s.beam_particle, s.beam_energy_gev, s.ecut_gev, s.l_det_m) == ("e-", 100.0, 50.0, 5.4)
    assert (s.ecal_resolution.stochastic, s.ecal_resolution.constant) == (0.10, 0.04)
    assert (C.NA64_BEAM_ENERGY_GEV, C.NA64_ECUT_GEV) == (100.0, 50.0)


@pytest.mark.parametrize(("changes", "field"), [
    ({"beam_energy_gev": 10.0}, "beam_energy_gev"), ({"ecut_gev": 100.0}, "ecut_gev"),
    ({"ecut_gev": "50"}, "ecut_gev"), ({"l_det_m": -1.0}, "l_det_m"), ({"ecal_resolution": (0.1,)}, "ecal_resolution"),
    ({"ecal_resolution": (3.0, 0.0)}, "ecal_resolution"), ({"electron_momenta": "bound"}, "electron_momenta"),
    ({"beam_particle": "pi-"}, "beam_particle"),
])
def test_a_bad_setup_names_its_field(changes, field):
    with pytest.raises(limits.InputError) as err:
        Setup(**changes)
    assert err.value.field == field


def test_every_layer_takes_the_same_default(run_cli):
    """The API's yields, the figure and the CLI use one default (the figure used to cut on the true energy)."""
    from limits.plots.yields import draw_yields

    model = limits.get_model("dark-photon")
    table = limits.yields(model, mass_mev=[230.0], coupling=1e-4)
    assert table.setup == Setup()
    code, out, _ = run_cli("yields", "--model", "dark-photon", "--masses", "230", "--format", "json")
    assert code == 0 and json.loads(out)[0]["yield_per_eot"] == pytest.approx(float(table.total_per_eot[0]),
                                                                               rel=1e-12)
    fig = draw_yields(table)
    assert "sigma_E/E" in fig.axes[0].get_title()  # drawn with the resolution, as the API computes


def test_changes_to_the_setup_through_the_api():
    model = limits.get_model("dark-photon")
    true_cut = limits.yields(model, mass_mev=[222.0], coupling=1e-4, ecal_resolution=(0.0, 0.0))
    measured = limits.yields(model, mass_mev=[222.0], coupling=1e-4)
    # at 222 MeV the resonant energy m^2/2m_e = 48 GeV sits below the 50 GeV cut: the resolution lets part of it in
    # (the window's low edge gains about a factor of two, docs/physics.md)
    assert measured.annihilation_per_eot[0] > 1.5 * true_cut.annihilation_per_eot[0]
    with pytest.raises(limits.InputError) as err:
        limits.yields(model, mass_mev=[230.0], beam_energy=80.0)
    assert err.value.field == "beam_energy"
    with pytest.raises(limits.InputError) as err:
        limits.yields(model, "na64-2026", mass_mev=[230.0], ecut_gev=40.0)
    assert err.value.field == "analysis"


def test_results_record_the_setup_of_every_run():
    analysis = limits.get_analysis("na64-2026")
    result = limits.scan(analysis, "bl-unbroken", mass_mev=[10.0])
    assert set(result.setups) == {r.name for r in analysis.runs}
    for run in analysis.runs:
        recorded = result.setups[run.name]
        assert recorded["beam_energy_gev"] == float(run.beam_energy_gev) and recorded["ecut_gev"] == float(run.ecut_gev)
        assert recorded["ecal_resolution"] == [float(run.ecal_resolution_stochastic),
                                               float(run.ecal_resolution_constant)]
        assert recorded["annihilation"] is analysis.annihilation
    assert json.loads(json.dumps(result.to_document()))["setups"] == result.setups
    assert limits.ScanResult.from_document(result.to_document()).setups == result.setups
