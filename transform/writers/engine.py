"""The rendering engine: walks TEI, looks each element up in `rules.RULES`, builds HTML.

HTML is built as lxml elements (never as strings) and serialised once per
page. What every element shares is done here, once: its `id` (from
`xml:id`, checked unique on the page), its `lang` (from `xml:lang`) and its
classes. Two safety nets keep the output valid HTML whatever the TEI nests:
a block inside phrasing content becomes a `span` (styled as a block), and
anything but an item inside a list or a row inside a table is moved into the
nearest item. Footnotes are numbered through a per-page `RenderContext`
(never global state) and listed at the end of their section.
"""

from __future__ import annotations

import re

from lxml import etree

from transform import urls
from transform.edition import TEI_NS, XML_NS
from transform.calendars import both_calendars
from transform.tei import append_text
from transform.writers.behaviours import Behaviour, Kind, inline
from transform.writers.context import PageAnchor, PendingNote, RenderContext
from transform.writers.rules import RULES
from transform.xmlsafe import link_target_problem

_XML_ID = f"{{{XML_NS}}}id"
_XML_LANG = f"{{{XML_NS}}}lang"
_TEI = f"{{{TEI_NS}}}"
_DIV = f"{_TEI}div"

# HTML elements whose content must be phrasing: a block rendered inside one is
# turned into a span (the "block" class keeps its layout).
_PHRASING_ONLY = frozenset({
    "p", "span", "a", "em", "i", "b", "cite", "abbr", "sup", "sub", "small", "strong", "q",
    "h1", "h2", "h3", "h4", "h5", "h6", "dt", "label", "time"
})
_FLOW_ONLY = frozenset({
    "div", "p", "section", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "figure",
    "figcaption", "table", "caption", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6"
})
_INTERVENTIONS = frozenset({"intervention", "corrected", "original"})
# Containers whose children are restricted; anything else is moved into an item.
_STRICT_CHILDREN = {
    "ul": frozenset({"li"}),
    "ol": frozenset({"li"}),
    "dl": frozenset({"dt", "dd"}),
    "table": frozenset({"caption", "tr"}),
    "tr": frozenset({"td", "th"}),
}
_TOKEN = re.compile(r"[^A-Za-z0-9_-]+")
# What HTML's datetime attribute takes of TEI's dates: a year, a month, a day. Ranges and
# dates without a year are not given: the Nu checker refuses "--05-25" (a yearless date,
# which the HTML standard's time element lists) and the pages must pass it.
_HTML_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
# A page number or range in a printed index ("58", "131-3", "124--125"); not "2nd", not 1917.
_LOCATOR = re.compile(r"(?<![\w.-])(\d{1,3})(?:(--?|–)(\d{1,3}))?(?![\w])")


def local_name(element: etree._Element) -> str:
    return element.tag.rpartition("}")[2]


def behaviour_for(element: etree._Element, ctx: RenderContext) -> Behaviour:
    """The first rule of the element's entry whose condition holds."""
    rules = RULES.get(local_name(element))
    if rules is None:
        ctx.warn(element, f"no rendering rule for <{local_name(element)}>; rendered as a "
                 "plain span (add it to transform/writers/rules.py)", "render-unknown-element")
        return inline("span")
    for rule in rules:
        if rule.condition is None or rule.condition(element):
            return rule.behaviour
    return rules[-1].behaviour


def _html_tag(tag: str, out: etree._Element) -> str:
    return "span" if tag in _FLOW_ONLY and out.tag in _PHRASING_ONLY else tag


