"""The release workflow is a valid GitHub Actions workflow that builds, checks, tests, runs the
gate and publishes with PyPI trusted publishing on a version tag."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"

yaml = pytest.importorskip("yaml")
jsonschema = pytest.importorskip("jsonschema")


def github_workflow_schema() -> dict:
    """check-jsonschema's vendored copy of the SchemaStore GitHub-workflow schema (offline)."""
    pytest.importorskip("check_jsonschema")
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    return json.loads((vendor / "github-workflows.json").read_text(encoding="utf-8"))


def workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    # PyYAML reads YAML 1.1, where a bare `on` is the boolean true; GitHub (and
    # check-jsonschema's YAML 1.2 parser) read the key `on`.
    if True in data:
        data["on"] = data.pop(True)
    return data


def test_release_workflow_is_valid_against_the_github_workflows_schema() -> None:
    schema = github_workflow_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [e.message for e in validator.iter_errors(workflow())]
    assert not errors


def test_a_broken_workflow_is_caught_by_the_same_schema() -> None:
    schema = github_workflow_schema()
    broken = workflow()
    broken["jobs"]["build"]["runs-on"] = None
    del broken["jobs"]["publish"]["steps"]
    validator = jsonschema.validators.validator_for(schema)(schema)
    assert list(validator.iter_errors(broken))


def test_release_runs_on_a_version_tag_and_does_every_step() -> None:
    data = workflow()
    on = data["on"]
    assert on["push"]["tags"] == ["v[0-9]+.[0-9]+.[0-9]+"]
    commands = " ".join(step.get("run", "") for step in data["jobs"]["build"]["steps"])
    for needed in ("python -m build", "twine check", "pytest", "msc-exos-pof validate"):
        assert needed in commands
    publish = data["jobs"]["publish"]
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["steps"][-1]["uses"].startswith("pypa/gh-action-pypi-publish")
    assert "password" not in json.dumps(publish)  # trusted publishing: no token
