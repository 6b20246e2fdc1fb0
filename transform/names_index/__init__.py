"""The index of names across both books: collect, locators, sort keys, exports, reports.

Phase one (`collect`) reads the registers and the tagged books into typed
objects (`model`); `locators` and `sorting` say how a printed index writes and
files them; `export` writes TEI, JSON and CSV; `printed` compares the index
with Rothstein's own printed index; `coverage` is the editors' report. The
HTML pages are written by `transform.writers.index_pages`.
"""

from transform.names_index.collect import build_index, collect_index
from transform.names_index.model import Entry, Locator, Mention, NamesIndex, SeeReference

__all__ = ["Entry", "Locator", "Mention", "NamesIndex", "SeeReference", "build_index",
           "collect_index"]
