"""The OCR witnesses in sources/ are the shared sources, byte for byte."""

from __future__ import annotations

import hashlib
import re

import pytest

from tests.conftest import ROOT

SOURCES = ROOT / "sources"


def documented_hashes() -> dict[str, str]:
    readme = (SOURCES / "README.md").read_text(encoding="utf-8")
    return dict(re.findall(r"\| `([\w.-]+\.ocr\.txt)` \|.*?\| `([0-9a-f]{64})` \|", readme))


def test_readme_documents_both_witnesses() -> None:
    assert sorted(documented_hashes()) == [
        "carr-russian-revolution-1979.ocr.txt",
        "rothstein-history-ussr-1950.ocr.txt",
    ]


@pytest.mark.parametrize("name", sorted(documented_hashes()))
def test_witness_is_unchanged(name: str) -> None:
    digest = hashlib.sha256((SOURCES / name).read_bytes()).hexdigest()
    assert digest == documented_hashes()[name], f"{name} differs from the documented witness"


@pytest.mark.parametrize("name", sorted(documented_hashes()))
def test_shared_copy_agrees_when_present(name: str) -> None:
    shared = ROOT.parent / "shared" / "sources" / name
    if not shared.exists():
        pytest.skip("no shared/ folder beside this clone")
    assert shared.read_bytes() == (SOURCES / name).read_bytes()
