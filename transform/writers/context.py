"""The state of rendering one site page, shared by the engine and the rules.

A `RenderContext` is made per page (never global): its path, where every id
lives, its notes waiting to be listed, the ids it has used, the printed pages
it anchors, and what it found worth a warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from transform import urls
from transform.diagnostics import Diagnostic
from transform.names_index.printed import LocatorLink


@dataclass
class PendingNote:
    """A note whose call is placed and whose text waits for the end of its section."""

    element: etree._Element
    label: str
    call_id: str
    body_id: str
    editorial: bool


@dataclass(frozen=True)
class PageAnchor:
    """A printed page's anchor as rendered on a site page."""

    n: str
    anchor: str


@dataclass
class RenderContext:
    """The state of rendering one site page: its path, its notes, its ids."""

    page: str
    source: str
    targets: Mapping[str, str] = field(default_factory=dict)
    depth: int = 0
    notes: list[PendingNote] = field(default_factory=list)
    note_count: int = 0
    editorial_count: int = 0
    ids: set[str] = field(default_factory=set)
    page_anchors: list[PageAnchor] = field(default_factory=list)
    printed_pages: Mapping[str, str] = field(default_factory=dict)
    # the estimated page of each page break whose number the witness does not give
    page_estimates: Mapping[etree._Element, int] = field(default_factory=dict)
    estimate_note: str = ""  # how good the estimates are, as measured
    # a printed index: per item id, each printed page → where it links (or why not)
    index_links: Mapping[str, Mapping[int, LocatorLink]] = field(default_factory=dict)
    index_item: str = ""  # the printed index's item being rendered
    mention_ids: Mapping[etree._Element, str] = field(default_factory=dict)
    page_locators: bool = False
    link_depth: int = 0  # > 0 while rendering inside an <a>: links must not nest
    has_interventions: bool = False  # a correction, supplied or surplus text, a gap
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def warn(self, element: etree._Element, message: str, code: str) -> None:
        self.diagnostics.append(
            Diagnostic(self.source, element.sourceline or 0, 0, "warning", message, code)
        )

    def resolve(self, target: str) -> str | None:
        """A `@target` as a site path (or an absolute URL), None if it points nowhere."""
        if "://" in target or target.startswith("mailto:"):
            return target
        if target.startswith("#"):
            page = self.targets.get(target[1:])
            return f"{page}{target}" if page else None
        register = urls.register_kind(target)
        return urls.register_entry(*register) if register else None
