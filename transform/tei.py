"""TEI trees: element names, the reading text of an element, and tail-safe editing.

TEI prose is mixed content: a paragraph's words live in its `.text` and in the `.tail`
of each child (a `pb`, a `hi`, a `note`). Every stage that needs the words a reader
sees takes them from `reading_text`; every stage that changes mixed content does it
through the helpers here, which move a child together with its tail and never lose or
reorder a character: `read_stream` gives a block as one string with a map back to its
text slots, `wrap_range` wraps a range of it in a new element, `wrap_own_text` does the
same for a parent's own text, `unwrap` replaces an element by its content,
`remove_keeping_tail` takes one out, and `append_text` adds text after a parent's last
child.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from enum import Enum

from lxml import etree

from transform.edition import TEI_NS, XML_NS

T = f"{{{TEI_NS}}}"
XML_ID = f"{{{XML_NS}}}id"


# ------------------------------------------------------------------ the reading text

# Not what a reader reads: the printed side of a correction or regularisation, text the
# editors mark as superfluous, forme work (running heads, catchwords).
NOT_READING = frozenset(T + n for n in ("sic", "orig", "surplus", "fw"))
# Breaks of line, page or column: a space between words, unless `break="no"` says the
# word goes on across them.
BREAKS = frozenset(T + n for n in ("lb", "pb", "cb", "milestone"))
# Blocks that can stand inside a paragraph: their text is set apart from the text around.
SPACED = frozenset(T + n for n in ("quote", "lg", "l", "list", "item", "p", "table", "row",
                                    "cell", "figure"))
NOTE = T + "note"
_MARK = "\x00"  # where a marked element opens or closes: never in a book


def _read(node: etree._Element, parts: list[str], notes: bool, leave_out: Collection[str],
          marked: Collection[str], marks: list[etree._Element]) -> None:
    parts.append(node.text or "")
    for child in node:
        tag = child.tag
        if tag in BREAKS:
            if child.get("break") != "no":
                parts.append(" ")
        elif not isinstance(tag, str) or tag in NOT_READING or tag in leave_out:
            pass
        elif tag == NOTE:
            if notes:
                parts.append(" ")
                _read(child, parts, notes, leave_out, marked, marks)
                parts.append(" ")
        elif tag in marked:
            parts.append(_MARK)
            marks.append(child)
            _read(child, parts, notes, leave_out, marked, marks)
            parts.append(_MARK)
            marks.append(child)
        elif tag in SPACED:
            parts.append(" ")
            _read(child, parts, notes, leave_out, marked, marks)
            parts.append(" ")
        else:
            _read(child, parts, notes, leave_out, marked, marks)
        parts.append(child.tail or "")


def reading_text(element: etree._Element, *, notes: bool = False,
                 leave_out: Collection[str] = ()) -> str:
    """The text of `element` a reader sees, whitespace normalised.

    The corrected and regularised readings (`corr`, `reg`) and supplied text count, the
    printed ones (`sic`, `orig`), `surplus` and forme work (`fw`) do not; notes inside
    the element count only with `notes=True` (set apart by spaces); a `lb`, `pb`, `cb`
    or `milestone` is a space unless it has `break="no"`, which joins the word's two
    halves; a block inside the element (a quotation, a list item) is set apart by
    spaces. `leave_out` names further elements (Clark names) whose text does not count.
    """
    parts: list[str] = []
    _read(element, parts, notes, leave_out, (), [])
    return " ".join("".join(parts).split())


def reading_spans(element: etree._Element, marked: Collection[str]
                  ) -> tuple[str, dict[etree._Element, tuple[int, int]]]:
    """`reading_text(element)` and where the text of each descendant named in `marked`
    (Clark names) stands in it: element → (start, end)."""
    parts: list[str] = []
    marks: list[etree._Element] = []  # the element of each mark, in the order of the marks
    _read(element, parts, False, (), marked, marks)
    text: list[str] = []
    length = 0
    spans: dict[etree._Element, tuple[int, int]] = {}
    opening: list[etree._Element] = []  # opened, waiting for their first character
    space = False  # white space seen since the last character
    pieces = "".join(parts).split(_MARK)  # the text between one mark and the next
    for n, piece in enumerate(pieces):
        words = piece.split()
        if piece[:1].isspace():
            space = True
        for k, word in enumerate(words):
            if (space or k) and length:
                text.append(" ")
                length += 1
            for node in opening:
                spans[node] = (length, length)
            opening.clear()
            text.append(word)
            length += len(word)
            space = False
        if words and piece[-1].isspace():
            space = True
        if n == len(marks):
            break
        node = marks[n]
        if node in spans or node in opening:  # its end: after its last character
            if node in opening:
                opening.remove(node)
                spans[node] = (length, length)
            spans[node] = (spans[node][0], length)
        else:
            opening.append(node)
    return "".join(text), spans


# ------------------------------------------------------------------ tail-safe editing

# Stands in the stream for an element whose content is not running text of this block
# (a note, a name already tagged, a title): not a letter, so no name can run across it.
PLACEHOLDER = "\ufffc"


class Role(Enum):
    """How a descendant element of a block takes part in the block's running text."""

    TRANSPARENT = "transparent"  # its text is running text (hi, foreign, choice/corr)
    ZERO_WIDTH = "zero-width"  # contributes no text, may sit inside a name (pb, lb)
    BARRIER = "barrier"  # not running text of this block; nothing may span it (note, title)


