"""The register of events on the site: the chronology, the two accounts, the timeline.

- `events/index.html`, the chronology: every event in order of date, with its dates (both
  calendars where Russia's differed), its description and how many passages of each book
  narrate it; the timeline above it; filters by period and by person, place or
  organisation (static/events.js), and without scripts the same complete list, grouped by
  period, with a link to each period.
- `events/<id>.html`, an event's "two accounts": Carr's passages and Rothstein's side by
  side, each in full with its citation, printed page and a link into the reading text;
  the event's people, places and organisations linked to the index of names.
- `events/timeline.svg`, drawn here: 1861–1950, the events as marks (each a link to its
  page), and under them how many words each book spends on each year (`words_per_year`).
- `downloads/events.json`, `downloads/events.csv`: the register as data.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass

from lxml import etree
from markupsafe import Markup

from transform import urls
from transform.edition import EDITION_TITLE, TEI_NS, XML_NS
from transform.events import FIRST_YEAR, LAST_YEAR, Event, EventRegister, passage_years
from transform.names_index.export import spreadsheet_safe
from transform.tei import reading_text
from transform.writers.collect import BookEdition, Edition
from transform.writers.context import RenderContext
from transform.writers.pages import Chrome, Link

_T = f"{{{TEI_NS}}}"
_XML_ID = f"{{{XML_NS}}}id"
SVG_NS = "http://www.w3.org/2000/svg"
KIND_LABELS = {"persons": "People", "places": "Places", "orgs": "Organisations"}
PERIODS = (
    ("1861-1904", "1861–1904: the old order", 1861, 1904),
    ("1905-1916", "1905–1916: the first revolution and the war", 1905, 1916),
    ("1917", "1917: the two revolutions", 1917, 1917),
    ("1918-1921", "1918–1921: civil war and intervention", 1918, 1921),
    ("1922-1928", "1922–1928: NEP and the succession", 1922, 1928),
    ("1929-1938", "1929–1938: the plans and the purges", 1929, 1938),
    ("1939-1950", "1939–1950: the Second World War", 1939, 1950),
)
WORDS_METHOD = (
    "Each paragraph and note of a book is given to the years of the dates tagged in it, "
    "its words shared equally among them (a range counts each of its years, ten at most); "
    "a passage without a date belongs to the year of the last dated passage before it in "
    "the same chapter. Passages before any date are not counted.")


def period_of(event: Event) -> str:
    return next((key for key, _, first, last in PERIODS if first <= event.year <= last),
                PERIODS[-1][0])


# ------------------------------------------------------------------ words per year


def words_per_year(book: BookEdition) -> dict[int, float]:
    """How many words of `book` tell each year (see WORDS_METHOD)."""
    counts: Counter[int] = Counter()
    body = book.tree.getroot().find(f"{_T}text/{_T}body")
    if body is None:
        return {}
    for chapter in body.iterchildren(f"{_T}div"):
        current: list[int] = []
        for passage in chapter.iter(f"{_T}p", f"{_T}note"):
            if passage.get("type") == "editorial" or passage.get(_XML_ID) is None:
                continue
            if any(a.tag == f"{_T}p" for a in passage.iterancestors()) and passage.tag == f"{_T}p":
                continue
            words = len(reading_text(passage).split())
            years = sorted(set(passage_years(passage)))
            if years:
                current = years
            for year in current:
                counts[year] += words / len(current)
    return {year: round(counts[year], 1) for year in range(FIRST_YEAR, LAST_YEAR + 1)}


# ------------------------------------------------------------------ the timeline


def timeline_svg(register: EventRegister, words: dict[str, dict[int, float]],
                 labels: dict[str, str], link: callable, standalone: bool = True) -> bytes:
    """The timeline as SVG: marks that link to events (`link(event) -> href`), and a bar
    per year and book for the words each book spends on it."""
    width, left, right = 1200, 60, 20
    span = LAST_YEAR - FIRST_YEAR + 1
    step = (width - left - right) / span
    lanes: list[float] = []  # the right end of the last mark in each lane
    placed: list[tuple[Event, int]] = []
    for event in register.events:
        x0 = left + (event.year - FIRST_YEAR) * step
        x1 = left + (event.end_year - FIRST_YEAR + 1) * step
        lane = next((i for i, end in enumerate(lanes) if end <= x0), None)
        if lane is None:
            lanes.append(0)
            lane = len(lanes) - 1
        lanes[lane] = max(x1, x0 + step)
        placed.append((event, lane))
    lane_height = 9
    marks_top = 40
    axis = marks_top + max(len(lanes), 1) * lane_height + 10
    bar_height = 110
    books = list(words)
    height = axis + 30 + bar_height * len(books) + 30
    top = max((v for counts in words.values() for v in counts.values()), default=1) or 1
    svg = etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS})
    svg.set("viewBox", f"0 0 {width} {height}")
    svg.set("role", "img")
    svg.set("aria-labelledby", "timeline-title timeline-desc")
    svg.set("class", "timeline")
    title = etree.SubElement(svg, f"{{{SVG_NS}}}title", id="timeline-title")
    title.text = "Timeline of the events narrated by Carr and Rothstein, 1861–1950"
    desc = etree.SubElement(svg, f"{{{SVG_NS}}}desc", id="timeline-desc")
    busiest = {b: sorted(words[b], key=lambda y: -words[b][y])[:3] for b in books}
    desc.text = (f"{len(register.events)} events as marks along the years 1861 to 1950, each "
                 "a link to its page; below, one bar chart per book of the words it spends "
                 "on each year. " + " ".join(
                     f"{labels[b]} dwells most on {', '.join(map(str, busiest[b]))}."
                     for b in books))
    style = etree.SubElement(svg, f"{{{SVG_NS}}}style")
    style.text = (".mark{fill:#8a1c1c}.mark:hover,a:focus .mark{fill:#1f4e79}"
                  ".bar-carr{fill:#1f4e79}.bar-rothstein{fill:#8a1c1c}"
                  "text{font:12px system-ui,sans-serif;fill:#1d1d1b}.axis{stroke:#595959}"
                  ".tick{stroke:#d8d2c4}")
    for year in range(FIRST_YEAR - FIRST_YEAR % 10 + 10, LAST_YEAR + 1, 10):
        x = left + (year - FIRST_YEAR) * step
        etree.SubElement(svg, f"{{{SVG_NS}}}line", x1=f"{x:.1f}", x2=f"{x:.1f}", y1="30",
                         y2=f"{height - 20}", attrib={"class": "tick"})
        label = etree.SubElement(svg, f"{{{SVG_NS}}}text", x=f"{x:.1f}", y="24",
                                 attrib={"text-anchor": "middle"})
        label.text = str(year)
    for event, lane in placed:
        x0 = left + (event.year - FIRST_YEAR) * step
        x1 = left + (event.end_year - FIRST_YEAR + 1) * step
        anchor = etree.SubElement(svg, f"{{{SVG_NS}}}a", href=link(event))
        anchor.set("aria-label", f"{event.label}, {event.date_label()}")
        rect = etree.SubElement(anchor, f"{{{SVG_NS}}}rect", x=f"{x0 + 1:.1f}",
                                y=f"{marks_top + lane * lane_height}",
                                width=f"{max(x1 - x0 - 2, 3):.1f}", height="7", rx="2",
                                attrib={"class": "mark"})
        tip = etree.SubElement(rect, f"{{{SVG_NS}}}title")
        tip.text = f"{event.label} ({event.date_label()})"
    etree.SubElement(svg, f"{{{SVG_NS}}}line", x1=str(left), x2=str(width - right),
                     y1=str(axis), y2=str(axis), attrib={"class": "axis"})
    for n, book in enumerate(books):
        base = axis + 30 + (n + 1) * bar_height
        caption = etree.SubElement(svg, f"{{{SVG_NS}}}text", x=str(left),
                                   y=str(base - bar_height + 14))
        caption.text = f"{labels[book]}: words per year"
        for year, count in words[book].items():
            if not count:
                continue
            h = count / top * (bar_height - 24)
            x = left + (year - FIRST_YEAR) * step
            bar = etree.SubElement(svg, f"{{{SVG_NS}}}rect", x=f"{x + 1:.1f}",
                                   y=f"{base - h:.1f}", width=f"{step - 2:.1f}",
                                   height=f"{h:.1f}", attrib={"class": f"bar-{book}"})
            tip = etree.SubElement(bar, f"{{{SVG_NS}}}title")
            tip.text = f"{labels[book]}, {year}: {round(count):,} words"
        etree.SubElement(svg, f"{{{SVG_NS}}}line", x1=str(left), x2=str(width - right),
                         y1=str(base), y2=str(base), attrib={"class": "axis"})
    return etree.tostring(svg, xml_declaration=standalone, encoding="utf-8")


# ------------------------------------------------------------------ pages


@dataclass(frozen=True)
class EventItem:
    id: str
    label: str
    href: str
    dates: str
    calendars: str
    description: str
    counts: tuple[tuple[str, int], ...]
    period: str
    entities: str  # "persons/lenin orgs/bolsheviks"
    years: str


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    events: tuple[EventItem, ...]


@dataclass(frozen=True)
class EntityOption:
    value: str
    label: str


@dataclass(frozen=True)
class YearWords:
    year: int
    counts: tuple[int, ...]


@dataclass(frozen=True)
class ChronologyPage:
    chrome: Chrome
    periods: tuple[Period, ...]
    count: int
    books: tuple[str, ...]
    timeline: Markup
    timeline_href: str
    entities: tuple[EntityOption, ...]
    words: tuple[YearWords, ...]
    method: str
    script: str
    downloads: tuple[Link, ...]


@dataclass(frozen=True)
class Account:
    key: str
    label: str
    passages: tuple[Markup, ...]


@dataclass(frozen=True)
class EventPage:
    chrome: Chrome
    event: EventItem
    type: str
    participants: tuple[tuple[str, tuple[Link, ...]], ...]
    accounts: tuple[Account, ...]
    chronology: Link
    previous: Link | None
    next: Link | None
    script: str


class EventPages:
    """Writes the chronology, the event pages, the timeline and the data."""

    def __init__(self, writer: object, edition: Edition) -> None:
        self.writer = writer
        self.edition = edition
        self.register = edition.events
        self.books = {b.key: b for b in edition.books}
        self.labels = {b.key: b.author.split()[-1] for b in edition.books}
        self.names = {(c.kind, c.entry_id): c.name for c in edition.registers}
        self.words = {b.key: words_per_year(b) for b in edition.books}

    def item(self, event: Event, page: str) -> EventItem:
        return EventItem(
            event.id, event.label, urls.relative(page, urls.event(event.id)),
            event.date_label(), event.both_calendars() or "", event.description,
            tuple((self.labels[k], len(event.passages.get(k, ()))) for k in self.books),
            period_of(event),
            " ".join(sorted({f"{p.kind}/{p.entry_id}" for p in event.participants})),
            " ".join(str(y) for y in event.years))

    def timeline(self, page: str, standalone: bool) -> bytes:
        return timeline_svg(self.register, self.words, self.labels,
                            lambda e: urls.relative(page, urls.event(e.id)), standalone)

    def chronology(self) -> tuple[str, bytes]:
        path = urls.EVENTS
        items = [self.item(e, path) for e in self.register.events]
        periods = tuple(Period(key, label, tuple(i for i in items if i.period == key))
                        for key, label, _, _ in PERIODS)
        entities = sorted({(p.kind, p.entry_id) for e in self.register.events
                           for p in e.participants if (p.kind, p.entry_id) in self.names},
                          key=lambda k: self.names[k].lower())
        chrome = self.writer.chrome(path, f"Chronology — {EDITION_TITLE}", "en",
                                    self.writer.citations.page_citation(path, "Chronology"),
                                    [("Home", urls.HOME), ("Chronology", path)])
        page = ChronologyPage(
            chrome, tuple(p for p in periods if p.events), len(items),
            tuple(self.labels.values()),
            Markup(self.timeline(path, standalone=False).decode("utf-8")),
            urls.relative(path, urls.EVENTS_TIMELINE),
            tuple(EntityOption(f"{k}/{i}", f"{self.names[(k, i)]} ({KIND_LABELS[k][:-1].lower()})"
                               if k != "orgs" else f"{self.names[(k, i)]} (organisation)")
                  for k, i in entities),
            tuple(YearWords(y, tuple(round(self.words[b][y]) for b in self.books))
                  for y in range(FIRST_YEAR, LAST_YEAR + 1)
                  if any(self.words[b][y] for b in self.books)),
            WORDS_METHOD, urls.relative(path, urls.EVENTS_SCRIPT),
            (Link("TEI", urls.relative(path, urls.tei_source("events.xml"))),
             Link("JSON", urls.relative(path, urls.EVENTS_DATA["json"])),
             Link("CSV", urls.relative(path, urls.EVENTS_DATA["csv"]))))
        return path, self.render("events.html", page)

    def shown_passages(self, book: BookEdition, ids: tuple[str, ...]) -> list[str]:
        """The passages to show: a footnote or quotation inside a paragraph that is shown
        too is shown with it, not twice."""
        elements = self.writer.citations.citer.books[book.key].elements
        wanted = set(ids)
        return [i for i in ids if not any(a.get(_XML_ID) in wanted
                                          for a in elements[i].iterancestors())]

    def passage_html(self, book: BookEdition, xml_id: str, ctx: RenderContext) -> Markup:
        path = ctx.page
        citer = self.writer.citations.citer
        element = citer.books[book.key].elements[xml_id]
        passage = citer.passage(book.key, xml_id)
        body = self.writer.render_fragment([element], ctx)
        where = urls.relative(path, passage.site_path)  # the page and the passage's anchor
        citation = citer.format(passage, "chicago", citer.info.permalink(passage.site_path))
        kind = "Footnote" if element.tag == f"{_T}note" else "Paragraph"
        return Markup(
            '<article class="account-passage" id="account-{id}">'
            '<p class="account-where"><a class="account-link" href="{href}">{kind}, {page}'
            ' — read in context</a></p>{body}'
            '<p class="account-cite"><span class="cite-label">Cite as:</span> {cite}</p>'
            "</article>").format(id=xml_id, href=where, kind=kind, page=passage.pages.label,
                                 body=body, cite=citation)

    def event_page(self, index: int) -> tuple[str, bytes]:
        event = self.register.events[index]
        path = urls.event(event.id)
        item = self.item(event, path)
        groups = []
        for kind in ("persons", "places", "orgs"):
            links = tuple(Link(self.names.get((p.kind, p.entry_id), p.name),
                               urls.relative(path, urls.register_entry(p.kind, p.entry_id)))
                          for p in event.participants if p.kind == kind)
            if links:
                groups.append((KIND_LABELS[kind], links))
        accounts = []
        for key, book in self.books.items():
            ctx = RenderContext(path, book.source.name, self.edition.targets,
                                mention_ids=self.edition.mention_ids)
            accounts.append(Account(key, f"{book.author}, {book.title}", tuple(
                self.passage_html(book, xml_id, ctx)
                for xml_id in self.shown_passages(book, event.passages.get(key, ())))))
        events = self.register.events
        neighbour = {
            "previous": events[index - 1] if index else None,
            "next": events[index + 1] if index + 1 < len(events) else None}
        chrome = self.writer.chrome(path, f"{event.label} — {EDITION_TITLE}", "en",
                                    self.writer.citations.page_citation(path, event.label),
                                    [("Home", urls.HOME), ("Chronology", urls.EVENTS),
                                     (event.label, path)])
        page = EventPage(chrome, item, event.type.replace("-", " "), tuple(groups),
                         tuple(accounts),
                         Link("Chronology", urls.relative(path, urls.EVENTS) + f"#{event.id}"),
                         *(Link(e.label, urls.relative(path, urls.event(e.id))) if e else None
                           for e in neighbour.values()),
                         urls.relative(path, urls.EVENTS_SCRIPT))
        return path, self.render("event.html", page)

    def render(self, template: str, page: object) -> bytes:
        return self.writer.env.get_template(template).render(page=page).encode("utf-8")

    def data(self) -> list[tuple[str, bytes]]:
        rows = [{
            "id": e.id, "label": e.label, "type": e.type, "start": e.start, "end": e.end,
            "julian_start": e.julian, "julian_end": e.julian_end, "cert": e.cert,
            "description": e.description,
            "participants": [f"{p.kind}/{p.entry_id}" for p in e.participants],
            "carr": list(e.passages.get("carr", ())),
            "rothstein": list(e.passages.get("rothstein", ())),
            "page": urls.event(e.id)} for e in self.register.events]
        text = io.StringIO()
        out = csv.writer(text, lineterminator="\n")
        out.writerow(["id", "label", "type", "start", "end", "julian_start", "julian_end",
                      "cert", "description", "participants", "carr", "rothstein", "page"])
        for row in rows:
            out.writerow([spreadsheet_safe(v if not isinstance(v, list) else " ".join(v))
                          for v in row.values()])
        return [(urls.EVENTS_DATA["json"], json.dumps(
                    {"events": rows, "words_per_year": {
                        k: {str(y): v for y, v in w.items() if v} for k, w in self.words.items()},
                     "words_per_year_method": WORDS_METHOD},
                    ensure_ascii=False, indent=1).encode("utf-8")),
                (urls.EVENTS_DATA["csv"], text.getvalue().encode("utf-8"))]

    def files(self) -> list[tuple[str, bytes]]:
        if not self.register.events:
            return []
        return [self.chronology(),
                *(self.event_page(i) for i in range(len(self.register.events))),
                (urls.EVENTS_TIMELINE, self.timeline(urls.EVENTS_TIMELINE, standalone=True)),
                *self.data()]
