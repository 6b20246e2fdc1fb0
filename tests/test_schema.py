"""The edition's grammar stays inside TEI: every file it accepts, tei_all accepts too."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import FIXTURES, ROOT
from transform.validate import edition_grammar, tei_all_grammar
from transform.xmlsafe import parse_tei

TEI_FILES = sorted((ROOT / "tei").glob("*.xml"))
VALID_FIXTURES = sorted(
    p for p in FIXTURES.rglob("*.xml")
    if "bad" not in p.parts and edition_grammar().validate(etree.parse(str(p)))
)


def conforms_to_tei_all(paths: list[Path]) -> dict[Path, str]:
    """Files that tei_all rejects, with the first message; jing if installed, else lxml."""
    jing = shutil.which("jing")
    if jing:
        result = subprocess.run([jing, str(ROOT / "schema" / "tei_all.rng"), *map(str, paths)],
                                capture_output=True, text=True, check=False)
        failures: dict[Path, str] = {}
        for line in result.stdout.splitlines():
            path = Path(line.split(":", 1)[0])
            failures.setdefault(path, line)
        return failures
    grammar = tei_all_grammar()
    return {p: str(grammar.error_log.last_error)
            for p in paths if not grammar.validate(parse_tei(p))}


RNG = "{http://relaxng.org/ns/structure/1.0}"


def admitted(grammar: Path) -> dict[str, tuple[set[str], set[str]]]:
    """For each element a RELAX NG grammar declares: the attributes and child elements
    its content model can reach (following refs, not descending into child elements)."""
    tree = etree.parse(str(grammar))
    defines: dict[str, list[etree._Element]] = {}
    for define in tree.iter(f"{RNG}define"):
        defines.setdefault(define.get("name"), []).append(define)

    def reach(node: etree._Element, attributes: set[str], children: set[str],
              seen: set[str]) -> None:
        for child in node:
            if not isinstance(child.tag, str):
                continue
            if child.tag == f"{RNG}element":
                children.add(child.get("name", "*"))
            elif child.tag == f"{RNG}attribute":
                name = child.get("name") or "*"
                if ":" not in name and child.get("ns") == "http://www.w3.org/XML/1998/namespace":
                    name = f"xml:{name}"
                attributes.add(name)
            elif child.tag == f"{RNG}ref":
                if child.get("name") not in seen:
                    seen.add(child.get("name"))
                    for define in defines.get(child.get("name"), []):
                        reach(define, attributes, children, seen)
            else:
                reach(child, attributes, children, seen)

    models: dict[str, tuple[set[str], set[str]]] = {}
    for element in tree.iter(f"{RNG}element"):
        attributes, children = models.setdefault(element.get("name", "*"), (set(), set()))
        reach(element, attributes, children, set())
    return models


def test_edition_grammar_admits_only_what_tei_admits() -> None:
    """Every element, attribute and parent–child pair of edition.rng exists in tei_all.

    (Order and cardinality are checked on real files by the tests below.)"""
    ours = admitted(ROOT / "schema" / "edition.rng")
    tei = admitted(ROOT / "schema" / "tei_all.rng")
    problems = []
    for name, (attributes, children) in sorted(ours.items()):
        if name not in tei:
            problems.append(f"<{name}> is not a TEI element")
            continue
        tei_attributes, tei_children = tei[name]
        problems += [f"@{a} on <{name}>" for a in sorted(attributes - tei_attributes)]
        problems += [f"<{c}> in <{name}>" for c in sorted(children - tei_children)]
    assert problems == []


def test_fixtures_exist_for_the_subset_check() -> None:
    assert len(VALID_FIXTURES) >= 4


def test_every_valid_fixture_conforms_to_tei_all() -> None:
    assert conforms_to_tei_all(VALID_FIXTURES) == {}


@pytest.mark.corpus
@pytest.mark.skipif(not TEI_FILES, reason="no TEI files in tei/ yet")
def test_every_tei_file_conforms_to_tei_all() -> None:
    assert conforms_to_tei_all(TEI_FILES) == {}


@pytest.mark.corpus
@pytest.mark.skipif(not TEI_FILES, reason="no TEI files in tei/ yet")
def test_every_tei_file_is_valid_against_the_edition_grammar() -> None:
    grammar = edition_grammar()
    invalid = {p.name: str(grammar.error_log.last_error)
               for p in TEI_FILES if not grammar.validate(parse_tei(p))}
    assert invalid == {}


def test_the_grammar_limits_xml_id_to_the_length_the_code_checks() -> None:
    from transform.xmlsafe import MAX_ID_LENGTH

    grammar = etree.parse(str(ROOT / "schema" / "edition.rng"))
    [limit] = grammar.xpath("//rng:attribute[@name='xml:id']/rng:data[@type='ID']"
                            "/rng:param[@name='maxLength']", namespaces={"rng": RNG[1:-1]})
    assert int(limit.text) == MAX_ID_LENGTH

