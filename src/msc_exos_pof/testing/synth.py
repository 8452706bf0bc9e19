"""Synthetic, internally consistent data packages of any size, written in vectorised chunks.

The same row builder serves two callers: ``msc-exos-pof synth`` (numpy random draws, a chunk of
100k studies at a time, so a million studies never become a million Python objects) and the
hypothesis strategies of ``msc_exos_pof.testing`` (draws from hypothesis, one small chunk).
Field definitions are never written here: the descriptor's schemas are copied from the shipped
``datapackage.json``; this module only invents cell values that satisfy them.
"""

from __future__ import annotations

import copy
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

CHUNK = 100_000

# Vocabularies of invented cell values (never field definitions: enums come from the schema).
FAMILIES = (
    "Smith",
    "Chen",
    "Garcia",
    "Okafor",
    "Yamada",
    "Novak",
    "Silva",
    "Kowalski",
    "Haddad",
    "Rossi",
    "Nguyen",
    "Ivanova",
    "Dubois",
    "Moreau",
    "Larsen",
    "Tanaka",
    "Kumar",
    "Mensah",
    "Olsen",
    "Santos",
    "Li",
    "Le",
)
#: printed "Animal Model" cell -> species (None: the cell names no species).
ANIMAL_MODELS: tuple[tuple[str, str | None], ...] = (
    ("Rat", "rat"),
    ("Mice", "mouse"),
    ("Rabbit", "rabbit"),
    ("Human", "human"),
    ("HUVEC cell", None),
)
SOURCE_NAMES = {
    "BMSC": ("Bone marrow mesenchymal stem cells", "bone marrow", "adult"),
    "hUCMSC": ("Human umbilical cord mesenchymal stem cells", "human umbilical cord", "perinatal"),
    "ADSC": ("Adipose-derived stem cells", "adipose tissue", "adult"),
    "PMSC": ("Placenta mesenchymal stem cells", "placenta", "perinatal"),
    "AFSC": ("Amniotic Fluid Stem Cells", "amniotic fluid", "perinatal"),
    "MenSC": ("Menstrual Blood-Derived Mesenchymal Stem Cells", "menstrual blood", "adult"),
}
DATABASES = ("PubMed", "Embase", "Web Of Science", "Ovid Database", "Cochrane Library", "Scopus")
BACKGROUND_REFERENCES = 3
#: Kinds of real, documented differences a synthetic package may carry (each with its erratum).
ERRATA_KINDS = ("label_year", "label_author", "species", "msc_source", "duplicate_reference")


def shipped_descriptor() -> dict[str, Any]:
    """A deep copy of the shipped descriptor: the only place field definitions come from."""
    from ..io.descriptor import read_descriptor

    return copy.deepcopy(read_descriptor(None))


def _enum(descriptor: dict[str, Any], resource: str, name: str) -> list[str]:
    for item in descriptor["resources"]:
        if item["name"] == resource:
            for f in item["schema"]["fields"]:
                if f["name"] == name:
                    return list(f["constraints"]["enum"])
    raise KeyError(f"{resource}.{name} has no enum in the descriptor")


def _columns(descriptor: dict[str, Any], resource: str) -> list[str]:
    for item in descriptor["resources"]:
        if item["name"] == resource:
            return [f["name"] for f in item["schema"]["fields"]]
    raise KeyError(resource)


@dataclass
class Plan:
    """Per-study choices as integer arrays (one entry per study), plus the package-level knobs.

    Every array has one entry per study of the chunk; ``start`` is the 0-based index of the
    chunk's first study in the whole package.
    """

    start: int
    source: np.ndarray  # index into the msc_source enum
    design: np.ndarray  # index into the design enum
    model: np.ndarray  # index into ANIMAL_MODELS
    family: np.ndarray  # index into FAMILIES
    year: np.ndarray  # publication year
    effector: np.ndarray  # index into the effector_type enum
    mechanism: np.ndarray  # index into the mechanism enum
    second_mechanism: np.ndarray  # 0: none, k>0: mechanism + k (mod len)
    concern: np.ndarray  # 0: none, k>0: eligibility_concern enum index k-1
    round: np.ndarray | None = None  # search round that included the study (None: all round 1)


def _letters(index: np.ndarray) -> np.ndarray:
    """Base-26 lower-case code of each index ('a', 'b', ..., 'ba', ...): unique and readable."""
    import numpy as np

    index = np.asarray(index, dtype=np.int64)
    out = np.full(index.shape, "", dtype=object)
    value = index.copy()
    alphabet = np.array(list("abcdefghijklmnopqrstuvwxyz"), dtype=object)
    first = True
    while first or (value > 0).any():
        digit = value % 26
        letter = alphabet[digit]
        out = np.where(first | (value > 0), letter + out, out)
        value = value // 26
        first = False
    return out


