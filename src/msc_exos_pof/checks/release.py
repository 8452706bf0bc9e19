"""Checks: release layer (placeholder, filled in by its issue)."""
