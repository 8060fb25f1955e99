"""Models as data: built-ins validate against schemas/model.schema.json, user files load or fail with one line."""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from limits import constants as C
from limits.errors import InputError
from limits.io.schemas import load_schema
from limits.physics.models import builtin_names, get_model, model_from_document

STABLE_NAMES = ("bl-unbroken", "bl-broken", "bl-dm-scalar", "b-3le", "b-2le-lmu", "b-le-2lmu", "dark-photon")


def test_builtin_names_are_stable():
    assert builtin_names()[: len(STABLE_NAMES)] == STABLE_NAMES


def test_charges_of_arxiv_2606_17320_table_1():
    table = {"bl-unbroken": (-1, -1, -1), "b-3le": (-3, 0, 0), "b-2le-lmu": (-2, -1, 0), "b-le-2lmu": (-1, -2, 0)}
    for name, (qe, qmu, qtau) in table.items():
        m = get_model(name)
        assert (m.charges["e"], m.charges["mu"], m.charges["tau"]) == (qe, qmu, qtau)
        assert m.charges["u"] == m.charges["d"] == pytest.approx(1 / 3)
        assert m.nu_charges == {"e": qe, "mu": qmu, "tau": qtau}  # Q_nu = Q_l flavour by flavour
        assert m.light_nu == "dirac"


def test_special_models():
    broken = get_model("bl-broken")
    assert broken.light_nu == "majorana" and broken.heavy_n_charges == (-1, -1, -1)
    assert broken.heavy_n_mass_ratio == pytest.approx(1 / 3)
    dm = get_model("bl-dm-scalar")
    assert (dm.dark.particle, dm.dark.alpha_d, dm.dark.mass_ratio) == ("complex_scalar", 0.1, 3.0)
    dp = get_model("dark-photon")
    assert dp.coupling_symbol == "epsilon" and dp.coupling_scale == pytest.approx(C.E_CHARGE)
    assert dp.charges["u"] == pytest.approx(2 / 3) and dp.nu_charges == {"e": 0, "mu": 0, "tau": 0}
    assert dp.electron_coupling(1.0) == pytest.approx(0.30282, rel=1e-4)


def test_custom_model_file_roundtrip(tmp_path):
    doc = {"name": "my-model", "charges": {"e": -2, "mu": 0, "tau": 0, "u": "1/3", "d": "1/3"},
           "neutrinos": {"light": "dirac"}}
    path = tmp_path / "m.json"
    path.write_text(json.dumps(doc))
    m = get_model(str(path))
    assert m.name == "my-model" and m.charges["e"] == -2 and m.charges["s"] == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    "mutate, field",
    [
        (lambda d: d.pop("charges"), "charges"),
        (lambda d: d["charges"].update(e="minus one"), "charges.e"),
        (lambda d: d["charges"].update(e=float("nan")), "charges.e"),
        (lambda d: d["neutrinos"].update(light="sterile"), "neutrinos.light"),
        (lambda d: d.update(dark_sector={"particle": "complex_scalar", "alpha_d": -0.1, "mass_ratio": 3}),
         "dark_sector.alpha_d"),
        (lambda d: d.update(colour="blue"), "(top level)"),
    ],
)
def test_invalid_documents_name_the_field(mutate, field):
    doc = yaml.safe_load(open(get_model.__globals__["_builtin_dir"]().joinpath("bl-unbroken.yaml")))
    mutate(doc)
    with pytest.raises(InputError) as err:
        model_from_document(doc, "f.yaml")
    assert field in str(err.value)
    assert "\n" not in str(err.value)


def test_malformed_yaml(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\ncharges: {e: -1, mu: [\n")
    with pytest.raises(InputError, match="malformed"):
        get_model(str(path))


def test_schema_is_valid_json_schema():
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(load_schema("model"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(doc=st.one_of(json_values, st.fixed_dictionaries({"name": st.text(max_size=5), "charges": json_values,
                                                          "neutrinos": json_values})))
def test_random_documents_never_traceback(doc):
    try:
        model_from_document(doc, "random")
    except InputError as err:
        assert "\n" not in str(err)


def test_the_models_table_lists_only_channels_the_model_has():
    """Light neutrinos are invisible channels only where they carry a charge: not the dark photon's (it mixes with the
    photon, which does not couple to neutrinos)."""
    from limits.physics.models import describe_channels

    assert describe_channels(get_model("bl-unbroken")) == "Dirac nu"
    assert "nu" not in describe_channels(get_model("dark-photon"))
    assert describe_channels(get_model("dark-photon")).startswith("complex_scalar chi")