@dataclass(frozen=True)
class Slot:
    """One stretch of the stream: the `.text` of `parent` (anchor None) or the `.tail` of anchor."""

    start: int
    end: int
    parent: etree._Element
    anchor: etree._Element | None


@dataclass
class TextStream:
    """A block's running text as one string, with the slots each character came from."""

    root: etree._Element
    text: str = ""
    slots: list[Slot] = field(default_factory=list)
    barriers: list[int] = field(default_factory=list)  # offsets of PLACEHOLDER characters
    barrier_text: dict[int, str] = field(default_factory=dict)  # what each placeholder hides

    def expanded(self, start: int, end: int) -> str:
        """stream[start:end] with each placeholder replaced by the text it stands for.

        Context cues read this, so that a name tagged earlier (Holland, Belgium) still
        counts as context: a second run then decides exactly as the first did.
        """
        piece = self.text[start:end]
        if PLACEHOLDER not in piece:
            return piece
        return "".join(self.barrier_text.get(start + i, ch) if ch == PLACEHOLDER else ch
                       for i, ch in enumerate(piece))

    def slot_at(self, offset: int, *, end: bool = False) -> Slot | None:
        """The slot holding the character at `offset` (or, with end=True, ending at it)."""
        for slot in self.slots:
            if end and slot.start < offset <= slot.end:
                return slot
            if not end and slot.start <= offset < slot.end:
                return slot
        return None


def read_stream(root: etree._Element, role_of: Callable[[etree._Element], Role]) -> TextStream:
    """Concatenate the running text of `root` in document order.

    `role_of` says, for each descendant element, whether its text belongs to the stream
    (TRANSPARENT, descended into), is nothing (ZERO_WIDTH) or is a barrier (one PLACEHOLDER).
    Comments and processing instructions count as zero-width; their tails are text.
    """
    stream = TextStream(root)
    parts: list[str] = []
    pos = 0

    def add(value: str | None, parent: etree._Element, anchor: etree._Element | None) -> None:
        nonlocal pos
        if value:
            stream.slots.append(Slot(pos, pos + len(value), parent, anchor))
            parts.append(value)
            pos += len(value)

    def walk(element: etree._Element) -> None:
        nonlocal pos
        add(element.text, element, None)
        for child in element:
            role = role_of(child) if isinstance(child.tag, str) else Role.ZERO_WIDTH
            if role is Role.TRANSPARENT:
                walk(child)
            elif role is Role.BARRIER:
                stream.barriers.append(pos)
                stream.barrier_text[pos] = "".join(child.itertext())
                parts.append(PLACEHOLDER)
                pos += 1
            add(child.tail, element, child)

    walk(root)
    stream.text = "".join(parts)
    return stream


class WrapError(ValueError):
    """A range cannot be wrapped without breaking the nesting of the tree."""


@dataclass(frozen=True)
class Position:
    """A point between characters: in `parent`'s text (anchor None) or in anchor's tail."""

    parent: etree._Element
    anchor: etree._Element | None
    offset: int


def _visible(element: etree._Element, role_of: Callable[[etree._Element], Role]) -> str:
    """The stream text an element contributes (nothing for zero-width elements)."""
    if not isinstance(element.tag, str) or role_of(element) is Role.ZERO_WIDTH:
        return ""
    if role_of(element) is Role.BARRIER:
        return PLACEHOLDER
    return (element.text or "") + "".join(_visible(c, role_of) + (c.tail or "") for c in element)


def _lift(position: Position, root: etree._Element, role_of: Callable[[etree._Element], Role],
          *, forward: bool) -> Position | None:
    """The same point one level up, when nothing visible separates it from the parent's edge.

    Lets a name end with a corrected word: "Constituent <choice><sic>Assemblv</sic><corr>
    Assembly</corr></choice>" is wrapped whole, choice and all, instead of failing.
    """
    parent, anchor, offset = position.parent, position.anchor, position.offset
    if parent is root or parent.getparent() is None:
        return None
    own = (parent.text if anchor is None else anchor.tail) or ""
    children = list(parent)
    index = -1 if anchor is None else children.index(anchor)
    if forward:
        rest = own[offset:] + "".join(_visible(c, role_of) + (c.tail or "")
                                      for c in children[index + 1:])
        if rest:
            return None
        return Position(parent.getparent(), parent, 0)
    if anchor is None:
        before = (parent.text or "")[:offset]
    else:
        before = (parent.text or "") + "".join(
            _visible(c, role_of) + (c.tail or "") for c in children[:index])
        before += _visible(anchor, role_of) + (anchor.tail or "")[:offset]
    if before:
        return None
    grand = parent.getparent()
    previous = parent.getprevious()
    text = (grand.text if previous is None else previous.tail) or ""
    return Position(grand, previous, len(text))


