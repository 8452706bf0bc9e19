"""Invented cell values a synthetic package draws from (never field definitions: the codes a
field allows come from the shipped Table Schema)."""

from __future__ import annotations

#: First authors' family names.
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
#: MSC source code -> (full name, tissue, origin).
SOURCE_NAMES = {
    "BMSC": ("Bone marrow mesenchymal stem cells", "bone marrow", "adult"),
    "hUCMSC": ("Human umbilical cord mesenchymal stem cells", "human umbilical cord", "perinatal"),
    "ADSC": ("Adipose-derived stem cells", "adipose tissue", "adult"),
    "PMSC": ("Placenta mesenchymal stem cells", "placenta", "perinatal"),
    "AFSC": ("Amniotic Fluid Stem Cells", "amniotic fluid", "perinatal"),
    "MenSC": ("Menstrual Blood-Derived Mesenchymal Stem Cells", "menstrual blood", "adult"),
}
DATABASES = ("PubMed", "Embase", "Web Of Science", "Ovid Database", "Cochrane Library", "Scopus")
#: Reference entries no study cites (the review's introduction, methods...), numbered first.
BACKGROUND_REFERENCES = 3
