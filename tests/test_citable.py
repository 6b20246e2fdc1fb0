"""One definition of the citable passages (transform.cite.CITABLE): the cite controls,
the search records and the DTS citation tree of the real books agree, and where they
differ, the difference is the one intended."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

from transform.cite import Citer, current_edition, is_citable, within_passage
from transform.edition import TEI_DIR, TEI_NS
from transform.tei import reading_text
from transform.writers.collect import collect_edition
from transform.writers.dts import citation_trees
from transform.writers.search import search_records

pytestmark = pytest.mark.corpus


def test_cite_controls_search_records_and_dts_units_agree(real_site: Path) -> None:
    edition = collect_edition(TEI_DIR)
    citer = Citer(edition, current_edition(edition))
    elements = {xml_id: element for book in citer.books.values()
                for xml_id, element in book.elements.items()}
    controls = {span.get("data-id") for page in real_site.glob("*/*.html")
                for span in html.parse(str(page)).iterfind(".//span[@class='cite']")}
    records = {record.meta["id"] for record in search_records(edition, citer)}
    units = {unit.value for book in edition.books
             for unit in citation_trees(book.tree.getroot())[0].units
             if unit.cite_type in ("paragraph", "note")}
    assert len(records) > 1500
    assert all(is_citable(elements[xml_id]) for xml_id in controls | records)
    # every passage has a control; a record only the outermost passages with text
    assert records <= controls
    assert controls - records == {x for x in controls if within_passage(elements[x])
                                  or not reading_text(elements[x])}
    # the books' citation tree: figures and tables besides the passages, footnotes only
    citable_units = {x for x in units if is_citable(elements[x])}
    assert {elements[x].tag for x in units - citable_units} == {
        f"{{{TEI_NS}}}figure", f"{{{TEI_NS}}}table"}
    assert citable_units - records == {x for x in citable_units
                                       if not reading_text(elements[x])}
    assert {elements[x].get("type") for x in records - citable_units} == {"editorial"}