def _s(values: Any) -> np.ndarray:
    import numpy as np

    return np.asarray(values).astype(str).astype(object)


@dataclass
class Tables:
    """Rows of the per-study resources (studies, references, mechanism links) for one chunk."""

    studies: pd.DataFrame
    references: pd.DataFrame
    study_mechanisms: pd.DataFrame


def build_chunk(plan: Plan, descriptor: dict[str, Any]) -> Tables:
    """Studies, their reference entries and mechanism links for one chunk, vectorised."""
    import numpy as np
    import pandas as pd

    sources = np.array(_enum(descriptor, "studies", "msc_source"), dtype=object)
    designs = np.array(_enum(descriptor, "studies", "design"), dtype=object)
    effectors = np.array(_enum(descriptor, "studies", "effector_type"), dtype=object)
    concerns = np.array([""] + _enum(descriptor, "studies", "eligibility_concern"), dtype=object)
    mechanisms = np.array(_enum(descriptor, "study_mechanisms", "mechanism"), dtype=object)
    families = np.array(FAMILIES, dtype=object)
    models = np.array([m for m, _ in ANIMAL_MODELS], dtype=object)
    species = np.array([s or "" for _, s in ANIMAL_MODELS], dtype=object)

    n = len(plan.source)
    index = np.arange(plan.start, plan.start + n, dtype=np.int64)
    number = _s(index + 1)
    code = _letters(index)
    family = families[plan.family]
    year = _s(plan.year)
    source = sources[plan.source]
    model = models[plan.model]
    title = (
        "Synthetic study " + number + ": " + source + "-derived exosomes restore ovarian "
        "function in a " + model + " model"
    )
    concern = concerns[plan.concern]
    studies = pd.DataFrame(
        {
            "study_id": np.char.lower(family.astype(str)).astype(object) + "-" + code + "-" + year,
            "table_row": number,
            "reference_number": _s(index + 1 + BACKGROUND_REFERENCES),
            "label_published": "",
            "first_author": family,
            "year": year,
            "title": title,
            "effector_published": source + "-Exos",
            "effector_type": effectors[plan.effector],
            "msc_source_published": source,
            "msc_source": source,
            "animal_model_published": model,
            "species": species[plan.model],
            "design": designs[plan.design],
            "effect_published": "Improve ovarian function via " + mechanisms[plan.mechanism],
            "eligibility_concern": concern,
            "eligibility_evidence": np.where(concern != "", "Synthetic study " + number, ""),
            "curation_note": "",
            "round": "1" if plan.round is None else _s(plan.round),
        }
    )
    initial = pd.Series(code).str[0].str.upper().to_numpy(dtype=object)
    studies["label_published"] = initial + "." + family + " et al. " + year
    references = pd.DataFrame(
        {
            "reference_number": studies["reference_number"],
            "authors": family + " " + initial + ", Doe J, Roe R",
            "title": title,
            "journal": "Journal of Synthetic Reproduction",
            "year": year,
            "volume": _s(plan.year - 2000),
            "issue": _s(index % 12 + 1),
            "pages": _s(index % 900 + 100) + "-" + _s(index % 900 + 110),
            "duplicate_of": "",
        }
    )
    second = plan.second_mechanism > 0
    first_links = pd.DataFrame(
        {
            "order": index * 2,
            "study_id": studies["study_id"].to_numpy(),
            "mechanism": mechanisms[plan.mechanism],
            "pathway": "",
            "evidence": studies["effect_published"].to_numpy(),
        }
    )
    other = (plan.mechanism + plan.second_mechanism) % len(mechanisms)
    second_links = pd.DataFrame(
        {
            "order": index[second] * 2 + 1,
            "study_id": studies["study_id"].to_numpy()[second],
            "mechanism": mechanisms[other[second]],
            "pathway": "PI3K/AKT",
            "evidence": studies["effect_published"].to_numpy()[second],
        }
    )
    links = pd.concat([first_links, second_links]).sort_values("order", kind="stable")
    links = links.drop(columns="order").reset_index(drop=True)
    return Tables(studies, references, links)


