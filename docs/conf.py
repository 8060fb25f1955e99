"""Sphinx configuration of the limits docs (build: sphinx-build -W -b html docs docs/_build/html).

Sphinx rather than MkDocs: autodoc and napoleon read our Google-style docstrings as they are (and build offline, as
CI must), and it is what pyhf and cabinetry use, so the field's readers know the layout. Pages are Markdown (MyST),
the same syntax as the README they came from.
"""

from __future__ import annotations

import limits

project = "limits"
author = "The limits developers"
copyright = "2026, the limits developers"  # noqa: A001 - Sphinx's name
release = limits.__version__
version = limits.__version__

extensions = [
    "myst_nb",  # MyST Markdown pages (myst_parser) and the example notebook, executed at every build
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]
source_suffix = {".md": "myst-nb", ".rst": "restructuredtext", ".ipynb": "myst-nb"}
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence", "dollarmath"]
myst_heading_anchors = 3
# the example notebook runs at every build: a notebook that no longer runs fails the build (-W)
nb_execution_mode = "force"
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_type_aliases = {"ArrayLike": "numpy.typing.ArrayLike"}
autodoc_default_options = {"members": True, "show-inheritance": True}
autosummary_generate = False
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False

# type hints name library classes (numpy arrays, pyhf objects, matplotlib figures) that we do not document
nitpicky = False
suppress_warnings = ["myst.xref_missing"]

html_theme = "furo"
html_title = f"limits {release}"
