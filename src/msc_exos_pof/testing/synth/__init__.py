"""Synthetic, internally consistent data packages of any size, written in vectorised chunks.

The same row builder serves two callers: ``msc-exos-pof synth`` (numpy random draws, a chunk of
100k studies at a time, so a million studies never become a million Python objects) and the
hypothesis strategies of ``msc_exos_pof.testing`` (draws from hypothesis, one small chunk).
Field definitions are never written here: the descriptor's schemas are copied from the shipped
``datapackage.json``; this package only invents cell values that satisfy them. It needs numpy
and pandas only (no hypothesis), so ``synth`` works from a plain install.

Modules, in the order a package is built: ``invented`` (the invented values), ``plan`` (the
per-study choices), ``studies`` (studies, references, mechanism links), ``errata`` (documented
differences), ``flow`` and ``summary`` (the published round's tables), ``rounds`` (update
searches), ``review`` (citations, claims, concerns), ``package`` (a whole small package, the
finished descriptor) and ``writer`` (``synth``: a large package, chunk by chunk).
"""

from __future__ import annotations

from .package import assemble, finish_descriptor, shipped_descriptor, synthetic_descriptor
from .writer import CHUNK, synth, write_synthetic

__all__ = [
    "CHUNK",
    "assemble",
    "finish_descriptor",
    "shipped_descriptor",
    "synth",
    "synthetic_descriptor",
    "write_synthetic",
]
