"""The scanning pipeline behind :func:`limits.scan`: configuration, per-mass tasks (mu limits and their inversion to
the coupling), executors, checkpoints, --grid contours, and the typed result with its files.

Modules, in the order a scan uses them: ``config`` (:class:`ScanConfig`), ``tasks`` (one chunk of masses),
``inversion`` (mu limit -> coupling intervals), ``grid`` (CLs columns and contours), ``executors`` (local, processes,
Dask), ``checkpoints`` (resume), ``run`` (:func:`run_scan`), ``result`` (:class:`ScanResult`, limits.json/csv).
"""
