"""``limits serve``: the HTTP API of the limit-setting service, a FastAPI app over the same library (issue 25).

Endpoints (JSON unless a file; OpenAPI description at ``/openapi.json``, interactive at ``/docs``):

- ``GET /analyses``, ``GET /models``: the built-ins;
- ``POST /scans`` with a request (:func:`limits.service.jobs.scan_config`, ``schemas/scan-request.schema.json``:
  ``analysis``, ``model`` as a name or a model document's text, ``mass_mev``, ``method``, ``cl``, ``ntoys``, ``seed``,
  ``overlays`` as texts) -> ``{"id": ...}`` (202; an identical request gets the id of the job that already has its
  inputs);
- ``GET /scans/{id}``: status (queued, running, done, failed), progress (masses done of all), if failed the reason,
  and once done the files it has;
- ``GET /scans/{id}/{file}``: a finished scan's files (:data:`limits.service.files.FILES`: limits.json, limits.csv,
  exclusion.png, the DarkCast, CSV, YAML and HEPData exports, the pyhf workspace);
- ``GET /stats``: jobs by status, cache hits, jobs waiting;
- ``GET /``: the web page (plain HTML and one small script, ``limits/service/static/``) over the same endpoints.

A bad request is answered 400 (422 for a body that is not JSON) with the library's one-line message naming the
field; a request body above 64 KiB 413; an unknown job or file 404; a file of a job not done 409; a full queue 503.
A toy scan estimated beyond ``max_job_s`` seconds is refused (400, ``time``); a job still running past them stops
at its next finished mass (the limit is checked as masses finish) and is failed with that reason. FastAPI (with
uvicorn to serve it) is the field's common ASGI stack: typed routes, the OpenAPI description for free, and a test
client.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from limits._version import __version__
from limits.analysis.definition import builtin_analyses, get_analysis
from limits.errors import InputError
from limits.frozen import thaw
from limits.io.schemas import load_schema
from limits.physics.models import describe_models
from limits.service.files import FILES, available, job_file
from limits.service.jobs import MAX_JOB_SECONDS, MAX_QUEUE, REQUEST_FIELDS, JobStore

__all__ = ["MAX_BODY_BYTES", "create_app", "serve"]

MAX_BODY_BYTES = 64 * 1024
"""The largest request body accepted (a model document and a few overlay curves fit many times over)."""
STATIC = Path(__file__).with_name("static")
"""The web page's files (package data)."""


def _error(status: int, field: str, message: str, top: str | None = None) -> JSONResponse:
    """An error answer: ``error`` the library's one line (``field: message``), ``field`` the request field at fault
    (``top``, by default ``field``)."""
    return JSONResponse({"error": f"{field}: {message}", "field": top or field}, status_code=status)


def _request_field(field: str) -> str:
    """The request field a library error's field lies in: ``model`` for ``model (inline): charges.e``, ``overlays``
    for ``overlays mine``; other fields as they are."""
    head = re.split(r"[ :.]", field, maxsplit=1)[0]
    return head if head in REQUEST_FIELDS else field


