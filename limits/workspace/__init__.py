"""pyhf JSON workspaces (background-only + patchset) built from an analysis and a model."""
