"""Issue 25 (first part): the HTTP API over the library, its jobs in SQLite (FastAPI's test client)."""

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
        assert client.app.state.store.jobs() == []  # nothing queued


def test_body_limits_and_unknown_jobs(tmp_path):
    with TestClient(create_app(tmp_path / "svc")) as client:
        assert client.post("/scans", content=b"{" + b" " * MAX_BODY_BYTES + b"}").status_code == 413
        assert client.post("/scans", content=b"not json").status_code == 422
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
    limits.json equal to the library's (what `limits scan` writes)."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "limits", "serve", "--dir", str(tmp_path / "svc"), "--port",
                               str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # the server starts
            try:
                urllib.request.urlopen(f"{base}/analyses", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        body = json.dumps({"analysis": "na64-2026", "model": "bl-unbroken"}).encode()
        post = urllib.request.Request(f"{base}/scans", data=body, headers={"Content-Type": "application/json"})
        job_id = json.loads(urllib.request.urlopen(post, timeout=10).read())["id"]
        for _ in range(600):
            status = json.loads(urllib.request.urlopen(f"{base}/scans/{job_id}", timeout=5).read())["status"]
            if status in ("done", "failed"):
                break
            time.sleep(0.2)
        assert status == "done"
        doc = json.loads(urllib.request.urlopen(f"{base}/scans/{job_id}/limits.json", timeout=10).read())
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    ours = limits.scan("na64-2026", "bl-unbroken")
    assert [p["g_obs"] for p in doc["points"]] == ours.g_obs.tolist()
    assert b"Traceback" not in err


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
        assert job["status"] == "done" and job["message"] == "resumed after a restart"
        assert client.get(f"/scans/{'0' * 32}/limits.csv").status_code == 200
