"""Sort keys of the index of names, filed as a printed index files them.

Word by word ("New York" before "Newcastle"), surname before forenames ("Lloyd,
Selwyn" before "Lloyd George, David"), diacritics folded ("Čičerin" with
"Cicerin"), `Mc` filed as `Mac` and `St`/`St.` as `Saint`, a leading article of
an organisation's name ignored. A register's own `@sortKey` always wins.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_ARTICLES = ("the ", "a ", "an ")
_MC = re.compile(r"\bmc(?=[a-z])")
_SAINT = re.compile(r"\b(?:st|ste)\b\.?\s*")
_DOTTED = re.compile(r"\b(?:[a-z]\.){2,}(?:[a-z]\b)?")
_NOT_KEY = re.compile(r"[^a-z0-9, ]+")


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, diacritics removed, ligatures and special letters spelled out."""
    text = (text.replace("ß", "ss").replace("Æ", "Ae").replace("æ", "ae")
            .replace("Œ", "Oe").replace("œ", "oe").replace("ø", "o").replace("Ø", "O")
            .replace("ł", "l").replace("Ł", "L").replace("’", "'"))
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def sort_key(text: str, *, drop_article: bool = False) -> str:
    """The filing form of a heading: folded, `Mc`→`mac`, `St`→`saint`, punctuation gone.

    Commas are kept: they separate the surname from the forenames, which file
    as separate parts. Hyphens and apostrophes join words into one filing word
    only where they stand inside a word (`Brest-Litovsk` files as two words).
    """
    key = fold(" ".join(text.split()))
    if drop_article:
        for article in _ARTICLES:
            if key.startswith(article):
                key = key[len(article):]
                break
    # dotted abbreviations file as words: U.S.S.R. with USSR (spaced initials stay apart)
    key = _DOTTED.sub(lambda m: m.group(0).replace(".", "") + " ", key)
    key = _MC.sub("mac", key)
    key = _SAINT.sub("saint ", key)
    key = key.replace("-", " ").replace("'", "")
    key = _NOT_KEY.sub(" ", key)
    parts = [" ".join(part.split()) for part in key.split(",")]
    return ", ".join(part for part in parts if part)


def collation(key: str) -> tuple[tuple[str, ...], ...]:
    """What Python compares: parts (split at commas), each a tuple of words."""
    return tuple(tuple(part.split()) for part in key.split(","))


_ROMAN_WORD = re.compile(r"\b(?=[ivxl]+\b)(x{0,3})(ix|iv|v?i{0,3})\b")
_ROMAN_VALUES = {"": 0, "i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7,
                 "viii": 8, "ix": 9}


def regnal_numbers(key: str) -> str:
    """Regnal numbers file by value, not by spelling (`Pius IX` after `Pius V`).

    Only after the first word, so a surname such as `Vi` is left alone.
    """
    first, sep, rest = key.partition(" ")

    def number(match: re.Match[str]) -> str:
        if not match.group(0):
            return match.group(0)
        return f"{len(match.group(1)) * 10 + _ROMAN_VALUES[match.group(2)]:03d}"

    return first + sep + _ROMAN_WORD.sub(number, rest) if sep else key


def person_sort_key(surname: str, forenames: str) -> str:
    return regnal_numbers(sort_key(f"{surname}, {forenames}" if forenames.strip()
                                   else surname))


def initial(key: str) -> str:
    """The letter of the A–Z bar an entry files under (`#` for anything else)."""
    first = key[:1].upper()
    return first if "A" <= first <= "Z" else "#"
