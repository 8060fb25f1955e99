"""`limits serve` as users meet it: started in its own process on a free loopback port, spoken to over HTTP with the
standard library only (what `curl` does), stopped or killed (the service tests that need a real server)."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `limits serve` process on ``service_dir``; ``base`` is its URL."""

    def __init__(self, service_dir: Path, *args: str, port: int | None = None) -> None:
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = service_dir.with_name(service_dir.name + f".{self.port}.{time.monotonic_ns()}.log")
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "limits", "serve", "--dir", str(service_dir), "--port", str(self.port), *args],
                stdout=log, stderr=subprocess.STDOUT, cwd=service_dir.parent)
        end = time.monotonic() + 60
        while True:  # the server starts (imports, the database)
            try:
                self.get("/stats")
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > end:
                    raise RuntimeError(f"limits serve did not start:\n{self.log.read_text()}") from None
                time.sleep(0.1)

    def request(self, path: str, body: Any = None, timeout: float = 30) -> tuple[int, bytes]:
        """(status, body) of a GET, or of a POST of ``body`` as JSON."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data,
                                     headers={"Content-Type": "application/json"} if data else {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def get(self, path: str, timeout: float = 30) -> Any:
        status, content = self.request(path, timeout=timeout)
        if status != 200:
            raise AssertionError(f"GET {path}: {status} {content[:300]!r}")
        return json.loads(content)

    def post(self, path: str, body: Any) -> tuple[int, Any]:
        status, content = self.request(path, body)
        return status, json.loads(content)

    def wait(self, job_id: str, timeout_s: float = 300) -> dict[str, Any]:
        """The job's status once it is done or failed."""
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            job = self.get(f"/scans/{job_id}")
            if job["status"] in ("done", "failed"):
                return job
            time.sleep(0.2)
        raise AssertionError(f"job {job_id} still {job['status']} after {timeout_s} s")

    def rss_peak_mib(self) -> float:
        """The server process's peak resident memory (VmHWM), MiB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM")

    def stop(self) -> str:
        """Stop it as Ctrl-C does; its log."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)
        return self.log.read_text()

    def kill(self) -> None:
        """Kill it at once (SIGKILL: no shutdown, as a crash or a power cut)."""
        self.process.kill()
        self.process.wait(timeout=30)


@contextlib.contextmanager
def running(service_dir: Path, *args: str) -> Iterator[Server]:
    server = Server(service_dir, *args)
    try:
        yield server
    finally:
        server.stop()
