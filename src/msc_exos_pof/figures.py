"""Evidence figures of the review (studies per source, source x mechanism map, studies per year).

Each figure has a table function that returns the numbers it plots, computed from the package's
rows (curated values), so tests and the documentation can use the numbers without matplotlib:

``studies_per_source_table``
    Included studies per curated MSC source beside the count the review states for it.
``evidence_map_table``
    Studies per (curated MSC source, mechanism): the review's Figure 2 ("Effects of exosomes from
    different sources MSCs in treating POF") as data.
``studies_per_year_table``
    Included studies per curated publication year, split by the origin of their MSC source.

Studies whose curated ``msc_source`` is empty (their own title shows no MSC source applies) are
never dropped silently: they form the category ``NO_SOURCE`` ("none / not MSC") in every table and
figure, with origin ``"none"``.

Drawing needs matplotlib, the optional extra ``figures`` (``pip install 'msc-exos-pof[figures]'``).
It is imported only inside the functions that draw, with the Agg canvas and matplotlib's default
style, and the SVG output is byte-identical across runs (fixed hash salt, no date, text as text).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import MissingDependencyError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "FIGURES",
    "FORMATS",
    "NO_SOURCE",
    "write_figures",
    "render_figure",
    "figure",
    "studies_per_source_table",
    "evidence_map_table",
    "studies_per_year_table",
    "FiguresUnavailableError",
]

#: Names of the figures ``write_figures`` writes, one file per name and format.
FIGURES = ("studies_per_source", "evidence_map", "studies_per_year")

#: Output formats ``write_figures`` accepts.
FORMATS = ("svg", "png")

#: Category of the studies that have no curated MSC source.
NO_SOURCE = "none / not MSC"

#: Origin given to ``NO_SOURCE``.
NO_ORIGIN = "none"

#: Colours by origin (Okabe-Ito palette, readable with colour-vision deficiency).
ORIGIN_COLOURS = {"perinatal": "#E69F00", "adult": "#0072B2", NO_ORIGIN: "#999999"}

_INSTALL_HINT = "pip install 'msc-exos-pof[figures]'"
_PNG_DPI = 150
# Fixed so two runs write the same bytes: matplotlib salts SVG ids randomly and stamps a date.
_SVG_RC = {"svg.hashsalt": "msc-exos-pof", "svg.fonttype": "none"}


#: matplotlib, needed to draw the figures, is not installed (the library's one missing-extra
#: error, under the name this module has always used).
FiguresUnavailableError = MissingDependencyError


# ---------------------------------------------------------------------------------------------
# Tables


def _origins(path: str | os.PathLike[str] | None) -> dict[str, str]:
    """Curated MSC source -> origin, in the order of ``msc_sources`` grouped by origin."""
    import pandas as pd

    from .io.convert import load_frame

    sources = load_frame("msc_sources", path)
    order = list(sources["origin"].cat.categories) if hasattr(sources["origin"], "cat") else []
    pairs = [
        (str(source), NO_ORIGIN if pd.isna(origin) else str(origin))
        for source, origin in zip(sources["msc_source"], sources["origin"], strict=True)
        if not pd.isna(source)
    ]
    rank = {origin: index for index, origin in enumerate(order)}
    return dict(sorted(pairs, key=lambda pair: rank.get(pair[1], len(rank))))


def _curated_sources(path: str | os.PathLike[str] | None) -> pd.DataFrame:
    """The studies included now (``io.included``: the PRISMA total of the latest round) with
    ``source`` (curated, ``NO_SOURCE`` when empty) and its ``origin``."""
    from .io.convert import load_frame
    from .io.included import included_now

    studies = included_now(load_frame("studies", path), "studies", path)
    origins = _origins(path)
    source = studies["msc_source"].astype("object").where(studies["msc_source"].notna(), NO_SOURCE)
    studies = studies.assign(source=source.astype(str))
    studies["origin"] = studies["source"].map(lambda value: origins.get(value, NO_ORIGIN))
    return studies


def _source_order(path: str | os.PathLike[str] | None, present: Iterable[str]) -> list[str]:
    """Sources grouped by origin (vocabulary order), then any unknown code, then ``NO_SOURCE``."""
    known = list(_origins(path))
    present = list(dict.fromkeys(present))
    extra = sorted(source for source in present if source not in known and source != NO_SOURCE)
    tail = [NO_SOURCE] if NO_SOURCE in present else []
    return known + extra + tail


def studies_per_source_table(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Studies included now per curated MSC source of the package at ``path`` (default: shipped).

    One row per source of ``msc_sources`` (grouped by origin: perinatal, then adult), then a
    ``NO_SOURCE`` row if some studies have no curated source. Columns:

    - ``msc_source``: source code, or ``NO_SOURCE``;
    - ``origin``: ``perinatal``, ``adult`` or ``none``;
    - ``studies``: studies whose curated ``msc_source`` is this source (zero included);
    - ``stated_studies``: the count the review's Results state (``msc_sources.stated_study_count``),
      missing for ``NO_SOURCE``.

    >>> table = studies_per_source_table()
    >>> int(table["studies"].sum())
    17
    """
    import pandas as pd

    from .io.convert import load_frame

    studies = _curated_sources(path)
    sources = load_frame("msc_sources", path)
    stated = dict(
        zip(sources["msc_source"].astype(str), sources["stated_study_count"], strict=True)
    )
    counts = studies["source"].value_counts()
    order = _source_order(path, counts.index)
    origins = _origins(path)
    return pd.DataFrame(
        {
            "msc_source": order,
            "origin": [origins.get(source, NO_ORIGIN) for source in order],
            "studies": [int(counts.get(source, 0)) for source in order],
            "stated_studies": pd.array([stated.get(source) for source in order], dtype="Int64"),
        }
    )


