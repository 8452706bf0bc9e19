"""Command line for testing aids: ``msc-exos-pof synth`` writes a synthetic package."""

from __future__ import annotations

import time

import click

from .options import common_options, refuse_stdout, status, user_errors


@click.command()
@click.option(
    "--studies",
    "-n",
    type=click.IntRange(min=1),
    required=True,
    help="Number of studies to generate (1 to millions).",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Random seed: the same seed writes the same bytes.",
)
@click.option(
    "--rounds",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Search rounds: the published review, then update searches (a living copy).",
)
@click.option("--force", is_flag=True, help="Replace the content of a non-empty OUT_DIR.")
@click.argument("out_dir", type=click.Path(file_okay=False))
@common_options
@user_errors()
def synth(studies: int, seed: int, rounds: int, force: bool, out_dir: str) -> None:
    """Write a synthetic, internally consistent data package with N studies into OUT_DIR.

    Rows are generated and written in chunks, so memory stays flat however many studies;
    the package is written to a temporary folder and moved into place when complete.
    """
    from ..testing.synth import synth as write
    from .progress import bar

    refuse_stdout(out_dir, "a synthetic package (a folder)")
    started = time.perf_counter()
    try:
        with bar(f"synth {studies:,} studies", studies) as advance:
            rows = write(out_dir, studies, seed=seed, force=force, progress=advance, rounds=rounds)
    except FileExistsError as error:
        raise click.UsageError(str(error)) from None
    seconds = time.perf_counter() - started
    total = ", ".join(f"{name} {count}" for name, count in rows.items())
    status(f"wrote {out_dir} in {seconds:.1f} s: {total}")


COMMANDS = [synth]
