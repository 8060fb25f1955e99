"""The service's jobs: scan requests recorded in SQLite, run one at a time by a worker thread through the library.

A request is validated and turned into the library's :class:`~limits.scanning.config.ScanConfig` before it is
accepted, so a bad one never reaches the queue; its inputs digest keys the cache: an identical request is answered by
the finished job that already has it. Every job lives in ``<service dir>/jobs/<id>/`` (the scan's files and
checkpoints) and in ``<service dir>/jobs.sqlite`` (request, status, message, times), so a restart loses nothing:
finished jobs stay served, and queued or running ones are queued again and resume from their checkpoints
(:func:`limits.publish.outputs.scan_to_files` does that).

Example:
    >>> import tempfile
    >>> store = JobStore(tempfile.mkdtemp())
    >>> job = store.submit({"analysis": "na64-2026", "model": "bl-unbroken", "mass_mev": "10,100"})
    >>> job.status in ("queued", "running", "done"), len(job.id)
    (True, 32)
    >>> store.close()
"""

from __future__ import annotations

import json
import logging
import queue
import sqlite3
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from limits.analysis.definition import DEFAULT_ANALYSIS, builtin_analyses, get_analysis
from limits.errors import InputError
from limits.physics.models import DEFAULT_MODEL, builtin_names, get_model
from limits.publish.outputs import scan_to_files
from limits.scanning.config import ScanConfig

__all__ = ["MAX_MASSES", "MAX_QUEUE", "MAX_TOYS", "Job", "JobStore"]

log = logging.getLogger(__name__)

MAX_MASSES = 2000
"""Masses one request may scan."""
MAX_TOYS = 100_000
"""Toys per point one request may ask for."""
MAX_QUEUE = 32
"""Jobs waiting at most; beyond, a request is refused until the queue drains."""
REQUEST_FIELDS = {"analysis", "model", "mass_mev", "method", "cl", "ntoys", "seed"}


@dataclass(frozen=True)
class Job:
    """A job as recorded: ``status`` is queued, running, done or failed; ``message`` says why it failed."""

    id: str
    digest: str
    request: Mapping[str, Any]
    status: str
    message: str
    created: float
    updated: float

    def record(self) -> dict[str, Any]:
        """The job as JSON values (what ``GET /scans/{id}`` answers)."""
        return {"id": self.id, "status": self.status, "message": self.message, "request": dict(self.request),
                "inputs_digest": self.digest, "created": self.created, "updated": self.updated}


def scan_config(request: Mapping[str, Any]) -> ScanConfig:
    """The library's configuration of a request (validated: :class:`~limits.errors.InputError` names the field).

    A request has ``analysis`` (a built-in name), ``model`` (a built-in name or a model document's YAML/JSON text),
    ``mass_mev`` (a spec ``"MIN:MAX:N"``/``"m1,m2"`` or a list, at most :data:`MAX_MASSES`), ``method``, ``cl``,
    ``ntoys`` (at most :data:`MAX_TOYS`) and ``seed``; anything else is refused. Paths are never accepted: a model
    or analysis given as a file name is refused, so a request cannot read the service's disk.
    """
    unknown = sorted(set(request) - REQUEST_FIELDS)
    if unknown:
        raise InputError(unknown[0], f"is not a request field (allowed: {', '.join(sorted(REQUEST_FIELDS))})")
    analysis_name = request.get("analysis", DEFAULT_ANALYSIS)
    if analysis_name not in builtin_analyses():  # a name only: never a path on the service's disk
        raise InputError("analysis", f"{analysis_name!r} is not a built-in analysis ({', '.join(builtin_analyses())})")
    model_spec = request.get("model", DEFAULT_MODEL)
    is_document = isinstance(model_spec, str) and ("\n" in model_spec or model_spec.lstrip().startswith("{"))
    if not (model_spec in builtin_names() or is_document):  # a name or a document's text: never a path
        raise InputError("model", f"{model_spec!r} is neither a built-in model ({', '.join(builtin_names())}) nor a "
                                  "model document's YAML/JSON text")
    analysis = get_analysis(analysis_name)
    model = get_model(model_spec)
    masses = analysis.masses(request.get("mass_mev"))
    if masses.size > MAX_MASSES:
        raise InputError("mass_mev", f"{masses.size} masses: at most {MAX_MASSES} per request")
    ntoys = request.get("ntoys", 10_000)
    if not isinstance(ntoys, int) or not 1 <= ntoys <= MAX_TOYS:
        raise InputError("ntoys", f"{ntoys!r} is outside the allowed range [1, {MAX_TOYS}]")
    return ScanConfig(analysis=analysis, model=model, masses_mev=tuple(float(m) for m in masses),
                      method=request.get("method", "hybrid"), cl=request.get("cl", 0.9), ntoys=ntoys,
                      seed=request.get("seed", 0))


