"""``msc-exos-pof synth``: a synthetic package of any size written to disk in chunks of studies
(memory stays flat), into a temporary folder moved into place when complete."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..tables import RESOURCE_ORDER, columns_of, write_csv
from .errata import ERRATA_KINDS, Errata, apply_errata, count_errata
from .invented import BACKGROUND_REFERENCES
from .package import finish_descriptor, synthetic_descriptor
from .plan import random_plan
from .rounds import LaterRound, add_later_rounds
from .studies import background_references, build_chunk
from .summary import Totals, summary_tables

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

#: Studies generated and written at a time.
CHUNK = 100_000


@dataclass
class _Output:
    """The CSV files of a package being written, and how many rows each holds so far."""

    folder: Path
    descriptor: dict[str, Any]
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RESOURCE_ORDER, 0))

    def write(self, name: str, frame: pd.DataFrame, header: bool = True) -> None:
        """Write ``name``'s CSV (with ``header``) or append ``frame``'s rows to it."""
        file = self.folder / "data" / f"{name}.csv"
        write_csv(frame, file, columns_of(self.descriptor, name), header=header)
        self.rows[name] = (0 if header else self.rows[name]) + len(frame)


def _chunks(total: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, total, size):
        yield start, min(size, total - start)


def _errata_choices(rng: np.random.Generator, size: int) -> list[tuple[str, int]]:
    """(kind, row) pairs to try: each kind tries rows of its own (a kind may not apply to every
    row)."""
    picks = rng.permutation(size)[: 40 * len(ERRATA_KINDS)]
    return [
        (kind, int(row))
        for k, kind in enumerate(ERRATA_KINDS)
        for row in picks[k :: len(ERRATA_KINDS)]
    ]


def _write_studies(
    output: _Output,
    rng: np.random.Generator,
    studies: int,
    chunk: int,
    errata_per_kind: int,
    rounds: int,
    progress: Callable[[int], None] | None,
) -> tuple[Totals, Errata]:
    """Write studies, references and mechanism links chunk by chunk; the documented differences
    go into the first chunk. Returns what the summary tables and the errata need."""
    import numpy as np
    import pandas as pd

    totals, errata = Totals(), Errata()
    output.write("references", background_references())
    for index, (start, size) in enumerate(_chunks(studies, chunk)):
        plan = random_plan(rng, start, size, output.descriptor)
        if rounds > 1:  # studies in blocks, round 1 first (an update search adds to the end)
            plan.round = 1 + (np.arange(start, start + size) * rounds) // studies
        tables = build_chunk(plan, output.descriptor)
        if index == 0 and errata_per_kind > 0:
            first_free = studies + BACKGROUND_REFERENCES + 1
            apply_errata(
                tables, _errata_choices(rng, size), errata, first_free, limit=errata_per_kind
            )
        totals.add(tables.studies)
        output.write("studies", tables.studies, header=index == 0)
        output.write("references", tables.references, header=False)
        output.write("study_mechanisms", tables.study_mechanisms, header=index == 0)
        if progress is not None:
            progress(size)  # studies written so far grow by this chunk
    if errata.extra_references:
        output.write("references", pd.DataFrame(errata.extra_references), header=False)
    return totals, errata


def _summaries(
    rng: np.random.Generator, totals: Totals, descriptor: dict[str, Any], rounds: int
) -> dict[str, pd.DataFrame]:
    """The summary tables of round 1 and the rows of ``rounds - 1`` update rounds."""
    flow = (
        int(rng.integers(0, 20)),
        int(rng.integers(0, 200)),
        int(rng.integers(0, 200)),
        int(rng.integers(0, 40)),
    )
    frames = summary_tables(totals, descriptor, int(rng.integers(1, 7)), flow)
    later = [
        LaterRound(
            r,
            totals.per_round.get(r, 0),
            databases=int(rng.integers(1, 7)),
            flow=tuple(int(v) for v in rng.integers(0, 200, 4)),  # type: ignore[arg-type]
        )
        for r in range(2, rounds + 1)
    ]
    add_later_rounds(frames, later, totals.studies)
    return frames


def write_synthetic(
    folder: Path,
    studies: int,
    seed: int = 0,
    chunk: int = CHUNK,
    errata_per_kind: int = 1,
    rounds: int = 1,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Write a consistent package of ``studies`` studies into the empty folder ``folder``.

    Rows are generated and written ``chunk`` studies at a time. A few documented differences
    (``errata_per_kind`` of each kind, in the first chunk) come with their errata rows.
    Returns the number of rows per resource.
    """
    import numpy as np
    import pandas as pd

    if studies < 1:
        raise ValueError("a package needs at least one study")
    rng = np.random.default_rng(seed)
    output = _Output(Path(folder), synthetic_descriptor(studies))
    (output.folder / "data").mkdir(parents=True, exist_ok=True)
    totals, errata = _write_studies(output, rng, studies, chunk, errata_per_kind, rounds, progress)
    count_errata(totals, errata, output.descriptor)
    for name, frame in _summaries(rng, totals, output.descriptor, rounds).items():
        output.write(name, frame)
    output.write("errata", pd.DataFrame(errata.rows))
    finish_descriptor(output.folder, output.descriptor)
    return output.rows


