"""Command line: parse arguments, call one library function, render, pick the exit code.

Commands live in one module per topic (``gate``, ``release``, ``testing``, ``docs``,
``figures``, ``export``); what they share (the PATH argument, ``--output``, ``--force``,
``--debug`` and the one error policy) is in ``options``.
"""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="msc-exos-pof", prog_name="msc-exos-pof")
def main() -> None:
    """Curated data of a systematic review of MSC-derived exosomes for premature ovarian
    failure, and a data-quality gate for it and for any copy of it."""


def _add_commands() -> None:
    import importlib

    for module_name in (
        "gate",
        "release",
        "testing",
        "docs",
        "figures",
        "export",
        "data",
        "rounds",
    ):
        module = importlib.import_module(f"msc_exos_pof.cli.{module_name}")
        for command in getattr(module, "COMMANDS", []):
            main.add_command(command)


_add_commands()


def run() -> None:
    """The ``msc-exos-pof`` console script: the CLI, then a quick exit.

    A command leaves pandas' and Arrow's many objects behind; the garbage collector's final
    sweep over them at interpreter exit costs about 0.08 s, a sixth of a whole ``validate`` of
    the shipped package. ``gc.freeze()`` at exit (an ``atexit`` handler, after every output is
    written and closed) exempts them from that sweep; the operating system reclaims the memory.
    Tests call ``main`` in-process and keep the collector as it is.

    SIGINT and SIGTERM unwind the command like Ctrl-C (every ``finally`` runs: staging folders
    and locks are removed) and end it with 130 or 143. The process then leaves at once
    (``os._exit``): Arrow's and DuckDB's worker threads may still be running a cancelled task,
    and the interpreter's normal shutdown would destroy them while they run (SIGABRT,
    SIGSEGV).
    """
    import atexit
    import gc
    import os
    import sys

    from .options import install_signal_handlers, interrupted_exit_code

    atexit.register(gc.freeze)
    install_signal_handlers()
    try:
        main()
    except (SystemExit, KeyboardInterrupt):
        code = interrupted_exit_code()
        if code is None:
            raise
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)
