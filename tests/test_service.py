"""Issue 25: the HTTP API over the library, its jobs in SQLite, its files and exports, the page it serves (FastAPI's
test client; the real server, the browser and the load are in test_service_browser.py and test_service_load.py)."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

import limits  # noqa: E402
from limits.service.app import MAX_BODY_BYTES, create_app  # noqa: E402

REQUEST = {"analysis": "na64-2026", "model": "bl-unbroken", "mass_mev": "1,10,100"}


def _done(client: TestClient, job_id: str) -> dict:
    store = client.app.state.store
    store.wait(job_id, timeout_s=120)
    return client.get(f"/scans/{job_id}").json()


def test_a_scan_through_the_api_equals_the_library(tmp_path):
    with TestClient(create_app(tmp_path / "svc")) as client:
        assert "na64-combined" in [a["name"] for a in client.get("/analyses").json()]
        assert "bl-unbroken" in [m["model"] for m in client.get("/models").json()]
        assert "/scans" in client.get("/openapi.json").json()["paths"]
        answer = client.post("/scans", json=REQUEST)
        assert answer.status_code == 202
        job = _done(client, answer.json()["id"])
        assert job["status"] == "done", job
        doc = client.get(f"/scans/{job['id']}/limits.json").json()
        ours = limits.scan("na64-2026", "bl-unbroken", mass_mev=[1, 10, 100])
        assert [p["g_obs"] for p in doc["points"]] == ours.g_obs.tolist()
        assert doc["inputs_digest"] == job["inputs_digest"]
        png = client.get(f"/scans/{job['id']}/exclusion.png")
        assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
        # the same inputs again: answered by the same job, nothing recomputed
        again = client.post("/scans", json=dict(REQUEST))
        assert again.json()["id"] == job["id"]


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"model": "no-such-model"}, 400, "model"),
    ({"model": "name: x\ncharges: [1, 2\n"}, 400, "model"),
    ({"mass_mev": "1:1000:1000000"}, 400, "mass_mev"),
    ({"method": "toys", "ntoys": -5}, 400, "ntoys"),
    ({"method": "toys", "ntoys": 50}, 400, "ntoys"),
    ({"ntoys": 200_000}, 400, "ntoys"),
    ({"ntoys": "abc"}, 400, "ntoys"),
    ({"mass_mev": "1:1000:5000"}, 400, "mass_mev"),
    ({"model": "name: mine\ncoupling: {symbol: g, scale: 1}\ncharges: {e: minus one}\n"}, 400, "model"),
    ({"model": "- a\n- b\n"}, 400, "model"),
    ({"method": []}, 400, "method"),  # found by fuzzing: a 500 once
    ({"\n": None}, 400, "request"),
    ({"model": "../../etc/passwd.yaml"}, 400, "model"),
    ({"analysis": "/tmp/mine.yaml"}, 400, "analysis"),
    ({"analysis": "runs.yaml"}, 400, "analysis"),
    ({"model": "jobs.sqlite"}, 400, "model"),
    ({"colour": "red"}, 400, "colour"),
])
def test_bad_requests_get_the_librarys_one_line(tmp_path, body, status, field):
    with TestClient(create_app(tmp_path / "svc")) as client:
        answer = client.post("/scans", json=body)
        assert answer.status_code == status
        error = answer.json()
        assert error["field"] == field and "\n" not in error["error"] and "Traceback" not in error["error"]
        if field == "ntoys":  # one range, the service's: the library's lower bound, the service's upper one
            assert "[100, 100000]" in error["error"]
        if field == "mass_mev":
            assert "2000" in error["error"]
        assert "\\\\" not in error["error"] and "path of a model file" not in error["error"]
        assert client.app.state.store.jobs() == []  # nothing queued


def test_body_limits_and_unknown_jobs(tmp_path):
    with TestClient(create_app(tmp_path / "svc")) as client:
        assert client.post("/scans", content=b"{" + b" " * MAX_BODY_BYTES + b"}").status_code == 413
        assert client.post("/scans", content=b"not json").status_code == 422
        assert client.post("/scans", content=b"[" * 5000 + b"]" * 5000).status_code == 422  # a RecursionError once
        big = client.post("/scans", content=b"{}", headers={"Content-Length": str(10 * MAX_BODY_BYTES)})
        assert big.status_code == 413  # refused on its declared length, before it is read
        assert client.get("/scans/deadbeef").status_code == 404
        assert client.get("/scans/deadbeef/limits.json").status_code == 404


def test_a_restart_loses_nothing(tmp_path):
    service = tmp_path / "svc"
    with TestClient(create_app(service)) as client:
        job_id = client.post("/scans", json=REQUEST).json()["id"]
        assert _done(client, job_id)["status"] == "done"
    with TestClient(create_app(service)) as client:  # a new process on the same directory
        assert client.get(f"/scans/{job_id}").json()["status"] == "done"
        assert json.loads(client.get(f"/scans/{job_id}/limits.json").content)["analysis"] == "na64-2026"
        assert client.post("/scans", json=REQUEST).json()["id"] == job_id  # still the cache


@pytest.mark.slow  # integration run by .ci/run; the default suite stays near 2 min
def test_limits_serve_answers_curl_like_clients(tmp_path):
    """The acceptance path: `limits serve` in its own process, the README's default scan submitted over HTTP, its
    limits.json the one `limits scan` writes; the four bad requests of the issue answered 4xx with the library's
    line, and no traceback in the server's log."""
    import subprocess
    import sys

    from service_server import running  # tests/service_server.py

    bad_requests = [({"model": "no-such-model"}, "model"), ({"model": "name: x\ncharges: [1, 2\n"}, "model"),
                    ({"mass_mev": "1:1000:1000000"}, "mass_mev"), ({"method": "toys", "ntoys": -5}, "ntoys")]
    with running(tmp_path / "svc") as server:
        status, answer = server.post("/scans", {"analysis": "na64-2026", "model": "bl-unbroken"})
        assert status == 202
        assert server.wait(answer["id"])["status"] == "done"
        doc = json.loads(server.request(f"/scans/{answer['id']}/limits.json")[1])
        bad = [server.post("/scans", body) for body, _ in bad_requests]
    log = server.log.read_text()
    subprocess.run([sys.executable, "-m", "limits", "-q", "scan", "--out", str(tmp_path / "cli")], check=True,
                   cwd=tmp_path)
    cli = json.loads((tmp_path / "cli" / "limits.json").read_text())
    assert doc["inputs_digest"] == cli["inputs_digest"] and doc["points"] == cli["points"]
    for (status, error), (_, field) in zip(bad, bad_requests):
        assert 400 <= status < 500 and error["field"] == field and "\n" not in error["error"]
    assert "Traceback" not in log