def wrap_range(stream: TextStream, start: int, end: int, element: etree._Element,
               may_enclose: Callable[[etree._Element], bool],
               role_of: Callable[[etree._Element], Role] | None = None) -> etree._Element:
    """Wrap stream[start:end] in `element`, moving enclosed children (with tails) into it.

    Both ends must lie in text slots of the same parent element (an end that sits at the
    edge of a transparent element, such as a corrected word, is lifted to the level of
    that element when `role_of` is given); every child between them must satisfy
    `may_enclose` (a page break may, a note may not). The text is not changed: the
    concatenation of all text slots is the same before and after.
    """
    if not 0 <= start < end <= len(stream.text):
        raise WrapError(f"empty or out-of-range span {start}-{end}")
    first = stream.slot_at(start)
    last = stream.slot_at(end, end=True)
    if first is None or last is None:
        raise WrapError("span begins or ends outside the running text")
    if any(b for b in stream.barriers if start <= b < end):
        raise WrapError("span crosses a barrier element")
    begin = Position(first.parent, first.anchor, start - first.start)
    finish = Position(last.parent, last.anchor, end - last.start)
    if begin.parent is not finish.parent and role_of is not None:
        begin, finish = _meet(begin, finish, stream.root, role_of)
    if begin.parent is not finish.parent:
        raise WrapError("span crosses an element boundary")
    parent = begin.parent
    children = list(parent)
    first_index = -1 if begin.anchor is None else children.index(begin.anchor)
    last_index = -1 if finish.anchor is None else children.index(finish.anchor)
    if last_index < first_index:
        raise WrapError("span ends before it begins")
    enclosed = children[first_index + 1:last_index + 1]
    if not all(may_enclose(child) for child in enclosed):
        raise WrapError("span would enclose an element that cannot sit inside a name")

    def get(anchor: etree._Element | None) -> str:
        return (parent.text if anchor is None else anchor.tail) or ""

    def put(anchor: etree._Element | None, value: str) -> None:
        if anchor is None:
            parent.text = value or None
        else:
            anchor.tail = value or None

    head = get(begin.anchor)
    cut = begin.offset
    if first_index == last_index:
        element.text = head[cut:finish.offset] or None
        element.tail = head[finish.offset:] or None
        put(begin.anchor, head[:cut])
    else:
        element.text = head[cut:] or None
        put(begin.anchor, head[:cut])
        tail = get(finish.anchor)
        element.tail = tail[finish.offset:] or None
        put(finish.anchor, tail[:finish.offset])
        for child in enclosed:
            element.append(child)  # lxml moves the child together with its tail
    parent.insert(first_index + 1, element)
    return element


def _depth(element: etree._Element) -> int:
    return sum(1 for _ in element.iterancestors())


def _meet(begin: Position, finish: Position, root: etree._Element,
          role_of: Callable[[etree._Element], Role]) -> tuple[Position, Position]:
    """Lift the deeper end(s) until both lie in one parent, or give up (unchanged)."""
    original = (begin, finish)
    for _ in range(8):
        if begin.parent is finish.parent:
            return begin, finish
        if _depth(finish.parent) >= _depth(begin.parent):
            lifted = _lift(finish, root, role_of, forward=True)
            if lifted is None:
                return original
            finish = lifted
        else:
            lifted = _lift(begin, root, role_of, forward=False)
            if lifted is None:
                return original
            begin = lifted
    return original


def unwrap(element: etree._Element) -> None:
    """Replace `element` by its content, keeping its text, children and tail in place."""
    parent = element.getparent()
    index = parent.index(element)
    previous = element.getprevious()
    inner = element.text or ""
    if previous is None:
        parent.text = (parent.text or "") + inner or None
    else:
        previous.tail = (previous.tail or "") + inner or None
    children = list(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)  # moves the child with its tail
    tail = element.tail or ""
    if children:
        last = children[-1]
        last.tail = (last.tail or "") + tail or None
    elif previous is None:
        parent.text = (parent.text or "") + tail or None
    else:
        previous.tail = (previous.tail or "") + tail or None
    parent.remove(element)


def remove_keeping_tail(element: etree._Element) -> None:
    """Take `element` and its content out of the tree; its tail stays where it was."""
    parent = element.getparent()
    previous = element.getprevious()
    tail = element.tail
    parent.remove(element)
    if not tail:
        return
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail


def wrap_own_text(parent: etree._Element, start: int, end: int,
                  element: etree._Element) -> etree._Element:
    """Wrap characters `start:end` of `parent`'s own text (its `.text` and its children's
    tails; see `own_text`) in `element`. Children inside the range (a page break, say)
    move into `element`; children at its edges stay outside."""
    stream = read_stream(parent, lambda child: Role.ZERO_WIDTH)
    return wrap_range(stream, start, end, element, lambda child: True)


def own_text(parent: etree._Element) -> str:
    """The element's own text: its text and its children's tails (children count as nothing)."""
    return (parent.text or "") + "".join(child.tail or "" for child in parent)


def append_text(parent: etree._Element, text: str | None) -> None:
    """Append text at the end of `parent`'s content (after its last child, tail-safe)."""
    if not text:
        return
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
