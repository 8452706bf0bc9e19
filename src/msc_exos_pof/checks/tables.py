"""Checks: tables layer (placeholder, filled in by its issue)."""