@pytest.mark.slow
def test_jobs_run_on_a_process_pool(tmp_path):
    """`limits serve --executor processes:2`: the same limits as the library's local run."""
    with TestClient(create_app(tmp_path / "svc", "processes:2")) as client:
        job = _done(client, client.post("/scans", json={**REQUEST, "mass_mev": "1:500:40"}).json()["id"])
        assert job["status"] == "done", job
        doc = client.get(f"/scans/{job['id']}/limits.json").json()
    ours = limits.scan("na64-2026", "bl-unbroken", mass_mev="1:500:40")
    assert [p["g_obs"] for p in doc["points"]] == ours.g_obs.tolist()


def test_a_job_killed_mid_run_resumes_at_the_next_start(tmp_path):
    """A server killed while a job ran leaves it 'running' in jobs.sqlite: the next start queues it again and
    finishes it (scan_to_files resumes from the job directory's checkpoints)."""
    import sqlite3
    import time

    from limits.service.jobs import scan_config

    service = tmp_path / "svc"
    service.mkdir()
    db = sqlite3.connect(service / "jobs.sqlite")
    db.execute("CREATE TABLE jobs (id TEXT PRIMARY KEY, digest TEXT NOT NULL, request TEXT NOT NULL, status TEXT NOT "
               "NULL, message TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL)")
    db.execute("INSERT INTO jobs VALUES (?, ?, ?, 'running', '', ?, ?)",
               ("0" * 32, scan_config(REQUEST).digest(), json.dumps(REQUEST), time.time(), time.time()))
    db.commit()
    db.close()
    with TestClient(create_app(service)) as client:
        job = _done(client, "0" * 32)
        assert job["status"] == "done" and job["message"] == "resumed after a restart"  # no checkpoints to count
        assert client.get(f"/scans/{'0' * 32}/limits.csv").status_code == 200
        # the row of the earlier schema got its cache key: the same request is answered by it
        assert client.post("/scans", json=REQUEST).json()["id"] == "0" * 32


