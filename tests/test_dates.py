"""The dates pass (transform/annotate/dates.py), the calendars and their checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from transform.annotate.dates import date_tree, find_dates
from transform.calendars import both_calendars, gregorian_to_julian, julian_to_gregorian
from transform.edition import TEI_DIR, TEI_NS
from transform.validate import validate_paths

T = f"{{{TEI_NS}}}"


def found(text: str) -> list[tuple[str, str, str]]:
    return [(text[f.start:f.end], f.first.iso(), f.last.iso() if f.last else "")
            for f in find_dates(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("signed on March 3, 1918, and", [("March 3, 1918", "1918-03-03", "")]),
    ("on Sunday, January 22nd, 1905, trapped", [("January 22nd, 1905", "1905-01-22", "")]),
    ("in April-May 1927 the", [("April-May 1927", "1927-04", "1927-05")]),
    ("from December 9th to 23rd, 1917.", [("December 9th to 23rd, 1917", "1917-12-09",
                                          "1917-12-23")]),
    ("Between March 8th and March 12th, 1917, strikes",
     [("March 8th", "1917-03-08", ""), ("March 12th, 1917", "1917-03-12", "")]),
    ("on May 10th and 15th", [("May 10th", "--05-10", ""), ("15th", "--05-15", "")]),
    ("in the years 1917-21 and", [("1917-21", "1917", "1921")]),
    ("the nineteen-twenties and the 1930s", [("nineteen-twenties", "1920", "1929"),
                                             ("1930s", "1930", "1939")]),
    ("In October he returned", [("October", "--10", "")]),
])
def test_date_expressions_are_found(text: str, expected: list) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "debts of over 1,300 million roubles",  # a quantity
    "see p. 1917 of the volume",  # a page
    "you may come",  # the verb
    "May the people rise",  # a month name without day, year or a preposition
    "the October revolution",  # an event's name
])
def test_not_dates(text: str) -> None:
    assert found(text) == []


def book(body: str, key: str = "carr") -> etree._Element:
    xml = (f'<TEI xmlns="{TEI_NS}" xml:id="{key}-book"><teiHeader><fileDesc><titleStmt>'
           "<title>t</title></titleStmt></fileDesc></teiHeader><text><body><div>"
           f"{body}</div></body></text></TEI>")
    return etree.fromstring(xml)


def test_julian_dates_get_their_gregorian_equivalent() -> None:
    root = book('<p xml:id="x-p1">On October 25, 1917 the Red Guard occupied the city; '
                "in March 1921 the sailors rose.</p>")
    date_tree(root, "carr", decisions={})
    october, march = root.iter(T + "date")
    assert october.get("when-custom") == "1917-10-25"
    assert october.get("when") == "1917-11-07"  # convertdate's, as the checks verify
    assert october.get("calendar") == october.get("datingMethod") == "#carr-julian"
    assert october.get("cert") == "medium"  # the book's default, no editor's decision
    assert march.get("when") == "1921-03" and march.get("calendar") is None
    assert root.find(f".//{T}calendarDesc/{T}calendar").get(
        "{http://www.w3.org/XML/1998/namespace}id") == "carr-julian"


def test_years_from_context_are_marked_and_the_pass_is_idempotent() -> None:
    root = book('<p xml:id="x-p1">In March 1924 the reform was completed. In May a '
                'commissariat was set up.</p><p xml:id="x-p2">On June 2nd it met; before '
                "1914 there was none.</p>")
    first = date_tree(root, "carr", decisions={})
    dates = {d.text: d for d in root.iter(T + "date")}
    assert dates["May"].get("when") == "1924-05" and dates["May"].get("cert") == "medium"
    assert dates["June 2nd"].get("when") == "1924-06-02"
    assert dates["June 2nd"].get("cert") == "low"  # from an earlier paragraph
    before = etree.tostring(root)
    again = date_tree(root, "carr", decisions={})
    assert sum(first.added.values()) == 4 and sum(again.added.values()) == 0
    assert etree.tostring(root) == before
    # redo takes back only the pass's own tags
    hand = next(root.iter(T + "date"))
    hand.set("resp", "#someone")
    date_tree(root, "carr", redo=True, decisions={})
    assert next(root.iter(T + "date")).get("resp") == "#someone"


def test_calendars() -> None:
    assert julian_to_gregorian("1917-10-25") == "1917-11-07"
    assert julian_to_gregorian("1905-01-09") == "1905-01-22"
    assert julian_to_gregorian("1918-01-31") == "1918-02-13"
    assert gregorian_to_julian("1918-02-14") == "1918-02-01"
    assert julian_to_gregorian("1900-02-29") == "1900-03-13"  # a day only the Julian has
    assert both_calendars({"calendar": "#carr-julian", "when-custom": "1917-10-25",
                           "when": "1917-11-07"}) == (
        "25 October 1917 (Old Style) = 7 November 1917 (New Style)")
    assert both_calendars({"when": "1921-03-08"}) is None


BAD_DATES = [
    ('<date when="1917-02-30">x</date>', "edition-rng"),  # no such day
    ('<date from="1921" to="1917">x</date>', "date-from-to"),
    ('<date when-custom="1917-10-25" datingMethod="#j">x</date>', "julian-has-gregorian"),
    ("<date calendar=\"#carr-julian\" datingMethod=\"#carr-julian\" when-custom=\"1917-10-25\" "
     "when=\"1917-11-08\">x</date>",
     "julian-converted"),
]


@pytest.mark.parametrize(("date", "code"), BAD_DATES)
def test_validate_refuses_bad_dates(tmp_path: Path, date: str, code: str) -> None:
    source = (TEI_DIR / "carr-russian-revolution.xml").read_text(encoding="utf-8")
    broken = source.replace('<p xml:id="carr-ch1-p1">', f'<p xml:id="carr-ch1-p1">{date} ', 1)
    assert broken != source
    (tmp_path / "carr-russian-revolution.xml").write_text(broken, encoding="utf-8")
    report = validate_paths([tmp_path / "carr-russian-revolution.xml"])
    assert any(d.code.startswith(code) for d in report.errors), [d.format() for d in report.errors]


@pytest.mark.corpus
def test_both_books_carry_dates() -> None:
    for name, least, calendar in (("carr-russian-revolution.xml", 600, "#carr-julian"),
                                  ("rothstein-history-ussr.xml", 2200, "#roth-gregorian")):
        root = etree.parse(str(TEI_DIR / name)).getroot()
        dates = list(root.find(T + "text").iter(T + "date"))
        assert len(dates) >= least
        assert any(d.get("calendar") == calendar for d in dates)
        for d in dates:  # every Julian date has its Gregorian equivalent
            if d.get("when-custom") and len(d.get("when-custom")) == 10:
                assert d.get("when") == julian_to_gregorian(d.get("when-custom"))
