"""Statistics on the counting model of our workspaces: CLs calculators from one registry, upper limits on mu.

Pure statistics: nothing here knows about masses, couplings or physics. Modules, bottom up: ``conventions`` (the
workspaces' interpolation codes and POI bounds), ``counting`` (the likelihood as arrays, pyhf's code4), ``fit``
(batched fits), ``roots`` (root finder), ``interface`` (the calculator interface and band order), ``hybrid`` /
``asymptotic`` / ``toys`` / ``pyhf_calculator`` (the calculators), ``registry`` (by name), ``shapes`` (signal
shapes, their canonical models and toy seeds), ``upper_limits`` (mu limits for workspace patches), ``tables`` (CLs
tables of a shape).
"""
