"""Rendering: the only layer that imports rich, openpyxl or writes output formats."""
