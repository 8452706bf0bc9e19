"""Checks: consistency layer (placeholder, filled in by its issue)."""
