"""Finding, reading and typing a package: where it is (``locate``), its descriptor and resources
(``descriptor``), the one reading of Table Schema (``tableschema``), CSV bytes and Arrow parsing
(``table``), typed frames (``convert``), hashes, atomic writes, and what checks look at
(``context``). Nothing here writes to a package it reads."""