def test_every_export_is_served_and_reads_back(tmp_path):
    """The files listed in a done job's status are served: the DarkCast limit and modules, the intervals, YAML and
    HEPData exports (the HEPData table read back as an overlay gives the observed limits), the pyhf workspace."""
    import yaml

    from limits.reference.overlays import overlay_from_text

    with TestClient(create_app(tmp_path / "svc")) as client:
        job = _done(client, client.post("/scans", json=REQUEST).json()["id"])
        assert "dark_matter.png" not in job["files"]  # no dark sector in bl-unbroken
        got = {name: client.get(f"/scans/{job['id']}/{name}") for name in job["files"]}
        assert all(r.status_code == 200 for r in got.values()), {n: r.status_code for n, r in got.items()}
        assert client.get(f"/scans/{job['id']}/dark_matter.png").status_code == 404
        ours = limits.scan("na64-2026", "bl-unbroken", mass_mev=[1, 10, 100])
        table = overlay_from_text(got["hepdata.yaml"].text, "hepdata", "back")
        assert table.mass_mev.tolist() == [1.0, 10.0, 100.0]
        assert table.coupling == pytest.approx(ours.g_obs, rel=1e-4)  # 5 digits written
        lmt = [line.split() for line in got["na64.lmt"].text.splitlines() if not line.startswith("#")]
        assert [float(r[0]) * 1e3 for r in lmt] == pytest.approx([1, 10, 100])  # GeV
        # DarkCast's limit module reads the .lmt and the model module beside it, by these names
        assert "'na64.lmt'" in got["na64.py"].text and "darkcast.Model('na64_model'" in got["na64.py"].text
        patchset = got["patchset.json"].json()
        assert len(patchset["patches"]) == 3 and got["BkgOnly.json"].json()["version"] == "1.0.0"
        assert yaml.safe_load(got["limits.yaml"].text)["points"][0]["mass_mev"] == 1.0


def test_overlays_come_as_text_and_are_checked(tmp_path):
    curve = {"label": "mine", "format": "csv", "text": "mass_mev,g\n1,2e-6\n100,1e-4\n"}
    with TestClient(create_app(tmp_path / "svc")) as client:
        plain = _done(client, client.post("/scans", json=REQUEST).json()["id"])
        drawn = client.post("/scans", json={**REQUEST, "overlays": [curve]})
        assert drawn.status_code == 202 and drawn.json()["id"] != plain["id"]  # another figure: another job
        job = _done(client, drawn.json()["id"])
        assert job["status"] == "done" and job["inputs_digest"] == plain["inputs_digest"]  # the same limits
        wrong = client.post("/scans", json={**REQUEST, "overlays": [{**curve, "text": "mass_mev,epsilon\n1,1e-3\n"}]})
        assert wrong.status_code == 400 and wrong.json()["field"] == "overlays"
        assert "epsilon" in wrong.json()["error"]
        table = "independent_variables: [{header: {name: m, units: MeV}, values: [{value: 1}]}]\n"
        bad_tables = [table + "dependent_variables: [1]\n", "independent_variables: abc\ndependent_variables: [1]\n",
                      "values: 5\n", "[" * 3000 + "]" * 3000, "a: &x [1]\nb: *x\n"]  # found by review: 500s once
        for bad in ([curve] * 9, [{**curve, "path": "/etc/passwd"}], [{**curve, "format": "exe"}], "x.csv",
                    [{**curve, "label": "$\\nosuchcmd{$"}], [{**curve, "label": "a\nb"}],
                    [{**curve, "label": "x" * 81}],
                    *([{"label": "t", "format": "hepdata", "text": t}] for t in bad_tables)):
            answer = client.post("/scans", json={**REQUEST, "overlays": bad})
            assert answer.status_code == 400 and answer.json()["field"] == "overlays", answer.json()