def random_plan(
    rng: np.random.Generator,
    start: int,
    n: int,
    descriptor: dict[str, Any],
    year_range: tuple[int, int] = (2016, 2025),
) -> Plan:
    """Per-study choices drawn with numpy (for ``synth``)."""
    import numpy as np

    mechanisms = len(_enum(descriptor, "study_mechanisms", "mechanism"))
    concerns = len(_enum(descriptor, "studies", "eligibility_concern"))
    concern = rng.integers(1, concerns + 1, n)
    concern[rng.random(n) < 0.8] = 0
    return Plan(
        start=start,
        source=rng.integers(0, len(SOURCE_NAMES), n),
        design=rng.choice(3, n, p=[0.85, 0.1, 0.05]),
        model=rng.integers(0, len(ANIMAL_MODELS), n),
        family=rng.integers(0, len(FAMILIES), n),
        year=rng.integers(year_range[0], year_range[1] + 1, n),
        effector=rng.integers(0, len(_enum(descriptor, "studies", "effector_type")), n),
        mechanism=rng.integers(0, mechanisms, n),
        second_mechanism=np.where(rng.random(n) < 0.5, rng.integers(1, mechanisms, n), 0),
        concern=concern,
    )


@dataclass
class Totals:
    """What the summary tables need from the studies, accumulated chunk by chunk."""

    studies: int = 0
    year_min: int | None = None
    year_max: int | None = None
    per_source_curated: dict[str, int] = field(default_factory=dict)
    per_source_published: dict[str, int] = field(default_factory=dict)
    per_design: dict[str, int] = field(default_factory=dict)

    per_round: dict[int, int] = field(default_factory=dict)

    def add(self, studies: pd.DataFrame) -> None:
        """Count ``studies``: every round per round, and the published round 1 for the counts
        the review states (its statements describe round 1 only)."""
        if "round" in studies:
            for key, count in studies["round"].value_counts().items():
                self.per_round[int(key)] = self.per_round.get(int(key), 0) + int(count)
            studies = studies[studies["round"] == "1"]
        else:
            self.per_round[1] = self.per_round.get(1, 0) + len(studies)
        if studies.empty:
            return
        years = studies["year"].astype(int)
        low, high = int(years.min()), int(years.max())
        self.studies += len(studies)
        self.year_min = low if self.year_min is None else min(self.year_min, low)
        self.year_max = high if self.year_max is None else max(self.year_max, high)
        for column, target in (
            ("msc_source", self.per_source_curated),
            ("msc_source_published", self.per_source_published),
            ("design", self.per_design),
        ):
            for key, count in studies[column][studies[column] != ""].value_counts().items():
                target[key] = target.get(key, 0) + int(count)


@dataclass
class Errata:
    """Documented differences introduced into a chunk, and the extra reference entries they need."""

    rows: list[dict[str, str]] = field(default_factory=list)
    extra_references: list[dict[str, str]] = field(default_factory=list)


def _erratum(
    resource: str,
    record: str,
    name: str,
    published: str,
    curated: str,
    kind: str,
    evidence: str,
    note: str,
) -> dict[str, str]:
    return {
        "erratum_id": f"{resource}/{record}/{name}",
        "resource": resource,
        "record": record,
        "field": name,
        "published_value": published,
        "curated_value": curated,
        "kind": kind,
        "evidence": evidence,
        "note": note,
    }


