"""Checks: schema layer (placeholder, filled in by its issue)."""
