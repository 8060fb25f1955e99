"""``limits serve``: the HTTP API of the limit-setting service, a FastAPI app over the same library (issue 25).

Endpoints (JSON unless a file; OpenAPI description at ``/openapi.json``, interactive at ``/docs``):

- ``GET /analyses``, ``GET /models``: the built-ins;
- ``POST /scans`` with a request (:func:`limits.service.jobs.scan_config`: ``analysis``, ``model`` as a name or a
  model document's text, ``mass_mev``, ``method``, ``cl``, ``ntoys``, ``seed``) -> ``{"id": ...}`` (202; an identical
  request gets the id of the job that already has its inputs);
- ``GET /scans/{id}``: status (queued, running, done, failed) and, if failed, the reason;
- ``GET /scans/{id}/limits.json``, ``/limits.csv``, ``/exclusion.png``: the scan's files, once done.

A bad request is answered 400 (422 for a body that is not JSON) with the library's one-line message naming the
field; a request body above 64 KiB 413; an unknown job 404; a full queue 503. FastAPI (with uvicorn to serve it) is
the field's common ASGI stack: typed routes, the OpenAPI description for free, and a test client.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse

from limits.analysis.definition import builtin_analyses, get_analysis
from limits.errors import InputError
from limits.physics.models import describe_models
from limits.service.jobs import JobStore

__all__ = ["MAX_BODY_BYTES", "create_app", "serve"]

MAX_BODY_BYTES = 64 * 1024
"""The largest request body accepted (a model document fits many times over)."""
FILES = {"limits.json": "application/json", "limits.csv": "text/csv", "exclusion.png": "image/png"}


def _error(status: int, field: str, message: str) -> JSONResponse:
    return JSONResponse({"error": f"{field}: {message}", "field": field}, status_code=status)


def create_app(service_dir: str | Path, executor: str = "local") -> FastAPI:
    """The service's app, its jobs in ``service_dir`` (created; a restart on the same directory loses nothing) and
    run on ``executor``."""
    store = JobStore(service_dir, executor)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()  # the running job finishes; queued ones wait in the database for the next start

    app = FastAPI(lifespan=lifespan, title="limits: NA64 Z' limit-setting service",
                  description="90% CL limits on a light Z' from NA64's missing-energy data, as the limits package "
                              "computes them; every request runs the same library call as `limits scan`.")
    app.state.store = store

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

    @app.post("/scans", status_code=202)
    async def submit(request: Request) -> JSONResponse:
        """Submit a scan; answers its job id."""
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return _error(413, "body", f"{len(body)} bytes: at most {MAX_BODY_BYTES}")
        try:
            document = json.loads(body or b"{}")
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return _error(422, "body", f"not JSON ({exc.__class__.__name__})")
        if not isinstance(document, dict):
            return _error(422, "body", "a JSON object is expected")
        try:
            job = store.submit(document)
        except InputError as exc:
            return _error(503 if exc.field == "queue" else 400, exc.field, exc.message)
        return JSONResponse({"id": job.id, "status": job.status}, status_code=202)

    @app.get("/scans/{job_id}")
    def status(job_id: str) -> JSONResponse:
        """A job's status and request."""
        try:
            return JSONResponse(store.get(job_id).record())
        except InputError as exc:
            return _error(404, exc.field, exc.message)

    @app.get("/scans/{job_id}/{name}", response_model=None)
    def file(job_id: str, name: str) -> FileResponse | JSONResponse:
        """One of a finished job's files: limits.json, limits.csv, exclusion.png."""
        if name not in FILES:
            return _error(404, "file", f"{name!r} is not one of {', '.join(FILES)}")
        try:
            job = store.get(job_id)
        except InputError as exc:
            return _error(404, exc.field, exc.message)
        if job.status != "done":
            return _error(409, "id", f"job {job_id} is {job.status}" + (f": {job.message}" if job.message else ""))
        return FileResponse(store.job_dir(job.id) / name, media_type=FILES[name])

    return app


def serve(service_dir: str | Path = "limits-service", *, host: str = "127.0.0.1", port: int = 8064,
          executor: str = "local") -> None:
    """Run the service with uvicorn until interrupted: on the loopback interface by default (``host="0.0.0.0"``
    opens it to the network), jobs and files in ``service_dir``.

    Raises:
        InputError: ``port`` outside 1-65535.
    """
    import uvicorn

    if not isinstance(port, int) or not 0 < port < 65536:
        raise InputError("port", f"{port!r} is outside the allowed range [1, 65535]")
    uvicorn.run(create_app(service_dir, executor), host=host, port=port, log_level="info")
