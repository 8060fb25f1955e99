"""``limits serve``: the limit-setting service (:func:`limits.serve`)."""

from __future__ import annotations

import click

from limits import api
from limits.cli.common import api_errors


@click.command("serve", short_help="The limit-setting service: an HTTP API over the library.")
@click.option("--dir", "service_dir", type=click.Path(file_okay=False), default="limits-service", show_default=True,
              help="Where the service keeps its jobs (jobs.sqlite) and their files; a restart on it loses nothing.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on: the loopback by default; 0.0.0.0 opens it to the network.")
@click.option("--port", type=int, default=8064, show_default=True, help="TCP port (1-65535).")
@click.option("--executor", default="local", show_default=True,
              help="Where the jobs run: local, processes:N or a Dask scheduler address (as limits scan).")
@click.option("--max-job-s", type=float, default=900.0, show_default=True,
              help="Seconds one job may run; past it the job stops and is marked failed.")
@api_errors
def serve_cmd(service_dir: str, host: str, port: int, executor: str, max_job_s: float) -> None:
    """Serve the web page (/) and the HTTP API (GET /analyses, /models; POST /scans; GET /scans/{id} and its files;
    OpenAPI at /docs) until interrupted. Needs the [service] extra (fastapi, uvicorn, hepdata_lib)."""
    api.serve(service_dir, host=host, port=port, executor=executor, max_job_s=max_job_s)