def evidence_map_table(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Studies per (curated MSC source, mechanism) of the package at ``path``.

    ``studies`` joined with ``study_mechanisms`` on ``study_id``, the links whose evidence is
    Table 2 or the study's title (not the review's narrative: ``evidence_kind``); each cell
    counts distinct studies. Rows: the sources in the order of ``studies_per_source_table``
    (``NO_SOURCE`` included); columns: the mechanisms that occur, in vocabulary order. Studies
    without a mechanism row add nothing.

    >>> table = evidence_map_table()
    >>> int(table.loc["BMSC", "apoptosis"])
    3
    """
    from .io.convert import load_frame

    studies = _curated_sources(path)  # the studies included now: the join below keeps only them
    mechanisms = load_frame("study_mechanisms", path)
    vocabulary = (
        list(mechanisms["mechanism"].cat.categories)
        if hasattr(mechanisms["mechanism"], "cat")
        else sorted(mechanisms["mechanism"].dropna().astype(str).unique())
    )
    if "evidence_kind" in mechanisms.columns:
        mechanisms = mechanisms[mechanisms["evidence_kind"].astype("string") != "narrative"]
    links = mechanisms.dropna(subset=["study_id", "mechanism"]).astype({"mechanism": str})
    joined = links.merge(studies[["study_id", "source"]], on="study_id", how="inner")
    joined = joined.drop_duplicates(["study_id", "mechanism"])
    counts = joined.groupby(["source", "mechanism"]).size().unstack(fill_value=0)
    rows = _source_order(path, studies["source"])
    columns = [name for name in vocabulary if name in counts.columns]
    columns += sorted(name for name in counts.columns if name not in columns)
    table = counts.reindex(index=rows, columns=columns, fill_value=0).astype(int)
    table.index.name = "msc_source"
    table.columns.name = "mechanism"
    return table


def studies_per_year_table(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Included studies per curated publication year of the package at ``path``.

    One row per year from the first to the last (years without a study are zero). Columns:
    ``year``, one column per origin (``perinatal``, ``adult``, then ``none`` for ``NO_SOURCE``)
    and ``studies``, their total. Studies without a year are left out.

    >>> table = studies_per_year_table()
    >>> int(table["studies"].sum())
    17
    """
    import pandas as pd

    studies = _curated_sources(path).dropna(subset=["year"])
    origins = list(dict.fromkeys([*_origins(path).values(), NO_ORIGIN]))
    if studies.empty:
        return pd.DataFrame({"year": [], **{o: [] for o in origins}, "studies": []}, dtype=int)
    years = range(int(studies["year"].min()), int(studies["year"].max()) + 1)
    counts = studies.groupby([studies["year"].astype(int), "origin"]).size().unstack(fill_value=0)
    table = counts.reindex(index=list(years), columns=origins, fill_value=0).astype(int)
    table["studies"] = table.sum(axis=1)
    table.index.name = "year"
    table.columns.name = None
    return table.reset_index()


# ---------------------------------------------------------------------------------------------
# Drawing


def _matplotlib() -> Any:
    try:
        import matplotlib
        import matplotlib.style
    except ImportError:
        raise FiguresUnavailableError(
            f"the figures need matplotlib, which is not installed: {_INSTALL_HINT}"
        ) from None
    return matplotlib


