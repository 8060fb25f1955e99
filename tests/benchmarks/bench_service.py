"""Benchmark: issue 25's figures of `limits serve`, measured on loopback against a server in its own process.

Run: ``python tests/benchmarks/bench_service.py [--clients 50] [--scans 20] [--seconds 10]``. Prints, with the machine
load beside them (asserts nothing; tests/test_service_load.py tests correctness under load):

1. requests/s for cached results: ``--clients`` threads each repeating, for ``--seconds``, the README's default scan
   request (POST /scans, answered from the cache) and the download of its limits.json; and GET /scans/{id} alone;
2. scans/min: ``--scans`` distinct default scans (200 masses, hybrid; distinct by their CL) submitted at once, from the
   first POST to the last job done;
3. the server's peak resident memory (VmHWM) after both.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from service_server import running  # noqa: E402  (tests/service_server.py)

DEFAULT = {"analysis": "na64-2026", "model": "bl-unbroken"}


def _rate(clients: int, seconds: float, one: object) -> tuple[float, int]:
    """Requests per second of ``clients`` threads calling ``one()`` (one request each) for ``seconds``; failures."""
    count, failures, lock = [0], [0], threading.Lock()
    end = time.monotonic() + seconds

    def loop() -> None:
        while time.monotonic() < end:
            ok = one()  # type: ignore[operator]
            with lock:
                count[0] += 1
                failures[0] += not ok

    start = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        for f in [pool.submit(loop) for _ in range(clients)]:
            f.result()
    return count[0] / (time.monotonic() - start), failures[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--scans", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-service-"))
    try:
        with running(work / "svc") as server:
            print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
            status, first = server.post("/scans", DEFAULT)
            server.wait(first["id"])

            def cached() -> bool:
                s, answer = server.post("/scans", DEFAULT)
                return s == 202 and answer["id"] == first["id"] and \
                    server.request(f"/scans/{first['id']}/limits.json")[0] == 200

            def status_only() -> bool:
                return server.request(f"/scans/{first['id']}")[0] == 200

            rate, bad = _rate(args.clients, args.seconds, cached)
            print(f"cached scan (POST answered from the cache + GET limits.json): {rate:.0f} pairs/s "
                  f"= {2 * rate:.0f} requests/s, {args.clients} clients, {bad} failures")
            rate, bad = _rate(args.clients, args.seconds, status_only)
            print(f"GET /scans/{{id}}: {rate:.0f} requests/s, {args.clients} clients, {bad} failures")
            start = time.monotonic()
            ids = [server.post("/scans", {**DEFAULT, "cl": round(0.80 + 0.005 * k, 3)})[1]["id"]
                   for k in range(args.scans)]
            jobs = [server.wait(i, timeout_s=3600) for i in ids]
            minutes = (time.monotonic() - start) / 60
            done = sum(j["status"] == "done" for j in jobs)
            print(f"distinct default scans (200 masses, hybrid): {done}/{args.scans} done in {minutes * 60:.1f} s "
                  f"= {done / minutes:.0f} scans/min")
            print(f"server peak memory (VmHWM): {server.rss_peak_mib():.0f} MiB; stats: {server.get('/stats')}")
            print(f"load average after: {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