def apply_errata(
    tables: Tables,
    choices: Sequence[tuple[str, int]],
    errata: Errata,
    next_reference: int,
    limit: int | None = None,
) -> int:
    """Introduce the chosen differences (kind, row of the chunk) and record their errata rows.

    A choice that does not apply to its row (e.g. ``species`` on a row not printed "Mice") is
    skipped; at most ``limit`` differences of each kind are made. Only a handful of rows are
    touched, so a loop over ``choices`` is fine. Returns the next free reference number
    (duplicate reference entries are numbered after all others).
    """
    studies, references = tables.studies, tables.references
    done: set[tuple[str, int]] = set()
    made: dict[str, int] = {}
    for kind, row in choices:
        if (kind, row) in done or not 0 <= row < len(studies):
            continue
        if limit is not None and made.get(kind, 0) >= limit:
            continue
        study = studies.iloc[row]
        sid = study["study_id"]
        label = study["label_published"]
        if kind == "label_year" and label.endswith(" " + study["year"]):
            wrong = str(int(study["year"]) - 2)
            studies.iloc[row, studies.columns.get_loc("label_published")] = label[:-4] + wrong
            errata.rows.append(
                _erratum(
                    "studies",
                    sid,
                    "year",
                    wrong,
                    study["year"],
                    "label_year_mismatch",
                    references.iloc[row]["title"],
                    f"The label says {wrong}; the reference entry gives {study['year']}.",
                )
            )
        elif (
            kind == "label_author"
            and " et al. " in label
            and label.split(" et al. ")[0].endswith("." + study["first_author"])
        ):
            author, rest = label.split(" et al. ", 1)
            studies.iloc[row, studies.columns.get_loc("label_published")] = (
                f"{author}et et al. {rest}"
            )
            errata.rows.append(
                _erratum(
                    "studies",
                    sid,
                    "first_author",
                    f"{author}et",
                    study["first_author"],
                    "label_author_typo",
                    references.iloc[row]["authors"],
                    "The label misspells the family name; the reference entry gives it.",
                )
            )
        elif (
            kind == "species"
            and study["animal_model_published"] == "Mice"
            and study["species"] == "mouse"
        ):
            studies.iloc[row, studies.columns.get_loc("species")] = "rat"
            errata.rows.append(
                _erratum(
                    "studies",
                    sid,
                    "species",
                    "Mice",
                    "rat",
                    "cell_contradicts_title",
                    study["title"],
                    'Table 2 prints "Mice"; the title says rats.',
                )
            )
        elif (
            kind == "msc_source"
            and study["msc_source"] == study["msc_source_published"] != ""
            # The last study with a source keeps it: study_msc_sources may not be empty.
            and int((studies["msc_source"] != "").sum()) > 1
        ):
            studies.iloc[row, studies.columns.get_loc("msc_source")] = ""
            errata.rows.append(
                _erratum(
                    "studies",
                    sid,
                    "msc_source",
                    study["msc_source_published"],
                    "",
                    "cell_contradicts_title",
                    study["title"],
                    "The title shows that no MSC source applies.",
                )
            )
        elif kind == "duplicate_reference":
            original = references.iloc[row].to_dict()
            number = str(next_reference)
            next_reference += 1
            errata.extra_references.append(
                {
                    **original,
                    "reference_number": number,
                    "duplicate_of": original["reference_number"],
                }
            )
            errata.rows.append(
                _erratum(
                    "references",
                    number,
                    "duplicate_of",
                    "",
                    original["reference_number"],
                    "duplicate_reference",
                    original["authors"],
                    f"Reference {number} repeats reference {original['reference_number']}.",
                )
            )
        else:
            continue
        done.add((kind, row))
        made[kind] = made.get(kind, 0) + 1
    return next_reference


def assemble(
    plan: Plan,
    descriptor: dict[str, Any],
    choices: Sequence[tuple[str, int]] = (),
    databases: int = 5,
    flow: Sequence[int] = (9, 140, 110, 20),
    records: Sequence[int] | None = None,
    later: Sequence[LaterRound] = (),
    removals: Sequence[tuple[int, int]] = (),
) -> dict[str, pd.DataFrame]:
    """Every resource of a small package (one chunk) as text frames, errata included.

    ``later``: update rounds (their new studies are the plan's studies of that round);
    ``removals``: (study row, round) of studies a later round removed."""
    import pandas as pd

    tables = build_chunk(plan, descriptor)
    errata = Errata()
    apply_errata(tables, choices, errata, len(plan.source) + BACKGROUND_REFERENCES + 1)
    totals = Totals()
    totals.add(tables.studies)
    count_errata(totals, errata, descriptor)
    references = pd.concat(
        [
            background_references(),
            tables.references,
            pd.DataFrame(errata.extra_references, columns=tables.references.columns),
        ],
        ignore_index=True,
    )
    frames = summary_tables(totals, descriptor, databases, flow, records)
    removed = [(tables.studies["study_id"].iloc[row], r) for row, r in removals]
    counted = [
        LaterRound(
            item.round,
            item.new_studies,
            sum(1 for _, r in removed if r == item.round),
            item.databases,
            item.flow,
        )
        for item in later
    ]
    add_later_rounds(frames, counted, totals.studies)
    frames["study_removals"] = pd.DataFrame(
        {
            "study_id": [sid for sid, _ in removed],
            "round": [str(r) for _, r in removed],
            "reason": "retracted",
            "note": "Retraction notice of the synthetic journal.",
        },
        columns=["study_id", "round", "reason", "note"],
    )
    frames.update(
        {
            "references": references,
            "studies": tables.studies,
            "study_mechanisms": tables.study_mechanisms,
            "errata": pd.DataFrame(errata.rows, columns=_columns(descriptor, "errata")),
        }
    )
    return {name: frames[name].reset_index(drop=True) for name in RESOURCE_ORDER}


