"""The worked examples in docs/examples/: every code block runs, and prints what the page shows.

Run ``python tests/test_examples.py --write`` to refresh the outputs after a data release.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
PAIR = re.compile(r"```python\n(.*?)```\n\n```text\n(.*?)```", re.DOTALL)


def run_page(page: Path) -> list[tuple[str, str, str]]:
    """(code, output shown, output printed) of every python block, run in one namespace."""
    namespace: dict[str, object] = {"__name__": "__example__"}
    found = []
    for match in PAIR.finditer(page.read_text(encoding="utf-8")):
        code, shown = match.group(1), match.group(2)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, f"{page.name}", "exec"), namespace)  # noqa: S102
        found.append((code, shown, printed.getvalue()))
    return found


def pages() -> list[Path]:
    return sorted(EXAMPLES.glob("*.md"))


def test_there_are_the_three_worked_examples() -> None:
    assert {p.stem for p in pages()} >= {"results-paragraph", "eligible-studies", "evidence-map"}


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.stem)
def test_every_code_block_prints_what_the_page_shows(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    blocks = run_page(page)
    assert len(blocks) == text.count("```python"), "a python block without its text output"
    for code, shown, printed in blocks:
        assert printed == shown, f"{page.name}: the block\n{code}\nprints\n{printed}"


def _write() -> None:
    for page in pages():
        text = page.read_text(encoding="utf-8")
        outputs = iter([printed for _, _, printed in run_page(page)])

        def filled(match: re.Match[str], outputs: Iterator[str] = outputs) -> str:
            return f"```python\n{match.group(1)}```\n\n```text\n{next(outputs)}```"

        text = PAIR.sub(filled, text)
        page.write_text(text, encoding="utf-8")


if __name__ == "__main__" and "--write" in sys.argv:
    _write()


def test_the_examples_are_in_the_site_navigation() -> None:
    nav = (EXAMPLES.parents[1] / "mkdocs.yml").read_text(encoding="utf-8")
    for page in pages():
        assert f"examples/{page.name}" in nav


def test_the_data_dictionary_never_wraps_a_field_name_mid_identifier() -> None:
    # Field names are the first column's code spans; the site's stylesheet keeps them whole.
    root = EXAMPLES.parents[1]
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert "extra_css:\n  - stylesheets/extra.css" in config
    css = (root / "docs" / "stylesheets" / "extra.css").read_text(encoding="utf-8")
    rule = css[css.index(".md-typeset table:not([class]) td:first-child code") :]
    assert "white-space: nowrap" in rule[: rule.index("}")]
    page = (root / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert "| `eligibility_concern` | string |" in page