class Renderer:
    """Renders TEI subtrees into HTML element trees by the rules table."""

    def __init__(self) -> None:
        self._classes: dict[tuple[object, ...], str] = {}

    def render_children(self, element: etree._Element, out: etree._Element,
                        ctx: RenderContext) -> None:
        self._text(out, element.text, ctx)
        for child in element:
            self.render(child, out, ctx)

    def render(self, element: etree._Element, out: etree._Element, ctx: RenderContext) -> None:
        """Render one TEI element (and then its tail) at the end of `out`."""
        if not isinstance(element.tag, str):  # comments and processing instructions
            self._text(out, element.tail, ctx)
            return
        behaviour = behaviour_for(element, ctx)
        kind = behaviour.kind
        if kind is Kind.OMIT:
            pass
        elif kind is Kind.UNWRAP:
            self.render_children(element, out, ctx)
        elif kind in (Kind.BLOCK, Kind.INLINE):
            html = self._open(out, _html_tag(behaviour.tag, out), element, behaviour, ctx)
            item = element.get(_XML_ID) if ctx.page_locators else None
            if item in ctx.index_links:  # its page numbers link to where its name occurs
                outer_item, ctx.index_item = ctx.index_item, item
                self.render_children(element, html, ctx)
                ctx.index_item = outer_item
            else:
                self.render_children(element, html, ctx)
        elif kind is Kind.HEADING:
            level = min(max(ctx.depth, 1), 6)
            html = self._open(out, _html_tag(f"h{level}", out), element, behaviour, ctx)
            self.render_children(element, html, ctx)
        elif kind is Kind.SECTION:
            self._section(element, out, behaviour, ctx)
        elif kind is Kind.LINK:
            self._link(element, out, behaviour, ctx)
        elif kind is Kind.NOTE:
            self._note_call(element, out, ctx)
        elif kind is Kind.PAGE_BREAK:
            self._page_break(element, out, behaviour, ctx)
        elif kind is Kind.MARKER:
            html = self._open(out, "span", element, behaviour, ctx)
            html.text = behaviour.text
        elif kind is Kind.DATE:
            self._date(element, out, behaviour, ctx)
        self._text(out, element.tail, ctx)

    def render_page(self, elements: list[etree._Element], ctx: RenderContext,
                    container: str = "div") -> etree._Element:
        """Render a sequence of TEI elements as the content of one page."""
        root = etree.Element(container)
        for element in elements:
            self.render(element, root, ctx)
            # the tail of a top-level element is the TEI's indentation between divisions
        self.flush_notes(root, ctx)
        repair_strict_containers(root)
        return root

    # --- the behaviours that need more than an element around the children ---------

    def _open(self, out: etree._Element, tag: str, element: etree._Element,
              behaviour: Behaviour, ctx: RenderContext, html_id: str | None = None
              ) -> etree._Element:
        html = etree.SubElement(out, tag)
        self._decorate(html, element, behaviour, ctx, html_id)
        return html

    def _decorate(self, html: etree._Element, element: etree._Element, behaviour: Behaviour,
                  ctx: RenderContext, html_id: str | None = None) -> None:
        as_block = html.tag == "span" and behaviour.tag in _FLOW_ONLY
        key = (element.tag, behaviour.css, as_block, element.get("type"), element.get("rend"))
        classes = self._classes.get(key)
        if classes is None:  # a few hundred combinations for thousands of elements
            names = [f"tei-{local_name(element)}"]
            if behaviour.css:
                names.append(behaviour.css)
            if as_block:
                names.append("block")
            for tokens, prefix in ((key[3], "type-"), (key[4], "rend-")):
                names += [prefix + _TOKEN.sub("-", token) for token in (tokens or "").split()]
            classes = self._classes[key] = " ".join(names)
        html.set("class", classes)
        if behaviour.css in _INTERVENTIONS:
            ctx.has_interventions = True
        self._set_id(html, html_id or element.get(_XML_ID) or ctx.mention_ids.get(element),
                     element, ctx)
        lang = element.get(_XML_LANG)
        if lang:
            html.set("lang", lang)
        if behaviour.attributes is not None:
            for key, value in behaviour.attributes(element, ctx).items():
                html.set(key, value)

    def _date(self, element: etree._Element, out: etree._Element, behaviour: Behaviour,
              ctx: RenderContext) -> None:
        """A date: <time datetime> where HTML can say it (a day, a month, a year, a day of
        a month), a span otherwise; a date of the years of two calendars is a stop for the
        keyboard, and its reading in both ("25 October 1917 (Old Style) = 7 November 1917
        (New Style)") follows it as text, shown on hover and focus (edition.css) and read
        as it stands without styles or scripts."""
        both = both_calendars(element.attrib)
        when = element.get("when") or ""
        tag = "time" if _HTML_DATE.fullmatch(when) else "span"
        holder = out
        if both:
            holder = etree.SubElement(out, "span", {"class": "calendars"})
            if out.tag != "a" and not any(a.tag == "a" for a in out.iterancestors()):
                holder.set("tabindex", "0")  # in a link, the link takes the focus
        html = self._open(holder, _html_tag(tag, holder), element, behaviour, ctx)
        if html.tag == "time":
            html.set("datetime", when)
        self.render_children(element, html, ctx)
        if both:
            etree.SubElement(holder, "span", {"class": "both-calendars",
                                              "data-pagefind-ignore": ""}).text = f" [{both}]"

    def _set_id(self, html: etree._Element, html_id: str | None, element: etree._Element,
                ctx: RenderContext) -> None:
        if not html_id:
            return
        if html_id in ctx.ids:
            ctx.warn(element, f"the id {html_id!r} occurs twice on {ctx.page}; the second "
                     "occurrence gets none", "render-duplicate-id")
            return
        ctx.ids.add(html_id)
        html.set("id", html_id)

    def _section(self, element: etree._Element, out: etree._Element, behaviour: Behaviour,
                 ctx: RenderContext) -> None:
        # the page's own division holds its h1: a sectioning element around it would make
        # the h1 a nested heading (HTML has no outline algorithm); its subdivisions are
        # sections with h2-h6
        tag = "div" if ctx.depth == 0 else "section"
        html = self._open(out, _html_tag(tag, out), element, behaviour, ctx)
        ctx.depth += 1
        outer_locators = ctx.page_locators
        ctx.page_locators = outer_locators or behaviour.page_locators
        self._text(html, element.text, ctx)
        for child in element:
            if child.tag == _DIV:
                # notes of the text before a subdivision come before it, not after it
                self.flush_notes(html, ctx)
            self.render(child, html, ctx)
        self.flush_notes(html, ctx)
        ctx.page_locators = outer_locators
        ctx.depth -= 1

    def _text(self, out: etree._Element, text: str | None, ctx: RenderContext) -> None:
        """Append TEI text; in a printed index, page numbers become links to their pages."""
        if not text or not ctx.page_locators or not ctx.printed_pages or ctx.link_depth:
            append_text(out, text)
            return
        position = 0
        for match in _LOCATOR.finditer(text):
            first, dash, last = match.group(1), match.group(2), match.group(3)
            append_text(out, text[position:match.start()])
            self._page_link(out, first, first, ctx)
            if dash:
                append_text(out, dash)
                # "131-3" ends on page 133: the printed index abbreviates the second number
                full = first[: max(0, len(first) - len(last))] + last
                self._page_link(out, last, full, ctx)
            position = match.end()
        append_text(out, text[position:])

    def _page_link(self, out: etree._Element, shown: str, page: str,
                   ctx: RenderContext) -> None:
        if ctx.index_links:
            self._index_locator(out, shown, page, ctx)
            return
        target = ctx.printed_pages.get(page.lower())
        if target is None:
            append_text(out, shown)
            return
        link = etree.SubElement(out, "a")
        link.set("class", "locator")
        link.set("href", urls.relative(ctx.page, target))
        link.text = shown

    def _index_locator(self, out: etree._Element, shown: str, page: str,
                       ctx: RenderContext) -> None:
        """A printed index's page number, kept as printed: a link to where the heading's
        name occurs near that page in this text, or no link and the reason on hover."""
        found = ctx.index_links.get(ctx.index_item, {}).get(int(page))
        target = ctx.resolve(f"#{found.target}") if found and found.target else None
        if found is None:
            append_text(out, shown)
            return
        html = etree.SubElement(out, "a" if target else "span")
        html.set("class", "locator" if target else "locator locator-unlinked")
        if target:
            html.set("href", urls.relative(ctx.page, target))
        html.set("title", found.title)
        html.text = shown

    def _link(self, element: etree._Element, out: etree._Element, behaviour: Behaviour,
              ctx: RenderContext) -> None:
        assert behaviour.href is not None
        target = behaviour.href(element, ctx)
        linked = target is not None and not ctx.link_depth
        if not linked:
            if (target is None and element.get("target")
                    and link_target_problem(element.get("target", "")) is None):
                # (a target of a refused scheme was reported by its rule already)
                ctx.warn(element, f"the target {element.get('target')!r} is not in the "
                         "edition; rendered without a link", "render-unresolved-ref")
            html = self._open(out, "span", element, behaviour, ctx)
        else:
            assert target is not None
            html = self._open(out, "a", element, behaviour, ctx)
            external = "://" in target or target.startswith("mailto:")
            html.set("href", target if external else urls.relative(ctx.page, target))
            ctx.link_depth += 1
        self.render_children(element, html, ctx)
        if linked:
            ctx.link_depth -= 1
        if len(element) == 0 and not element.text:  # ptr: show where it points
            html.text = element.get("target", "")

    def _note_call(self, element: etree._Element, out: etree._Element,
                   ctx: RenderContext) -> None:
        editorial = element.get("type") == "editorial"
        if editorial:
            ctx.editorial_count += 1
            label = f"e{ctx.editorial_count}"
        else:
            ctx.note_count += 1
            label = f"{ctx.note_count}{element.get('n', '')}"
        body_id = element.get(_XML_ID) or f"note-{label if editorial else ctx.note_count}"
        if body_id in ctx.ids:
            body_id = f"{body_id}-{ctx.note_count + ctx.editorial_count}"
        call_id = f"{body_id}-call"
        sup = etree.SubElement(out, "sup")
        sup.set("class", "note-call note-call-editorial" if editorial else "note-call")
        if ctx.link_depth:
            call = etree.SubElement(sup, "span")
        else:
            call = etree.SubElement(sup, "a")
            call.set("href", f"#{body_id}")
            call.set("aria-label", f"{'Editorial note' if editorial else 'Note'} {label}")
        self._set_id(call, call_id, element, ctx)
        call.text = label
        ctx.notes.append(PendingNote(element, label, call_id, body_id, editorial))

    def flush_notes(self, out: etree._Element, ctx: RenderContext) -> None:
        """List the notes called so far at the end of `out` (a section or the page)."""
        if not ctx.notes:
            return
        listing = etree.SubElement(out, "ol")
        listing.set("class", "notes")
        outer_locators, ctx.page_locators = ctx.page_locators, False
        while ctx.notes:  # a note inside a note joins the same list
            pending = ctx.notes.pop(0)
            item = etree.SubElement(listing, "li")
            behaviour = Behaviour(Kind.NOTE, "li", "note-editorial" if pending.editorial
                                  else "note")
            self._decorate(item, pending.element, behaviour, ctx, pending.body_id)
            back = etree.SubElement(item, "a")
            back.set("class", "note-back")
            back.set("href", f"#{pending.call_id}")
            back.set("title", "Back to the text")
            back.text = pending.label
            if pending.editorial:
                kind = etree.SubElement(item, "span")
                kind.set("class", "note-kind")
                kind.text = "Editorial note."
                kind.tail = " "
            else:
                back.tail = " "
            self.render_children(pending.element, item, ctx)
        ctx.page_locators = outer_locators

    def _page_break(self, element: etree._Element, out: etree._Element, behaviour: Behaviour,
                    ctx: RenderContext) -> None:
        html = self._open(out, "span", element, behaviour, ctx)
        classes = [html.get("class", "")]
        n = (element.get("n") or "").strip()
        if element.get("break") == "no":
            classes.append("pb-inword")
        if out.tag not in _PHRASING_ONLY:  # between blocks: no mark in a line of its own
            classes.append("pb-block")
        if n:
            html.set("data-page", n)
            html.set("title", f"Page {n} of the printed book")
            anchor = urls.printed_page_anchor(n)
            if anchor in ctx.ids:
                ctx.warn(element, f"printed page {n} begins twice on {ctx.page}; only the "
                         "first gets the anchor", "render-duplicate-page")
            else:
                target = etree.SubElement(html, "span")
                target.set("class", "pb-anchor")
                self._set_id(target, anchor, element, ctx)
                ctx.page_anchors.append(PageAnchor(n, anchor))
            if element.get("cert") == "low":
                # the number stands, marked as doubtful wherever it shows
                classes.append("pb-uncertain")
                html.set("data-page", f"{n}?")
                html.set("title", f"Page {n}? of the printed book: the number is uncertain "
                         "(see the editorial note)")
        elif element in ctx.page_estimates:
            estimate = ctx.page_estimates[element]
            classes.append("pb-estimated")
            html.set("data-page", f"c. {estimate}")
            html.set("title", f"A new printed page begins; its number is not printed. "
                     f"About page {estimate} ({ctx.estimate_note})")
        else:
            classes.append("pb-unnumbered")
            html.set("title", "A new printed page begins (its number is not printed)")
        html.set("class", " ".join(c for c in classes if c))


