"""What every command shares: the PATH argument and ``--shipped``, ``--output``, ``--force``,
``--debug``, ``--quiet``, and the one error policy that turns what a user can cause into one
sentence and an exit code.

Exit codes, the same for every command (the README lists them):

* ``0``: done (for ``validate``: the data is valid, warnings allowed);
* ``1``: the data is invalid: a finding of severity error, a table that cannot be read as a
  CSV, a value or key that breaks its Table Schema, a resource the command needs is missing;
* ``2``: the package cannot be read at all (no such path, descriptor not JSON, unsafe resource
  path), an output is refused, an optional dependency is missing, or the command was misused.
"""

from __future__ import annotations

import functools
import inspect
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

EXIT_DATA = 1
EXIT_UNREADABLE = 2
#: Ctrl-C: the shell's convention (128 + SIGINT), never a data or usage error.
EXIT_INTERRUPTED = 128 + signal.SIGINT
#: ``kill`` (SIGTERM): 128 + SIGTERM, after the same clean-up as Ctrl-C.
EXIT_TERMINATED = 128 + signal.SIGTERM

#: The signals that stopped the command (SIGINT, SIGTERM), in the order they came.
_RECEIVED: list[int] = []


def _stop(signum: int, frame: object) -> None:
    """SIGINT or SIGTERM: unwind through every ``finally`` (staging folders and locks are
    removed) as Ctrl-C does; a second signal while that runs is noted, not raised, so that
    the clean-up finishes."""
    first = not _RECEIVED
    _RECEIVED.append(signum)
    if first:
        raise KeyboardInterrupt


