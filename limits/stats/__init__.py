"""Statistics on the counting model of our workspaces: CLs calculators from one registry, upper limits on mu.

Pure statistics: nothing here knows about masses, couplings or physics. Modules, bottom up: ``counting`` (the
likelihood as arrays, pyhf's code4), ``fit`` (batched fits), ``roots`` (root finder), ``interface`` (the calculator
interface and band order), ``exact`` / ``asymptotic`` / ``toys`` / ``pyhf_model`` (the calculators), ``registry``
(by name), ``upper_limits`` (mu limits for workspace patches).
"""
