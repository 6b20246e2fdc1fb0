"""Locators as a printed index writes them: `pp. 39, 70, 73n, 187–8`.

One locator per printed page that has a mention; consecutive pages whose
mentions stand in the running text collapse into a range (`187–8`, elided as
Hart's Rules elide: `110–11`, `196–202`); a page whose only mentions are in
footnotes is `73n` and never joins a range. Where the page is unknown (pages
printed without a number), the chapter and paragraph stand instead
(`ch. 3 ¶ 14`), one locator per paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from transform.names_index.model import Locator, Mention

_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
_PARAGRAPH_NUMBER = re.compile(r"-p(\d+)$")
_SECTION_NUMBER = re.compile(r"-s(\d+)-p\d+$")
_OTHER_NUMBER = re.compile(r"-(fig|i|lg|q)(\d+)$")
_OTHER_LABELS = {"fig": "fig.", "i": "item", "lg": "verse", "q": "quotation"}


def roman_value(text: str) -> int | None:
    """The value of a lower- or upper-case roman numeral, None if it is not one."""
    text = text.lower()
    if not text or any(c not in _ROMAN for c in text):
        return None
    total = 0
    for i, c in enumerate(text):
        value = _ROMAN[c]
        total += -value if i + 1 < len(text) and _ROMAN[text[i + 1]] > value else value
    return total


def page_value(page: str) -> tuple[int, int] | None:
    """A page's place in the book: (0, n) for roman front matter, (1, n) for arabic."""
    if page.isdigit():
        return (1, int(page))
    roman = roman_value(page)
    return (0, roman) if roman is not None else None


def elide(first: str, last: str) -> str:
    """A page range with the second number shortened (`187–8`, `110–11`, `196–202`)."""
    if not (first.isdigit() and last.isdigit()):
        return f"{first}–{last}"
    if len(first) != len(last) or len(first) < 2:
        return f"{first}–{last}"
    i = 0
    while i < len(first) - 1 and first[i] == last[i]:
        i += 1
    short = last[i:]
    # the teens keep two figures: 10–11, 112–13, never 112–3
    if len(short) == 1 and last[-2] == "1":
        short = last[-2:]
    return f"{first}–{short}"


def _paragraph_number(mention: Mention) -> int | None:
    number = _PARAGRAPH_NUMBER.search(mention.paragraph or mention.anchor)
    return int(number.group(1)) if number else None


def paragraph_label(mention: Mention, last: int | None = None) -> str:
    """The locator of a mention on a page without a printed number (`ch. 3 ¶ 14`,
    `ch. 3 ¶¶ 14–16` for consecutive paragraphs, `ch. 3 ¶ 14n` in a footnote)."""
    where = f"ch. {mention.chapter_n}" if mention.chapter_n else mention.chapter_label.lower()
    section = _SECTION_NUMBER.search(mention.paragraph or mention.anchor)
    if section:  # Rothstein numbers paragraphs within sections: `ch. III § 2 ¶ 14`
        where = f"{where} § {section.group(1)}"
    number = _paragraph_number(mention)
    other = _OTHER_NUMBER.search(mention.anchor) if number is None else None
    if other:  # a plate's caption, a line of the contents: `plates, fig. 3`
        label = f"{where}, {_OTHER_LABELS[other.group(1)]} {other.group(2)}"
    elif number is None:
        label = where
    elif last is not None and last != number:
        label = f"{where} ¶¶ {number}–{last}"
    else:
        label = f"{where} ¶ {number}"
    return f"{label}n" if mention.in_note else label


def locators(mentions: Iterable[Mention]) -> tuple[Locator, ...]:
    """The locators of one entry in one book, in page order (mentions in document order)."""
    ordered = sorted(mentions, key=lambda m: m.ordinal)
    groups: list[list[Mention]] = []
    keys: list[tuple[str, str | None]] = []
    for mention in ordered:
        key = ("page", mention.page) if mention.page else ("para", mention.paragraph
                                                             or mention.anchor)
        if keys and keys[-1] == key:
            groups[-1].append(mention)
        elif key in keys:
            groups[keys.index(key)].append(mention)
        else:
            keys.append(key)
            groups.append([mention])

    result: list[Locator] = []
    run: list[tuple[str, list[Mention]]] = []
    paragraphs: list[tuple[Mention, list[Mention]]] = []

    def flush() -> None:
        if run:
            first, last = run[0][0], run[-1][0]
            label = first if len(run) == 1 else elide(first, last)
            result.append(Locator(label, tuple(m for _, ms in run for m in ms), False, first,
                                  last))
            run.clear()
        if paragraphs:
            label = paragraph_label(paragraphs[0][0], _paragraph_number(paragraphs[-1][0]))
            result.append(Locator(label, tuple(m for _, ms in paragraphs for m in ms),
                                  paragraphs[0][0].in_note, None, None))
            paragraphs.clear()

    for (kind, _), group in zip(keys, groups, strict=True):
        in_note = all(m.in_note for m in group)
        if kind == "para":
            # the paragraph's locator is in the text if any of its mentions is
            shown = group[0] if in_note else next(m for m in group if not m.in_note)
            if run or (paragraphs and not _follows(paragraphs[-1][0], shown)):
                flush()
            paragraphs.append((shown, group))
            continue
        page = group[0].page or ""
        if in_note:
            flush()
            result.append(Locator(f"{page}n", tuple(group), True, page, page))
            continue
        if paragraphs:
            flush()
        if run:
            previous, current = page_value(run[-1][0]), page_value(page)
            if not (previous and current and previous[0] == current[0]
                    and current[1] == previous[1] + 1):
                flush()
        run.append((page, group))
    flush()
    return tuple(result)


def _follows(previous: Mention, current: Mention) -> bool:
    """Two paragraph locators join when they are consecutive paragraphs of one chapter,
    both in the running text (a footnote locator stands alone)."""
    before, after = _paragraph_number(previous), _paragraph_number(current)
    return (not previous.in_note and not current.in_note and before is not None
            and after == before + 1 and previous.chapter == current.chapter
            and previous.section == current.section and previous.division == current.division)


def prefixes(found: list[Locator]) -> list[str]:
    """What stands before each locator: `p. `/`pp. ` before each run of page numbers.

    A list that opens with page numbers takes `pp.` for them all (`pp. 39, 70,
    73n`); page numbers that follow a chapter-and-paragraph locator take their
    own (`ch. 2 ¶ 16, p. 20`), so that `20` cannot be read as a paragraph.
    """
    result = []
    for i, loc in enumerate(found):
        if not loc.first_page or (i and found[i - 1].first_page):
            result.append("")
            continue
        run = []
        for later in found[i:]:
            if not later.first_page:
                break
            run.append(later)
        plural = len(run) > 1 or any(r.first_page != r.last_page for r in run)
        result.append("pp. " if plural else "p. ")
    return result


def format_locators(found: Iterable[Locator]) -> str:
    """The locators as one line: `p. 39`, `pp. 39, 70, 73n`, `preface, p. 9`."""
    found = list(found)
    return ", ".join(prefix + loc.label for prefix, loc in zip(prefixes(found), found,
                                                              strict=True))