def count_errata(totals: Totals, errata: Errata, descriptor: dict[str, Any]) -> None:
    """Errata for stated per-source counts that the curated rows no longer support."""
    for source in _enum(descriptor, "studies", "msc_source"):
        published = totals.per_source_published.get(source, 0)
        curated = totals.per_source_curated.get(source, 0)
        if published != curated:
            for resource, record, name in (
                ("stated_counts", f"studies_per_source.{source}", "value"),
                ("msc_sources", source, "stated_study_count"),
            ):
                errata.rows.append(
                    _erratum(
                        resource,
                        record,
                        name,
                        str(published),
                        str(curated),
                        "stated_count_unsupported",
                        "Synthetic study titles",
                        f"{published} rows are filed under {source}, but "
                        f"{published - curated} of them use no MSC source.",
                    )
                )


def summary_tables(
    totals: Totals,
    descriptor: dict[str, Any],
    databases: int = 5,
    flow: Sequence[int] = (9, 140, 110, 20),
    records: Sequence[int] | None = None,
) -> dict[str, pd.DataFrame]:
    """search_strategies, prisma_flow, msc_sources, animal_models and stated_counts.

    ``flow`` is (citations, duplicates, records excluded, reports excluded); the PRISMA counts
    are built backwards from the number of studies so that every subtraction holds.
    """
    import pandas as pd

    n = totals.studies
    citations, duplicates, records_excluded, reports_excluded = (int(v) for v in flow)
    assessed = n + reports_excluded
    screened = assessed + records_excluded
    identified = screened + duplicates
    database_results = max(identified - citations, 0)
    citations = identified - database_results
    databases = max(1, min(int(databases), len(DATABASES)))
    if records is None or len(records) != databases or sum(records) != database_results:
        share = database_results // databases
        records = [share] * databases
        records[0] += database_results - share * databases
    search = pd.DataFrame(
        {
            "database": list(DATABASES[:databases]),
            "table_row": [str(i + 1) for i in range(databases)],
            "query": "(Premature ovarian failure) AND (Mesenchymal Stem Cells) AND (Exosomes)",
            "filter": "No filter set",
            "records": [str(r) for r in records],
            "round": "1",
        }
    )
    nodes = [
        ("database_results", database_results, "Records identified from databases", ""),
        ("citations_results", citations, "Records identified by manual searches", ""),
        ("identified_total", identified, "Records identified in total", ""),
        (
            "duplicates",
            duplicates,
            "Duplicate records removed",
            "identified_total - records_screened",
        ),
        ("records_screened", screened, "Records screened", ""),
        ("records_excluded", records_excluded, "Records excluded at screening", ""),
        ("reports_assessed", assessed, "Full texts assessed for eligibility", ""),
        ("reports_excluded", reports_excluded, "Full texts excluded", ""),
        ("new_studies", n, "Studies included in the review", ""),
    ]
    prisma = pd.DataFrame(
        {
            "node": [k for k, *_ in nodes],
            "step": [str(i + 1) for i in range(len(nodes))],
            "count": [str(c) for _, c, *_ in nodes],
            "label": [label for _, _, label, _ in nodes],
            "basis": ["derived" if d else "stated" for *_, d in nodes],
            "evidence": ["" if d else f"{c} records" for _, c, _, d in nodes],
            "derivation": [d for *_, d in nodes],
            "round": "1",
        }
    )
    codes = _enum(descriptor, "msc_sources", "msc_source")
    sources = pd.DataFrame(
        {
            "msc_source": codes,
            "full_name": [SOURCE_NAMES[c][0] for c in codes],
            "tissue": [SOURCE_NAMES[c][1] for c in codes],
            "origin": [SOURCE_NAMES[c][2] for c in codes],
            "origin_evidence": [f"{SOURCE_NAMES[c][0]} are {SOURCE_NAMES[c][2]}" for c in codes],
            "stated_study_count": [str(totals.per_source_published.get(c, 0)) for c in codes],
        }
    )
    models = pd.DataFrame(
        {
            "animal_model_published": [m for m, _ in ANIMAL_MODELS],
            "species": [s or "" for _, s in ANIMAL_MODELS],
            "note": ["" if s else "Names a cell line." for _, s in ANIMAL_MODELS],
        }
    )
    low = totals.year_min if totals.year_min is not None else 2016
    high = totals.year_max if totals.year_max is not None else 2025
    quote = f"{n} studies published between {low} and {high} from {databases} databases"
    stated = [
        ("databases_searched.abstract", "databases_searched", "", databases, "abstract", "true"),
        ("included_studies.abstract", "included_studies", "", n, "abstract", "true"),
        ("included_studies.results", "included_studies", "", n, "results", "true"),
        ("year_min.inclusion_criteria", "year_min", "", low, "methods", "true"),
        ("year_max.inclusion_criteria", "year_max", "", high, "methods", "true"),
        ("year_min.results", "year_min", "", low, "results", "true"),
        ("year_max.results", "year_max", "", high, "results", "true"),
    ]
    stated += [
        (
            f"studies_per_design.{d}",
            "studies_per_design",
            d,
            totals.per_design.get(d, 0),
            "results",
            "true",
        )
        for d in _enum(descriptor, "studies", "design")
    ]
    stated += [
        (
            f"studies_per_source.{c}",
            "studies_per_source",
            c,
            totals.per_source_published.get(c, 0),
            "results",
            "true",
        )
        for c in codes
    ]
    stated.append(
        ("registered_clinical_trials", "registered_clinical_trials", "", 21, "discussion", "false")
    )
    counts = pd.DataFrame(
        {
            "key": [s[0] for s in stated],
            "quantity": [s[1] for s in stated],
            "group": [s[2] for s in stated],
            "value": [str(s[3]) for s in stated],
            "section": [s[4] for s in stated],
            "quote": quote,
            "derivable": [s[5] for s in stated],
        }
    )
    return {
        "search_strategies": search,
        "prisma_flow": prisma,
        "msc_sources": sources,
        "animal_models": models,
        "stated_counts": counts,
        "search_rounds": pd.DataFrame(
            {
                "round": ["1"],
                "searched": ["2025-07"],
                "basis": ["quoted"],
                "evidence": ["the final search update occurred in July 2025"],
                "version": [""],
                "changes": [""],
            }
        ),
        "study_removals": pd.DataFrame(columns=["study_id", "round", "reason", "note"]),
    }