def test_a_job_past_its_time_limit_fails_with_the_reason(tmp_path):
    with TestClient(create_app(tmp_path / "svc", max_job_s=1e-9)) as client:
        job = _done(client, client.post("/scans", json=REQUEST).json()["id"])
        assert job["status"] == "failed" and job["message"].startswith("time: the job ran past")
        assert client.get(f"/scans/{job['id']}/limits.json").status_code == 409
        assert client.get("/stats").json()["jobs"]["failed"] == 1


def test_identical_requests_at_once_make_one_job(tmp_path):
    """The cache look-up and the insert are one step: 20 threads submitting the same request get one job."""
    from concurrent.futures import ThreadPoolExecutor

    with TestClient(create_app(tmp_path / "svc")) as client:
        store = client.app.state.store
        with ThreadPoolExecutor(8) as pool:
            jobs = list(pool.map(lambda _: store.submit(REQUEST).id, range(20)))
        assert len(set(jobs)) == 1 and store.cache_hits == 19
        assert client.get("/stats").json()["cache_hits"] == 19


def test_the_page_and_its_script_are_served(tmp_path):
    with TestClient(create_app(tmp_path / "svc")) as client:
        page = client.get("/")
        assert page.status_code == 200 and 'id="scan-form"' in page.text
        for name in ("app.js", "style.css"):
            assert client.get(f"/static/{name}").status_code == 200
        for traversal in ("/static/%2e%2e/jobs.sqlite", "/static/..%2fjobs.sqlite"):  # httpx keeps these as sent
            assert client.get(traversal).status_code == 404


def _jobs_table(service, rows):
    """A jobs.sqlite as a service left it: rows of (id, request, status, attempts)."""
    import sqlite3
    import time

    from limits.service.jobs import JobStore, scan_config

    JobStore(service).close()  # the current schema
    db = sqlite3.connect(service / "jobs.sqlite")
    for job_id, request, status, attempts in rows:
        db.execute("INSERT INTO jobs (id, digest, request, status, message, created, updated, cache_key, attempts) "
                   "VALUES (?, ?, ?, ?, '', ?, ?, ?, ?)", (job_id, scan_config(request).digest(), json.dumps(request),
                                                           status, time.time(), time.time(), job_id, attempts))
    db.commit()
    db.close()


def test_a_full_queue_is_503_and_a_restart_runs_every_unfinished_job(tmp_path):
    with TestClient(create_app(tmp_path / "a", max_queue=0)) as client:
        answer = client.post("/scans", json=REQUEST)
        assert answer.status_code == 503 and answer.json()["field"] == "queue"
    # more unfinished jobs than the queue's bound: all run after the restart
    service = tmp_path / "b"
    _jobs_table(service, [(f"{k:032d}", {**REQUEST, "mass_mev": f"{k + 1}"}, "queued", 0) for k in range(3)])
    with TestClient(create_app(service, max_queue=1)) as client:
        jobs = [_done(client, f"{k:032d}") for k in range(3)]
        assert [j["status"] for j in jobs] == ["done"] * 3
        assert [j["message"] for j in jobs] == [""] * 3  # queued, never started: nothing was resumed


@pytest.mark.slow  # toys timed: run by .ci/run's slow line; the default suite stays under 2 min
def test_a_toy_job_tells_its_estimated_time(tmp_path):
    with TestClient(create_app(tmp_path / "svc")) as client:
        job = _done(client, client.post("/scans", json={**REQUEST, "mass_mev": "10", "method": "toys",
                                                         "ntoys": 200}).json()["id"])
        assert job["status"] == "done" and job["message"].startswith("toys: 1 signal shape(s) x 200 toys, estimated")


