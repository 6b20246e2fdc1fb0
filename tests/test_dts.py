"""DTS 1.0 Level 0 static responses: required members, trees, templates, documents."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import etree

from transform.edition import BOOKS, TEI_DIR
from transform.writers.dts import (
    DTS_NS,
    MAX_SIBLINGS,
    BookResource,
    DtsWriter,
    citation_trees,
    tei_xpath,
)
from transform.xmlsafe import parse_tei

FIXTURE = Path(__file__).parent / "fixtures" / "cite"
TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

# The required members of each object, from the DTS 1.0 specification's tables.
ENTRY = {"@context", "@id", "@type", "dtsVersion", "collection", "navigation", "document"}
COLLECTION = {"@id", "@type", "dtsVersion", "title", "totalParents", "totalChildren",
              "collection"}
MEMBER = {"@id", "@type", "title", "totalParents", "collection"}
RESOURCE = {"@id", "@type", "collection", "navigation", "document", "citationTrees"}
NAVIGATION = {"@context", "@id", "@type", "dtsVersion", "resource"}
UNIT = {"identifier", "@type", "level", "parent"}


@pytest.mark.parametrize(("expression", "expected"), [
    ("/TEI/text/body/div[@type='chapter']", "/tei:TEI/tei:text/tei:body/tei:div[@type='chapter']"),
    ("p|lg|list/item", "tei:p|tei:lg|tei:list/tei:item"),
    (".//note[@place='foot']", ".//tei:note[@place='foot']"),
    ("div[not(@type='section')]", "tei:div[not(@type='section')]"),
    ("@xml:id", "@xml:id"),
    ("self::p", "self::tei:p"),
])
def test_tei_xpath(expression: str, expected: str) -> None:
    assert tei_xpath(expression) == expected


def expand(template: str, **values: str | int) -> str:
    """RFC 6570 expansion of the three operator forms the templates use."""
    def one(match: re.Match[str]) -> str:
        operator, names = match.group(1), match.group(2).split(",")
        present = [(n, values[n]) for n in names if n in values]
        if operator == "/":
            return "".join(f"/{v}" for _, v in present)
        if operator == ";":
            return "".join(f";{n}={v}" for n, v in present)
        return "".join(str(v) for _, v in present)
    return re.sub(r"\{([/;]?)([a-z,]+)\}", one, template)


def with_real_declarations(root: etree._Element, key: str) -> etree._Element:
    """A fixture book with the citation structures the real book's header declares."""
    encoding = root.find(f"{TEI}teiHeader/{TEI}encodingDesc")
    for refs in encoding.findall(f"{TEI}refsDecl"):
        encoding.remove(refs)
    real = parse_tei(BOOKS[key].tei).getroot()
    encoding.extend(real.findall(f"{TEI}teiHeader/{TEI}encodingDesc/{TEI}refsDecl"))
    return root


def writer_for(tei_dir: Path) -> DtsWriter:
    books = []
    for key, book in BOOKS.items():
        root = parse_tei(tei_dir / book.tei.name).getroot()
        if tei_dir != TEI_DIR:
            root = with_real_declarations(root, key)
        books.append(BookResource(key, book.short_title, book.author, "", "en", root,
                                  f"tei/{book.tei.name}", {"application/tei+xml": "/x.xml"}))
    return DtsWriter(books, "The Test Edition")


@pytest.fixture(scope="module")
def responses() -> dict[str, bytes]:
    return dict(writer_for(FIXTURE).files())


def load(responses: dict[str, bytes], url: str) -> dict:
    assert url.startswith("/dts/"), url
    return json.loads(responses[url[1:]])


def check_unit(unit: dict) -> None:
    assert UNIT <= unit.keys() and unit["@type"] == "CitableUnit"


def test_entry_collection_and_resources(responses: dict[str, bytes]) -> None:
    entry = json.loads(responses["dts/index.json"])
    assert ENTRY <= entry.keys() and entry["@type"] == "EntryPoint"
    assert entry["dtsVersion"] == "1.0"
    root = load(responses, expand(entry["collection"]))
    assert COLLECTION <= root.keys() and root["@type"] == "Collection"
    assert root["totalParents"] == 0 and root["totalChildren"] == 2 == len(root["member"])
    assert load(responses, expand(entry["collection"], id="edition")) == root
    for member in root["member"]:
        assert MEMBER <= member.keys() and member["@type"] == "Resource"
        resource = load(responses, expand(entry["collection"], id=member["@id"]))
        assert RESOURCE | {"@context", "dtsVersion", "title", "totalParents"} <= resource.keys()
        trees = resource["citationTrees"]
        assert [t.get("identifier") for t in trees] == [None, "pages"]
        assert [s["citeType"] for s in trees[0]["citeStructure"]] == ["division"]
        assert trees[1]["citeStructure"] == [{"@type": "CiteStructure", "citeType": "page"}]


