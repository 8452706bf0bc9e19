"""The documentation site: it builds strictly from fresh data, leaves its sources untouched, needs
no network, and a headless browser shows the home page and the PRISMA diagram."""

from __future__ import annotations

import hashlib
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

import msc_exos_pof
from msc_exos_pof.docgen.errata import code_span, escape_markdown

#: Slow: builds the documentation site and opens it in a headless browser.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
# What the build reads: a copy of these is built, so that the test can prove the build writes
# nothing next to its sources and does not depend on other files of the checkout.
SITE_INPUTS = ["mkdocs.yml", "docs", "README.md", "CHANGELOG.md", "CITATION.cff", "datapackage"]


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def _text(page: Path) -> str:
    """The visible text of an HTML page, whitespace collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page.read_text("utf-8"), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _collapse(text: str) -> str:
    return " ".join(str(text).split())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Build the site from a copy of its inputs; return the copy, the site and the build log."""
    base = tmp_path_factory.mktemp("docs")
    source = base / "source"
    source.mkdir()
    for name in SITE_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(ROOT / name, source / name)
    before = _tree_digest(source)
    site = base / "site"
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(source / "mkdocs.yml"),
            "-d",
            str(site),
        ],
        capture_output=True,
        text=True,
        cwd=base,
        env=environment,
        timeout=300,
    )
    return {"result": result, "site": site, "source": source, "before": before}


@pytest.fixture(scope="module")
def site(built: dict[str, object]) -> Path:
    result = built["result"]
    assert isinstance(result, subprocess.CompletedProcess)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
    site = built["site"]
    assert isinstance(site, Path)
    return site


def test_the_site_builds_strictly_with_no_warning(site: Path, built: dict[str, object]) -> None:
    result = built["result"]
    assert isinstance(result, subprocess.CompletedProcess)
    assert "WARNING" not in result.stderr, result.stderr
    assert (site / "index.html").is_file()


def test_the_build_writes_nothing_next_to_its_sources(site: Path, built: dict[str, object]) -> None:
    source = built["source"]
    assert isinstance(source, Path)
    assert _tree_digest(source) == built["before"]


def test_every_page_of_the_nav_is_built(site: Path) -> None:
    for page in [
        "index",
        "data-dictionary",
        "errata",
        "prisma",
        "figures",
        "api",
        "cli",
        "checks",
        "ci",
        "testing",
        "releasing",
        "changelog",
    ]:
        assert (site / f"{page}.html").is_file(), page


def test_the_site_loads_nothing_from_the_network(site: Path) -> None:
    """Fonts, scripts, styles and images all come from the site itself (it works offline)."""
    remote = re.compile(r"<(?:script|link|img|iframe|source)\b[^>]*?(?:src|href)=\"(?:https?:)?//")
    for page in site.rglob("*.html"):
        assert not remote.search(page.read_text("utf-8")), page
    for sheet in site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", sheet.read_text("utf-8")), sheet


def test_the_home_page_shows_the_readme_quickstart_and_the_citation(site: Path) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    quickstart = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = re.search(r"```sh\n(.*?)```", quickstart, re.S)
    assert commands is not None
    text = _text(site / "index.html")
    for command in commands.group(1).strip().splitlines():
        assert _collapse(command) in text
    assert _collapse(msc_exos_pof.cite("text")) in text
    assert "m.connect().sql('select * from source_counts')" in text


def test_the_errata_page_shows_every_erratum_with_its_verbatim_evidence(site: Path) -> None:
    text = _text(site / "errata.html")
    errata = msc_exos_pof.load("errata")
    assert f"{len(errata)} errata." in text
    for row in errata.itertuples(index=False):
        assert row.erratum_id in text
        assert _collapse(row.evidence) in text, row.erratum_id
        assert _collapse(row.note) in text, row.erratum_id


