"""The gate never fails open: a crash anywhere is a finding, and a selection is never empty.

Red-team regressions of issue 15, one case each.
"""

from __future__ import annotations

import json

import pytest

import msc_exos_pof
from msc_exos_pof.gate.registry import get

#: Slow: red-team cases, under alarms and subprocess timeouts, with large hostile inputs.
pytestmark = pytest.mark.slow


# --- the one boundary ---------------------------------------------------------------------------


def test_a_check_that_raises_becomes_a_gate_internal_finding_not_a_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every layer's checks are made to crash in turn; the API still returns a Report."""
    from msc_exos_pof.gate import registry

    layers = {check.layer for check in registry.all_checks() if check.function is not None}
    for layer in sorted(layers):
        victim = next(c for c in registry.all_checks() if c.layer == layer and c.function)

        def explode(ctx: object) -> list:
            raise RuntimeError("boom")

        monkeypatch.setitem(
            registry.REGISTRY,
            victim.id,
            registry.Check(victim.id, victim.severity, victim.description, victim.layer, explode),
        )
        report = msc_exos_pof.validate(select=[victim.id], summary=False)
        monkeypatch.undo()
        assert report.exit_code == 1, layer
        (finding,) = report.by_check("gate.internal")
        assert f"check {victim.id} stopped with RuntimeError: boom" in finding.message
        assert get("gate.internal").severity == "error"


def test_reading_that_raises_is_an_unreadable_report(monkeypatch: pytest.MonkeyPatch) -> None:
    from msc_exos_pof.gate import runner

    def explode(path: object) -> None:
        raise MemoryError("no room")

    monkeypatch.setattr(runner, "PackageContext", explode)
    report = msc_exos_pof.validate()
    assert report.exit_code == 2 and report.fired() == {"gate.internal"}


def test_a_crash_in_the_summary_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from msc_exos_pof.gate import summary

    monkeypatch.setattr(summary, "dataset_summary", lambda ctx: 1 / 0)
    report = msc_exos_pof.validate(select=["integrity"])
    assert report.fired() == {"gate.internal"} and report.exit_code == 1


def test_the_cli_reports_a_crash_in_the_requested_format(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from msc_exos_pof.cli import main
    from msc_exos_pof.gate import summary

    monkeypatch.setattr(summary, "dataset_summary", lambda ctx: 1 / 0)
    result = CliRunner().invoke(main, ["validate", "--format", "json", "--select", "integrity"])
    assert result.exit_code == 1
    assert "gate.internal" in {f["check"] for f in json.loads(result.stdout)["findings"]}


# --- 9. selection never fails open --------------------------------------------------------------


def test_a_bare_string_selection_is_refused_not_an_empty_one() -> None:
    with pytest.raises(TypeError, match="list of check ids"):
        msc_exos_pof.validate(select="integrity")
    with pytest.raises(TypeError):
        msc_exos_pof.validate(ignore="schema")


def test_ignoring_every_check_is_refused_not_valid() -> None:
    from click.testing import CliRunner

    from msc_exos_pof.cli import main
    from msc_exos_pof.gate.registry import LAYERS

    with pytest.raises(ValueError, match="leaves no check"):
        msc_exos_pof.validate(ignore=["*"])
    ids = sorted({c.id.split(".")[0] for c in msc_exos_pof.gate.registry.all_checks()})
    result = CliRunner().invoke(main, ["validate", "--ignore", ",".join(ids)])
    assert result.exit_code == 2 and "VALID" not in result.output
    assert LAYERS  # the layers' checks are all named by the prefixes above