def test_a_job_running_at_every_stop_is_failed_not_run_again(tmp_path):
    from limits.service.jobs import MAX_ATTEMPTS

    service = tmp_path / "svc"
    _jobs_table(service, [("a" * 32, REQUEST, "running", MAX_ATTEMPTS), ("b" * 32, REQUEST, "running", 1)])
    with TestClient(create_app(service)) as client:
        crashed = client.get(f"/scans/{'a' * 32}").json()
        assert crashed["status"] == "failed" and f"went down {MAX_ATTEMPTS} times" in crashed["message"]
        assert _done(client, "b" * 32)["status"] == "done"


def test_the_request_schema_describes_what_the_service_takes(tmp_path):
    """schemas/scan-request.schema.json (in the OpenAPI description) names the request fields the service takes, with
    its limits, and accepts the requests these tests send."""
    import jsonschema

    from limits.analysis.definition import builtin_analyses
    from limits.io.schemas import load_schema
    from limits.scanning.config import CL_RANGE, NTOYS_RANGE
    from limits.service.jobs import MAX_MASSES, MAX_OVERLAYS, MAX_TOYS, REQUEST_FIELDS

    schema = load_schema("scan-request")
    props = schema["properties"]
    assert set(props) == REQUEST_FIELDS and props["analysis"]["enum"] == list(builtin_analyses())
    assert (props["ntoys"]["minimum"], props["ntoys"]["maximum"]) == (NTOYS_RANGE[0], MAX_TOYS)
    assert (props["cl"]["minimum"], props["cl"]["maximum"]) == CL_RANGE
    assert props["mass_mev"]["oneOf"][1]["maxItems"] == MAX_MASSES and props["overlays"]["maxItems"] == MAX_OVERLAYS
    jsonschema.Draft202012Validator.check_schema(schema)
    good = [REQUEST, {**REQUEST, "overlays": [{"label": "mine", "format": "csv", "text": "mass_mev,g\n1,1e-5\n"}]},
            {"analysis": "na64-2022", "model": "name: x\ncharges: {e: 1}\n", "mass_mev": [1, 2], "method": "toys",
             "ntoys": 1000, "seed": 3, "cl": 0.95}]
    for request in good:
        jsonschema.validate(request, schema)
    with TestClient(create_app(tmp_path / "svc")) as client:
        body = client.get("/openapi.json").json()["paths"]["/scans"]["post"]["requestBody"]
        served = body["content"]["application/json"]["schema"]["properties"]
        assert served.keys() == props.keys() and served["analysis"]["enum"] == list(builtin_analyses())


