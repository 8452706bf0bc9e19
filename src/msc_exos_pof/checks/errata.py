"""Checks: errata layer (placeholder, filled in by its issue)."""
