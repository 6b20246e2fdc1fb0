"""The closed set of rendering behaviours a TEI element can have, and rule conditions.

A behaviour says *what kind of thing* an element becomes in HTML (a block, an
inline span, a heading, a section, a link, a note, a page break, nothing, or
just its children); the engine (`engine.py`) knows how to carry each kind out.
The table that assigns behaviours to TEI elements is `rules.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from lxml import etree

from transform.edition import NSMAP

if TYPE_CHECKING:
    from transform.writers.context import RenderContext

Attributes = Callable[[etree._Element, "RenderContext"], dict[str, str]]
Href = Callable[[etree._Element, "RenderContext"], str | None]
Condition = Callable[[etree._Element], bool]


class Kind(Enum):
    """What an element becomes; the engine has one branch per kind, no more."""

    BLOCK = "block"          # an HTML block element around the children
    INLINE = "inline"        # an HTML phrasing element around the children
    HEADING = "heading"      # h1..h6, the level from the division depth
    SECTION = "section"      # a division: deeper headings, notes listed at its end
    LINK = "link"            # <a href> around the children (a span if no target)
    NOTE = "note"            # a numbered call here, the text listed at the section end
    PAGE_BREAK = "pagebreak"  # printed page number in the margin, with an anchor
    MARKER = "marker"        # an empty TEI element shown as fixed text (gap)
    DATE = "date"            # <time> around the children, both calendars where they differ
    UNWRAP = "unwrap"        # the children only
    OMIT = "omit"            # nothing (the tail is kept)


@dataclass(frozen=True)
class Behaviour:
    """One behaviour with its parameters; built by the helper functions below."""

    kind: Kind
    tag: str = "span"
    css: str = ""
    attributes: Attributes | None = None
    href: Href | None = None
    text: str = ""
    page_locators: bool = False  # a section whose page numbers link to the printed pages


@dataclass(frozen=True)
class Rule:
    """A behaviour that applies when `condition` holds (always, if None)."""

    behaviour: Behaviour
    condition: Condition | None = None
    described: str = "always"


def block(tag: str, css: str = "", attributes: Attributes | None = None) -> Behaviour:
    return Behaviour(Kind.BLOCK, tag, css, attributes)


def inline(tag: str = "span", css: str = "", attributes: Attributes | None = None) -> Behaviour:
    return Behaviour(Kind.INLINE, tag, css, attributes)


def heading(css: str = "") -> Behaviour:
    return Behaviour(Kind.HEADING, "h", css)


def section(css: str = "", page_locators: bool = False) -> Behaviour:
    return Behaviour(Kind.SECTION, "section", css, page_locators=page_locators)


def link(href: Href, css: str = "", attributes: Attributes | None = None) -> Behaviour:
    return Behaviour(Kind.LINK, "a", css, attributes, href)


def note() -> Behaviour:
    return Behaviour(Kind.NOTE, "li")


def page_break() -> Behaviour:
    return Behaviour(Kind.PAGE_BREAK, "span", "pb")


def marker(text: str, css: str = "", attributes: Attributes | None = None) -> Behaviour:
    return Behaviour(Kind.MARKER, "span", css, attributes, text=text)


def date() -> Behaviour:
    return Behaviour(Kind.DATE, "time")


def unwrap() -> Behaviour:
    return Behaviour(Kind.UNWRAP)


def omit() -> Behaviour:
    return Behaviour(Kind.OMIT)


_ATTRIBUTE_TEST = re.compile(r"@([A-Za-z][\w-]*)(?:='([^']*)')?")


def when(test: str | Condition, behaviour: Behaviour) -> Rule:
    """A conditional rule: `test` is an XPath 1.0 boolean (compiled once) or a predicate."""
    if isinstance(test, str):
        simple = _ATTRIBUTE_TEST.fullmatch(test)
        if simple:  # "@ref" or "@type='index'": the same test without the XPath machinery
            name, value = simple.group(1), simple.group(2)

            def attribute_test(element: etree._Element) -> bool:
                found = element.get(name)
                return found is not None if value is None else found == value

            return Rule(behaviour, attribute_test, test)
        compiled = etree.XPath(f"boolean({test})", namespaces=NSMAP)

        def condition(element: etree._Element) -> bool:
            return bool(compiled(element))

        return Rule(behaviour, condition, test)
    return Rule(behaviour, test, test.__name__)


def always(behaviour: Behaviour) -> Rule:
    return Rule(behaviour)
