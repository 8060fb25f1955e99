"""Issue 19: a fuzz of the Python API as an independent fuzzer drove it: model dicts, Python objects and model texts
through ``get_model`` -> ``scan`` -> ``export``.

The contract: every call returns, or raises one of the package's documented error types (:class:`limits.LimitsError`
and its subclasses: InputError naming the parameter, ReadOnlyError, PublishError, TableError); never a TypeError,
RecursionError, OverflowError, OSError or a numpy warning (the test configuration turns a RuntimeWarning raised in
``limits`` into an error). A case that breaks it fails with its reproducer.

Default run: ``FUZZ_EXAMPLES`` generated cases. The slow variant runs ``LIMITS_API_FUZZ_EXAMPLES`` (default 10,000)
and prints the count, the time and how many cases got as far as a scan and an export.
"""

from __future__ import annotations

import copy
import decimal
import fractions
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import limits

FUZZ_EXAMPLES = 60
SLOW_EXAMPLES = int(os.environ.get("LIMITS_API_FUZZ_EXAMPLES", "10000"))
STATS = {"cases": 0, "scanned": 0, "exported": 0, "documented_errors": 0}

BASE = {"name": "fuzz", "description": "a fuzzed model", "coupling": {"symbol": "g", "scale": 1},
        "charges": {"e": -1, "mu": -1, "tau": -1, "u": "1/3", "d": "1/3", "s": "1/3"},
        "neutrinos": {"light": "dirac"}}
OPTIONAL = {
    "kinetic_mixing": st.one_of(st.fixed_dictionaries({"ratio": st.floats(-20, 20)}),
                                st.fixed_dictionaries({"epsilon": st.floats(-2, 2)}),
                                st.fixed_dictionaries({"loop": st.lists(st.sampled_from(["e", "mu", "tau", "x"]),
                                                                        max_size=3)})),
    "dark_sector": st.fixed_dictionaries({"particle": st.sampled_from(["complex_scalar", "dirac_fermion", "axion"]),
                                          "alpha_d": st.floats(-1, 2), "mass_ratio": st.floats(-1, 2000)}),
}

# values a user (or a program) can put anywhere: JSON-like, numbers in strings, Python and numpy objects
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.from_regex(r"-?[0-9]{1,400}(/[1-9][0-9]{0,300})?", fullmatch=True),
    st.sampled_from(["1/3", "-2/3", " 1 / 3 ", "11", "0", "1e-300", "nan", "inf", "0/1", "1/0"]),
    st.builds(np.float32, st.floats(width=32)), st.builds(np.int64, st.integers(-2**63, 2**63 - 1)),
    st.builds(fractions.Fraction, st.integers(-20, 20), st.integers(1, 7)),
    st.builds(decimal.Decimal, st.sampled_from(["1e-300", "NaN", "3.5", "-1"])),
    st.binary(max_size=6), st.sets(st.integers(0, 3), max_size=2), st.just(object()),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner)
                      | st.dictionaries(st.one_of(st.text(max_size=6), st.integers(0, 3)), inner, max_size=3),
                      max_leaves=8)


def _nested(depth: int) -> dict:
    doc: dict = {}
    node = doc
    for _ in range(depth):
        node["a"] = {}
        node = node["a"]
    return doc


