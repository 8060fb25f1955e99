"""Issue 14: a property-based fuzz suite over input documents, mass lists and command-line arguments.

Every generated case runs the real CLI in-process and must end with exit status 0, 2 or 3 (partial scan); on 2
exactly one stderr line starting ``limits: error:`` and no output file; never a traceback; on 0 every written file is
strict JSON and follows its schema. Each case has a time limit (SIGALRM): a hang fails the case.

Default run: a bounded number of examples per property (``FUZZ_EXAMPLES``, 25; 10 for the scan arguments, each a
scan). The ``slow`` variant runs
``LIMITS_FUZZ_EXAMPLES`` (default 2,600 per property, 4 properties: > 10^4 cases) and prints the count and time.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import signal
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from limits.cli.app import main
from limits.io.schemas import load_schema

FUZZ_EXAMPLES = 25
SCAN_FUZZ_EXAMPLES = 10  # scan arguments in the default run: each valid case is a scan
SLOW_EXAMPLES = int(os.environ.get("LIMITS_FUZZ_EXAMPLES", "2600"))
CASE_SECONDS = 60  # a case that runs longer is a hang
STATS = {"cases": 0, "seconds": 0.0}

MODEL = yaml.safe_load("""
name: fuzz
coupling: {symbol: g, scale: 1}
charges: {e: -1, mu: -1, tau: -1, u: 1/3, d: 1/3, s: 1/3}
neutrinos: {light: dirac}
""")
RUNS = yaml.safe_load(resources.files("limits.data").joinpath("runs.yaml").read_text())

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)


def _paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def mutated(draw: st.DrawFn, base: dict) -> bytes:
    """A document derived from ``base``: fields replaced, deleted or added, then written as YAML or JSON; or
    raw damage (invalid UTF-8, truncation, deep nesting, aliases)."""
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(_paths(doc)))
        if not path:
            doc = draw(json_values) if draw(st.booleans()) else doc
            continue
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(json_values)
        elif action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=8))] = draw(json_values)
    kind = draw(st.sampled_from(["yaml", "json", "bytes", "truncated", "deep", "alias"]))
    if kind == "deep":
        n = draw(st.integers(50, 5000))
        return ("a: " + "[" * n + "]" * n + "\n").encode()
    if kind == "alias":
        return b"x: &x [1, 2, 3]\ny: [*x, *x]\n"
    try:
        text = json.dumps(doc) if kind == "json" else yaml.safe_dump(doc, allow_unicode=True)
    except (TypeError, ValueError, yaml.YAMLError):
        text = str(doc)
    data = text.encode("utf-8", "surrogatepass") if kind != "bytes" else text.encode("utf-8", "replace")
    if kind == "bytes":
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(min_size=1, max_size=8)) + data[cut:]
    if kind == "truncated":
        data = data[:draw(st.integers(0, len(data)))]
    return data


class Hang(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise Hang


def run_case(args: list[str], out: Path | None) -> None:
    """Run ``limits ARGS`` and check the contract of the issue."""
    err_buf, out_buf = io.StringIO(), io.StringIO()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(CASE_SECONDS)
    t0 = time.perf_counter()
    try:
        with contextlib.redirect_stderr(err_buf), contextlib.redirect_stdout(out_buf):
            code = main(args)
    except Hang:
        pytest.fail(f"hang (> {CASE_SECONDS} s): limits {args}")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        STATS["cases"] += 1
        STATS["seconds"] += time.perf_counter() - t0
    err = err_buf.getvalue()
    assert "Traceback" not in err, (args, err)
    assert code in (0, 2, 3), (args, code, err)
    if code == 2:
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("limits: error: "), (args, err)
        assert out is None or not out.exists() or not any(out.iterdir()), (args, list(out.iterdir()))
    if code == 0 and out is not None and out.exists():
        for path in out.rglob("*.json"):
            doc = json.loads(path.read_text(), parse_constant=lambda c: pytest.fail(f"{path}: bare {c}"))
            if path.name == "limits.json":
                jsonschema.validate(doc, load_schema("limits"))


def _properties(n: int, n_scans: int | None = None):
    common = settings(max_examples=n, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
    scans = settings(common, max_examples=n if n_scans is None else n_scans)

    @common
    @given(data=mutated(MODEL), masses=st.sampled_from(["1", "0.5,300", "1:500:5"]))
    def model_documents(data: bytes, masses: str) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "model.yaml"
            path.write_bytes(data)
            run_case(["widths", "--model", str(path), "--masses", masses, "--format", "json"], None)

    @common
    @given(data=mutated(RUNS))
    def runs_documents(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path, out = Path(tmp) / "runs.yaml", Path(tmp) / "out"
            path.write_bytes(data)
            run_case(["workspace", "--analysis", "na64-2022", "--runs", str(path), "--masses", "1,10",
                      "--out", str(out)], out)

    @common
    @given(spec=st.one_of(st.text(max_size=30), st.lists(st.floats(allow_nan=True), max_size=4).map(
        lambda v: ",".join(map(str, v))), st.tuples(st.floats(), st.floats(), st.integers(-3, 10**7)).map(
        lambda t: f"{t[0]}:{t[1]}:{t[2]}")))
    def mass_lists(spec: str) -> None:
        if "\x00" in spec:  # the OS cannot pass NUL in an argument
            return
        run_case(["widths", "--model", "bl-unbroken", "--masses", spec], None)

    options = {
        "--cl": st.one_of(st.floats(), st.text(max_size=6)),
        "--seed": st.one_of(st.integers(-2, 2**70), st.text(max_size=6)),
        # valid counts kept small: a 10^7-toy scan is long, not a hang
        "--ntoys": st.one_of(st.integers(-5, 99), st.integers(100, 400), st.integers(10**7 + 1, 10**9),
                             st.just("1e3")),
        "--method": st.one_of(st.sampled_from(["hybrid", "exact", "asymptotic", "toys", "pyhf"]),
                              st.text(max_size=6)),
        "--executor": st.one_of(st.sampled_from(["local", "processes:1", "dask:local:0", "dask:foo", "threads"]),
                                st.text(max_size=12)),
        "--analysis": st.one_of(st.sampled_from(["na64-2022", "na64-2016", "na64-9999"]), st.text(max_size=8)),
    }

    @scans
    @given(chosen=st.dictionaries(st.sampled_from(sorted(options)), st.just(None), max_size=3), data=st.data())
    def scan_arguments(chosen: dict, data: st.DataObject) -> None:
        args = ["scan", "--masses", "10"]
        for name in chosen:
            value = data.draw(options[name])
            args += [name, str(value)]
        if "--method" not in chosen:
            args += ["--method", "asymptotic"]  # the quickest of the three when the arguments are valid
        elif "toys" in args:
            args += ["--ntoys", "100"]  # last wins: valid toy scans stay short
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out"
            if any("\x00" in a for a in args):
                return
            run_case([*args, "--out", str(out)], out)

    return [model_documents, runs_documents, mass_lists, scan_arguments]


@pytest.mark.parametrize("index", range(4), ids=["model", "runs", "masses", "scan-args"])
def test_fuzz(index):
    _properties(FUZZ_EXAMPLES, SCAN_FUZZ_EXAMPLES)[index]()


@pytest.mark.slow
def test_fuzz_slow(capsys):
    t0 = time.perf_counter()
    before = STATS["cases"]
    for prop in _properties(SLOW_EXAMPLES):
        prop()
    with capsys.disabled():
        print(f"\nfuzz (slow): {STATS['cases'] - before} cases in {time.perf_counter() - t0:.0f} s, all passed: "
              "0 tracebacks, 0 hangs, 0 partial outputs")
