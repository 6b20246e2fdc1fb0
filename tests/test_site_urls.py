"""Every URL of the site comes from transform.urls; all links are relative."""

from __future__ import annotations

import pytest

from transform import urls


@pytest.mark.parametrize(("page", "target", "link"), [
    ("rothstein/ch01.html", "index/persons/lenin.html", "../index/persons/lenin.html"),
    ("index.html", "rothstein/ch01.html#p2", "rothstein/ch01.html#p2"),
    ("index/persons/lenin.html", "rothstein/ch01.html#x", "../../rothstein/ch01.html#x"),
    ("index/persons/lenin.html", "index/persons/trotsky.html", "trotsky.html"),
    ("index/persons/lenin.html", "index/persons.html", "../persons.html"),
    ("rothstein/ch01.html", "rothstein/ch01.html#roth-fn-1", "#roth-fn-1"),
    ("rothstein/ch01.html", "rothstein/ch02.html", "ch02.html"),
    ("index/editors/coverage.html", "index/persons/x.html", "../persons/x.html"),
])
def test_relative(page: str, target: str, link: str) -> None:
    assert urls.relative(page, target) == link


@pytest.mark.parametrize(("div_id", "prefix", "slug"), [
    ("roth-ch3", "roth", "ch03"),
    ("carr-ch19", "carr", "ch19"),
    ("roth-preface", "roth", "preface"),
    ("roth-index", "roth", "printed-index"),  # index.html is the book's home page
])
def test_division_slug(div_id: str, prefix: str, slug: str) -> None:
    assert urls.division_slug(div_id, prefix) == slug


@pytest.mark.parametrize(("ref", "expected"), [
    ("persons.xml#lenin", ("persons", "lenin")),
    ("places.xml#petrograd", ("places", "petrograd")),
    ("orgs.xml#cheka", ("orgs", "cheka")),
    ("#lenin", None),
    ("other.xml#x", None),
])
def test_register_kind(ref: str, expected: tuple[str, str] | None) -> None:
    assert urls.register_kind(ref) == expected


def test_index_urls_are_the_final_ones() -> None:
    assert urls.register_entry("persons", "trotsky") == "index/persons/trotsky.html"
    assert urls.register_list("places") == "index/places.html"
