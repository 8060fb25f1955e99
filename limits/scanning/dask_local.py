"""A Dask LocalCluster in a process of its own, for the executor ``dask:local:N``.

Run as ``python -m limits.scanning.dask_local N``: starts a scheduler and N single-threaded worker processes, prints
the scheduler's address on one line, and keeps them until its standard input closes (the scan is done, or the scan's
process died) or it is interrupted or terminated; then it closes the cluster.

Why a process of its own (issue 21): starting a cluster costs ~1.5 s of CPU (importing ``distributed`` in every
process, booting the workers). Inside the scan's process that time competes with the scan for the interpreter lock
and delays even a sub-second scan by 2x. Here it runs beside the scan, which computes its first tasks meanwhile
(:class:`limits.scanning.executors.Executor`) and imports ``distributed`` only if tasks remain once the cluster is up.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType

from limits.io.processes import die_with_parent

__all__ = ["WORKER_ENVIRONMENT", "main"]

WORKER_ENVIRONMENT = {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1, "OPENBLAS_NUM_THREADS": 1,
                      "MALLOC_TRIM_THRESHOLD_": 256 * 2**20, "MALLOC_MMAP_THRESHOLD_": 32 * 2**20}
"""The environment a worker process starts with (``distributed.nanny.pre-spawn-environ``): one BLAS/OpenMP thread, as
Dask's default, and glibc's malloc keeping arrays below 32 MiB on its heap and up to 256 MiB of freed memory.

Why: Dask's default MALLOC_TRIM_THRESHOLD_=65536 fixes glibc's mmap threshold at 128 kB, so every temporary array of a
toy fit (2000 toys x 12 x 12 parameters: 2.3 MB) is mapped and unmapped anew and a toy point runs 1.8x slower (page
faults; 1.15 s instead of 0.62 s, measured for issue 21). For workers started by hand (``dask worker``), set
``DASK_DISTRIBUTED__NANNY__PRE_SPAWN_ENVIRON`` to this dictionary (docs/scaling.md)."""


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)  # unwinds through the cluster's context manager: workers closed, nothing orphaned


def main(argv: list[str]) -> int:
    """Start the cluster with ``argv[0]`` workers, print its address, wait for stdin to close."""
    n = int(argv[0])
    signal.signal(signal.SIGTERM, _stop)
    die_with_parent()  # elsewhere than Linux, stdin closing still stops it
    import dask
    from dask.distributed import LocalCluster

    dask.config.set({"distributed.nanny.pre-spawn-environ": WORKER_ENVIRONMENT})
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        print(cluster.scheduler_address, flush=True)
        try:
            sys.stdin.read()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":  # guarded: the workers are spawned processes that import this module again
    sys.exit(main(sys.argv[1:]))
