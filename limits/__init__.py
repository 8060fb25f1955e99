"""limits: NA64 Z' limit setting, from the model to the 90% CL exclusion contour.

Data flow (one subpackage per arrow)::

    physics.models -> physics.widths (+ physics.hadrons) -> [production, yields] -> [workspaces] -> [stats] -> io
"""

__version__ = "0.1.0"