def test_the_prisma_page_embeds_the_current_diagram_and_every_count(site: Path) -> None:
    from msc_exos_pof import prisma

    page = (site / "prisma.html").read_text("utf-8")
    assert re.search(r'<img[^>]*id="prisma-diagram"', page)
    assert (site / "generated" / "prisma.svg").read_text("utf-8") == prisma.prisma_svg()
    assert (site / "generated" / "prisma-template.csv").read_text("utf-8") == (
        prisma.prisma_template_csv()
    )
    assert (site / "generated" / "prisma-history.svg").read_text("utf-8") == prisma.history_svg()
    text = _text(site / "prisma.html")
    for row in msc_exos_pof.load("prisma_flow").itertuples(index=False):
        count = "not reported" if row.basis == "not_reported" else row.count
        assert f"{row.node} {count}" in text
        if isinstance(row.note, str):
            assert _collapse(row.note) in text
    for row in prisma.review_history():
        assert " ".join(row.cells()) in text
    for box in prisma.TEMPLATE:  # the table of the template's boxes names each box's nodes
        assert ", ".join(f"<code>{node}</code>" for node in box.nodes) in page


def test_the_figures_page_embeds_every_figure(site: Path) -> None:
    page = (site / "figures.html").read_text("utf-8")
    embedded = re.findall(r'<img[^>]*src="(generated/figures/[^"]+\.svg)"', page)
    assert embedded
    for src in embedded:
        assert (site / src).read_text("utf-8").lstrip().startswith(("<?xml", "<svg"))


def test_the_api_page_documents_every_public_name(site: Path) -> None:
    page = (site / "api.html").read_text("utf-8")
    for name in msc_exos_pof.__all__:
        assert f'id="{name}"' in page, name
    text = _text(site / "api.html")
    assert _collapse(msc_exos_pof.load.__doc__.splitlines()[0].replace("``", "")) in text


def test_the_cli_page_documents_every_command_and_option(site: Path) -> None:
    import click

    from msc_exos_pof.cli import main

    text = _text(site / "cli.html")
    context = click.Context(main, info_name="msc-exos-pof")
    for name in main.list_commands(context):
        command = main.get_command(context, name)
        assert command is not None
        assert f"Usage: msc-exos-pof {name}" in text, name
        for parameter in command.params:
            for option in getattr(parameter, "opts", []):
                if option.startswith("-"):
                    assert option in text, (name, option)


def test_links_to_repository_files_reach_the_published_copies(site: Path) -> None:
    page = (site / "releasing.html").read_text("utf-8")
    for target in ["datapackage/datapackage.json", "changelog.html", "CITATION.cff"]:
        assert f'href="{target}"' in page, target
        assert (site / target).is_file()


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        "a*b*c",
        "snake_case_name",
        "[not a link](x)",
        "<b>not html</b>",
        "a & b",
        "back\\slash",
        "`tick`",
        "C++ #1 | 2",
    ],
)
def test_errata_text_renders_exactly_as_written(value: str) -> None:
    import markdown

    rendered = markdown.markdown(escape_markdown(value))
    assert html.unescape(re.sub(r"<[^>]+>", "", rendered)) == value
    code = markdown.markdown(code_span(value))
    assert html.unescape(re.sub(r"</?(p|code)>", "", code)).strip() == value.strip()


# --- in a browser --------------------------------------------------------------------------