def test_navigation_of_the_logical_tree(responses: dict[str, bytes]) -> None:
    resource = json.loads(responses["dts/collection/rothstein.json"])
    full = load(responses, expand(resource["navigation"], down=-1))
    assert NAVIGATION <= full.keys() and full["@type"] == "Navigation"
    assert RESOURCE <= full["resource"].keys()
    units = full["member"]
    for unit in units:
        check_unit(unit)
    ids = [u["identifier"] for u in units]
    section = "roth-ch3_roth-ch3-s2"
    assert ids == ["roth-ch3", section, f"{section}.roth-ch3-s2-p1",
                   f"{section}.roth-ch3-s2-p1.roth-fn-12", f"{section}.roth-ch3-s2-p2",
                   f"{section}.roth-ch3-s2-p3", f"{section}.roth-ch3-s2-p4",
                   f"{section}.roth-ch3-s2-p4.roth-fn-13", f"{section}.roth-ch3-s2-lg1",
                   f"{section}.roth-ch3-s2-i1", "roth-ch4", "roth-ch4.roth-ch4-p1"]  # in order
    levels = {u["identifier"]: u for u in units}
    for unit in units:
        if unit["parent"] is not None:
            assert levels[unit["parent"]]["level"] == unit["level"] - 1
        else:
            assert unit["level"] == 1
    assert levels["roth-ch3"]["dublinCore"]["title"][0]["value"] == "The Civil War"
    top = load(responses, expand(resource["navigation"], down=1))
    assert [u["identifier"] for u in top["member"]] == ["roth-ch3", "roth-ch4"]
    chapter = load(responses, expand(resource["navigation"], ref=section, down=-1))
    assert chapter["ref"]["identifier"] == section
    assert [u["identifier"] for u in chapter["member"]] == ids[1:10]
    one = load(responses, expand(resource["navigation"], ref=section, down=1))
    assert [u["identifier"] for u in one["member"]] == [i for i in ids[1:10] if "fn" not in i]
    alone = load(responses, expand(resource["navigation"], ref="roth-ch3"))
    assert "member" not in alone and alone["ref"]["citeType"] == "division"
    siblings = load(responses, expand(resource["navigation"], ref=ids[4], down=0))
    assert [u["identifier"] for u in siblings["member"]] == [
        i for i in ids if i.count(".") == 1 and i.startswith(section)]
    top = load(responses, expand(resource["navigation"], ref="roth-ch4", down=0))
    assert [u["identifier"] for u in top["member"]] == ["roth-ch3", "roth-ch4"]


def test_navigation_of_the_printed_pages(responses: dict[str, bytes]) -> None:
    resource = json.loads(responses["dts/collection/carr.json"])
    pages = load(responses, expand(resource["navigation"], tree="pages", down=-1))
    assert [u["identifier"] for u in pages["member"]] == ["44", "47"]  # numbered pages only
    assert all(u["citeType"] == "page" and u["level"] == 1 for u in pages["member"])


def test_documents_are_tei_fragments(responses: dict[str, bytes]) -> None:
    resource = json.loads(responses["dts/collection/rothstein.json"])
    whole = etree.fromstring(responses[expand(resource["document"])[1:]])
    assert whole.tag == f"{TEI}TEI" and whole.find(f"{TEI}teiHeader") is not None
    paragraph = etree.fromstring(responses[expand(
        resource["document"], ref="roth-ch3_roth-ch3-s2.roth-ch3-s2-p2")[1:]])
    assert paragraph.tag == f"{TEI}TEI"
    (wrapper,) = paragraph
    assert wrapper.tag == f"{{{DTS_NS}}}wrapper"
    assert [c.get("{http://www.w3.org/XML/1998/namespace}id") for c in wrapper] == \
        ["roth-ch3-s2-p2"]
    page = etree.fromstring(responses[expand(resource["document"], tree="pages",
                                             ref="124")[1:]])
    (wrapper,) = page.iter(f"{{{DTS_NS}}}wrapper")
    # page 124 begins inside p2 and ends inside p3: both cut at its edges, in their section
    assert [a.get(XML_ID) for a in wrapper.iterancestors()] == ["roth-ch3-s2", "roth-ch3", None,
                                                                None, None]
    assert [c.get(XML_ID) for c in wrapper] == ["roth-ch3-s2-p2", "roth-ch3-s2-p3"]
    assert " ".join("".join(wrapper.itertext()).split()) == "next one. Kronstadt ends here."


def test_every_template_expansion_of_a_unit_exists(responses: dict[str, bytes]) -> None:
    for key in BOOKS:
        resource = json.loads(responses[f"dts/collection/{key}.json"])
        for tree in resource["citationTrees"]:
            name = {"tree": tree["identifier"]} if "identifier" in tree else {}
            full = load(responses, expand(resource["navigation"], down=-1, **name))
            for unit in full["member"]:
                assert expand(resource["document"], ref=unit["identifier"], **name)[1:] \
                    in responses