@dataclass(frozen=True)
class LaterRound:
    """An update search: its number, new studies, removals, databases and exclusions."""

    round: int
    new_studies: int
    removed: int = 0
    databases: int = 3
    flow: tuple[int, int, int, int] = (2, 10, 20, 3)  # citations, duplicates, excl., rep. excl.


def add_later_rounds(
    frames: dict[str, pd.DataFrame], rounds: Sequence[LaterRound], published: int
) -> None:
    """Append the rows of update rounds to ``frames`` (search_rounds, search_strategies,
    prisma_flow), built backwards from each round's new studies so that every equation of the
    PRISMA 2020 flow for updated reviews holds; ``published`` is round 1's new_studies."""
    import pandas as pd

    total = published
    for item in rounds:
        citations, duplicates, records_excluded, reports_excluded = item.flow
        assessed = item.new_studies + reports_excluded
        screened = assessed + records_excluded
        identified = screened + duplicates
        database_results = max(identified - citations, 0)
        citations = identified - database_results
        databases = max(1, min(item.databases, len(DATABASES)))
        records = [database_results // databases] * databases
        records[0] += database_results - sum(records)
        previous, total = total, total + item.new_studies - item.removed
        r = str(item.round)
        frames["search_rounds"] = pd.concat(
            [
                frames["search_rounds"],
                pd.DataFrame(
                    [
                        {
                            "round": r,
                            "searched": f"{2024 + item.round}-07",
                            "basis": "declared",
                            "evidence": "",
                            "version": f"0.{item.round}.0",
                            "changes": f"Update search {r}: {item.new_studies} new studies.",
                        }
                    ]
                ),
            ],
            ignore_index=True,
        )
        frames["search_strategies"] = pd.concat(
            [
                frames["search_strategies"],
                pd.DataFrame(
                    {
                        "database": list(DATABASES[:databases]),
                        "table_row": [str(i + 1) for i in range(databases)],
                        "query": "(Premature ovarian failure) AND (Exosomes)",
                        "filter": "No filter set",
                        "records": [str(v) for v in records],
                        "round": r,
                    }
                ),
            ],
            ignore_index=True,
        )
        nodes = [
            ("database_results", database_results),
            ("citations_results", citations),
            ("identified_total", identified),
            ("duplicates", duplicates),
            ("records_screened", screened),
            ("records_excluded", records_excluded),
            ("reports_assessed", assessed),
            ("reports_excluded", reports_excluded),
            ("new_studies", item.new_studies),
            ("previous_studies", previous),
            ("total_studies", total),
        ]
        frames["prisma_flow"] = pd.concat(
            [
                frames["prisma_flow"],
                pd.DataFrame(
                    {
                        "node": [n for n, _ in nodes],
                        "step": [str(i + 1) for i in range(len(nodes))],
                        "count": [str(c) for _, c in nodes],
                        "label": [n.replace("_", " ").capitalize() for n, _ in nodes],
                        "basis": "stated",
                        "evidence": [f"{c} records" for _, c in nodes],
                        "derivation": "",
                        "round": r,
                    }
                ),
            ],
            ignore_index=True,
        )


def background_references(start: int = 1) -> pd.DataFrame:
    """Reference entries no study cites (the review's introduction, methods...)."""
    import pandas as pd

    numbers = range(start, start + BACKGROUND_REFERENCES)
    return pd.DataFrame(
        {
            "reference_number": [str(i) for i in numbers],
            "authors": [f"Page M{chr(65 + i)}, Moher D" for i in numbers],
            "title": [f"Background reading number {i} on reviews" for i in numbers],
            "journal": "BMJ",
            "year": "2021",
            "volume": "372",
            "issue": "",
            "pages": [f"n{i}" for i in numbers],
            "duplicate_of": "",
        }
    )


def synthetic_descriptor(n: int) -> dict[str, Any]:
    """The shipped descriptor (schemas untouched) renamed and described as synthetic."""
    descriptor = shipped_descriptor()
    descriptor["name"] = "msc-exos-pof-synthetic"
    descriptor["title"] = f"Synthetic msc-exos-pof package with {n} studies"
    descriptor["description"] = (
        "Invented rows that satisfy every Table Schema and consistency "
        "rule of msc-exos-pof; for testing and benchmarks only."
    )
    descriptor.pop("id", None)
    return descriptor


RESOURCE_ORDER = (
    "search_strategies",
    "prisma_flow",
    "msc_sources",
    "animal_models",
    "references",
    "studies",
    "study_mechanisms",
    "stated_counts",
    "errata",
    "search_rounds",
    "study_removals",
)


def write_csv(frame: pd.DataFrame, file: Path, columns: list[str], header: bool = True) -> None:
    """Append ``frame`` (text cells, "" for missing) to ``file`` as CSV in schema column order."""
    mode = "w" if header else "a"
    with open(file, mode, encoding="utf-8", newline="") as handle:
        frame.reindex(columns=columns, fill_value="").to_csv(
            handle, index=False, header=header, lineterminator="\n"
        )


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def review_tables(studies: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Rows of the resources about the review's own text (citations, claims, concerns, study
    sources), derived from ``studies`` (text cells): each study's Table 2 citation marker, one
    claim that agrees with its row, its curated MSC source, and one concern."""
    import pandas as pd

    n = len(studies)
    number = pd.Series(range(1, n + 1), index=studies.index).astype(str).str.zfill(3)
    reference = studies["reference_number"].astype(str)
    marker = reference.map(lambda value: value.translate(_SUPERSCRIPT))
    row = "Table 2 › row " + studies["table_row"].astype(str)
    citations = pd.DataFrame(
        {
            "citation_id": "C" + number,
            "section": "table_2",
            "locator": row + " › Study",
            "anchor": studies["label_published"],
            "marker": marker,
            "cited": reference,
            "sentence": studies["label_published"] + " " + marker,
        }
    )
    links = pd.DataFrame(
        {
            "citation_id": citations["citation_id"],
            "reference_number": reference,
            "from_range": "false",
        }
    )
    claims = pd.DataFrame(
        {
            "claim_id": "CL" + number,
            "section": "results",
            "locator": "Results ¶1",
            "quote": studies["label_published"],
            "citation_id": citations["citation_id"],
            "subject_type": "study",
            "study_id": studies["study_id"],
            "attribute": "design",
            "value": studies["design"],
            "expected": "agrees",
        }
    )
    sourced = studies[studies["msc_source"] != ""]
    sources = pd.DataFrame(
        {
            "study_id": sourced["study_id"],
            "msc_source": sourced["msc_source"],
            "basis": "table_2",
            "evidence": sourced["msc_source_published"],
            "evidence_locator": row[sourced.index] + " › MSCs type",
            "table_2": (sourced["msc_source_published"] == sourced["msc_source"]).map(
                {True: "true", False: "false"}
            ),
        }
    )
    concerns = pd.DataFrame(
        [
            {
                "concern_id": "CN-synthetic",
                "kind": "unsupported_claim",
                "section": "results",
                "locator": "Results ¶1",
                "quote": "Synthetic rows",
                "disagreement": "None: synthetic.",
                "resolution": "None.",
            }
        ]
    )
    return {
        "citations": citations,
        "citation_references": links,
        "claims": claims,
        "concerns": concerns,
        "study_msc_sources": sources,
    }


def finish_descriptor(folder: Path, descriptor: dict[str, Any]) -> None:
    """Write each resource's bytes and hash into ``descriptor`` and save it in ``folder``.

    Resources outside ``RESOURCE_ORDER`` that are not written yet get the rows ``review_tables``
    derives from the written studies (the review's citations, claims and concerns), or else the
    shipped file (the vocabularies).
    """
    import shutil

    import pandas as pd

    from ..io.atomic import write_json_atomic
    from ..io.hashing import file_digest
    from ..io.locate import shipped_package_dir

    derived = {"citations", "citation_references", "claims", "concerns", "study_msc_sources"}
    missing = [
        r["name"]
        for r in descriptor["resources"]
        if r["name"] in derived and not (folder / r["path"]).exists()
    ]
    if missing:
        studies = pd.read_csv(folder / "data" / "studies.csv", dtype=str, keep_default_na=False)
        tables = review_tables(studies)
        for resource in descriptor["resources"]:
            if resource["name"] in missing:
                write_csv(
                    tables[resource["name"]],
                    folder / resource["path"],
                    _columns(descriptor, resource["name"]),
                )
    for resource in descriptor["resources"]:
        target = folder / resource["path"]
        if not target.exists():
            # A resource the generator does not make (the vocabularies): the shipped file.
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shipped_package_dir() / resource["path"], target)
        size, digest = file_digest(folder / resource["path"])
        resource["bytes"] = size
        resource["hash"] = digest
    write_json_atomic(folder / "datapackage.json", descriptor)


def _chunks(total: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, total, size):
        yield start, min(size, total - start)


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
    descriptor = synthetic_descriptor(studies)
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    columns = {name: _columns(descriptor, name) for name in RESOURCE_ORDER}
    files = {name: folder / "data" / f"{name}.csv" for name in RESOURCE_ORDER}
    rows = dict.fromkeys(RESOURCE_ORDER, 0)
    totals, errata = Totals(), Errata()
    next_reference = studies + BACKGROUND_REFERENCES + 1
    write_csv(background_references(), files["references"], columns["references"])
    rows["references"] = BACKGROUND_REFERENCES
    for index, (start, size) in enumerate(_chunks(studies, chunk)):
        plan = random_plan(rng, start, size, descriptor)
        if rounds > 1:  # studies in blocks, round 1 first (an update search adds to the end)
            import numpy as np

            plan.round = 1 + (np.arange(start, start + size) * rounds) // studies
        tables = build_chunk(plan, descriptor)
        if index == 0 and errata_per_kind > 0:
            # Each kind tries rows of its own (a kind may not apply to every row).
            picks = rng.permutation(size)[: 40 * len(ERRATA_KINDS)]
            choices = [
                (kind, int(row))
                for k, kind in enumerate(ERRATA_KINDS)
                for row in picks[k :: len(ERRATA_KINDS)]
            ]
            next_reference = apply_errata(
                tables, choices, errata, next_reference, limit=errata_per_kind
            )
        totals.add(tables.studies)
        for name in ("studies", "references", "study_mechanisms"):
            frame = getattr(tables, name)
            first = index == 0 and name != "references"
            write_csv(frame, files[name], columns[name], header=first)
            rows[name] += len(frame)
        if progress is not None:
            progress(size)  # studies written so far grow by this chunk
    if errata.extra_references:
        write_csv(
            pd.DataFrame(errata.extra_references),
            files["references"],
            columns["references"],
            header=False,
        )
        rows["references"] += len(errata.extra_references)
    count_errata(totals, errata, descriptor)
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
    for name, frame in frames.items():
        write_csv(frame, files[name], columns[name])
        rows[name] = len(frame)
    write_csv(pd.DataFrame(errata.rows), files["errata"], columns["errata"])
    rows["errata"] = len(errata.rows)
    finish_descriptor(folder, descriptor)
    return rows


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

    Refuses a non-empty ``out_dir`` unless ``force`` (then its content is replaced).
    ``progress(studies)`` is called after each chunk with the number of studies it wrote.
    """
    out = Path(out_dir).expanduser()
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out} exists and is not a folder: choose another OUT_DIR")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise FileExistsError(
            f"{out} exists and is not empty; pass --force to replace it, or choose another OUT_DIR"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        # mkdtemp makes a private (0700) folder; the package should get the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        temporary.chmod(0o777 & ~umask)
        rows = write_synthetic(
            temporary, studies, seed=seed, chunk=chunk, progress=progress, rounds=rounds
        )
        if out.is_dir():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            os.replace(out, old / "content")
            os.replace(temporary, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(temporary, out)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return rows
