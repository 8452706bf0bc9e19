"""Validators of the gate's reports against their published schemas (shared by the tests)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from msc_exos_pof.gate.report import report_schema

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


@cache
def _validator(which: str) -> Any:
    schema = report_schema() if which == "report" else json.loads(SARIF_SCHEMA.read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def valid_report(text: str) -> dict[str, Any]:
    """The JSON report in ``text``, after validating it against gate/report.schema.json."""
    report = json.loads(text)
    _validator("report").validate(report)
    return report


def valid_sarif(text: str) -> dict[str, Any]:
    """The SARIF log in ``text``, after validating it against the official SARIF 2.1.0 schema."""
    log = json.loads(text)
    _validator("sarif").validate(log)
    return log