class JobStore:
    """Jobs in ``<service_dir>/jobs.sqlite``, their files in ``<service_dir>/jobs/<id>/``, run by one worker thread
    on ``executor`` (``local``, ``processes:N`` or a Dask scheduler: :class:`~limits.scanning.executors.Executor`)."""

    def __init__(self, service_dir: str | Path, executor: str = "local", max_queue: int = MAX_QUEUE) -> None:
        self.dir = Path(service_dir)
        (self.dir / "jobs").mkdir(parents=True, exist_ok=True)
        self.executor = executor
        self._db = sqlite3.connect(self.dir / "jobs.sqlite", check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, digest TEXT NOT NULL, "
                             "request TEXT NOT NULL, status TEXT NOT NULL, message TEXT NOT NULL, "
                             "created REAL NOT NULL, updated REAL NOT NULL)")
            self._db.execute("CREATE INDEX IF NOT EXISTS jobs_digest ON jobs (digest, status)")
        self._queue: queue.Queue[str | None] = queue.Queue(maxsize=max_queue)
        for job in self.jobs(("queued", "running")):  # a restart: they resume from their checkpoints
            self._set(job.id, "queued", "resumed after a restart")
            self._queue.put_nowait(job.id)
        self._worker = threading.Thread(target=self._work, name="limits-service-worker", daemon=True)
        self._worker.start()

    def job_dir(self, job_id: str) -> Path:
        """The directory of a job's files (ids are generated here, never taken from a request's text)."""
        return self.dir / "jobs" / job_id

    def submit(self, request: Mapping[str, Any]) -> Job:
        """Validate a request, and answer it from the cache (a finished or pending job with the same inputs) or queue
        a new job.

        Raises:
            InputError: the request is invalid (naming the field), or the queue is full (``queue``).
        """
        digest = scan_config(request).digest()
        with self._lock:
            row = self._db.execute("SELECT id FROM jobs WHERE digest = ? AND status != 'failed' ORDER BY created "
                                   "LIMIT 1", (digest,)).fetchone()
        if row is not None:
            log.info("request answered by job %s (same inputs)", row[0])
            return self.get(row[0])
        job_id = uuid.uuid4().hex
        now = time.time()
        with self._lock:
            self._db.execute("INSERT INTO jobs VALUES (?, ?, ?, 'queued', '', ?, ?)",
                             (job_id, digest, json.dumps(dict(request), sort_keys=True), now, now))
        try:
            self._queue.put_nowait(job_id)
        except queue.Full:
            with self._lock:
                self._db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))
            raise InputError("queue", f"{self._queue.maxsize} jobs are waiting: try again later") from None
        return self.get(job_id)

    def get(self, job_id: str) -> Job:
        """A job by id.

        Raises:
            InputError: no such job (``id``).
        """
        with self._lock:
            row = self._db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise InputError("id", f"no job {job_id!r}")
        return Job(row[0], row[1], json.loads(row[2]), row[3], row[4], row[5], row[6])

    def jobs(self, statuses: tuple[str, ...] | None = None) -> list[Job]:
        """Every job (of these statuses), oldest first."""
        with self._lock:
            rows = self._db.execute("SELECT id FROM jobs ORDER BY created").fetchall()
        found = [self.get(r[0]) for r in rows]
        return [j for j in found if statuses is None or j.status in statuses]

    def _set(self, job_id: str, status: str, message: str = "") -> None:
        with self._lock:
            self._db.execute("UPDATE jobs SET status = ?, message = ?, updated = ? WHERE id = ?",
                             (status, message, time.time(), job_id))

    def _work(self) -> None:
        while True:
            job_id = self._queue.get()
            if job_id is None:
                return
            self._run(job_id)

    def _run(self, job_id: str) -> None:
        job = self.get(job_id)
        note = job.message  # e.g. "resumed after a restart": kept with the job's status
        self._set(job_id, "running", note)
        try:
            config = scan_config(job.request)
            scan_to_files(config.analysis, config.model, mass_mev=list(config.masses_mev), method=config.method,
                          cl=config.cl, ntoys=config.ntoys, seed=config.seed, executor=self.executor,
                          out_dir=self.job_dir(job_id))
        except InputError as exc:
            self._set(job_id, "failed", str(exc))
        except Exception as exc:  # noqa: BLE001 - recorded as the job's reason, the service keeps serving
            log.exception("job %s failed", job_id)
            self._set(job_id, "failed", f"{type(exc).__name__}: {exc}")
        else:
            self._set(job_id, "done", note)

    def wait(self, job_id: str, timeout_s: float = 60.0) -> Job:
        """The job once it is done or failed (or after ``timeout_s`` seconds, as it is then)."""
        end = time.monotonic() + timeout_s
        job = self.get(job_id)
        while job.status in ("queued", "running") and time.monotonic() < end:
            time.sleep(0.05)
            job = self.get(job_id)
        return job

    def close(self) -> None:
        """Stop the worker after the running job (queued ones stay queued in the database) and close it."""
        try:
            while True:
                self._queue.get_nowait()
        except queue.Empty:
            pass
        self._queue.put(None)
        self._worker.join(timeout=600)
        with self._lock:
            self._db.close()