def _new_figure(width: float, height: float) -> Figure:
    """A figure on the Agg canvas, independent of pyplot and of the user's chosen backend."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _source_label(source: str, origin: str) -> str:
    return source if source == NO_SOURCE else f"{source} ({origin})"


def _text_colour(background: str) -> str:
    """Black or white, whichever reads better on ``background`` ("#RRGGBB")."""
    red, green, blue = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    return "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 140 else "white"


def _draw_studies_per_source(path: str | os.PathLike[str] | None) -> Figure:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    table = studies_per_source_table(path)
    figure = _new_figure(7.0, 0.45 * len(table) + 1.6)
    axes = figure.add_subplot()
    positions = list(range(len(table)))[::-1]  # first source at the top
    colours = [ORIGIN_COLOURS.get(origin, ORIGIN_COLOURS[NO_ORIGIN]) for origin in table["origin"]]
    axes.barh(positions, table["studies"], color=colours, height=0.65, zorder=2)
    # The count sits inside the bar's end, so it never collides with the stated-count circle.
    for y, count, colour in zip(positions, table["studies"], colours, strict=True):
        inside = count > 0
        axes.annotate(
            str(count),
            (count, y),
            xytext=(-11 if inside else 4, 0),
            textcoords="offset points",
            ha="right" if inside else "left",
            va="center",
            fontsize=9,
            zorder=4,
            color=_text_colour(colour) if inside else "black",
        )
    stated = table["stated_studies"]
    shown = stated.notna()
    axes.scatter(
        stated[shown].astype(float),
        [y for y, keep in zip(positions, shown, strict=True) if keep],
        s=70,
        facecolors="none",
        edgecolors="black",
        linewidths=1.3,
        zorder=3,
    )
    axes.set_yticks(
        positions,
        [_source_label(s, o) for s, o in zip(table["msc_source"], table["origin"], strict=True)],
    )
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    top = max(int(table["studies"].max()), int(stated.max()) if shown.any() else 0)
    axes.set_xlim(0, top + 1.5)
    axes.set_xlabel("Included studies (curated MSC source)")
    axes.set_title("Included studies per MSC source")
    axes.grid(axis="x", color="#DDDDDD", zorder=0)
    axes.set_axisbelow(True)
    handles = [
        Patch(color=ORIGIN_COLOURS.get(origin, ORIGIN_COLOURS[NO_ORIGIN]), label=origin)
        for origin in dict.fromkeys(table["origin"])
    ]
    handles.append(
        Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            markerfacecolor="none",
            markeredgecolor="black",
            markersize=8,
            label="count the review states",
        )
    )
    axes.legend(handles=handles, loc="lower right", fontsize=8, frameon=True)
    return figure


def _draw_evidence_map(path: str | os.PathLike[str] | None) -> Figure:
    table = evidence_map_table(path)
    origins = _origins(path)
    figure = _new_figure(0.55 * len(table.columns) + 2.6, 0.42 * len(table) + 2.4)
    axes = figure.add_subplot()
    values = table.to_numpy()
    top = max(int(values.max()), 1) if values.size else 1
    # Cells as vector patches (imshow would embed a bitmap in the SVG); white edges keep empty
    # cells readable as "no study".
    axes.pcolormesh(values, cmap="Blues", vmin=0, vmax=top, edgecolors="white", linewidth=1.5)
    axes.invert_yaxis()
    for row in range(values.shape[0]):
        for column in range(values.shape[1]):
            count = int(values[row, column])
            if count:
                colour = "white" if count > top / 2 else "black"
                axes.text(
                    column + 0.5,
                    row + 0.5,
                    str(count),
                    ha="center",
                    va="center",
                    color=colour,
                    fontsize=9,
                )
    axes.set_xticks(
        [x + 0.5 for x in range(len(table.columns))],
        [name.replace("_", " ") for name in table.columns],
        rotation=45,
        ha="right",
        rotation_mode="anchor",
    )
    axes.set_yticks(
        [y + 0.5 for y in range(len(table))],
        [_source_label(s, origins.get(s, NO_ORIGIN)) for s in table.index],
    )
    axes.tick_params(length=0)
    axes.set_xlabel("Mechanism")
    axes.set_ylabel("MSC source (curated)")
    axes.set_title("Included studies per MSC source and mechanism")
    return figure


def _draw_studies_per_year(path: str | os.PathLike[str] | None) -> Figure:
    from matplotlib.ticker import MaxNLocator

    table = studies_per_year_table(path)
    figure = _new_figure(7.0, 3.4)
    axes = figure.add_subplot()
    bottom = [0] * len(table)
    for origin in [c for c in table.columns if c not in ("year", "studies")]:
        counts = table[origin].tolist()
        if not any(counts):
            continue
        axes.bar(
            table["year"],
            counts,
            bottom=bottom,
            width=0.7,
            label=origin,
            color=ORIGIN_COLOURS.get(origin, ORIGIN_COLOURS[NO_ORIGIN]),
            zorder=2,
        )
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    for year, total in zip(table["year"], table["studies"], strict=True):
        if total:
            axes.annotate(
                str(total),
                (year, total),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                fontsize=9,
            )
    axes.set_xticks(table["year"].tolist(), [str(y) for y in table["year"]])
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(0, (int(table["studies"].max()) if len(table) else 0) + 1)
    axes.set_xlabel("Publication year (curated)")
    axes.set_ylabel("Included studies")
    axes.set_title("Included studies per year, by origin of the MSC source")
    axes.grid(axis="y", color="#DDDDDD", zorder=0)
    axes.legend(title="origin", fontsize=8, title_fontsize=8, loc="upper left")
    return figure


_DRAW: dict[str, Callable[[str | os.PathLike[str] | None], Figure]] = {
    "studies_per_source": _draw_studies_per_source,
    "evidence_map": _draw_evidence_map,
    "studies_per_year": _draw_studies_per_year,
}


def figure(name: str, path: str | os.PathLike[str] | None = None) -> Figure:
    """Figure ``name`` (one of ``FIGURES``) of the package at ``path`` as a matplotlib Figure.

    Raises ``FiguresUnavailableError`` without matplotlib and ``ValueError`` for another name.
    """
    if name not in _DRAW:
        raise ValueError(f"no figure named {name!r}; choose from: {', '.join(FIGURES)}")
    matplotlib = _matplotlib()
    with matplotlib.style.context("default"), matplotlib.rc_context(_SVG_RC):
        return _DRAW[name](path)


def render_figure(
    name: str, format: str = "svg", path: str | os.PathLike[str] | None = None
) -> bytes:
    """Figure ``name`` of the package at ``path`` as SVG or PNG bytes (same data, same bytes)."""
    if format not in FORMATS:
        raise ValueError(f"unknown figure format {format!r}; choose from: {', '.join(FORMATS)}")
    import io

    matplotlib = _matplotlib()
    metadata = {"Date": None} if format == "svg" else {"Software": None}
    buffer = io.BytesIO()
    # The style and rc settings must also hold while saving: SVG ids and fonts are set then.
    with matplotlib.style.context("default"), matplotlib.rc_context(_SVG_RC):
        drawn = figure(name, path)
        drawn.savefig(buffer, format=format, dpi=_PNG_DPI, metadata=metadata)
    return buffer.getvalue()


def write_figures(
    out_dir: str | os.PathLike[str],
    formats: Iterable[str] = ("svg",),
    path: str | os.PathLike[str] | None = None,
) -> list[Path]:
    """Write every figure of ``FIGURES`` in each of ``formats`` to ``out_dir``; return the paths.

    Files are named ``<figure>.<format>`` and written atomically (temporary file, then
    ``os.replace``). Every figure is drawn before the first file is written, so a package that
    cannot be read leaves ``out_dir`` as it was. Refuses an ``out_dir`` inside the package
    folder (``OutputInsidePackageError``); raises ``FiguresUnavailableError`` without matplotlib.
    """
    from .io.atomic import refuse_unless_replaceable
    from .prisma import refuse_package_folder

    formats = list(dict.fromkeys(formats))
    unknown = [name for name in formats if name not in FORMATS]
    if unknown:
        raise ValueError(
            f"unknown figure format(s) {', '.join(unknown)}; choose from: {', '.join(FORMATS)}"
        )
    out = Path(out_dir)
    _matplotlib()
    rendered = [
        (out / f"{name}.{format}", render_figure(name, format, path))
        for name in FIGURES
        for format in formats
    ]
    # After reading the package, so a wrong PATH is reported as such.
    refuse_package_folder(out, path)
    refuse_unless_replaceable(out, folder=True)
    for file, _ in rendered:  # every output checked before the first is written
        refuse_unless_replaceable(file)
    return [_write_bytes_atomic(file, data) for file, data in rendered]


def _write_bytes_atomic(file: Path, data: bytes) -> Path:
    """``io.atomic.write_bytes_atomic``; figures are meant to be read, e.g. by a web server."""
    from .io.atomic import write_bytes_atomic

    return write_bytes_atomic(file, data, mode=0o644)
