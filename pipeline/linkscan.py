"""Find links, anchors and malformed link syntax in one Markdown page, with exact positions.

In: the text of a page (``str``, as read, BOM and mixed CRLF/LF allowed). Out: ``Link``
records, ``Malformed`` findings, heading records and explicit anchors. Everything is pure and
regex/scanner based (no Markdown render), so a 400-page site scans in a fraction of a second
and the result of a page depends only on its text (cacheable by content hash).

Positions
    Lines are 1-based and end at LF, CRLF or a lone CR (CommonMark line endings; never the
    other separators ``str.splitlines`` knows). Columns are 1-based *character* (code point)
    columns of the link's opening ``[`` -- for an image too (the ``[`` after the ``!``), for a
    reference definition the ``[`` of its label, for an HTML ``<a href>``/``<img src>`` the
    ``<`` of the tag. A leading BOM is not a column. Tabs count as one column.

What is not a link
    Text inside front matter, fenced code blocks, indented code blocks (4+ columns past the
    enclosing list item's content, after a blank line), code spans and HTML comments is blanked
    before scanning ("masked"), keeping every offset. Comments are taken as browsers and DocFX
    take them, ``<!--`` to the first ``-->`` (so ``<!--- ... --->`` too, which CommonMark
    would not call a comment inline). The list rule is lenient the way DocFX 2016 was: a list
    stays open across lines indented less than CommonMark wants (a tab under ``10.  ``, a lazy
    ``>`` line), so screenshots indented under list items are checked rather than hidden.
    Markdown inside HTML blocks (``<div>...</div>``) is scanned too.

What is malformed (``link.malformed``)
    A ``[text](`` whose destination does not parse the CommonMark way: no ``)`` before the
    paragraph ends ("unclosed"), a destination with a space that is not followed by a quoted
    title ("spaces"), and the common case of the latter where the unclosed ``(`` runs into the
    next ``[text](`` ("swallowed": DocFX 2016's marked-style parser turned both into one link
    to a garbage URL, CommonMark renders the first as plain text). The second link there is
    still a link. ``[text]()`` is not malformed: DocFX TOC files use it for nodes without a page.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

MALFORMED = "link.malformed"


@dataclass(frozen=True)
class Link:
    """One link or image in a page, as written.

    ``target`` is the destination as written (angle brackets removed, no unescaping), ``kind``
    is ``inline`` (``[t](x)``), ``include`` (DocFX ``[!INCLUDE [t](x)]``), ``reference``
    (``[label]: x`` definition) or ``html`` (``href``/``src`` attribute).
    """

    target: str
    line: int
    column: int
    text: str
    is_image: bool
    kind: str = "inline"


@dataclass(frozen=True)
class Malformed:
    """A link whose syntax is broken: position of its ``[`` and a message."""

    line: int
    column: int
    message: str
    code: str = MALFORMED


@dataclass(frozen=True)
class Heading:
    """A heading: its level, raw inline Markdown and 1-based line. ``atx_nospace`` marks
    ``##Title`` lines, headings for DocFX 2016 but plain text for CommonMark."""

    level: int
    text: str
    line: int
    atx_nospace: bool = False


_NEWLINE = re.compile(r"\r\n|\r|\n")
_FENCE_OPEN = re.compile(r"^([ \t>]*)(`{3,}|~{3,})(.*)$")
_LIST_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])( {1,4}|\t|$)")
_INLINE_TOKEN = re.compile(r"<!--|`+")
_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n|\r[ \t]*\r")
_LINK_OPEN = re.compile(r"\]\(")
_INCLUDE_BEFORE = re.compile(r"\[!include\s*$", re.IGNORECASE)
_REF_DEF = re.compile(r"^( {0,3})\[((?:[^\]\\\n]|\\.){1,999})\]:[ \t]*(?:\r?\n[ \t]*)?(<[^>\n]*>|\S+)", re.MULTILINE)
_HTML_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9]*)\b([^<>]*)>")
_HTML_ATTR = re.compile(r"""\b([A-Za-z][\w:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_ATX = re.compile(r"^[ \t]*(?:>[ \t]?)*[ \t]*(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_ATX_NOSPACE = re.compile(r"^[ \t]*(#{1,6})([^#\s].*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^[ ]{0,3}(=+|-+)[ \t]*$")
_BLOCK_START = re.compile(r"^[ ]{0,3}(?:[-*+] |\d{1,9}[.)] |#|>|\||<|```|~~~)")
_LINK_TAGS = {"a": "href", "img": "src", "area": "href", "iframe": "src", "source": "src", "link": "href"}


def strip_bom(text: str) -> str:
    """``text`` without a leading U+FEFF (it is not part of line 1's columns)."""
    return text[1:] if text.startswith("\ufeff") else text


class _Positions:
    """Offset -> (line, column) for one text, both 1-based."""

    def __init__(self, lines: list[tuple[int, int]]) -> None:
        self.starts = [start for start, _ in lines]

    def at(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each line's content, line endings excluded."""
    spans, start = [], 0
    for m in _NEWLINE.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def _indent(line: str) -> int:
    width = 0
    for ch in line:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4 - width % 4
        else:
            break
    return width


_NOT_NEWLINE = re.compile(r"[^\r\n]")


def _apply_blanks(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the characters of ``spans`` (sorted, disjoint) but line endings blanked."""
    if not spans:
        return text
    parts, pos = [], 0
    for start, end in spans:
        parts.append(text[pos:start])
        parts.append(_NOT_NEWLINE.sub(" ", text[start:end]))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _block_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of front matter, fenced and indented code blocks (``spans``: the line spans)."""
    blanked: list[tuple[int, int]] = []
    first = 0
    if spans and text[spans[0][0]:spans[0][1]].rstrip() == "---":
        for k in range(1, len(spans)):
            if text[spans[k][0]:spans[k][1]].rstrip() in ("---", "..."):
                _add(blanked, 0, spans[k][1])
                first = k + 1
                break
    fence: tuple[str, int] | None = None
    list_stack: list[int] = []  # content columns of the open list items
    prev_blank, prev_code = True, False
    for k in range(first, len(spans)):
        start, end = spans[k]
        line = text[start:end]
        if fence is not None:
            _add(blanked, start, end)
            stripped = line.lstrip(" \t>")
            run = len(stripped) - len(stripped.lstrip(fence[0]))
            if run >= fence[1] and not stripped[run:].strip():
                fence = None
                prev_blank, prev_code = True, False
            continue
        if not line.strip():
            prev_blank = True
            continue
        indent = _indent(line)
        base = list_stack[-1] if list_stack else 0
        if (prev_blank or prev_code) and indent >= base + 4:
            if prev_blank:
                while list_stack and indent < list_stack[-1]:
                    list_stack.pop()
                base = list_stack[-1] if list_stack else 0
            if indent >= base + 4:
                _add(blanked, start, end)
                prev_blank, prev_code = False, True
                continue
        opened = _FENCE_OPEN.match(line)
        if opened and not (opened.group(2)[0] == "`" and "`" in opened.group(3)):
            fence = (opened.group(2)[0], len(opened.group(2)))
            _add(blanked, start, end)
            prev_blank, prev_code = False, False
            continue
        item = _LIST_ITEM.match(line.expandtabs(4))
        if item:
            while list_stack and indent < list_stack[-1]:
                list_stack.pop()
            list_stack.append(item.end() if item.group(3) else item.end() + 1)
        elif prev_blank:
            while list_stack and indent < list_stack[-1]:
                list_stack.pop()
        prev_blank, prev_code = False, False
    return blanked


def _add(spans: list[tuple[int, int]], start: int, end: int) -> None:
    if spans and start <= spans[-1][1]:
        spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
    else:
        spans.append((start, end))


def _inline_spans(masked: str) -> list[tuple[int, int]]:
    """Spans of HTML comments and code spans (left to right, so each hides the other)."""
    blanked: list[tuple[int, int]] = []
    pos, n = 0, len(masked)
    para_ends = [m.start() for m in _BLANK_LINE.finditer(masked)]  # a code span stops there
    while True:
        m = _INLINE_TOKEN.search(masked, pos)
        if m is None:
            return blanked
        start = m.start()
        if m.group() == "<!--":
            close = masked.find("-->", m.end())
            end = n if close < 0 else close + 3
            _add(blanked, start, end)
            pos = end
            continue
        ticks = m.group()
        if start > 0 and masked[start - 1] == "\\":
            pos = m.end()
            continue
        after = bisect.bisect_left(para_ends, m.end())
        limit = para_ends[after] if after < len(para_ends) else n
        closing = re.compile(rf"(?<!`){ticks}(?!`)").search(masked, m.end(), limit)
        if closing is None:
            pos = m.end()
            continue
        _add(blanked, start, closing.end())
        pos = closing.end()


def mask_text(text: str) -> str:
    """``text`` with everything that cannot hold a link blanked to spaces (same length,
    line endings kept): front matter, code blocks, code spans, HTML comments."""
    return _mask(text, _lines(text))


def _mask(text: str, lines: list[tuple[int, int]]) -> str:
    masked = _apply_blanks(text, _block_spans(text, lines))
    return _apply_blanks(masked, _inline_spans(masked))


def _escaped(text: str, index: int) -> bool:
    count = 0
    while index > 0 and text[index - 1] == "\\":
        count += 1
        index -= 1
    return count % 2 == 1


def _find_opener(masked: str, close: int) -> int | None:
    """Offset of the ``[`` matching the ``]`` at ``close``, within the paragraph."""
    depth = 0
    i = close - 1
    floor = max(0, close - 4000)
    while i >= floor:
        ch = masked[i]
        if ch == "]" and not _escaped(masked, i):
            depth += 1
        elif ch == "[" and not _escaped(masked, i):
            if depth == 0:
                return i
            depth -= 1
        elif ch == "\n" or ch == "\r":
            j = i - 1
            while j >= 0 and masked[j] in " \t":
                j -= 1
            if j < 0 or masked[j] in "\r\n":
                return None  # blank line: the paragraph starts after it
        i -= 1
    return None


def _skip_space(text: str, i: int) -> tuple[int, bool]:
    """Skip spaces/tabs and at most one line ending; return (offset, whether any was skipped)."""
    start = i
    n = len(text)
    while i < n and text[i] in " \t":
        i += 1
    if i < n and text[i] in "\r\n":
        i += 2 if text.startswith("\r\n", i) else 1
        while i < n and text[i] in " \t":
            i += 1
    return i, i > start


def _parse_destination(masked: str, i: int) -> tuple[str, int] | None:
    """Parse ``dest [title])`` from ``i`` (just after ``(``); return (dest, offset after ``)``)."""
    n = len(masked)
    i, _ = _skip_space(masked, i)
    if i < n and masked[i] == "<":
        close = i + 1
        while close < n and masked[close] not in ">\r\n<":
            close += 1 + (masked[close] == "\\")
        if close >= n or masked[close] != ">":
            return None
        dest, i = masked[i + 1:close], close + 1
    else:
        start, depth = i, 0
        while i < n:
            ch = masked[i]
            if ch in " \t\r\n" or ord(ch) < 32:
                break
            if ch == "\\":
                i += 2
                continue
            if ch == "(":
                depth += 1
            elif ch == ")":
                if depth == 0:
                    break
                depth -= 1
            i += 1
        dest = masked[start:i]
    i, spaced = _skip_space(masked, i)
    if i < n and masked[i] == ")":
        return dest, i + 1
    if spaced and i < n and masked[i] in "\"'(":
        closer = ")" if masked[i] == "(" else masked[i]
        j = i + 1
        while j < n and masked[j] != closer:
            if masked[j] == "\\":
                j += 1
            elif masked[j] in "\r\n" and _BLANK_LINE.match(masked, j - 1 if masked[j - 1] in "\r\n" else j):
                return None
            j += 1
        if j >= n:
            return None
        j, _ = _skip_space(masked, j + 1)
        if j < n and masked[j] == ")":
            return dest, j + 1
    return None


def _describe_malformed(masked: str, open_paren: int, positions: _Positions, label: str) -> str:
    """Message for a ``](`` whose destination does not parse; ``label`` is the link text."""
    label = re.sub(r"\s+", " ", label)
    label = label if len(label) <= 30 else label[:29].rstrip() + "\u2026"
    what = f"malformed link '[{label}](...'"
    para = _BLANK_LINE.search(masked, open_paren)
    end = para.start() if para else len(masked)
    rest = masked[open_paren + 1:end]
    close = rest.find(")")
    nxt = re.search(r"\]\(", rest)
    if nxt is not None and (close < 0 or nxt.start() < close):
        opener = _find_opener(masked, open_paren + 1 + nxt.start())
        if opener is not None and opener > open_paren:
            line, column = positions.at(opener)
            return (f"{what}: its '(' is not closed before the next link at {line}:{column}, "
                    "which swallows it (the destination would contain spaces)")
    if close < 0:
        return f"{what}: unclosed '](' (no ')' before the end of the paragraph)"
    dest = re.sub(r"\s+", " ", rest[:close].strip())
    return f"{what}: destination '{dest}' contains spaces (write %20 or <...>)"


@dataclass(frozen=True)
class PageScan:
    """Everything the link checker needs from one page's text (cacheable by content hash)."""

    links: tuple[Link, ...]
    malformed: tuple[Malformed, ...]
    headings: tuple[Heading, ...]
    explicit_anchors: frozenset[str]


def scan_text(text: str) -> PageScan:
    """Links, malformed links, headings and explicit anchors of one page, masking it once."""
    text = strip_bom(text)
    lines = _lines(text)
    masked = _mask(text, lines)
    links, malformed = _links(text, masked, lines)
    return PageScan(tuple(links), tuple(malformed), tuple(_headings(text, masked, lines)),
                    frozenset(_anchors(masked)))


def find_links(text: str) -> tuple[list[Link], list[Malformed]]:
    """All links of a page and its malformed link syntax, in document order."""
    text = strip_bom(text)
    lines = _lines(text)
    return _links(text, _mask(text, lines), lines)


def find_headings(text: str) -> list[Heading]:
    """ATX and setext headings outside code, comments and front matter, in order."""
    text = strip_bom(text)
    lines = _lines(text)
    return _headings(text, _mask(text, lines), lines)


def find_explicit_anchors(text: str) -> set[str]:
    """Targets made by HTML: ``<a name="x">`` and ``id="x"`` on any tag (outside code)."""
    return _anchors(mask_text(strip_bom(text)))


def _links(text: str, masked: str, lines: list[tuple[int, int]]) -> tuple[list[Link], list[Malformed]]:
    positions = _Positions(lines)
    found: list[tuple[int, Link]] = []
    malformed: list[Malformed] = []
    for m in _LINK_OPEN.finditer(masked):
        close = m.start()
        if _escaped(masked, close):
            continue
        opener = _find_opener(masked, close)
        if opener is None:
            continue
        is_image = opener > 0 and masked[opener - 1] == "!" and not _escaped(masked, opener - 1)
        line, column = positions.at(opener)
        parsed = _parse_destination(masked, m.end())
        if parsed is None:
            message = _describe_malformed(masked, m.end() - 1, positions, text[opener + 1:close])
            malformed.append(Malformed(line, column, message))
            continue
        dest = parsed[0].strip()
        if dest.startswith("<") and dest.endswith(">"):
            dest = dest[1:-1]
        if not dest:
            continue
        kind = "include" if _INCLUDE_BEFORE.search(masked, max(0, opener - 20), opener) else "inline"
        found.append((opener, Link(dest, line, column, text[opener + 1:close], is_image, kind)))
    for m in _REF_DEF.finditer(masked):
        dest = m.group(3)
        if dest.startswith("<"):
            dest = dest[1:-1]
        offset = m.start(2) - 1
        line, column = positions.at(offset)
        found.append((offset, Link(dest, line, column, m.group(2), False, "reference")))
    for m in _HTML_TAG.finditer(masked):
        tag = m.group(1).lower()
        wanted = _LINK_TAGS.get(tag)
        if wanted is None:
            continue
        for attr in _HTML_ATTR.finditer(m.group(2)):
            if attr.group(1).lower() == wanted:
                value = next(v for v in attr.group(2, 3, 4) if v is not None).strip()
                if value:
                    line, column = positions.at(m.start())
                    found.append((m.start(), Link(value, line, column, "", tag == "img", "html")))
    found.sort(key=lambda pair: pair[0])
    return [link for _, link in found], malformed


def _headings(text: str, masked: str, spans: list[tuple[int, int]]) -> list[Heading]:
    headings = []
    prev_para: tuple[int, str] | None = None  # (line number, text) of a paragraph line
    for k, (start, end) in enumerate(spans):
        shown = masked[start:end]
        if not shown.strip():
            prev_para = None
            continue
        original = text[start:end]
        atx = _ATX.match(shown)
        if atx:
            raw = _ATX.match(original)
            content = (raw.group(2) if raw else atx.group(2)) or ""
            headings.append(Heading(len(atx.group(1)), content.strip(), k + 1))
            prev_para = None
            continue
        nospace = _ATX_NOSPACE.match(shown)
        if nospace:
            headings.append(Heading(len(nospace.group(1)), original.strip().lstrip("#").strip(), k + 1, True))
            prev_para = None
            continue
        setext = _SETEXT.match(shown)
        if setext and prev_para is not None and not (setext.group(1)[0] == "-" and "|" in prev_para[1]):
            headings.append(Heading(1 if setext.group(1)[0] == "=" else 2, prev_para[1].strip(), prev_para[0]))
            prev_para = None
            continue
        is_para = _indent(shown) < 4 and not _BLOCK_START.match(shown)
        prev_para = (k + 1, original) if is_para else None
    return headings


def _anchors(masked: str) -> set[str]:
    anchors = set()
    for m in _HTML_TAG.finditer(masked):
        tag = m.group(1).lower()
        for attr in _HTML_ATTR.finditer(m.group(2)):
            name = attr.group(1).lower()
            if name == "id" or (name == "name" and tag == "a"):
                value = next(v for v in attr.group(2, 3, 4) if v is not None).strip()
                if value:
                    anchors.add(value)
    return anchors
