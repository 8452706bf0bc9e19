"""Coded values: which fields carry an enum, and where the package defines each code.

A coded field is a field with an ``enum`` constraint. Its vocabulary is the field's name, so
``animal_models.species`` and ``studies.species`` share one; the ``vocabularies`` resource
defines each (vocabulary, code) with a label and a definition. Defining a new code is one CSV
row: ``vocabulary,code,label,definition``.
"""

from __future__ import annotations

from typing import Any

from .tableschema import enum, field_list, schema_of

#: The resource that defines every code.
VOCABULARIES = "vocabularies"


def coded_fields(descriptor: dict[str, Any]) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """``{vocabulary: {code: [(resource, field), ...]}}`` over every enum of every resource."""
    found: dict[str, dict[str, list[tuple[str, str]]]] = {}
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    for resource in resources if isinstance(resources, list) else []:
        if not isinstance(resource, dict) or resource.get("name") == VOCABULARIES:
            continue
        for field in field_list(schema_of(resource)):
            listed = enum(field)
            if listed is None:
                continue
            codes = found.setdefault(field["name"], {})
            for code in listed:
                codes.setdefault(str(code), []).append((str(resource.get("name")), field["name"]))
    return found


def definitions(path: Any = None) -> dict[tuple[str, str], tuple[str, str]]:
    """``{(vocabulary, code): (label, definition)}`` from the package's ``vocabularies``
    resource (``{}`` when the package has none)."""
    from .convert import load_frame
    from .descriptor import resource_names

    if VOCABULARIES not in resource_names(path):
        return {}
    frame = load_frame(VOCABULARIES, path)
    return {
        (str(row.vocabulary), str(row.code)): (str(row.label), str(row.definition))
        for row in frame.itertuples(index=False)
    }


def undefined_codes(path: Any = None) -> list[tuple[str, str]]:
    """(vocabulary, code) of every code some enum lists and ``vocabularies`` does not define:
    the rows to add (``vocabulary,code,label,definition``) after a schema gains codes.

    >>> undefined_codes()
    []
    """
    from .descriptor import read_descriptor

    defined = definitions(path)
    coded = coded_fields(read_descriptor(path))
    return [
        (vocabulary, code)
        for vocabulary, codes in coded.items()
        for code in codes
        if (vocabulary, code) not in defined
    ]