def install_signal_handlers() -> None:
    """Stop the command cleanly on SIGINT and SIGTERM (the console script only: tests that
    call the CLI in-process keep the interpreter's handlers)."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _stop)


def interrupted_exit_code() -> int | None:
    """128 + the first signal that stopped the command, or ``None`` when none did."""
    return 128 + _RECEIVED[0] if _RECEIVED else None


def terminal_text(text: object) -> str:
    """``text`` for a terminal, line by line: control characters, terminal escapes and
    bidirectional overrides from the data are shown escaped (``\\x1b``), never interpreted."""
    from ..gate.render.text import escape

    return "\n".join(escape(line) for line in str(text).split("\n"))


F = TypeVar("F", bound=Callable[..., Any])


#: The note a command prints on stderr about the package it reads (unless --quiet).
_NOTE = "msc_exos_pof.package_note"
_QUIET = "msc_exos_pof.quiet"


def _resolve_package(path: Path | None, shipped: bool) -> Path:
    """PATH as given; ``--shipped``: the package shipped with the library; neither: the rule of
    ``io.locate.default_package`` (``$MSC_EXOS_POF_PACKAGE``, else the copy of this dataset in
    the current folder, else the shipped package), the same rule ``msc_exos_pof.load`` follows.
    The package is always passed on explicitly, so the library does not apply the rule twice."""
    from ..io.locate import PACKAGE_ENV, default_package, shipped_package_dir

    if path is not None and shipped:
        raise click.UsageError("give PATH or --shipped, not both")
    if path is not None:
        return path
    if shipped:
        return shipped_package_dir()
    default = default_package()
    if default.path is None:
        return shipped_package_dir()
    if default.why == "found":
        _note(f"reading {default.path} (a copy found here; --shipped reads the installed release)")
    else:
        _note(f"reading {default.path} (${PACKAGE_ENV})")
    return default.path


def _note(message: str) -> None:
    """Keep ``message`` for ``user_errors`` to print on stderr once ``--quiet`` is known."""
    context = click.get_current_context(silent=True)
    if context is not None:
        context.meta[_NOTE] = message


#: What "PATH" means, for the help of every command that reads a package.
PATH_HELP = (
    "PATH is a package folder or its datapackage.json; without PATH: $MSC_EXOS_POF_PACKAGE, "
    "else ./datapackage/ (or ./datapackage.json) when it is a copy of this dataset, else the "
    "package shipped with msc-exos-pof (--shipped chooses it)."
)

_SHIPPED_HELP = (
    "Read the package shipped with msc-exos-pof (the release installed) whatever the current "
    "folder holds; the same as MSC_EXOS_POF_PACKAGE=shipped."
)


def package_argument(command: F) -> F:
    """``[PATH]`` and ``--shipped``: the package a command reads. PATH is a folder or its
    ``datapackage.json``; without it, ``$MSC_EXOS_POF_PACKAGE`` (a path, or ``shipped``), else
    ``./datapackage/`` or ``./datapackage.json`` when it is a copy of this dataset, else the
    shipped package: the rule of ``msc_exos_pof.load``. The command receives it as ``path``."""

    @functools.wraps(command)
    def wrapper(*args: Any, path: Path | None = None, shipped: bool = False, **kwargs: Any) -> Any:
        return command(*args, path=_resolve_package(path, shipped), **kwargs)

    wrapper.__doc__ = inspect.cleandoc(command.__doc__ or "") + "\n\n" + PATH_HELP
    wrapper = click.option("--shipped", is_flag=True, help=_SHIPPED_HELP)(wrapper)
    return click.argument("path", required=False, type=click.Path(path_type=Path))(wrapper)  # type: ignore[return-value]


debug_option = click.option(
    "--debug", is_flag=True, help="Show the traceback of unexpected errors."
)
quiet_option = click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="Print no status lines on stderr (which package was read, what was written, progress); "
    "results and errors are printed as usual.",
)


def common_options(command: F) -> F:
    """``--debug`` and ``--quiet``, which every command has (``user_errors`` reads them)."""
    return debug_option(quiet_option(command))


def quiet() -> bool:
    """Whether the running command was given ``--quiet``."""
    context = click.get_current_context(silent=True)
    return bool(context is not None and context.meta.get(_QUIET))


def output_option(help: str, **extra: Any) -> Callable[[F], F]:
    """``--output/-o FILE``: where a command writes its text (atomically)."""
    return click.option(
        "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help=help, **extra
    )


def force_option(help: str) -> Callable[[F], F]:
    """``--force``: replace an existing output."""
    return click.option("--force", is_flag=True, help=help)


class CommandError(click.ClickException):
    """One sentence for the user and the exit code of the error policy."""

    def __init__(self, message: str, exit_code: int) -> None:
        from ..gate.render.text import escape

        super().__init__(escape(message))  # names and cells from the data reach the terminal
        self.exit_code = exit_code


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else ""


def as_command_error(error: Exception, prefix: str = "") -> CommandError | None:
    """The policy: what a library error means for the user, or ``None`` for a bug."""
    from ..errors import (
        DataValueError,
        ExportDataError,
        ExportError,
        MissingDependencyError,
        OutputRefusedError,
        PackageError,
        ReleaseError,
        TableError,
        UpgradeError,
    )

    if isinstance(error, PackageError):
        return CommandError(prefix + error.message, EXIT_UNREADABLE)
    if isinstance(error, (TableError, ExportDataError, DataValueError)):
        return CommandError(prefix + error.message, EXIT_DATA)
    if isinstance(error, (ReleaseError, UpgradeError)):  # refused: nothing was written
        return CommandError(prefix + error.message, EXIT_DATA)
    if isinstance(error, (ExportError, MissingDependencyError, OutputRefusedError)):
        return CommandError(prefix + str(getattr(error, "message", error)), EXIT_UNREADABLE)
    if isinstance(error, KeyError):  # a package without the resource the command needs
        return CommandError(prefix + str(error.args[0] if error.args else error), EXIT_DATA)
    if isinstance(error, OSError):
        where = error.filename or "the output"
        return CommandError(
            f"{prefix}cannot write {where}: {error.strerror or error}; check "
            "that its folder is writable and has space",
            EXIT_UNREADABLE,
        )
    return None


def user_errors(prefix: str = "") -> Callable[[F], F]:
    """Run a command under the error policy: library errors become one sentence and their exit
    code; anything else is a bug, shown in one line unless ``--debug`` asks for the traceback.

    Every command declares ``common_options`` (``--debug``, ``--quiet``); the command function
    receives them only if it names them. The note of ``package_argument`` (which package a
    command reads) is printed here, on stderr, unless ``--quiet``.
    """

    def decorate(command: F) -> F:
        accepted = inspect.signature(command).parameters

        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            debug = bool(kwargs.get("debug"))
            for name in ("debug", "quiet"):
                if name not in accepted:
                    kwargs.pop(name, None)
            context = click.get_current_context(silent=True)
            if context is not None:
                context.meta[_QUIET] = bool(context.params.get("quiet"))
                note = context.meta.pop(_NOTE, None)
                if note and not quiet():
                    click.echo(note, err=True)
            try:
                return command(*args, **kwargs)
            except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
                raise
            except KeyboardInterrupt:  # Ctrl-C or kill: neither invalid data (1) nor misuse (2)
                code = interrupted_exit_code() or EXIT_INTERRUPTED
                how = "terminated" if code == EXIT_TERMINATED else "interrupted"
                click.echo(f"{how}: no output is left half-written", err=True)
                sys.exit(code)
            except Exception as error:
                translated = as_command_error(error, prefix)
                if translated is not None:
                    raise translated from None
                if debug:
                    raise
                click.echo(
                    f"Error: unexpected {type(error).__name__}: "
                    f"{terminal_text(_first_line(error))} (rerun with --debug for the traceback)",
                    err=True,
                )
                sys.exit(EXIT_UNREADABLE)

        return wrapper  # type: ignore[return-value]

    return decorate


def refuse_output_inside(output: Path | None, path: Path | None, option: str) -> None:
    """Refuse ``--output`` inside the package being read, or the shipped one (neither is ever
    written to)."""
    from ..io.locate import inside_package

    if output is not None and inside_package(output, path, shipped=True) is not None:
        raise click.BadParameter(
            f"{output} is inside the package being read, which is never written "
            "to; write the output elsewhere",
            param_hint=option,
        )


#: The one way an output is refused because it exists (every writer, every format).
EXISTS = "{path} exists; pass --force to replace it, or choose another {what}"


def is_stdout(output: Path | str | None) -> bool:
    """``-`` names standard output wherever a command writes a file."""
    return output is not None and str(output) == "-"


def refuse_existing(outputs: list[Path], force: bool, what: str = "file") -> None:
    """Refuse to replace an existing output unless ``--force``, and anything but a regular
    file whatever ``--force`` says (exit code 2), before any work is done."""
    from ..io.atomic import refuse_unless_replaceable

    for output in outputs:
        refuse_unless_replaceable(output)
        if not force and (output.exists() or output.is_symlink()):
            raise CommandError(EXISTS.format(path=output, what=what), EXIT_UNREADABLE)


def refuse_stdout(output: Path | str | None, what: str) -> None:
    """``-`` where standard output makes no sense (a folder, a database): a usage error, never
    a file named ``-``."""
    if is_stdout(output):
        raise CommandError(
            f"{what} cannot be written to standard output: name a file or folder, not '-'",
            EXIT_UNREADABLE,
        )


def status(message: str) -> None:
    """What a command did ("wrote ..."): on standard error, so that standard output carries
    only data; nothing with ``--quiet``."""
    if not quiet():
        click.echo(terminal_text(message), err=True)


def write_or_echo(
    text: str, output: Path | None, force: bool = False, *, package: Path | None = None
) -> None:
    """Write ``text`` to ``output`` atomically (refused if it exists, unless ``force``; refused
    inside the package at ``package`` or the shipped one, and over anything but a regular
    file, whatever ``force`` says), or to standard output when ``output`` is ``None`` or
    ``-``."""
    if output is None or is_stdout(output):
        click.echo(text, nl=False)
        return
    from ..io.atomic import write_text_atomic

    refuse_output_inside(output, package, "--output")
    refuse_existing([output], force)
    write_text_atomic(output, text)