@pytest.mark.corpus
def test_real_books_citation_trees() -> None:
    for key, book in BOOKS.items():
        root = parse_tei(book.tei).getroot()
        trees = citation_trees(root)
        assert [t.name for t in trees] == [None, "pages"]
        numbered = [pb.get("n") for pb in root.iter(f"{TEI}pb") if pb.get("n")]
        assert [u.identifier for u in trees[1].units] == numbered
        logical = trees[0].units
        assert len(logical) > (1000 if key == "rothstein" else 300)
        assert len({u.identifier for u in logical}) == len(logical)
        assert {u.cite_type for u in logical} >= {"division", "paragraph"}
        # every part of the book is in the tree: front, body and back
        parts = root.findall(f"{TEI}text/*/{TEI}div")
        assert [u.element for u in logical if u.parent is None] == parts


@pytest.mark.corpus
def test_real_dts_responses_are_valid_json() -> None:
    files = writer_for(TEI_DIR).files()
    for path, payload in files:
        if path.endswith(".json"):
            data = json.loads(payload)
            assert "@type" in data and data.get("dtsVersion") == "1.0", path
        else:
            assert etree.fromstring(payload).tag == f"{TEI}TEI", path


def test_level_0_every_request_the_templates_allow_has_a_file(responses: dict[str, bytes]) -> None:
    """Each `down` the tree's depth permits, `ref` alone, `down=0` (but among more than
    MAX_SIBLINGS siblings), and a tree without `ref`; Collection with each `nav`
    (start/end are not served: Level 0)."""
    entry = json.loads(responses["dts/index.json"])
    for nav in ("children", "parents"):
        for collection in (None, "edition", *BOOKS):
            ids = {"id": collection} if collection else {}
            load(responses, expand(entry["collection"], nav=nav, **ids))
    for key in BOOKS:
        resource = json.loads(responses[f"dts/collection/{key}.json"])
        assert resource["dublinCore"]["date"] and "()" not in resource["description"]
        for tree in resource["citationTrees"]:
            name = {"tree": tree["identifier"]} if "identifier" in tree else {}
            whole = load(responses, expand(resource["navigation"], down=-1, **name))["member"]
            depth = max(u["level"] for u in whole)
            assert expand(resource["document"], **name)[1:] in responses
            for down in [*range(1, depth + 1), -1]:
                load(responses, expand(resource["navigation"], down=down, **name))
            siblings: dict[str | None, int] = {}
            for unit in whole:
                siblings[unit["parent"]] = siblings.get(unit["parent"], 0) + 1
            for unit in whole:
                ref = unit["identifier"]
                alone = load(responses, expand(resource["navigation"], ref=ref, **name))
                assert alone["ref"] == unit and "member" not in alone
                flat = siblings[unit["parent"]] > MAX_SIBLINGS  # down=0 not served there
                zero = expand(resource["navigation"], ref=ref, down=0, **name)[1:]
                assert (zero in responses) is not flat, zero
                for down in [*([] if flat else [0]), *range(1, depth + 1), -1]:
                    answer = load(responses, expand(resource["navigation"], ref=ref, down=down,
                                                    **name))
                    assert ref in [u["identifier"] for u in answer["member"]]


@pytest.mark.corpus
def test_metadata_from_the_tei_header() -> None:
    files = dict(writer_for(TEI_DIR).files())
    for key, year, author in (("rothstein", "1950", "Andrew Rothstein"),
                              ("carr", "1979", "Edward Hallett Carr")):
        resource = json.loads(files[f"dts/collection/{key}.json"])
        dublin = resource["dublinCore"]
        assert dublin["date"] == year and dublin["creator"] == [author]
        assert dublin["title"] == [{"lang": "en", "value": resource["title"]}]
        assert dublin["language"] == ["en"] and dublin["isPartOf"] == ["edition"]
        assert resource["description"].startswith(f"{author}, {resource['title']} ({year})")
        assert "extensions" not in resource  # none: it would need a context of its own


def test_with_a_base_url_every_id_is_one_absolute_iri(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITION_BASE_URL", "https://example.org/edition")
    files = writer_for(FIXTURE).files()
    iris: dict[str, set[str]] = {}

    def walk(value: object, base: str) -> None:
        if isinstance(value, dict):
            if "@id" in value:
                iri = value["@id"] if "://" in value["@id"] else base + value["@id"]
                iris.setdefault(value["@id"], set()).add(iri)
            for inner in value.values():
                walk(inner, base)
        elif isinstance(value, list):
            for inner in value:
                walk(inner, base)

    for path, payload in files:
        if path.endswith(".json"):
            data = json.loads(payload)
            context, local = data["@context"]
            assert context == "https://dtsapi.org/context/v1.0.json"
            assert local["@base"] == "https://example.org/edition/dts/collection/"
            if data["@type"] in ("EntryPoint", "Navigation"):
                assert data["@id"] == f"https://example.org/edition/{path}"
            walk(data, local["@base"])
    assert all(len(found) == 1 and next(iter(found)).startswith("https://")
               for found in iris.values())
    assert iris["rothstein"] == {"https://example.org/edition/dts/collection/rothstein"}