def repair_strict_containers(root: etree._Element) -> None:
    """Move a page break, note call or marker that sits between list items into an item.

    TEI allows `pb` (and other "global" elements) between `item`s; HTML's <ul>,
    <dl>, <table> and <tr> do not, so a page break moves to the start of the
    next item and anything else to the end of the previous one: its position
    in the text is unchanged.
    """
    for container in list(root.iter(*_STRICT_CHILDREN)):
        allowed = _STRICT_CHILDREN[container.tag]
        for child in list(container):
            if child.tag in allowed:
                continue
            # the text after it (whitespace between items) stays with it: words never join
            spacing = child.tail or ""
            following = child.getnext()
            while following is not None and following.tag not in allowed:
                following = following.getnext()
            previous = child.getprevious()
            while previous is not None and previous.tag not in allowed:
                previous = previous.getprevious()
            # a page break belongs to what follows it; a note call or a marker to what precedes
            starts_page = "pb" in (child.get("class") or "").split()
            if following is not None and (starts_page or previous is None):
                if following.tag == "tr" and len(following):
                    following = following[0]
                child.tail = spacing + (following.text or "")
                following.text = None
                following.insert(0, child)
            elif previous is not None:
                if previous.tag == "tr" and len(previous):
                    previous = previous[-1]
                previous.append(child)
            else:
                wrapper = etree.SubElement(container, min(allowed))
                wrapper.append(child)
