"""Figures. Each module draws the figures of one pipeline stage; all write atomically through ``limits.io.files``."""
