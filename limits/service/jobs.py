"""The service's jobs: scan requests recorded in SQLite, run one at a time by a worker thread through the library.

A request is validated and turned into the library's :class:`~limits.scanning.config.ScanConfig` before it is
accepted, so a bad one never reaches the queue; its inputs digest keys the cache: an identical request is answered by
the finished job that already has it. Every job lives in ``<service dir>/jobs/<id>/`` (the scan's files and
checkpoints) and in ``<service dir>/jobs.sqlite`` (request, status, message, progress, times), so a restart loses
nothing: finished jobs stay served, and queued or running ones are queued again and resume from their checkpoints
(:func:`limits.publish.outputs.scan_to_files` does that). A job that runs past its time limit stops at its next
finished mass and is marked failed with that reason.

Example:
    >>> import tempfile
    >>> store = JobStore(tempfile.mkdtemp())
    >>> job = store.submit({"analysis": "na64-2026", "model": "bl-unbroken", "mass_mev": "10,100"})
    >>> job.status in ("queued", "running", "done"), len(job.id)
    (True, 32)
    >>> store.close()
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import queue
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from limits.analysis.definition import DEFAULT_ANALYSIS, builtin_analyses, get_analysis
from limits.errors import InputError
from limits.io.files import directory_lock
from limits.physics.models import DEFAULT_MODEL, builtin_names, get_model
from limits.publish.outputs import scan_to_files
from limits.reference.curves import ReferenceCurve
from limits.reference.overlays import check_overlays, overlay_from_text
from limits.scanning.config import NTOYS_RANGE, ScanConfig
from limits.scanning.executors import parse_executor
from limits.scanning.run import toy_scan_estimate
from limits.service.files import make_exports

__all__ = ["MAX_ATTEMPTS", "MAX_JOB_SECONDS", "MAX_MASSES", "MAX_OVERLAYS", "MAX_QUEUE", "MAX_TOYS", "REQUEST_FIELDS",
           "Job", "JobStore", "request_overlays", "scan_config"]

log = logging.getLogger(__name__)

MAX_MASSES = 2000
"""Masses one request may scan."""
MAX_TOYS = 100_000
"""Toys per point one request may ask for."""
MAX_QUEUE = 32
"""Jobs waiting at most; beyond, a request is refused until the queue drains."""
MAX_JOB_SECONDS = 900.0
"""Seconds a job may run (checked as its masses finish); beyond, it stops and is marked failed."""
MAX_ATTEMPTS = 3
"""Starts a job gets: one that was running each time the service went down (a crash it may cause) is then failed."""
RESUMED = "resumed after a restart"
STOPPED = "stopped with the service"
MAX_OVERLAYS = 8
"""Overlay curves one request may draw."""
REQUEST_FIELDS = {"analysis", "model", "mass_mev", "method", "cl", "ntoys", "seed", "overlays"}
COLUMNS = {"id": "TEXT PRIMARY KEY", "digest": "TEXT NOT NULL", "request": "TEXT NOT NULL", "status": "TEXT NOT NULL",
           "message": "TEXT NOT NULL", "created": "REAL NOT NULL", "updated": "REAL NOT NULL",
           "cache_key": "TEXT NOT NULL DEFAULT ''", "done_masses": "INTEGER NOT NULL DEFAULT 0",
           "total_masses": "INTEGER NOT NULL DEFAULT 0", "attempts": "INTEGER NOT NULL DEFAULT 0"}
"""The jobs table (a database of an earlier version gains the later columns at start)."""


class JobTimeout(InputError):
    """A job ran past its time limit (field ``time``)."""


class _Stopping(Exception):
    """The service is stopping: the running job stops at its next finished mass, to resume at the next start."""


@dataclass(frozen=True)
class Job:
    """A job as recorded: ``status`` is queued, running, done or failed; ``message`` says why it failed (or that it
    was resumed after a restart); ``done_masses`` of ``total_masses`` are finished (0 of 0 before it starts);
    ``created``/``updated`` are Unix times in seconds; ``attempts`` counts the times it started running."""

    id: str
    digest: str
    request: Mapping[str, Any]
    status: str
    message: str
    created: float
    updated: float
    cache_key: str = ""
    done_masses: int = 0
    total_masses: int = 0
    attempts: int = 0

    def record(self) -> dict[str, Any]:
        """The job as JSON values (what ``GET /scans/{id}`` answers)."""
        return {"id": self.id, "status": self.status, "message": self.message, "request": dict(self.request),
                "inputs_digest": self.digest, "progress": {"done_masses": self.done_masses,
                                                           "total_masses": self.total_masses},
                "created": self.created, "updated": self.updated}


def scan_config(request: Mapping[str, Any]) -> ScanConfig:
    """The library's configuration of a request (validated: :class:`~limits.errors.InputError` names the field).

    A request has ``analysis`` (a built-in name), ``model`` (a built-in name or a model document's YAML/JSON text),
    ``mass_mev`` (a spec ``"MIN:MAX:N"``/``"m1,m2"`` or a list, at most :data:`MAX_MASSES`), ``method``, ``cl``,
    ``ntoys`` (at most :data:`MAX_TOYS`), ``seed`` and ``overlays`` (:func:`request_overlays`); anything else is
    refused. Paths are never accepted: a model or analysis given as a file name is refused, so a request cannot read
    the service's disk.
    """
    unknown = sorted(set(request) - REQUEST_FIELDS)
    if unknown:
        name = unknown[0] if unknown[0].isidentifier() else "request"  # a key of any text: named by its repr only
        raise InputError(name, f"{unknown[0]!r} is not a request field (allowed: {', '.join(sorted(REQUEST_FIELDS))})")
    analysis_name = request.get("analysis", DEFAULT_ANALYSIS)
    if analysis_name not in builtin_analyses():  # a name only: never a path on the service's disk
        raise InputError("analysis", f"{analysis_name!r} is not a built-in analysis ({', '.join(builtin_analyses())})")
    model_spec = request.get("model", DEFAULT_MODEL)
    if isinstance(model_spec, str) and not model_spec.strip():
        raise InputError("model", "empty: give a built-in model's name or a model document's YAML/JSON text")
    is_document = isinstance(model_spec, str) and ("\n" in model_spec or model_spec.lstrip().startswith("{"))
    if not (model_spec in builtin_names() or is_document):  # a name or a document's text: never a path
        raise InputError("model", f"{model_spec!r} is neither a built-in model ({', '.join(builtin_names())}) nor a "
                                  "model document's YAML/JSON text")
    analysis = get_analysis(analysis_name)
    model = get_model(model_spec)
    mass_mev = request.get("mass_mev")
    if not (mass_mev is None or isinstance(mass_mev, str) or isinstance(mass_mev, list) and mass_mev and all(
            isinstance(m, (int, float)) and not isinstance(m, bool) for m in mass_mev)):
        raise InputError("mass_mev", "a spec 'MIN:MAX:N' or 'm1,m2,...' or a list of numbers (MeV) is expected")
    masses = analysis.masses(mass_mev, max_count=MAX_MASSES)
    ntoys = request.get("ntoys", 10_000)
    allowed = f"[{NTOYS_RANGE[0]}, {MAX_TOYS}]"  # the library's lower bound, the service's upper one
    if not isinstance(ntoys, int) or isinstance(ntoys, bool):
        raise InputError("ntoys", f"{ntoys!r} is not a whole number in {allowed}")
    if not NTOYS_RANGE[0] <= ntoys <= MAX_TOYS:
        raise InputError("ntoys", f"{ntoys} is outside the allowed range {allowed}")
    config = ScanConfig(analysis=analysis, model=model, masses_mev=tuple(float(m) for m in masses),
                        method=request.get("method", "hybrid"), cl=request.get("cl", 0.9), ntoys=ntoys,
                        seed=request.get("seed", 0))
    check_overlays(request_overlays(request), model.coupling_symbol)
    return config


def request_overlays(request: Mapping[str, Any]) -> list[ReferenceCurve]:
    """The request's ``overlays``: at most :data:`MAX_OVERLAYS` curves, each ``{"label": ..., "format": "csv" |
    "darkcast" | "hepdata", "text": ...}`` (the file's content, never its name; read by
    :func:`limits.reference.overlays.overlay_from_text`) drawn on exclusion.png beside the published curves.

    Raises:
        InputError: naming ``overlays``.
    """
    items = request.get("overlays") or []
    if not isinstance(items, list) or len(items) > MAX_OVERLAYS or not all(isinstance(i, Mapping) for i in items):
        raise InputError("overlays", f"a list of at most {MAX_OVERLAYS} objects {{label, format, text}} is expected")
    for item in items:
        extra = sorted(set(item) - {"label", "format", "text"})
        if extra:
            raise InputError("overlays", f"{extra[0]!r} is not an overlay field (label, format, text)")
    return [overlay_from_text(i.get("text"), i.get("format"), i.get("label"), "overlays") for i in items]


@functools.lru_cache(maxsize=256)
def _inputs_digest(canonical_request: str) -> str:
    """The inputs digest of a valid request given as sorted-key JSON: validated once per distinct text (a request
    names built-ins or carries its documents, never files, so its digest cannot change while the service runs), so
    that a repeated request costs a look-up, not the ~15 ms of building its configuration."""
    return scan_config(json.loads(canonical_request)).digest()


@functools.lru_cache(maxsize=64)
def _toy_estimate(canonical_request: str, executor: str) -> tuple[int, float]:
    """(signal shapes, estimated seconds) of a valid toy request given as sorted-key JSON, once per distinct text."""
    return toy_scan_estimate(scan_config(json.loads(canonical_request)), executor)


def _cache_key(digest: str, request: Mapping[str, Any]) -> str:
    """What makes two requests' files equal: the scan's inputs digest and the curves drawn beside it."""
    overlays = json.dumps(request.get("overlays") or [], sort_keys=True)
    return hashlib.sha256(f"{digest}\n{overlays}".encode()).hexdigest()


class JobStore:
    """Jobs in ``<service_dir>/jobs.sqlite``, their files in ``<service_dir>/jobs/<id>/``, run by one worker thread
    on ``executor`` (``local``, ``processes:N`` or a Dask scheduler: :class:`~limits.scanning.executors.Executor`);
    at most ``max_queue`` wait, each runs at most ``max_job_s`` seconds."""

    def __init__(self, service_dir: str | Path, executor: str = "local", max_queue: int = MAX_QUEUE,
                 max_job_s: float = MAX_JOB_SECONDS) -> None:
        self.dir = Path(service_dir)
        parse_executor(executor)  # a bad spec fails at start, not in every job
        self._held = contextlib.ExitStack()  # one service per directory: a second would re-run the first's jobs
        self._held.enter_context(directory_lock(self.dir, "service_dir"))
        (self.dir / "jobs").mkdir(parents=True, exist_ok=True)
        self.executor = executor
        self.max_job_s = max_job_s
        self.cache_hits = 0  # requests answered by an existing job since this store opened
        self._db = sqlite3.connect(self.dir / "jobs.sqlite", check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("CREATE TABLE IF NOT EXISTS jobs (" + ", ".join(f"{k} {v}" for k, v in COLUMNS.items())
                             + ")")
            have = {row[1] for row in self._db.execute("PRAGMA table_info(jobs)")}
            for name in COLUMNS.keys() - have:  # a database written by an earlier version
                self._db.execute(f"ALTER TABLE jobs ADD COLUMN {name} {COLUMNS[name]}")
            self._db.execute("CREATE INDEX IF NOT EXISTS jobs_key ON jobs (cache_key, status)")
            # the table's column order (an upgraded table has the later columns last)
            self._columns = [d[0] for d in self._db.execute("SELECT * FROM jobs LIMIT 0").description]
            for job_id, digest, request in self._db.execute(  # rows of an earlier version: their cache keys
                    "SELECT id, digest, request FROM jobs WHERE cache_key = ''").fetchall():
                self._db.execute("UPDATE jobs SET cache_key = ? WHERE id = ?",
                                 (_cache_key(digest, json.loads(request)), job_id))
        self.max_queue = max_queue
        # unbounded itself: a restart re-queues every unfinished job; submit() refuses new ones past max_queue
        self._queue: queue.Queue[str | None] = queue.Queue()
        for job in self.jobs(("queued", "running")):  # a restart: they resume from their checkpoints
            if job.attempts >= MAX_ATTEMPTS:  # it was running each time the service stopped: do not run it again
                self._set(job.id, "failed", f"the service went down {job.attempts} times while this job ran "
                                            f"({job.done_masses} of {job.total_masses} masses done); not run again")
                continue
            started = job.status == "running" or job.message == STOPPED  # a job that never started just waits
            self._set(job.id, "queued", RESUMED if started else job.message)
            self._queue.put_nowait(job.id)
        self._stopping = threading.Event()
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
        if self._stopping.is_set():
            raise InputError("queue", "the service is stopping: try again when it is back")
        try:
            canonical = json.dumps(dict(request), sort_keys=True)
        except (TypeError, ValueError) as exc:
            raise InputError("request", f"must hold JSON values only ({exc})") from None
        digest = _inputs_digest(canonical)
        key = _cache_key(digest, request)
        if request.get("method") == "toys":
            with self._lock:
                cached = self._cached(key)
            if cached is None:
                self._check_room()  # before the estimate's CPU is spent on a request refused anyway
                self._check_toy_time(canonical)
        with self._lock:  # look-up and insert as one step: concurrent identical requests make one job
            found = self._cached(key)
            if found is not None:
                self.cache_hits += 1
                job_id = found
            else:
                self._check_room()
                job_id = uuid.uuid4().hex
                self._queue.put_nowait(job_id)  # the worker reads the row after this lock is released
                now = time.time()
                self._db.execute("INSERT INTO jobs (id, digest, request, status, message, created, updated, "
                                 "cache_key) VALUES (?, ?, ?, 'queued', '', ?, ?, ?)",
                                 (job_id, digest, canonical, now, now, key))
        if found is not None:
            log.info("request answered by job %s (same inputs)", job_id)
        return self.get(job_id)

    def _cached(self, key: str) -> str | None:
        """The id of the oldest job with these inputs and overlays that is not failed, if any (the caller holds the
        lock)."""
        row = self._db.execute("SELECT id FROM jobs WHERE cache_key = ? AND status != 'failed' ORDER BY created "
                               "LIMIT 1", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _check_room(self) -> None:
        """Refuse a new job while :attr:`max_queue` wait.

        Raises:
            InputError: ``queue``.
        """
        if self._queue.qsize() >= self.max_queue:
            raise InputError("queue", f"{self.max_queue} jobs are waiting: try again later")

    def _check_toy_time(self, canonical_request: str) -> None:
        """Refuse a toy scan whose estimated time (:func:`limits.scanning.run.toy_scan_estimate`, a few toys timed
        here) exceeds the time limit: a 4xx now rather than a job failed after ``max_job_s`` seconds.

        Raises:
            InputError: ``time``.
        """
        shapes, seconds = _toy_estimate(canonical_request, self.executor)
        if seconds > self.max_job_s:
            raise InputError("time", f"this toy scan is estimated at {seconds:.0f} s ({shapes} signal shape(s)), "
                                     f"beyond the service's limit of {self.max_job_s:g} s per job: ask for fewer "
                                     "masses or toys")

    def get(self, job_id: str) -> Job:
        """A job by id.

        Raises:
            InputError: no such job (``id``).
        """
        with self._lock:
            row = self._db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise InputError("id", f"no job {job_id!r}")
        record = dict(zip(self._columns, row))
        return Job(**{**record, "request": json.loads(record["request"])})

    def jobs(self, statuses: tuple[str, ...] | None = None) -> list[Job]:
        """Every job (of these statuses), oldest first."""
        with self._lock:
            rows = self._db.execute("SELECT id FROM jobs ORDER BY created").fetchall()
        found = [self.get(r[0]) for r in rows]
        return [j for j in found if statuses is None or j.status in statuses]

    def stats(self) -> dict[str, Any]:
        """Jobs by status, requests answered from the cache since the store opened, jobs waiting, the executor."""
        with self._lock:
            counts = dict(self._db.execute("SELECT status, COUNT(*) FROM jobs GROUP BY status").fetchall())
        return {"jobs": {s: counts.get(s, 0) for s in ("queued", "running", "done", "failed")},
                "cache_hits": self.cache_hits, "waiting": self._queue.qsize(), "executor": self.executor,
                "max_job_s": self.max_job_s}

    def _public(self, message: str) -> str:
        """A message for the job's status: one line, the service's own paths replaced by ``<service>``."""
        for path in {str(self.dir.resolve()), str(self.dir)}:
            message = message.replace(path, "<service>")
        return " ".join(message.split())

    def _note(self, job_id: str, text: str) -> None:
        """Add ``text`` to a job's message (what the library tells before a long run: a toy scan's estimate)."""
        with self._lock:
            self._db.execute("UPDATE jobs SET message = CASE message WHEN '' THEN ? ELSE message || '; ' || ? END "
                             "WHERE id = ?", (text, text, job_id))

    def _set(self, job_id: str, status: str, message: str = "") -> None:
        with self._lock:
            self._db.execute("UPDATE jobs SET status = ?, message = ?, updated = ? WHERE id = ?",
                             (status, message, time.time(), job_id))

    def _work(self) -> None:
        while True:
            job_id = self._queue.get()
            if job_id is None:
                return
            try:
                self._run(job_id)
            except Exception:  # noqa: BLE001 - the database itself failed (locked, full disk): the worker lives on
                log.exception("job %s could not be run or recorded", job_id)
                with contextlib.suppress(Exception):
                    self._set(job_id, "failed", "the service could not record this job (see its log)")

    def _progress(self, job_id: str, started: float, note: str) -> Callable[[int, int], None]:
        """The scan's progress callback: records (done, total) masses, and stops a job past its time limit; a job
        resumed after a restart says how much its checkpoints held."""
        first = [True]

        def report(done: int, total: int) -> None:
            with self._lock:
                if first[0] and note == RESUMED and done > 0:  # what the library noted meanwhile stays after it
                    self._db.execute("UPDATE jobs SET message = ? || substr(message, ?) WHERE id = ?",
                                     (f"{RESUMED}: {done} of {total} masses from its checkpoints", len(RESUMED) + 1,
                                      job_id))
                first[0] = False
                self._db.execute("UPDATE jobs SET done_masses = ?, total_masses = ?, updated = ? WHERE id = ?",
                                 (done, total, time.time(), job_id))
            if done < total and self._stopping.is_set():  # (checked after recording: the progress is kept)
                raise _Stopping
            if done < total and time.monotonic() - started > self.max_job_s:
                raise JobTimeout("time", f"the job ran past the service's limit of {self.max_job_s:g} s "
                                         f"({done} of {total} masses done): ask for fewer masses or toys")
        return report

    def _run(self, job_id: str) -> None:
        job = self.get(job_id)
        self._set(job_id, "running", job.message)  # e.g. "resumed after a restart": kept with the job's status
        with self._lock:
            self._db.execute("UPDATE jobs SET attempts = attempts + 1 WHERE id = ?", (job_id,))
        try:
            config = scan_config(job.request)
            report = self._progress(job_id, time.monotonic(), job.message)
            saved = scan_to_files(config.analysis, config.model, mass_mev=list(config.masses_mev),
                                  method=config.method, cl=config.cl, ntoys=config.ntoys, seed=config.seed,
                                  executor=self.executor, out_dir=self.job_dir(job_id),
                                  overlays=request_overlays(job.request), on_progress=report,
                                  notify=lambda text: self._note(job_id, text))
            report(len(saved[0].result.points), len(saved[0].result.points))
            make_exports(self.job_dir(job_id), saved[0].result)  # DarkCast's now: 'files' lists what it has
        except _Stopping:  # a clean stop: not one of the job's attempts; its checkpoints hold what it did
            with self._lock:
                self._db.execute("UPDATE jobs SET attempts = attempts - 1 WHERE id = ?", (job_id,))
            self._set(job_id, "queued", STOPPED)
        except InputError as exc:
            self._set(job_id, "failed", self._public(str(exc)))
        except Exception as exc:  # noqa: BLE001 - recorded as the job's reason, the service keeps serving
            log.exception("job %s failed", job_id)
            self._set(job_id, "failed", self._public(f"{type(exc).__name__}: {exc}"))
        else:
            self._set(job_id, "done", self.get(job_id).message)

    def wait(self, job_id: str, timeout_s: float = 60.0) -> Job:
        """The job once it is done or failed (or after ``timeout_s`` seconds, as it is then)."""
        end = time.monotonic() + timeout_s
        job = self.get(job_id)
        while job.status in ("queued", "running") and time.monotonic() < end:
            time.sleep(0.05)
            job = self.get(job_id)
        return job

    def close(self) -> None:
        """Stop the worker and close the database: the running job stops at its next finished mass (it and the
        queued ones stay in the database, and resume from their checkpoints at the next start)."""
        self._stopping.set()
        try:
            while True:
                self._queue.get_nowait()
        except queue.Empty:
            pass
        self._queue.put(None)
        self._worker.join(timeout=600)  # the running job stops at its next finished mass
        with self._lock:
            self._db.close()
        self._held.close()
