"""The architecture's written rules (docs/architecture.md), held by reading the source.

Each test walks every module of ``src/msc_exos_pof`` with ``ast`` (imports inside functions and
``TYPE_CHECKING`` blocks count too) and fails on what the page says cannot happen:

* an import that goes against the layer order;
* a Table Schema read outside ``io/tableschema.py``;
* a check id written more than once.

``PENDING`` lists name what other work in progress still breaks a rule, module by module; an
entry that no longer breaks the rule fails its test, so the lists only shrink.
"""

from __future__ import annotations

import ast
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

import msc_exos_pof

SOURCE = Path(msc_exos_pof.__file__).resolve().parent

#: The layers, from the bottom up: a module imports only its own layer and those before it.
LAYERS = (
    "errors",
    "io",
    "schemas",  # schemas.py and models.py
    "release",
    "prisma",
    "gate",
    "exports",
    "figures",
    "docgen",
    "testing",
    "cli",
    "facade",  # __init__.py: imports lazily, may use anything
)

#: Imports against the order that the work on other issues removes (module -> layer imported).
PENDING_IMPORTS: set[tuple[str, str]] = set()

#: Modules that still read Table Schema keys themselves; their owners move them to
#: io/tableschema.py.
PENDING_SCHEMA_READERS: set[str] = set()

#: Modules that still write a check id as a string beside its registration.
PENDING_ID_WRITERS: set[str] = set()

#: The Table Schema properties only io/tableschema.py reads.
SCHEMA_KEYS = {"fields", "constraints", "primaryKey", "foreignKeys", "enum"}


def _modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the library."""
    found = {}
    for file in sorted(SOURCE.rglob("*.py")):
        parts = list(file.relative_to(SOURCE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = file
    return found


@cache
def _tree(file: Path) -> ast.Module:
    return ast.parse(file.read_text(encoding="utf-8"), str(file))


def _layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "facade"
    if parts[1] in ("schemas", "models"):
        return "schemas"
    if parts[1] == "__main__":
        return "cli"
    return parts[1]


def _imported(module: str, file: Path, known: dict[str, Path]) -> list[tuple[int, str]]:
    """(line, module) of every library module that ``module`` imports, wherever it does."""
    package = module.split(".") if file.name == "__init__.py" else module.split(".")[:-1]
    found = []
    for node in ast.walk(_tree(file)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            origin = ".".join(base + ([node.module] if node.module else []))
            # ``from . import x`` imports the module x when there is one, else a name of origin.
            names = [
                f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in known else origin
                for alias in node.names
            ]
        else:
            continue
        for name in names:
            while name not in known and "." in name:
                name = name.rsplit(".", 1)[0]
            if name in known:
                found.append((node.lineno, name))
    return found


def _upward_imports() -> set[tuple[str, str, int, str]]:
    """(module, layer it imports, line, imported module) of every import against the order."""
    known = _modules()
    found = set()
    for module, file in known.items():
        layer = _layer(module)
        for line, target in _imported(module, file, known):
            other = _layer(target)
            if other == "facade" and layer == "cli":
                continue  # the CLI is a front end of the facade (see docs/architecture.md)
            if LAYERS.index(other) > LAYERS.index(layer):
                found.add((module, other, line, target))
    return found


def test_every_import_follows_the_layer_order() -> None:
    """A module imports only its own layer and the layers below it (docs/architecture.md)."""
    found = _upward_imports()
    breaking = sorted(f for f in found if (f[0], f[1]) not in PENDING_IMPORTS)
    assert not breaking, "imports against the layer order:\n" + "\n".join(
        f"  {module}:{line} ({_layer(module)}) imports {target} ({layer})"
        for module, layer, line, target in breaking
    )
    assert PENDING_IMPORTS <= {(f[0], f[1]) for f in found}, "fixed: remove from PENDING_IMPORTS"


def test_the_import_walker_sees_imports_inside_functions_and_resolves_relative_ones(
    tmp_path: Path,
) -> None:
    file = tmp_path / "probe.py"
    file.write_text(
        "from . import registry\n"
        "def f():\n"
        "    from ..io.context import PackageContext\n"
        "    from ..gate.runner import validate\n",
        encoding="utf-8",
    )
    found = _imported("msc_exos_pof.gate.probe", file, _modules())
    assert found == [
        (1, "msc_exos_pof.gate.registry"),
        (3, "msc_exos_pof.io.context"),
        (4, "msc_exos_pof.gate.runner"),
    ]


def test_the_cli_calls_only_public_functions() -> None:
    """A command parses, calls one public function of the facade or a layer, renders: it
    imports no private name and does not assemble the gate's internals (``PackageContext``)."""
    known = _modules()
    found = []
    for module, file in known.items():
        if _layer(module) != "cli":
            continue
        for node in ast.walk(_tree(file)):
            if not isinstance(node, ast.ImportFrom) or node.level == 1:
                continue  # a module of the CLI itself
            names = [alias.name for alias in node.names]
            private = [name for name in names if name.startswith("_")]
            if private or (node.module or "").endswith("io.context"):
                found.append(f"{module}:{node.lineno} imports {', '.join(names)}")
    assert not found, "the CLI reaches into internals:\n" + "\n".join(found)