@st.composite
def model_inputs(draw: st.DrawFn) -> Any:
    """What a user hands to ``get_model``: a mutated model dict (most cases), a model text (YAML/JSON file), a
    name, or any Python object."""
    kind = draw(st.sampled_from(["dict"] * 6 + ["text", "name", "object", "deep"]))
    if kind == "object":
        return draw(values)
    if kind == "name":
        return draw(st.one_of(st.sampled_from([*limits.builtin_models(), "", " ", "no-such", "/nonexistent.yaml"]),
                               st.text(max_size=10)))
    if kind == "deep":
        return {**BASE, "description": _nested(draw(st.integers(60, 3000)))}
    doc = copy.deepcopy(BASE)
    for key, strategy in OPTIONAL.items():
        if draw(st.integers(0, 3)) == 0:
            doc[key] = draw(strategy)
    for _ in range(draw(st.integers(0, 3))):
        section = draw(st.sampled_from(["top", "charges", "coupling", "neutrinos"]))
        target = doc if section == "top" else doc.get(section)
        if not isinstance(target, dict):  # the section was replaced or deleted by an earlier mutation
            target = doc
        key = draw(st.sampled_from([*target, "extra"]))
        action = draw(st.sampled_from(["replace", "replace", "delete"]))
        if action == "delete":
            target.pop(key, None)
        else:
            target[key] = draw(values)
    if kind == "text":
        try:
            return ("yaml", yaml.safe_dump(doc, allow_unicode=True))
        except yaml.YAMLError:
            return ("yaml", str(doc))
    return doc


DOCUMENTED = (limits.LimitsError,)


def run_case(model_input: Any, mass_mev: float, method: str, fmt: str, path_kind: str) -> None:
    """get_model -> scan -> export, every failure a documented error."""
    STATS["cases"] += 1
    with tempfile.TemporaryDirectory() as tmp:
        try:
            if isinstance(model_input, tuple) and model_input and model_input[0] == "yaml":
                path = Path(tmp) / "model.yaml"
                path.write_text(model_input[1], encoding="utf-8", errors="surrogatepass")
                model_input = path
            model = limits.get_model(model_input)
            result = limits.scan("na64-2026", model, mass_mev=[mass_mev], method=method)
            STATS["scanned"] += 1
            target = {"file": Path(tmp) / "out.txt", "none": None, "directory": Path(tmp),
                      "under-a-file": Path(tmp) / "out.txt" / "x.lmt"}[path_kind]
            if path_kind == "under-a-file":
                (Path(tmp) / "out.txt").write_text("in the way")
            limits.export(result, fmt, target)
            STATS["exported"] += 1
        except DOCUMENTED as exc:
            STATS["documented_errors"] += 1
            assert str(exc) and "\n" not in str(exc), repr(exc)  # one line
        except BaseException as exc:  # noqa: BLE001 - the contract: nothing else escapes
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            pytest.fail(f"undocumented {type(exc).__name__}: {exc!s:.300}\nreproducer: limits.get_model("
                        f"{model_input!r:.2000}), scan('na64-2026', ..., mass_mev=[{mass_mev!r}], method={method!r}), "
                        f"export(..., {fmt!r}, <{path_kind}>)")


def _property(n: int):
    @settings(max_examples=n, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(model_input=model_inputs(), mass_mev=st.sampled_from([0.01, 1.0, 20.0, 250.0, 900.0]),
           method=st.sampled_from(["hybrid", "asymptotic"]),
           fmt=st.sampled_from(["darkcast", "csv", "yaml", "bogus"]),
           path_kind=st.sampled_from(["file", "none", "directory", "under-a-file"]))
    def api_chain(model_input: Any, mass_mev: float, method: str, fmt: str, path_kind: str) -> None:
        run_case(model_input, mass_mev, method, fmt, path_kind)

    return api_chain


def test_fuzz_api():
    _property(FUZZ_EXAMPLES)()


@pytest.mark.slow
def test_fuzz_api_slow(capsys):
    t0 = time.perf_counter()
    before = dict(STATS)
    _property(SLOW_EXAMPLES)()
    done = {k: STATS[k] - before[k] for k in STATS}
    with capsys.disabled():
        print(f"\nAPI fuzz (slow): {done['cases']} cases in {time.perf_counter() - t0:.0f} s: {done['scanned']} "
              f"scanned, {done['exported']} exported, {done['documented_errors']} documented errors, "
              "0 undocumented exceptions")
    assert done["cases"] >= SLOW_EXAMPLES
