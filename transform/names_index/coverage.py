"""The editors' coverage report of the index of names.

What it finds: register entries no book mentions; entries that are mentioned
but have no description (or, for people, no dates); the same surface string
pointing to different entries (a name to check: `Lvov`, `Kirov`, `Georgia`);
mentions whose `@ref` points to no entry; counts of mentions per chapter.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from transform.names_index.model import KINDS, Entry, NamesIndex
from transform.names_index.sorting import fold


@dataclass
class Coverage:
    """The findings, each a list an editor can work through."""

    entries: dict[str, int] = field(default_factory=dict)
    mentions: dict[str, dict[str, int]] = field(default_factory=dict)
    never_mentioned: list[Entry] = field(default_factory=list)
    no_description: list[tuple[Entry, int]] = field(default_factory=list)
    no_dates: list[tuple[Entry, int]] = field(default_factory=list)
    ambiguous: list[tuple[str, dict[str, int]]] = field(default_factory=list)
    unresolved: list[tuple[str, str, int]] = field(default_factory=list)
    per_chapter: list[tuple[str, str, str, dict[str, int]]] = field(default_factory=list)

    def summary(self) -> str:
        entries = ", ".join(f"{k} {v}" for k, v in self.entries.items())
        mentions = "; ".join(f"{book}: " + ", ".join(f"{k} {v}" for k, v in counts.items())
                             for book, counts in self.mentions.items())
        return (f"entries: {entries}; mentions: {mentions}; "
                f"{len(self.never_mentioned)} entries never mentioned, "
                f"{len(self.no_description)} mentioned entries without a description, "
                f"{len(self.no_dates)} mentioned people without dates, "
                f"{len(self.ambiguous)} surface strings pointing to more than one entry, "
                f"{sum(n for _, _, n in self.unresolved)} mentions pointing to no entry")

    def lines(self) -> list[str]:
        out = [self.summary(), "", f"never mentioned ({len(self.never_mentioned)}):"]
        out += [f"  {e.kind}/{e.entry_id}: {e.heading}" for e in self.never_mentioned]
        out += ["", f"mentioned, no description ({len(self.no_description)}):"]
        out += [f"  {e.kind}/{e.entry_id}: {e.heading} ({n} mentions)"
                for e, n in self.no_description]
        out += ["", f"mentioned people without dates ({len(self.no_dates)}):"]
        out += [f"  {e.entry_id}: {e.heading} ({n} mentions)" for e, n in self.no_dates]
        out += ["", f"one surface string, several entries ({len(self.ambiguous)}):"]
        out += [f"  {surface!r}: " + ", ".join(f"{k} ×{n}" for k, n in targets.items())
                for surface, targets in self.ambiguous]
        out += ["", f"@ref pointing to no entry ({len(self.unresolved)}):"]
        out += [f"  {book}: {ref} ×{n}" for book, ref, n in self.unresolved]
        out += ["", "mentions per chapter (persons/places/orgs):"]
        out += [f"  {book} {chapter} {label[:50]}: " + "/".join(
            str(counts.get(k, 0)) for k in KINDS) for book, chapter, label, counts
            in self.per_chapter]
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "summary": self.summary(), "entries": self.entries, "mentions": self.mentions,
            "never_mentioned": [f"{e.kind}/{e.entry_id}" for e in self.never_mentioned],
            "no_description": [{"entry": f"{e.kind}/{e.entry_id}", "mentions": n}
                               for e, n in self.no_description],
            "no_dates": [{"entry": e.entry_id, "mentions": n} for e, n in self.no_dates],
            "ambiguous": [{"surface": s, "entries": t} for s, t in self.ambiguous],
            "unresolved": [{"book": b, "ref": r, "mentions": n} for b, r, n in self.unresolved],
            "per_chapter": [{"book": b, "chapter": c, "label": label, "counts": counts}
                            for b, c, label, counts in self.per_chapter],
        }


def coverage(index: NamesIndex) -> Coverage:
    """The coverage report of an index."""
    report = Coverage()
    report.entries = {kind: len(index.entries[kind]) for kind in KINDS}
    for book in index.books:
        counts = Counter(m.kind for m in index.mentions if m.book == book.key)
        report.mentions[book.key] = {kind: counts.get(kind, 0) for kind in KINDS}
    for kind in KINDS:
        for entry in index.entries[kind]:
            count = index.count(entry)
            if not count:
                report.never_mentioned.append(entry)
                continue
            if not entry.description:
                report.no_description.append((entry, count))
            if kind == "persons" and not entry.dates:
                report.no_dates.append((entry, count))
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    for mention in index.mentions:
        surface = fold(mention.surface).removesuffix("'s").removesuffix("’s")
        surfaces[surface][f"{mention.kind}/{mention.entry_id}"] += 1
    report.ambiguous = sorted((s, dict(t.most_common())) for s, t in surfaces.items()
                              if len(t) > 1)
    unresolved = Counter((m.book, m.ref if m.entry_id else "?") for m in index.unresolved)
    report.unresolved = sorted((b, r, n) for (b, r), n in unresolved.items())
    chapters: dict[tuple[str, str], tuple[str, Counter[str]]] = {}
    for mention in index.mentions:
        key = (mention.book, mention.chapter or mention.division)
        chapters.setdefault(key, (mention.chapter_label, Counter()))[1][mention.kind] += 1
    report.per_chapter = [(book, chapter, label, dict(counts))
                          for (book, chapter), (label, counts) in chapters.items()]
    return report
