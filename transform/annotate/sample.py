"""Draw the hand-checked evaluation sample of the names pass, and show it for review.

The sample is reproducible: for each top-level division of a book (front matter,
chapters, back matter) it takes `per_division` paragraphs or list items of at least 200
characters, chosen by `random.Random(f"{seed}-{book}-{division id}")`; for Rothstein it
adds one block of each chapter's Further Reading and `notes` footnotes. `render` shows a
block with its tags as [text|kind:id], titles as <T>…</T> and notes inline, which is what
the reviewer reads to count true, false and missed mentions (tests/fixtures/annotate/
evaluation.md records the counts).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from lxml import etree

from transform.edition import TEI_NS, XML_NS
from transform.tei import reading_text

T = f"{{{TEI_NS}}}"
XML_ID = f"{{{XML_NS}}}id"
NAMES = {"persName": "per", "placeName": "pla", "orgName": "org"}


@dataclass(frozen=True)
class SampleBlock:
    """One block of the sample: where it was drawn from and the element itself."""

    stratum: str
    division: str
    element: etree._Element


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def draw_sample(root: etree._Element, book: str, seed: str = "eval",
                per_division: int = 2, notes: int = 5) -> list[SampleBlock]:
    """The sample blocks of one book, in document order within each stratum."""
    blocks: list[SampleBlock] = []
    text = root.find(T + "text")
    for part in text:
        for division in part:
            if _local(division) != "div":
                continue
            pool = [p for p in division.iter(T + "p", T + "item")
                    if len("".join(p.itertext())) >= 200]
            rng = random.Random(f"{seed}-{book}-{division.get(XML_ID)}")
            chosen = rng.sample(pool, min(per_division, len(pool)))
            blocks += [SampleBlock("text", division.get(XML_ID), p)
                       for p in sorted(chosen, key=pool.index)]
    if book == "rothstein":
        for division in root.iter(T + "div"):
            if division.get("type") != "bibliography":
                continue
            pool = [p for p in division.iter(T + "p", T + "item", T + "bibl")
                    if len("".join(p.itertext())) >= 100]
            if pool:
                rng = random.Random(f"{seed}-bibl-{division.get(XML_ID)}")
                blocks.append(SampleBlock("further-reading", division.get(XML_ID),
                                          rng.choice(pool)))
        footnotes = [n for n in root.iter(T + "note") if n.get("place") == "foot"]
        chosen = random.Random(f"{seed}-roth-notes").sample(footnotes,
                                                            min(notes, len(footnotes)))
        blocks += [SampleBlock("footnote", n.get(XML_ID), n)
                   for n in sorted(chosen, key=footnotes.index)]
    return blocks


def render(element: etree._Element) -> str:
    """The block's text with its name tags made visible for review."""
    out = [element.text or ""]
    for child in element:
        name = _local(child)
        if name in NAMES:
            ref = child.get("ref", "").split("#")[-1]
            out.append(f"[{reading_text(child)}|{NAMES[name]}:{ref}]")
        elif name == "note":
            out.append("{NOTE " + render(child) + "}")
        elif name == "choice":
            corr = child.find(T + "corr")
            out.append(render(corr if corr is not None else child))
        elif name == "title":
            out.append("<T>" + "".join(child.itertext()) + "</T>")
        elif name in {"pb", "lb", "sic"}:
            pass
        else:
            out.append(render(child))
        out.append(child.tail or "")
    return "".join(out)