def create_app(service_dir: str | Path, executor: str = "local", *, max_queue: int = MAX_QUEUE,
               max_job_s: float = MAX_JOB_SECONDS) -> FastAPI:
    """The service's app, its jobs in ``service_dir`` (created; a restart on the same directory loses nothing), run
    on ``executor``, at most ``max_queue`` waiting and each at most ``max_job_s`` seconds long."""
    store = JobStore(service_dir, executor, max_queue=max_queue, max_job_s=max_job_s)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        # the running job stops at its next finished mass; it and the queued ones wait in the database for the next
        # start (joined off the event loop: requests still in flight are answered meanwhile)
        await run_in_threadpool(store.close)

    app = FastAPI(lifespan=lifespan, title="limits: NA64 Z' limit-setting service",
                  description="90% CL limits on a light Z' from NA64's missing-energy data, as the limits package "
                              "computes them; every request runs the same library call as `limits scan`.")
    app.state.store = store
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page() -> HTMLResponse:
        """The web page."""
        return HTMLResponse((STATIC / "index.html").read_text(encoding="utf-8"))

    @app.get("/stats")
    def stats() -> dict[str, Any]:
        """Jobs by status, requests answered from the cache since the start, jobs waiting, the executor."""
        return {**store.stats(), "version": __version__}

    @app.get("/analyses")
    def analyses() -> list[dict[str, Any]]:
        """The built-in analyses: name, description, references, mass range (MeV), beams and models."""
        out = []
        for name in builtin_analyses():
            a = get_analysis(name)
            out.append({"name": a.name, "description": a.description, "references": list(a.references),
                        "mass_range_mev": list(a.mass_range_mev), "beams": list(a.beams),
                        "models": list(a.model_names)})
        return out

    @app.get("/models")
    def models() -> list[dict[str, str]]:
        """The built-in models: model (its name), coupling, charges, mixing, invisible channels."""
        return describe_models()

    request_schema = {k: v for k, v in thaw(load_schema("scan-request")).items() if not k.startswith("$")}

    @app.post("/scans", status_code=202, openapi_extra={"requestBody": {"required": True, "content": {
        "application/json": {"schema": request_schema}}}})
    async def submit(request: Request) -> JSONResponse:
        """Submit a scan (the body: schemas/scan-request.schema.json); answers its job id. The library validates
        it (400 naming the field)."""
        too_big = _error(413, "body", f"more than {MAX_BODY_BYTES} bytes")
        declared = request.headers.get("content-length", "0")
        if not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
            return too_big
        body = b""
        async for chunk in request.stream():  # never more than the limit held, whatever the client declared
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                return too_big
        try:
            document = json.loads(body or b"{}")
        except UnicodeDecodeError:
            return _error(422, "body", "not UTF-8 text, so not JSON")
        except json.JSONDecodeError as exc:
            return _error(422, "body", f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")
        except RecursionError:
            return _error(422, "body", "JSON nested too deeply for a request")
        if not isinstance(document, dict):
            return _error(422, "body", "a JSON object is expected")
        try:  # validation builds the model and the masses: off the event loop, so other requests are answered
            job = await run_in_threadpool(store.submit, document)
        except InputError as exc:  # the message names the field in full, `field` the request's own field
            return _error(503 if exc.field == "queue" else 400, exc.field, exc.message, _request_field(exc.field))
        return JSONResponse({"id": job.id, "status": job.status}, status_code=202)

    @app.get("/scans/{job_id}")
    def status(job_id: str) -> JSONResponse:
        """A job's status, progress and request; once done, the names of its files."""
        try:
            job = store.get(job_id)
        except InputError as exc:
            return _error(404, exc.field, exc.message)
        record = job.record()
        if job.status == "done":
            record["files"] = available(store.job_dir(job.id))
        return JSONResponse(record)

    @app.get("/scans/{job_id}/{name}", response_model=None)
    def file(job_id: str, name: str) -> FileResponse | JSONResponse:
        """One of a finished job's files (``files`` in its status); an export is made on first request."""
        if name not in FILES:
            return _error(404, "file", f"{name!r} is not one of {', '.join(FILES)}")
        try:
            job = store.get(job_id)
        except InputError as exc:
            return _error(404, exc.field, exc.message)
        if job.status != "done":
            return _error(409, "id", f"job {job_id} is {job.status}" + (f": {job.message}" if job.message else ""))
        try:
            path = job_file(store.job_dir(job.id), name)
        except InputError as exc:
            return _error(404, exc.field, exc.message)
        return FileResponse(path, media_type=FILES[name],
                            headers={"Content-Disposition": f'inline; filename="{name}"'})

    return app


def serve(service_dir: str | Path = "limits-service", *, host: str = "127.0.0.1", port: int = 8064,
          executor: str = "local", max_job_s: float = MAX_JOB_SECONDS) -> None:
    """Run the service with uvicorn until interrupted: on the loopback interface by default (``host="0.0.0.0"``
    opens it to the network), jobs and files in ``service_dir``, each job at most ``max_job_s`` seconds.

    Raises:
        InputError: ``port`` outside 1-65535.
    """
    import uvicorn

    if not isinstance(port, int) or not 0 < port < 65536:
        raise InputError("port", f"{port!r} is outside the allowed range [1, 65535]")
    if not isinstance(max_job_s, (int, float)) or not max_job_s > 0:
        raise InputError("max_job_s", f"{max_job_s!r} must be a positive number of seconds")
    uvicorn.run(create_app(service_dir, executor, max_job_s=float(max_job_s)), host=host, port=port,
                log_level="info")