WINDOW = (1200, 1600)
# Added by the test server to the page it is asked to measure: where the diagram is drawn,
# and whether its image loaded. It appends an element after all content, so layout is unchanged.
MEASURE_SCRIPT = """<script>
window.addEventListener("load", () => {
  const image = document.getElementById("prisma-diagram");
  const box = image ? image.getBoundingClientRect() : null;
  const out = document.createElement("pre");
  out.id = "measured";
  out.textContent = JSON.stringify(image ? {left: box.left, top: box.top, width: box.width,
    height: box.height, naturalWidth: image.naturalWidth, complete: image.complete} : null);
  document.body.appendChild(out);
});
</script>"""


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path, _, query = self.path.partition("?")
        if query != "measure":
            super().do_GET()
            return
        page = Path(self.directory) / path.lstrip("/")
        body = page.read_text("utf-8").replace("</body>", MEASURE_SCRIPT + "</body>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> str:
    """Debian's chromium; checked before the site is built, so a skip costs nothing."""
    found = shutil.which("chromium")
    if found is None:
        pytest.skip("no chromium: apt-get install chromium")
    return found


@pytest.fixture
def served(site: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(_SiteHandler, directory=str(site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _chromium(browser: str, tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--user-data-dir={profile}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        "--virtual-time-budget=10000",
        *arguments,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def _screenshot(browser: str, tmp_path: Path, url: str, name: str) -> Path:
    shot = tmp_path / f"{name}.png"
    result = _chromium(browser, tmp_path, f"--screenshot={shot}", url)
    assert shot.is_file(), f"chromium wrote no screenshot of {url}:\n{result.stderr[-2000:]}"
    return shot


def _assert_not_blank(image: object, what: str, min_colours: int) -> None:
    """Not one flat colour: enough distinct colours, and enough pixels off the background."""
    from PIL import Image

    assert isinstance(image, Image.Image)
    rgb = image.convert("RGB")
    colours = rgb.getcolors(maxcolors=1 << 20) or []
    background = max(colours)[1] if colours else None
    pixels = rgb.width * rgb.height
    off_background = pixels - max(colours)[0] if colours else pixels
    assert len(colours) >= min_colours, f"{what}: only {len(colours)} colours"
    assert off_background / pixels > 0.02, (
        f"{what}: {off_background / pixels:.1%} of pixels differ from the background {background}"
    )


def _assert_styled_header(image: object, what: str) -> None:
    """The stylesheet loaded: the theme's header bar is coloured, not white."""
    from PIL import Image

    assert isinstance(image, Image.Image)
    band = image.convert("RGB").crop((0, 0, image.width, 40))
    colours = band.getcolors(maxcolors=1 << 20) or []
    count, colour = max(colours)
    assert colour != (255, 255, 255) and count / (band.width * band.height) > 0.5, (
        f"{what}: the header is not drawn in the theme's colour ({colour})"
    )


@pytest.mark.slow
def test_a_browser_shows_the_home_page_and_the_prisma_diagram(
    browser: str, served: str, tmp_path: Path
) -> None:
    from PIL import Image

    home = Image.open(_screenshot(browser, tmp_path, f"{served}/index.html", "home"))
    assert home.size == WINDOW
    _assert_styled_header(home, "home page")
    _assert_not_blank(home, "home page", min_colours=50)

    dumped = _chromium(browser, tmp_path, "--dump-dom", f"{served}/prisma.html?measure")
    measured = re.search(r'<pre id="measured">(.*?)</pre>', dumped.stdout, re.S)
    assert measured, f"the PRISMA page was not measured:\n{dumped.stderr[-2000:]}"
    box = json.loads(html.unescape(measured.group(1)))
    assert box is not None, "the PRISMA page has no #prisma-diagram image"
    assert box["complete"] and box["naturalWidth"] > 0, "the PRISMA diagram did not load"
    assert box["width"] > 200 and box["height"] > 200, f"the diagram is drawn too small: {box}"
    assert box["top"] < WINDOW[1] - 200, f"the diagram starts below the first screen: {box}"

    prisma = Image.open(_screenshot(browser, tmp_path, f"{served}/prisma.html", "prisma"))
    _assert_styled_header(prisma, "PRISMA page")
    _assert_not_blank(prisma, "PRISMA page", min_colours=50)
    region = (
        max(0, round(box["left"])),
        max(0, round(box["top"])),
        min(WINDOW[0], round(box["left"] + box["width"])),
        min(WINDOW[1], round(box["top"] + box["height"])),
    )
    diagram = prisma.crop(region)
    diagram.save(tmp_path / "prisma-diagram.png")
    _assert_not_blank(diagram, f"PRISMA diagram at {region}", min_colours=3)