def _schema_reads(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, key) of every ``x["fields"]``, ``x.get("enum")``... of a Table Schema key."""
    found = []
    for node in ast.walk(tree):
        key = None
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            key = node.slice.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("get", "pop", "setdefault")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            key = node.args[0].value
        if isinstance(key, str) and key in SCHEMA_KEYS:
            found.append((node.lineno, key))
    return found


def test_only_io_tableschema_reads_the_table_schema() -> None:
    """Fields, constraints, enums and keys are read through io/tableschema.py, nowhere else."""
    readers = {}
    for file in sorted(SOURCE.rglob("*.py")):
        name = file.relative_to(SOURCE).as_posix()
        reads = _schema_reads(_tree(file))
        if name != "io/tableschema.py" and reads:
            readers[name] = reads
    breaking = {
        name: reads for name, reads in readers.items() if name not in PENDING_SCHEMA_READERS
    }
    assert not breaking, "Table Schema read outside io/tableschema.py:\n" + "\n".join(
        f"  {name}:{line} [{key!r}]" for name, reads in breaking.items() for line, key in reads
    )
    assert PENDING_SCHEMA_READERS <= set(readers), "fixed: remove from PENDING_SCHEMA_READERS"


def test_the_schema_reader_test_sees_subscripts_and_gets() -> None:
    source = 'fields = schema["fields"]\nenum = constraints.get("enum")\nname = field.get("name")\n'
    assert sorted(_schema_reads(ast.parse(source))) == [(1, "fields"), (2, "enum")]


def _string_literals() -> dict[str, Counter[str]]:
    """Module (relative path) -> how often each string constant occurs in it."""
    found: dict[str, Counter[str]] = {}
    for file in sorted(SOURCE.rglob("*.py")):
        found[file.relative_to(SOURCE).as_posix()] = Counter(
            node.value
            for node in ast.walk(_tree(file))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        )
    return found


def test_every_check_id_is_written_exactly_once() -> None:
    """An id is a string literal once, where it is registered or raised; everything else names
    the ``Check`` (or the io constant) in Python, so a typo fails at import.

    ``testing/`` is left out: the mutation catalogue names the ids it expects to fire, as
    tests do, and tests/test_properties.py's
    ``test_every_registered_check_is_fired_by_some_mutation`` checks those names.
    """
    from msc_exos_pof.gate.registry import all_checks

    ids = {check.id for check in all_checks()}
    literals = {
        name: counts
        for name, counts in _string_literals().items()
        if not name.startswith("testing/") and name not in PENDING_ID_WRITERS
    }
    written = Counter()
    where: dict[str, list[str]] = {}
    for name, counts in literals.items():
        for check_id in ids & set(counts):
            written[check_id] += counts[check_id]
            where.setdefault(check_id, []).append(name)
    wrong = {check_id: where.get(check_id, []) for check_id in ids if written[check_id] != 1}
    assert not wrong, "check ids not written exactly once (id: modules):\n" + "\n".join(
        f"  {check_id}: {', '.join(modules) or 'nowhere'}"
        for check_id, modules in sorted(wrong.items())
    )
    pending = {name for name in PENDING_ID_WRITERS if ids & set(_string_literals()[name])}
    assert pending == PENDING_ID_WRITERS, "fixed: remove from PENDING_ID_WRITERS"


@pytest.mark.parametrize("module", ["msc_exos_pof.gate.registry", "msc_exos_pof.io.tableschema"])
def test_the_rules_apply_to_modules_that_exist(module: str) -> None:
    """A renamed module must not leave the rules above checking nothing."""
    assert module in _modules()
