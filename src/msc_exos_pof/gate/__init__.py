"""The data-quality gate: ``validate()`` runs the registered checks over a package and returns a
``Report``; ``render`` turns it into text, JSON, JUnit or GitHub annotations."""

from __future__ import annotations

from .report import Finding, Report
from .runner import validate

__all__ = ["Finding", "Report", "validate"]
