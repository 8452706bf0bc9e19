"""Checks: descriptor layer (placeholder, filled in by its issue)."""