def test_random_requests_get_an_answer_never_a_server_error(tmp_path):
    """Fuzzed bodies (any JSON, or the request's fields with values of any type): every answer is 202 or a 4xx/503
    with one line naming a field, never a 500 (schemathesis against /openapi.json found none either: 736 cases)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from limits.service.jobs import REQUEST_FIELDS

    scalars = (st.none() | st.booleans() | st.integers(-10**20, 10**20)
               | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30))
    json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                               | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
    bodies = st.dictionaries(st.sampled_from(sorted(REQUEST_FIELDS | {"other"})), json_values, max_size=4) | json_values

    with TestClient(create_app(tmp_path / "svc", max_job_s=2.0)) as client:
        @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        @given(body=bodies)
        def check(body):
            answer = client.post("/scans", json=body)
            assert answer.status_code in (202, 400, 413, 422, 503), (body, answer.text)
            if answer.status_code != 202:
                error = answer.json()
                assert "\n" not in error["error"] and error["field"], (body, error)

        check()


@pytest.mark.slow  # toys timed: run by .ci/run's slow line; the default suite stays under 2 min
def test_a_toy_scan_estimated_past_the_time_limit_is_refused_at_once(tmp_path):
    """The library's estimate (a few toys timed here) against the limit: 2000 masses x 10^5 toys take minutes on
    any machine (~250 s measured on the development machine), so a 5 s limit refuses it with a 4xx; a small toy scan
    is accepted."""
    with TestClient(create_app(tmp_path / "svc", max_job_s=5.0)) as client:
        big = client.post("/scans", json={**REQUEST, "method": "toys", "ntoys": 100_000, "mass_mev": "1:1000:2000"})
        assert big.status_code == 400 and big.json()["field"] == "time", big.json()
        assert "estimated at" in big.json()["error"] and client.app.state.store.jobs() == []
        small = client.post("/scans", json={**REQUEST, "method": "toys", "ntoys": 200, "mass_mev": "10"})
        assert small.status_code == 202
        assert _done(client, small.json()["id"])["status"] == "done"


def test_one_service_per_directory_and_a_bad_executor_fail_at_start(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from limits.errors import InputError
    from limits.service.jobs import JobStore

    first = JobStore(tmp_path / "svc")
    try:  # another thread: the directory lock is re-entrant within one (as another process would meet it)
        with pytest.raises(InputError) as second, ThreadPoolExecutor(1) as other:
            other.submit(JobStore, tmp_path / "svc").result()  # it would re-run the first one's running job
        assert second.value.field == "service_dir"
    finally:
        first.close()
    JobStore(tmp_path / "svc").close()  # free again once the first is closed
    with pytest.raises(InputError) as bad:
        JobStore(tmp_path / "other", executor="threads:4")
    assert bad.value.field == "executor"


def test_the_worker_survives_a_job_it_cannot_record(tmp_path, monkeypatch):
    """A failure outside the scan (the database locked, a full disk) fails that job; the next one still runs."""
    from limits.service.jobs import JobStore

    real = JobStore._run
    calls = []

    def flaky(self, job_id):
        calls.append(job_id)
        if len(calls) == 1:
            raise RuntimeError("database is locked")
        real(self, job_id)

    monkeypatch.setattr(JobStore, "_run", flaky)
    with TestClient(create_app(tmp_path / "svc")) as client:
        first = _done(client, client.post("/scans", json=REQUEST).json()["id"])
        second = _done(client, client.post("/scans", json={**REQUEST, "mass_mev": "5"}).json()["id"])
    assert first["status"] == "failed" and "could not record" in first["message"]
    assert second["status"] == "done"


def test_a_clean_stop_requeues_the_running_job_without_counting_it(tmp_path):
    import sqlite3
    import time

    from limits.service.jobs import STOPPED, JobStore

    store = JobStore(tmp_path / "svc")
    job = store.submit({**REQUEST, "mass_mev": "1:1000:2000"})
    end = time.monotonic() + 60
    while store.get(job.id).done_masses == 0 and time.monotonic() < end:
        time.sleep(0.01)
    store.close()
    from limits.errors import InputError

    with pytest.raises(InputError) as late:  # a request still in flight when the service stops: 503, not a 500
        store.submit(REQUEST)
    assert late.value.field == "queue"
    row = sqlite3.connect(tmp_path / "svc" / "jobs.sqlite").execute(
        "SELECT status, message, attempts, done_masses FROM jobs WHERE id = ?", (job.id,)).fetchone()
    assert row[:3] == ("queued", STOPPED, 0) and 0 < row[3] < 2000, row


def test_the_files_listed_are_the_files_served(tmp_path):
    """An export the scan cannot be written as (DarkCast's one production, for the combined analysis) is not
    listed, and asking for it gives the library's reason."""
    with TestClient(create_app(tmp_path / "svc")) as client:
        job = _done(client, client.post("/scans", json={"analysis": "na64-combined", "model": "dark-photon",
                                                         "mass_mev": "10"}).json()["id"])
        assert job["status"] == "done"
        for name in job["files"]:
            assert client.get(f"/scans/{job['id']}/{name}").status_code == 200, name
        assert "na64.py" not in job["files"]
        refused = client.get(f"/scans/{job['id']}/na64.py")
        assert refused.status_code == 404 and "production" in refused.json()["error"]