def _private_folder_made_public(folder: Path) -> None:
    """mkdtemp makes a private (0700) folder; the package should get the usual permissions."""
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)


def _move_into_place(temporary: Path, out: Path) -> None:
    """Move ``temporary`` to ``out``, replacing the content of an existing ``out``."""
    if out.is_dir():
        from ...io.atomic import temporary_prefix

        old = Path(tempfile.mkdtemp(prefix=temporary_prefix(out, "synth"), dir=out.parent))
        os.replace(out, old / "content")
        os.replace(temporary, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(temporary, out)


def synth(
    out_dir: str | os.PathLike[str],
    studies: int,
    seed: int = 0,
    force: bool = False,
    chunk: int = CHUNK,
    rounds: int = 1,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Write a synthetic package into ``out_dir`` atomically: a temporary folder moved into place.

    Refuses a non-empty ``out_dir`` unless ``force`` (``FileExistsError``); with ``force`` its
    content is replaced only if it is an earlier synthetic package, nothing but what that
    wrote (its manifest lists it), never a folder of the user's (``OutputRefusedError``); a
    link or a file is refused (``FileExistsError``), and so is the shipped package's folder
    (``OutputInsidePackageError``).
    ``progress(studies)`` is called after each chunk with the number of studies it wrote.
    """
    from ...exports.target import MANIFEST_NAME, replaceable_folder, write_manifest
    from ...io.atomic import refuse_inside_package, remove_stale_temporaries, temporary_prefix

    out = Path(out_dir).expanduser()
    refuse_inside_package(out, None, shipped=True)
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise FileExistsError(
            f"{out} exists and is not a folder (or is a link to one): choose another OUT_DIR"
        )
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise FileExistsError(
                f"{out} exists and is not empty; pass --force to replace it, or choose another "
                "OUT_DIR"
            )
        if not replaceable_folder(out, "synth"):
            from ...errors import OutputRefusedError

            raise OutputRefusedError(
                f"{out} holds files that an earlier synth would not have written (only those "
                f"its {MANIFEST_NAME} lists may be replaced), so it is not replaced even with "
                "--force; remove it yourself or choose another OUT_DIR"
            )
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out)
    temporary = Path(tempfile.mkdtemp(prefix=temporary_prefix(out, "synth"), dir=out.parent))
    try:
        _private_folder_made_public(temporary)
        rows = write_synthetic(
            temporary, studies, seed=seed, chunk=chunk, progress=progress, rounds=rounds
        )
        write_manifest(temporary, "synth")
        _move_into_place(temporary, out)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return rows
