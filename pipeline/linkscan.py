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
    A message quotes at most 30 characters of a link text and 80 of a destination, cut with
    an ellipsis between two characters as shown (``_short``): a destination runs to the
    paragraph's next ``)``, which may be 50 KB on, and a finding is one line.

Speed
    A page is not walked line by line or character by character in Python: each pass finds
    its few places (``](``, ``<``, backticks, ``#`` or underlines at a line start, ...) with
    ``str.find`` or a regex that starts with a literal, and does Python work only there.
    CPython's ``re`` tests every position of the text for a pattern that starts with ``^``,
    a character class, an alternation or a repeat (5-7 ns a character here), and a substring
    search costs under 1 ns a character, where a single character (memchr) costs a twentieth
    of that: hence the one-character tests before whole-page searches. Only pages with a fence or an
    indented line get the line loop that tracks lists and code blocks.
"""

from __future__ import annotations

import bisect
import functools
import html
import re
from collections import namedtuple
from itertools import accumulate
from collections.abc import Iterable, Iterator

from .digests import blake2b
from .docfx import DELIMITER_ROW
from .errorcodes import is_error_table
from .slugs import claim_slug, slug_docfx_2016, slug_github

MALFORMED = "link.malformed"


# The records are named tuples, not dataclasses: ``dataclasses`` imports ``inspect`` (7 ms), and a
# rerun after an edit that moves no link (``pipeline.checkcommand``) loads this module alone.
class Link(namedtuple("Link", "target line column text is_image kind", defaults=("inline",))):
    """One link or image in a page, as written.

    ``target`` is the destination as written (angle brackets removed, no unescaping), ``kind``
    is ``inline`` (``[t](x)``), ``include`` (DocFX ``[!INCLUDE [t](x)]``), ``reference``
    (``[label]: x`` definition) or ``html`` (``href``/``src`` attribute).
    """

    __slots__ = ()
    target: str
    line: int
    column: int
    text: str
    is_image: bool
    kind: str


class Malformed(namedtuple("Malformed", "line column message code", defaults=(MALFORMED,))):
    """A link whose syntax is broken: position of its ``[`` and a message."""

    __slots__ = ()
    line: int
    column: int
    message: str
    code: str


class Heading(namedtuple("Heading", "level text line atx_nospace", defaults=(False,))):
    """A heading: its level, raw inline Markdown and 1-based line. ``atx_nospace`` marks
    ``##Title`` lines, headings for DocFX 2016 but plain text for CommonMark."""

    __slots__ = ()
    level: int
    text: str
    line: int
    atx_nospace: bool


_FENCE_OPEN = re.compile(r"^([ \t>]*)(`{3,}|~{3,})(.*)$")
_INDENTED = re.compile(r"(?: {4}| {0,3}\t)")  # 4 columns or more (tab stops every 4)
# after a line ending, literal first: the search skips to each LF (or CR) instead of testing
# every character as ``^`` would; pattern.pattern[0] is that line ending
_INDENTED_AFTER = (re.compile("\n" + _INDENTED.pattern), re.compile("\r" + _INDENTED.pattern))
_LIST_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])( {1,4}|\t|$)")
_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n|\r[ \t]*\r")
_BLANK_LINE_LF = re.compile(r"\n[ \t]*\n")  # the same where there is no CR, found faster (literal first)
_BACKTICKS = re.compile(r"``*")  # not `+: a literal first character makes the search fast
_LINK_OPEN = re.compile(r"\]\(")
_DEST_PLAIN = re.compile(r"[^\x00-\x20\\()]*")
_SPACE = r"[ \t]*+(?:(?:\r\n|\r|\n)[ \t]*+)?+"  # what _skip_space skips
# a destination without ``<>``, parentheses, escapes or title: ``_LinkSyntax.destination``'s loops
# give the same; possessive quantifiers, as those loops never step back
_PLAIN_DESTINATION = re.compile(_SPACE + r"((?:[^\x00-\x20\\()<][^\x00-\x20\\()]*+)?+)" + _SPACE + r"\)")
_INCLUDE_BEFORE = re.compile(r"\[!include\s*$", re.IGNORECASE)
_REF_DEF = re.compile(r"^( {0,3})\[((?:[^\]\\\n]|\\.){1,999})\]:[ \t]*(?:\r?\n[ \t]*)?(<[^>\n]*>|\S+)", re.MULTILINE)
_HTML_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9]*)\b([^<>]*)>")
_HTML_ATTR = re.compile(r"""\b([A-Za-z][\w:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
# An ATX heading: ``#`` marks, then white space and the text, or the end. The text is split from
# its closing sequence by ``_atx_content``: the regex ``...(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$``
# would do it with a lazy group that costs microseconds a heading.
_ATX = re.compile(r"^[ \t]*(?:>[ \t]?)*[ \t]*(#{1,6})(?:[ \t]+(.*))?$")
_ATX_NOSPACE = re.compile(r"^[ \t]*(#{1,6})([^#\s].*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^[ ]{0,3}(=+|-+)[ \t]*$")
_HEADING_START = r"[ \t>]*#"  # a superset of _ATX and _ATX_NOSPACE
_UNDERLINE = r" {0,3}(?:=+|-+)[ \t]*(?![^\r\n])"  # _SETEXT, up to the line ending
_CANDIDATES = tuple(re.compile(f"{end}(?:{_HEADING_START}|{_UNDERLINE})") for end in "\n\r")
_LABEL_END = re.compile(r"\]:")
_BLOCK_START = re.compile(r"^[ ]{0,3}(?:[-*+] |\d{1,9}[.)] |#|>|\||<|```|~~~)")
_DELIMITER_ROW = re.compile("[ \t]*" + DELIMITER_ROW)  # indented any amount: a paragraph's line (markdig)
_FIRST_CELL = re.compile(r"[ \t]*\|?((?:[^|\\]|\\.)*)")
# where a _DELIMITER_ROW may start: after a LF (as "\n" first: a literal the engine jumps to), or a CR
# (possessive: a masked line, code or a comment blanked, is a run of blanks the three '[ \t]*'
# shared out by backtracking, cubic in its length: 0.3 s over the corpus, most of a cold check)
_DELIMITER_LINE = (re.compile(r"\n[ \t]*+\|?[ \t]*+:?[ \t]*+-"), re.compile(r"\r[ \t]*+\|?[ \t]*+:?[ \t]*+-"))
_LINK_TAGS = {"a": "href", "img": "src", "area": "href", "iframe": "src", "source": "src", "link": "href"}

# What a malformed link's message quotes of the page, at most: a finding is one line, and a
# page's link text (4,000 characters: _OPENER_REACH) or destination (to the paragraph's next
# ')') is not bounded. The message is also a baseline key (pipeline.reports): so it is short.
LABEL_QUOTE = 30
DESTINATION_QUOTE = 80
_SPACES = re.compile(r"\s+")


def strip_bom(text: str) -> str:
    """``text`` without a leading U+FEFF (it is not part of line 1's columns)."""
    return text[1:] if text.startswith("\ufeff") else text


class _Lines:
    """The lines of one text: ``starts[k]`` and ``texts[k]`` are line ``k``'s offset and content
    (0-based, endings excluded), and ``at``/``index`` map an offset back to its line.

    Built with ``str.split`` rather than a per-line regex loop: the scanner's other passes only
    visit the few lines that can matter, so this table is most of the per-line cost.
    """

    __slots__ = ("starts", "texts")

    def __init__(self, text: str) -> None:
        crs = text.count("\r") if "\r" in text else 0  # (one character: a fast memchr first)
        if crs == 0 or crs == text.count("\r\n"):  # LF and CRLF endings only: split at LF
            pieces = text.split("\n")
            self.starts = list(accumulate([len(piece) + 1 for piece in pieces], initial=0))
            self.starts.pop()
            self.texts = [piece[:-1] if piece[-1:] == "\r" else piece for piece in pieces] if crs else pieces
            return
        self.texts, self.starts = [], []
        pos = 0
        pieces = text.split("\n")
        for k, piece in enumerate(pieces):
            parts = piece.split("\r")
            crlf = k < len(pieces) - 1 and len(parts) > 1 and parts[-1] == ""  # the piece ends a CRLF
            if crlf:
                parts.pop()
            for part in parts:
                self.texts.append(part)
                self.starts.append(pos)
                pos += len(part) + 1
            pos += crlf

    def end(self, k: int) -> int:
        """Offset just past line ``k``'s content."""
        return self.starts[k] + len(self.texts[k])

    def index(self, offset: int) -> int:
        """0-based number of the line holding ``offset`` (a line ending counts to its line)."""
        return bisect.bisect_right(self.starts, offset) - 1

    def at(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of ``offset``."""
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


def _indent(line: str) -> int:
    """Columns of ``line``'s leading spaces and tabs (tab stops every 4)."""
    body = line.lstrip(" \t")
    lead = len(line) - len(body)
    return len(line[:lead].expandtabs(4)) if lead else 0


_NOT_NEWLINE = re.compile(r"[^\r\n]")


def _blank(segment: str) -> str:
    """``segment`` with every character but CR and LF turned into a space."""
    if "\r" in segment:
        return _NOT_NEWLINE.sub(" ", segment)
    if "\n" in segment:
        return "\n".join([" " * len(piece) for piece in segment.split("\n")])
    return " " * len(segment)


def _apply_blanks(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the characters of ``spans`` (sorted, disjoint) but line endings blanked."""
    if not spans:
        return text
    parts, pos = [], 0
    for start, end in spans:
        parts.append(text[pos:start])
        parts.append(_blank(text[start:end]))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _front_matter_end(lines: _Lines) -> int:
    """Number of lines of the YAML front matter (``---`` to ``---`` or ``...``), 0 if none."""
    texts = lines.texts
    if texts[0].rstrip() == "---":
        for k in range(1, len(texts)):
            if texts[k].rstrip() in ("---", "..."):
                return k + 1
    return 0


def _block_spans(text: str, lines: _Lines) -> list[tuple[int, int]]:
    """Spans of front matter, fenced and indented code blocks."""
    blanked: list[tuple[int, int]] = []
    first = _front_matter_end(lines)
    if first:
        _add(blanked, 0, lines.end(first - 1))
    # a one-character test first: a substring search costs about a millisecond per megabyte
    may_fence = ("`" in text and "```" in text) or ("~" in text and "~~~" in text)
    if may_fence or _has_indented_line(text, lines.end(first - 1) if first else 0):
        _code_spans(lines, first, may_fence, blanked)
    return blanked


def _has_indented_line(text: str, start: int) -> bool:
    """Whether a line after offset ``start`` (0, or the line ending before a line) starts with
    4 columns of white space. Most pages have none, and then they have no indented code,
    whatever their lists, so the line loop of ``_code_spans`` can be skipped."""
    if start == 0 and _INDENTED.match(text):
        return True
    return any(pattern.search(text, start) for pattern in _INDENTED_AFTER if pattern.pattern[0] in text)


def _code_spans(lines: _Lines, first: int, may_fence: bool, blanked: list[tuple[int, int]]) -> None:
    """Add the spans of fenced and indented code from line ``first`` on to ``blanked``.

    One pass over the lines, keeping the open fence, the open list items and whether the line
    before was blank or code. Most lines are plain text that changes none of that, so the
    regexes only run on lines whose first character can start a fence or a list item.
    """
    fence: tuple[str, int] | None = None
    list_stack: list[int] = []  # content columns of the open list items
    prev_blank, prev_code = True, False
    texts, starts = lines.texts, lines.starts
    for k in range(first, len(texts)):
        line = texts[k]
        if fence is not None:
            _add(blanked, starts[k], starts[k] + len(line))
            stripped = line.lstrip(" \t>")
            run = len(stripped) - len(stripped.lstrip(fence[0]))
            if run >= fence[1] and not stripped[run:].strip():
                fence = None
                prev_blank, prev_code = True, False
            continue
        if not line or line.isspace():
            prev_blank = True
            continue
        body = line.lstrip(" \t")  # not empty: the line is not blank
        lead = len(line) - len(body)
        indent = len(line[:lead].expandtabs(4)) if lead else 0
        if prev_blank:  # after a blank line, a line left of an item's content ends the item
            while list_stack and indent < list_stack[-1]:
                list_stack.pop()
        base = list_stack[-1] if list_stack else 0
        if (prev_blank or prev_code) and indent >= base + 4:
            _add(blanked, starts[k], starts[k] + len(line))
            prev_blank, prev_code = False, True
            continue
        first_char = body[0]
        opened = _FENCE_OPEN.match(line) if may_fence and first_char in "`~>" else None
        if opened and not (opened.group(2)[0] == "`" and "`" in opened.group(3)):
            fence = (opened.group(2)[0], len(opened.group(2)))
            while list_stack and indent < list_stack[-1]:  # a fence left of an item's content ends the item
                list_stack.pop()
            _add(blanked, starts[k], starts[k] + len(line))
            prev_blank, prev_code = False, False
            continue
        item = _LIST_ITEM.match(line.expandtabs(4)) if first_char in "-*+" or first_char.isdigit() else None
        if item:
            while list_stack and indent < list_stack[-1]:
                list_stack.pop()
            list_stack.append(item.end() if item.group(3) else item.end() + 1)
        elif prev_blank:
            while list_stack and indent < list_stack[-1]:
                list_stack.pop()
        prev_blank, prev_code = False, False


def _add(spans: list[tuple[int, int]], start: int, end: int) -> None:
    if spans and start <= spans[-1][1]:
        spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
    else:
        spans.append((start, end))


def _inline_spans(masked: str) -> list[tuple[int, int]]:
    """Spans of HTML comments and code spans (left to right, so each hides the other).

    Jumps from one ``<!--`` or backtick run to the next with literal searches (a regex
    alternation of the two would test every character of the page).
    """
    blanked: list[tuple[int, int]] = []
    pos, n = 0, len(masked)
    blank_line = _BLANK_LINE if "\r" in masked else _BLANK_LINE_LF
    comment = masked.find("<!--")
    ticks = _BACKTICKS.search(masked) if "`" in masked else None
    para_end = -1  # start of the next blank line after ``ticks`` (n: none): a code span stops there
    while True:
        if 0 <= comment < pos:
            comment = masked.find("<!--", pos)
        if ticks is not None and ticks.start() < pos:
            ticks = _BACKTICKS.search(masked, pos)
        if comment >= 0 and (ticks is None or comment < ticks.start()):
            close = masked.find("-->", comment + 4)
            end = n if close < 0 else close + 3
            _add(blanked, comment, end)
            pos = end
            continue
        if ticks is None:
            return blanked
        start, pos = ticks.span()
        if start > 0 and masked[start - 1] == "\\":
            continue
        if para_end < pos:
            para = blank_line.search(masked, pos)
            para_end = n if para is None else para.start()
        closing = _closing_ticks(masked, pos - start, pos, para_end)
        if closing is not None:
            _add(blanked, start, closing)
            pos = closing


def _closing_ticks(masked: str, length: int, start: int, limit: int) -> int | None:
    """End of the first run of exactly ``length`` backticks in ``masked[start:limit]``."""
    for run in _BACKTICKS.finditer(masked, start, limit):
        if run.end() - run.start() == length:
            return run.end()
    return None


def mask_text(text: str) -> str:
    """``text`` with everything that cannot hold a link blanked to spaces (same length,
    line endings kept): front matter, code blocks, code spans, HTML comments."""
    return _mask(text, _Lines(text))


def _mask(text: str, lines: _Lines) -> str:
    masked = _apply_blanks(text, _block_spans(text, lines))
    return _apply_blanks(masked, _inline_spans(masked))


def _escaped(text: str, index: int) -> bool:
    count = 0
    while index > 0 and text[index - 1] == "\\":
        count += 1
        index -= 1
    return count % 2 == 1


_OPENER_REACH = 4000  # how far back from its ``]`` a link text's ``[`` is looked for
_BRACKET_OR_EOL = re.compile(r"[\[\]\r\n]")


def _next_mark(masked: str, i: int) -> int:
    """The offset of the next ``(`` or ``)`` in the run of destination characters from ``i``
    (a ``\\`` escapes the character after it), or of the space or control character that ends
    the run, or ``len(masked)`` or more at its end: what ``_LinkSyntax._run`` and
    ``_matching_paren`` walk from one to the next."""
    n = len(masked)
    while i < n:
        i = _DEST_PLAIN.match(masked, i).end()  # up to a space, control, ``\\``, ``(`` or ``)``
        if i >= n or masked[i] != "\\":
            return i
        i += 2
    return i

class _LinkSyntax:
    """Openers, destinations and malformed-link messages of the ``](`` of one masked page.

    The rules are those of a walk back from each ``]`` to its ``[`` and of a walk forward over
    each destination and title, and the results are those walks' results; but the walks are
    not made for each ``](`` anew. ``_links`` asks about the ``](`` of a page from first to
    last, so what one walk learnt is kept for the next: the open ``[`` of the text scanned so
    far (a stack), the ``(`` and ``)`` matched along one run of destination characters, where
    the last title scan, blank-line search and ``)`` search ended. Each character of a page is
    then looked at a bounded number of times, whatever its links: a paragraph of ``[a](``
    repeated, or of ``](`` repeated, is scanned in time linear in its length, where each ``](``
    used to walk to the end of the paragraph or 4,000 characters back.
    """

    __slots__ = ("masked", "_scanned", "_open", "_matches", "_title", "_blank", "_paren")

    def __init__(self, masked: str) -> None:
        self.masked = masked
        self._scanned = -1  # _open holds the unmatched ``[`` from where it was started to here; -1: not started
        self._open: list[int] = []
        self._matches: dict[int, int] = {}  # each ``(`` of the last destination run: its ``)`` or the run's end
        self._title: dict[str, tuple[int, int, int]] = {}  # closer: (from, stop, closer's offset or -1)
        self._blank = (-1, -1)  # (from, start of the first blank line from there, or len)
        self._paren = (-1, -1)  # (from, first ``)`` from there, or -1)

    def opener(self, close: int) -> int | None:
        """Offset of the ``[`` matching the ``]`` at ``close``, within the paragraph.

        The ``[`` a walk back from ``close`` would stop at: the nearest unescaped one with the
        unescaped brackets between them balanced, no blank line between them (a line ending
        after only spaces and tabs since the line ending before it or the start of the text;
        a CRLF is one line ending) and at most 4,000 characters back. That is the ``[`` on
        top of a stack that every unescaped ``[`` is pushed on, every unescaped ``]`` pops
        and every blank line empties, if it is not too far back. The stack can be started
        anywhere up to 4,000 characters before ``close``: the ``[`` it then lacks are too far
        back to be an answer, and the ``]`` that would have popped them pop nothing.
        """
        masked = self.masked
        floor = max(0, close - _OPENER_REACH)
        if not floor <= self._scanned <= close:
            nearest = masked.rfind("[", floor, close)
            if (nearest >= 0 and not _escaped(masked, nearest) and masked.find("]", nearest, close) < 0
                    and masked.find("\n", nearest, close) < 0 and masked.find("\r", nearest, close) < 0):
                return nearest  # the usual one-line ``[text]`` without brackets inside: no stack
            self._scanned, self._open = floor, []
        stack = self._open
        for found in _BRACKET_OR_EOL.finditer(masked, self._scanned, close):
            i = found.start()
            ch = masked[i]
            if ch == "[":
                if not _escaped(masked, i):
                    stack.append(i)
            elif ch == "]":
                if stack and not _escaped(masked, i):
                    stack.pop()
            elif ch == "\r" or i == 0 or masked[i - 1] != "\r":  # the LF of a CRLF ends no other line
                j = i - 1
                while j >= 0 and masked[j] in " \t":
                    j -= 1
                if j < 0 or masked[j] in "\r\n":
                    stack.clear()  # a blank line: the paragraph starts after it
        self._scanned = close  # the ``]`` at close itself is taken on the next call
        return stack[-1] if stack and stack[-1] >= floor else None

    def destination(self, i: int) -> tuple[str, int] | None:
        """Parse ``dest [title])`` from ``i`` (just after ``(``); return (dest, offset after ``)``)."""
        masked = self.masked
        plain = _PLAIN_DESTINATION.match(masked, i)
        if plain is not None:  # the usual ``(x.md)``, in one regex
            return plain.group(1), plain.end()
        n = len(masked)
        start = i
        i, _ = _skip_space(masked, i)
        if i < n and masked[i] == "<":
            close = i + 1
            while close < n and masked[close] not in ">\r\n<":
                close += 1 + (masked[close] == "\\")
            if close >= n or masked[close] != ">":
                return None
            dest, i = masked[i + 1:close], close + 1
        elif i == start:  # right after the ``(``: where its run of destination characters matches it
            i = self._matching_paren(i - 1)
            dest = masked[start:i]
        else:
            dest, i = self._run(i)
        i, spaced = _skip_space(masked, i)
        if i < n and masked[i] == ")":
            return dest, i + 1
        if spaced and i < n and masked[i] in "\"'(":
            j = self._title_end(i + 1, ")" if masked[i] == "(" else masked[i])
            if j < 0:
                return None
            j, _ = _skip_space(masked, j + 1)
            if j < n and masked[j] == ")":
                return dest, j + 1
        return None

    def _run(self, i: int) -> tuple[str, int]:
        """A destination without ``<>`` from ``i``: up to a space, a control character or an
        unbalanced ``)`` (``\\`` escapes the character after it); (dest, offset after it).
        Only for a destination after white space: such a walk ends before the next one starts
        (at the white space after that one's ``(``), so these walks never cover a character twice."""
        masked = self.masked
        n = len(masked)
        start, depth = i, 0
        while True:
            i = _next_mark(masked, i)
            if i >= n:
                break
            ch = masked[i]
            if ch == "(":
                depth += 1
            elif ch == ")" and depth > 0:
                depth -= 1
            else:
                break  # an unbalanced ``)``, a space or a control character ends it
            i += 1
        return masked[start:i], i

    def _matching_paren(self, paren: int) -> int:
        """Where ``_run(paren + 1)`` stops: the ``)`` matching the ``(`` at ``paren``, or the
        end of the run of destination characters it opens.

        A run goes on after that ``)``, and the ``(`` in it are the ``(`` of the links whose
        destinations lie in it (none is escaped: a ``]`` comes before it), each matched by the
        same stack: so the run is walked once for them all, instead of once for each ``(``
        (``[a](`` repeated: each walk to the end of the paragraph).
        """
        matched = self._matches.get(paren)
        if matched is not None:
            return matched
        masked = self.masked
        n = len(masked)
        stack, matches = [paren], {}
        i = paren + 1
        while True:
            i = _next_mark(masked, i)
            if i >= n:
                break
            ch = masked[i]
            if ch == "(":
                stack.append(i)
            elif ch == ")":
                if stack:
                    matches[stack.pop()] = i
            else:
                break
            i += 1
        for unmatched in stack:
            matches[unmatched] = i
        self._matches = matches
        return matches[paren]

    def _title_end(self, j: int, closer: str) -> int:
        """Offset of the ``closer`` that ends a title from ``j`` (``\\`` escapes the character
        after it), or -1 if a blank line or the end of the text comes first. A later title
        that starts before the last scan for the same closer stopped ends where it did: the
        scan from its start is the end of that scan (a title starts after a ``(``, ``"`` or
        ``'``, so never on a character a ``\\`` escapes)."""
        known = self._title.get(closer)
        if known is not None and known[0] <= j <= known[1]:
            return known[2]
        masked = self.masked
        n = len(masked)
        first, found = j, -1
        while j < n and masked[j] != closer:
            if masked[j] == "\\":
                j += 1
            elif masked[j] in "\r\n" and _BLANK_LINE.match(masked, j - 1 if masked[j - 1] in "\r\n" else j):
                break
            j += 1
        else:
            if j < n:
                found = j
        self._title[closer] = (first, j, found)
        return found

    def _paragraph_end(self, i: int) -> int:
        """Start of the first blank line from ``i`` (``len(masked)`` if none)."""
        since, end = self._blank
        if not 0 <= since <= i <= end:
            para = _BLANK_LINE.search(self.masked, i)
            end = para.start() if para else len(self.masked)
            self._blank = (i, end)
        return end

    def _next_paren(self, i: int, end: int) -> int:
        """``masked.find(")", i, end)``, remembering where the last search found one."""
        since, found = self._paren
        if not (0 <= since <= i and (found < 0 or i <= found)):
            found = self.masked.find(")", i)
            self._paren = (i, found)
        return found if found < end else -1

    def describe(self, text: str, open_paren: int, label: str) -> str:
        """Message for a ``](`` whose destination does not parse; ``label`` is the link text.
        What it quotes of the page is capped (``_short``, ``_quote_run``)."""
        masked = self.masked
        what = f"malformed link '[{_short(label)}](...'"
        end = self._paragraph_end(open_paren)
        close = self._next_paren(open_paren + 1, end)
        nxt = masked.find("](", open_paren + 1, end)
        if nxt >= 0 and (close < 0 or nxt < close):
            opener = self.opener(nxt)
            if opener is not None and opener > open_paren:  # named by its text, not its place: see scan_digests
                swallower = _short(text[opener + 1:nxt])
                return (f"{what}: its '(' is not closed before the next link, '[{swallower}](...', "
                        "which swallows it (the destination would contain spaces)")
        if close < 0:
            return f"{what}: unclosed '](' (no ')' before the end of the paragraph)"
        dest = _quote_run(masked, open_paren + 1, close)
        return f"{what}: destination '{dest}' contains spaces (write %20 or <...>)"


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


def _short(text: str, limit: int = LABEL_QUOTE) -> str:
    """``text`` as a message quotes it: each run of white space one space, and at most
    ``limit`` characters: a longer text is cut before its ``limit``-th character, at a
    character's boundary (``_cut``), and ends with an ellipsis. A text of ``limit``
    characters or fewer is quoted as it was before there was a limit on destinations."""
    text = _SPACES.sub(" ", text)
    if len(text) <= limit:
        return text
    return text[:_cut(text, limit - 1)].rstrip() + "\u2026"


def _quote_run(masked: str, start: int, end: int, limit: int = DESTINATION_QUOTE) -> str:
    """``_short(masked[start:end].strip(), limit)``, reading only the first ``8 * limit``
    characters of a long run when they are enough: the run of each ``](`` to the paragraph's
    next ``)`` may be the same 50 KB (many ``[`` then many ``](``, one ``)``), and quoting it
    whole for each was quadratic. The white space of that head, collapsed, begins the whole
    run's; more than ``limit + 1`` characters of it decide the cut (one more than the cut
    looks at, as a strip of the whole run may drop the head's last space)."""
    reach = start + 8 * limit
    if end > reach:
        head = _SPACES.sub(" ", masked[start:reach].lstrip())
        if len(head) > limit + 1:
            return _short(head, limit)
    return _short(masked[start:end].strip(), limit)


def _cut(text: str, end: int) -> int:
    """The offset at most ``end`` (< ``len(text)``) where ``text`` may be cut without cutting a
    character as it is shown in two: not before a combining mark, a variation selector, an
    emoji modifier or tag, or a zero width joiner (each belongs to what precedes it), not
    after a joiner (it binds what follows), not between the halves of a surrogate pair. An
    approximation of Unicode's grapheme clusters (UAX #29) for what a link's text or address
    holds. A run of marks longer than the quote (no boundary before ``end``) is cut at
    ``end``, a surrogate pair still kept whole."""
    import unicodedata  # here: only a cut quote needs it, and a rerun of check imports this module alone

    def joined(i: int) -> bool:  # whether text[i - 1] and text[i] are parts of one character
        char, before = text[i], text[i - 1]
        return (before == "\u200d" or char == "\u200d" or unicodedata.category(char) in ("Mn", "Mc", "Me")
                or "\U0001F3FB" <= char <= "\U0001F3FF" or "\U000E0020" <= char <= "\U000E007F"
                or _surrogate_pair(before, char))

    cut = end
    while cut > 0 and joined(cut):
        cut -= 1
    if cut == 0:
        return end - 1 if end > 0 and _surrogate_pair(text[end - 1], text[end]) else end
    return cut


def _surrogate_pair(first: str, second: str) -> bool:
    return "\ud800" <= first <= "\udbff" and "\udc00" <= second <= "\udfff"


class PageScan(namedtuple("PageScan", "links malformed headings explicit_anchors")):
    """Everything the link checker needs from one page's text (cacheable by content hash)."""

    __slots__ = ()
    links: tuple[Link, ...]
    malformed: tuple[Malformed, ...]
    headings: tuple[Heading, ...]
    explicit_anchors: frozenset[str]


def encode_link(link: Link) -> list:
    """The link as JSON data (``decode_link`` reads it back)."""
    return [link.target, link.line, link.column, link.text, link.is_image, link.kind]


def decode_link(data: list) -> Link:
    target, line, column, text, is_image, kind = data
    return Link(target, int(line), int(column), text, bool(is_image), kind)


def encode_scan(scan: PageScan) -> list:
    """The scan as JSON data (``decode_scan`` reads it back)."""
    return [
        [encode_link(link) for link in scan.links],
        [[m.line, m.column, m.message, m.code] for m in scan.malformed],
        [[h.level, h.text, h.line, h.atx_nospace] for h in scan.headings],
        sorted(scan.explicit_anchors),
    ]


def decode_scan(data: list) -> PageScan:
    links, malformed, headings, anchors = data
    return PageScan(
        tuple(decode_link(link) for link in links),
        tuple(Malformed(int(line), int(col), message, code) for line, col, message, code in malformed),
        tuple(Heading(int(level), text, int(line), bool(nospace)) for level, text, line, nospace in headings),
        frozenset(anchors),
    )


def scan_digests(scan: PageScan) -> tuple[str, str]:
    """Two digests of the scan: of everything in it (equal digests, equal scans), and of
    everything but the lines and columns (equal digests: the same links, anchors and headings
    in the same order, maybe moved; ``scan_places``). ``repr`` of tuples of strings, ints and
    bools is unambiguous, and the first digest is of the second's text followed by the places."""
    unplaced = repr(([(link.target, link.text, link.is_image, link.kind) for link in scan.links],
                     [(m.message, m.code) for m in scan.malformed],
                     [(h.level, h.text, h.atx_nospace) for h in scan.headings], sorted(scan.explicit_anchors)))
    places = repr((scan_places(scan), [h.line for h in scan.headings]))
    digest = blake2b(unplaced.encode("utf-8", "surrogatepass"), digest_size=16)
    whole = digest.copy()
    whole.update(places.encode("ascii"))
    return whole.hexdigest(), digest.hexdigest()


def visible_digest(scan: PageScan) -> str:
    """A digest of what other pages' findings read of this page's scan: its ids (headings and
    explicit anchors, ``links.page_anchors``) and the files it pastes (its includes' targets,
    in order: ``links.Anchors.includes_of``). Equal digests: a change to the page's other
    links changes no other page's findings (``checkrelink``)."""
    seen = repr(([link.target for link in scan.links if link.kind == "include"],
                 [(h.level, h.text, h.atx_nospace) for h in scan.headings], sorted(scan.explicit_anchors)))
    return blake2b(seen.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def scan_places(scan: PageScan) -> list[tuple[int, int]]:
    """The line and column of each link, then of each malformed link, in scan order: the
    places a finding about the page can be at."""
    return [(link.line, link.column) for link in scan.links] + [(m.line, m.column) for m in scan.malformed]


def scan_text(text: str) -> PageScan:
    """Links, malformed links, headings and explicit anchors of one page, masking it once."""
    text = strip_bom(text)
    lines = _Lines(text)
    masked = _mask(text, lines)
    tags = list(_HTML_TAG.finditer(masked))  # for the links and the anchors both
    links, malformed = _links(text, masked, lines, tags)
    headings = _headings(masked, lines)
    html_ids = {i for _, _, ids in _html_headings(text, masked, lines, tags, headings) for i in ids}
    return PageScan(tuple(links), tuple(malformed), tuple(headings),
                    frozenset(_anchors(tags) | _error_codes(masked, lines) | html_ids))


@functools.lru_cache(maxsize=64)
def html_headings(text: str) -> tuple[tuple[int, int, tuple[str, ...]], ...]:
    """The headings written in HTML (``<h5>Tip</h5>``) with no id of their own, as (start, end
    of their content in ``text``, the ids the built HTML gives them): the ids ``render`` gives
    their translations too, and the checker accepts (``scan_text``). Memoized by the page's
    text: each format and locale of a page asks the same (``render.source_anchors``)."""
    shift = len(text) - len(strip_bom(text))
    text = text[shift:]
    lines = _Lines(text)
    masked = _mask(text, lines)
    tags = [m for m in _HTML_TAG.finditer(masked) if m.group(1).lower() in _HEADING_TAGS]
    if not tags:
        return ()
    return tuple((start + shift, end + shift, ids)
                 for start, end, ids in _html_headings(text, masked, lines, tags, _headings(masked, lines)))


_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_HEADING_END = re.compile(r"</h[1-6]\s*>", re.IGNORECASE)
_HEADING_ID = re.compile(r"(?:^|\s)id\s*=", re.IGNORECASE)  # a heading with its own id keeps it
_MARKUP = re.compile(r"<!--.*?-->|<[^<>]*>", re.DOTALL)


def _html_headings(text: str, masked: str, lines: _Lines, tags: Iterable[re.Match[str]],
                   headings: list[Heading]) -> list[tuple[int, int, tuple[str, ...]]]:
    """``html_headings`` from a page's scan: the ids ``render.finish_html`` gives an HTML heading
    without an ``id``, the GitHub slug of its text numbered with the page's other headings in
    order (its Markdown headings' ids keep markdig's numbering, among themselves), and DocFX
    2016's slug when it differs (an alias there)."""
    opened = [m for m in tags if m.group(1).lower() in _HEADING_TAGS]
    if not any(not _HEADING_ID.search(m.group(2)) for m in opened):
        return []
    # a heading ends at any heading's end tag, or where another heading starts (as HTML reads them)
    ends = [m.start() for m in _HEADING_END.finditer(masked)]
    found: list[tuple[int, int, int, str]] = []  # (line, start, end, text)
    for index, tag in enumerate(opened):
        k = bisect.bisect_left(ends, tag.end())
        if k == len(ends) or _HEADING_ID.search(tag.group(2)):
            continue
        end = min(ends[k], opened[index + 1].start()) if index + 1 < len(opened) else ends[k]
        shown = html.unescape(_MARKUP.sub("", text[tag.end():end]))
        found.append((lines.index(tag.start()) + 1, tag.end(), end, shown))
    if not found:
        return []
    seen, next_number = set(_anchors(tags)), {}
    ids: dict[int, tuple[str, ...]] = {}
    for _, start, shown in sorted([(h.line, -1, h.text) for h in headings if not h.atx_nospace]
                                  + [(line, start, shown) for line, start, _, shown in found]):
        own = claim_slug(slug_github(shown) or "section", seen, next_number)
        legacy = slug_docfx_2016(shown)
        if legacy and legacy not in seen:
            seen.add(legacy)
            ids[start] = (own, legacy)
        else:
            ids[start] = (own,)
    return [(start, end, ids[start]) for _, start, end, _ in found]


def find_links(text: str) -> tuple[list[Link], list[Malformed]]:
    """All links of a page and its malformed link syntax, in document order."""
    text = strip_bom(text)
    lines = _Lines(text)
    masked = _mask(text, lines)
    return _links(text, masked, lines, _HTML_TAG.finditer(masked))


def find_headings(text: str) -> list[Heading]:
    """ATX and setext headings outside code, comments and front matter, in order."""
    text = strip_bom(text)
    lines = _Lines(text)
    return _headings(_mask(text, lines), lines)


def find_explicit_anchors(text: str) -> set[str]:
    """Targets made by HTML: ``<a name="x">`` and ``id="x"`` on any tag (outside code)."""
    return _anchors(_HTML_TAG.finditer(mask_text(strip_bom(text))))


def link_destinations(text: str) -> list[tuple[int, int, Link]]:
    """Each link of a page (``find_links``, in its order), with the start and end offsets in
    ``text`` of its destination as written (angle brackets and blanks around it left out):
    what a caller rewrites to point a link elsewhere (``linkmap.fallback_links``) and nothing
    else of the page. The links are those the checker scans, so it sees the links rewritten."""
    shift = len(text) - len(strip_bom(text))
    text = text[shift:]
    lines = _Lines(text)
    spans: list[tuple[int, int, Link]] = []
    masked = _mask(text, lines)
    _links(text, masked, lines, _HTML_TAG.finditer(masked), spans)
    return [(start + shift, end + shift, link) for start, end, link in spans]


def _destination_span(masked: str, start: int, end: int, dest: str) -> tuple[int, int]:
    """Where ``dest`` (as ``_links`` reports it) lies in ``masked[start:end]``: the first
    occurrence there, which is it (only blanks and a ``<`` may precede it)."""
    at = masked.find(dest, start, end)
    return (at, at + len(dest)) if at >= 0 else (start, start)


def _links(text: str, masked: str, lines: _Lines, tags: Iterable[re.Match[str]],
           spans: list[tuple[int, int, Link]] | None = None) -> tuple[list[Link], list[Malformed]]:
    """Links and malformed links of a masked page; ``tags``: its ``_HTML_TAG`` matches.
    ``spans``, when given, gets each link with its destination's offsets (``link_destinations``)."""
    found: list[tuple[int, Link]] = []
    placed: list[tuple[int, int, int, Link]] = []  # (where found, destination start and end, link)
    malformed: list[Malformed] = []
    syntax = _LinkSyntax(masked)  # asked about each ``](`` in turn, from first to last
    for m in _LINK_OPEN.finditer(masked):
        close = m.start()
        if _escaped(masked, close):
            continue
        opener = syntax.opener(close)
        if opener is None:
            continue
        is_image = opener > 0 and masked[opener - 1] == "!" and not _escaped(masked, opener - 1)
        line, column = lines.at(opener)
        parsed = syntax.destination(m.end())
        if parsed is None:
            message = syntax.describe(text, m.end() - 1, text[opener + 1:close])
            malformed.append(Malformed(line, column, message))
            continue
        dest = parsed[0].strip()
        if dest.startswith("<") and dest.endswith(">"):
            dest = dest[1:-1]
        if not dest:
            continue
        window = max(0, opener - 20)
        include = masked.find("[!", window, opener) >= 0 and _INCLUDE_BEFORE.search(masked, window, opener)
        link = Link(dest, line, column, text[opener + 1:close], is_image, "include" if include else "inline")
        found.append((opener, link))
        if spans is not None:
            placed.append((opener, *_destination_span(masked, m.end(), parsed[1], dest), link))
    for m in _reference_definitions(masked):
        dest = m.group(3)
        if dest.startswith("<"):
            dest = dest[1:-1]
        offset = m.start(2) - 1
        line, column = lines.at(offset)
        link = Link(dest, line, column, m.group(2), False, "reference")
        found.append((offset, link))
        if spans is not None:
            placed.append((offset, *_destination_span(masked, m.start(3), m.end(3), dest), link))
    for m in tags:
        tag = m.group(1).lower()
        wanted = _LINK_TAGS.get(tag)
        if wanted is None:
            continue
        for attr in _HTML_ATTR.finditer(m.group(2)):
            if attr.group(1).lower() == wanted:
                value = next(v for v in attr.group(2, 3, 4) if v is not None).strip()
                if value:
                    line, column = lines.at(m.start())
                    link = Link(value, line, column, "", tag == "img", "html")
                    found.append((m.start(), link))
                    if spans is not None:
                        group = next(g for g in (2, 3, 4) if attr.group(g) is not None)
                        placed.append((m.start(), *_destination_span(masked, m.start(2) + attr.start(group),
                                                                     m.start(2) + attr.end(group), value), link))
    found.sort(key=lambda pair: pair[0])
    if spans is not None:  # in the links' order
        placed.sort(key=lambda place: place[0])
        spans += [(start, end, link) for _, start, end, link in placed]
    return [link for _, link in found], malformed


def _reference_definitions(masked: str) -> Iterator[re.Match[str]]:
    """``_REF_DEF.finditer(masked)``, trying only the lines that hold a ``]:``: its ``^`` would
    make the regex engine try every character of the page."""
    done = 0
    for start in sorted({masked.rfind("\n", 0, m.start()) + 1 for m in _LABEL_END.finditer(masked)}):
        if start >= done:
            found = _REF_DEF.match(masked, start)
            if found is not None:
                done = found.end()
                yield found


def _headings(masked: str, lines: _Lines) -> list[Heading]:
    """Headings, looking only at the lines that can be one (see ``_heading_candidates``)."""
    headings = []
    para_after: dict[int, tuple[int, str] | None] = {}  # the paragraph line each line leaves open
    for k in sorted(_heading_candidates(masked, lines)):
        heading, para_after[k] = _heading_at(k, masked, lines, para_after)
        if heading is not None:
            headings.append(heading)
    return headings


def _atx_content(rest: str) -> str:
    """``rest`` (an ATX heading after its ``#`` run and the white space after it) without its
    closing sequence -- spaces or tabs, ``#``s, spaces or tabs -- or its trailing white space."""
    body = rest.rstrip(" \t")
    unclosed = body.rstrip("#")
    before = unclosed.rstrip(" \t")
    if len(unclosed) < len(body) and len(before) < len(unclosed):
        return before
    return body


def _heading_candidates(masked: str, lines: _Lines) -> set[int]:
    """Line numbers (0-based) of the first line and of every line that starts with ``#`` after
    spaces, tabs and ``>``, or holds only a ``=``/``-`` underline: a superset of the headings,
    found with regexes that start with a literal line ending (fast) instead of ``^``."""
    found = {0}
    for pattern in _CANDIDATES:
        if pattern.pattern[0] in masked:
            found.update(lines.index(m.start() + 1) for m in pattern.finditer(masked))
    return found


def _heading_at(k: int, masked: str, lines: _Lines,
                para_after: dict[int, tuple[int, str] | None]) -> tuple[Heading | None, tuple[int, str] | None]:
    """The heading line ``k`` makes, if any, and the paragraph line it leaves open for a setext
    underline on the next line: (1-based line, text) or None. ``para_after`` holds that of the
    candidate lines before ``k``; any other line is no heading, so its own text decides."""
    original = lines.texts[k]
    shown = masked[lines.starts[k]:lines.starts[k] + len(original)]
    if not shown.strip():
        return None, None
    atx = _ATX.match(shown)
    if atx:
        raw = atx if original == shown else _ATX.match(original)
        content = _atx_content((raw.group(2) if raw else atx.group(2)) or "")
        return Heading(len(atx.group(1)), content.strip(), k + 1), None
    nospace = _ATX_NOSPACE.match(shown)
    if nospace:
        return Heading(len(nospace.group(1)), original.strip().lstrip("#").strip(), k + 1, True), None
    setext = _SETEXT.match(shown)
    if setext and k > 0:
        prev_para = para_after[k - 1] if k - 1 in para_after else _heading_at(k - 1, masked, lines, para_after)[1]
        if prev_para is not None and not (setext.group(1)[0] == "-" and "|" in prev_para[1]):
            return Heading(1 if setext.group(1)[0] == "=" else 2, prev_para[1].strip(), prev_para[0]), None
    is_para = _indent(shown) < 4 and not _BLOCK_START.match(shown)
    return None, ((k + 1, original) if is_para else None)


def _error_codes(masked: str, lines: _Lines) -> set[str]:
    """Codes of the page's error tables: tables of 2+ body rows whose first cells are all
    error codes (``source._table_segments``' rule); the built HTML makes each row's id its code."""
    codes: set[str] = set()
    if "|" not in masked or "-" not in masked:
        return codes
    texts, starts = lines.texts, lines.starts

    def shown(k: int) -> str:  # the line as masked (code and comments blanked)
        return masked[starts[k]:starts[k] + len(texts[k])]

    count, after = len(texts), 0
    for found in _DELIMITER_LINE["\n" not in masked].finditer(masked):  # jump to the delimiter rows
        k = bisect.bisect_right(starts, found.start() + 1) - 1
        if k < after or k < 1 or "|" not in shown(k - 1) or not _DELIMITER_ROW.fullmatch(shown(k)):
            continue
        if k >= 2 and shown(k - 2).strip() and not _ATX_LINE.match(shown(k - 2)) \
                and not _interrupting_delimiter(shown(k - 1), shown(k)):
            continue  # under a paragraph line: a table ends it only as GFM's may (``pipetable._interrupts``)
        first_cells = []
        k += 1
        while k < count and (row := shown(k)).strip() and "|" in row:
            first_cells.append(_FIRST_CELL.match(row).group(1).strip())
            k += 1
        after = k
        if is_error_table(first_cells):  # the built HTML gives each row ``id`` = its code
            codes.update(first_cells)
    return codes


_ATX_LINE = re.compile(r"[ \t]{0,3}#{1,6}(?:[ \t]|$)")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def _row_cells(text: str) -> list[str]:
    """A row's cells as GFM counts them: split at each unescaped ``|``, an outer one dropped."""
    pieces = _UNESCAPED_PIPE.split(text.strip())
    return [p.strip() for i, p in enumerate(pieces) if p.strip() or 0 < i < len(pieces) - 1]


def _interrupting_delimiter(header: str, row: str) -> bool:
    """Whether a table whose header and delimiter row these are may end a paragraph, as
    ``pipetable._interrupts`` lets one (GFM's rule): the row under four columns of
    indentation, no list item, and of the header's count of cells."""
    indent = len(row) - len(row.lstrip(" \t"))
    text = row.strip()
    return indent < 4 and not text.startswith(("- ", "-\t")) and len(_row_cells(text)) == len(_row_cells(header))


def _anchors(tags: Iterable[re.Match[str]]) -> set[str]:
    """Explicit anchors of a page, from its ``_HTML_TAG`` matches."""
    anchors = set()
    for m in tags:
        tag = m.group(1).lower()
        for attr in _HTML_ATTR.finditer(m.group(2)):
            name = attr.group(1).lower()
            if name == "id" or (name == "name" and tag == "a"):
                value = next(v for v in attr.group(2, 3, 4) if v is not None).strip()
                if value:
                    anchors.add(value)
    return anchors
