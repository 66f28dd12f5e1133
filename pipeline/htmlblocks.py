"""Raw HTML blocks -> segments: the text of their elements and their translatable attributes.

In: the page's lines, one CommonMark ``html_block`` token (markdown-it's: its ``map`` and
``content``), the body's offset and first line. Out: ``Segment`` records with exact spans in
the page text, as ``source`` makes for Markdown blocks, so the build replaces only their
characters and a page without translations comes back byte for byte.

What becomes a message, as po4a's xhtml module, translate-toolkit's html2po and Sphinx cut
HTML: each run of text and inline elements (``a``, ``strong``, ``em``, ``code``, ``br``,
``span``...) inside a block-level element (``p``, ``li``, ``td``, ``h1``-``h6``, ``div``...),
inline elements kept verbatim inside the msgid. An inline element that holds block elements
(the landing page's ``<a>`` around an ``<h3>`` and a ``<p>``) is a container, as a ``div`` is.
A run is trimmed of the white space, comments and empty elements (``<span class="icon">
</span>``, ``</br>``, an ``<img>``) at its edges, and one inline element wrapping the whole
run is unwrapped (``<li><a href="...">Protect app data</a></li>`` gives ``Protect app data``:
the link's target is not the translator's to change, and the text is the same message as
the page title it names). A run with no word outside tags, code (``<code>``, ``<kbd>``,
``<samp>``, ``<var>``, Markdown code spans), link destinations and entities is no message;
neither is a run that is only a DocFX ``[!INCLUDE]``. Nothing inside ``script``, ``style``,
``pre``, ``textarea``, ``svg``, ``math`` or ``template`` is text, nor is a comment.

Attributes: ``alt``, ``title``, ``aria-label`` and ``placeholder`` (what html2po and po4a
translate, and what screen readers read out) are messages of their own (``html-attribute``),
the value as written between its quotes. ``value``, ``summary``, ``abbr`` and ``lang`` are
not: no page uses them, and ``value`` is often data. A tag inside a text run stays verbatim in
the run's msgid, its attribute a message of its own all the same (``Segment.tag`` says where
the tag is: ``render`` puts the value's translation into the run's translation, whose tag is
the msgid's).

Markdown inside an HTML block is CommonMark's: the block ends at a blank line, and what
follows is Markdown again (markdown-it already cuts the tokens so); text in the block is
kept as written (entities, ``[links](x.md)``, ``[!INCLUDE]``), as the Markdown segments are.

The spans are located by the standard library's ``html.parser`` (``convert_charrefs`` off,
so every event is the exact text it covers, one after another) on the block's content, each
content line mapped back to its source line (a quote's ``> ``, a list item's indentation
stay out of the msgid, in ``Segment.joiners`` for a run over several lines). A block whose
content lines cannot be found in its source lines (markdown-it wrote a tab of the container's
indentation as spaces) gives no message: it is left as it is, never half-located.

What a translation may hold there is ``sanitize``'s (``sanitize_attribute_value`` for an
attribute: no quote that ends it, no ``<``, no line break, no DocFX extension the msgid
lacks; for text, no blank line that would end the block).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

from markdown_it.token import Token

from .model import Segment
from .sanitize import _ATTRIBUTE

TRANSLATABLE_ATTRIBUTES = frozenset({"alt", "title", "aria-label", "placeholder"})

# CommonMark's type-6 block tags, with the elements whose content is no text (below)
BLOCK_TAGS = frozenset("""
address article aside base basefont blockquote body caption center col colgroup dd details dialog dir
div dl dt fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hr html
iframe legend li link main menu menuitem meta nav noframes ol optgroup option p param search section
summary table tbody td tfoot th thead title tr track ul
""".split())
NO_TEXT_TAGS = frozenset({"script", "style", "pre", "textarea", "svg", "math", "template"})
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                       "source", "track", "wbr", "keygen"})
CODE_TAGS = frozenset({"code", "kbd", "samp", "var"})
_CLOSES_P = BLOCK_TAGS | NO_TEXT_TAGS
# a start tag that ends an open element of the same family (HTML's implied end tags)
_IMPLIED = {"li": ("li",), "dt": ("dt", "dd"), "dd": ("dt", "dd"), "tr": ("tr", "td", "th"),
            "td": ("td", "th"), "th": ("td", "th"), "option": ("option",)}
_SCOPES = {"li": ("ul", "ol", "menu"), "dt": ("dl",), "dd": ("dl",), "tr": ("table", "tbody", "thead", "tfoot"),
           "td": ("tr", "table"), "th": ("tr", "table"), "option": ("select", "datalist", "optgroup")}
_BLANK = " \t\r\n\f"
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_UNCLOSED = re.compile(r"<[!?]")  # in the tail after the last '>': a comment or declaration never closed


@dataclass
class _Element:
    tag: str
    start: int  # the start tag's span in the block's content
    tag_end: int
    end: int = -1  # after its end tag (or its last child, when never closed)
    children: list["_Element | _Leaf"] = field(default_factory=list)
    attributes: tuple[tuple[str, int, int, str], ...] = ()  # (name, value start, value end, quote)
    # worked out once, when the element is closed (its children are then known): whether a
    # block element lies in it, and whether any text does
    blocks: bool = False
    text: bool = False

    def settle(self) -> None:
        self.blocks = any(isinstance(c, _Element) and (c.tag in _CLOSES_P or c.blocks) for c in self.children)
        self.text = any(c.has_text() for c in self.children)

    def has_text(self) -> bool:
        return self.text


@dataclass
class _Leaf:
    kind: str  # text | ref | markup (a comment, a void element, a stray end tag, a declaration)
    start: int
    end: int
    raw: str

    def has_text(self) -> bool:
        return self.kind == "ref" or (self.kind == "text" and bool(self.raw.strip(_BLANK)))


# How far up the open elements an implied end looks (HTML's scopes, bounded: a page nesting
# deeper than this keeps its element open, which changes how its text is cut, never a byte)
_SCOPE_DEPTH = 64


class _TreeBuilder(HTMLParser):
    """Events of ``html.parser`` as a tree of spans; forgiving as browsers are, in the few
    ways pages need (void elements, implied ends of ``p``, ``li``, cells, stray end tags)."""

    def __init__(self, content: str) -> None:
        super().__init__(convert_charrefs=False)
        self.content = content
        starts = [0]
        for line in content.split("\n")[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        self.line_starts = starts
        self.root = _Element("", 0, 0, len(content))
        self.stack = [self.root]
        self.open: dict[str, int] = {}  # the open elements' tags, counted
        self.events: list[tuple[int, object]] = []  # (start, node), in order: each ends where the next starts

    def _at(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _add(self, node: _Element | _Leaf) -> None:
        self.stack[-1].children.append(node)
        self.events.append((node.start, node))

    def _leaf(self, kind: str, raw: str) -> None:
        self._add(_Leaf(kind, self._at(), -1, raw))

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._open(tag, self.get_starttag_text() or "", closed=tag in VOID_TAGS)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self._open(tag, self.get_starttag_text() or "", closed=True)

    def _open(self, tag: str, text: str, closed: bool) -> None:
        start = self._at()
        if tag in _CLOSES_P and self._open_in_scope("p", ()):
            self._close("p", start)
        for family in (_IMPLIED.get(tag, ())):
            if self._open_in_scope(family, _SCOPES.get(tag, ())):
                self._close(family, start)
                break
        element = _Element(tag, start, start + len(text), attributes=_attributes(text, start))
        self._add(element)
        if closed:
            element.end = element.tag_end
        else:
            self.stack.append(element)
            self.open[tag] = self.open.get(tag, 0) + 1

    def _open_in_scope(self, tag: str, scope: tuple[str, ...]) -> bool:
        if not self.open.get(tag):
            return False
        for element in reversed(self.stack[-_SCOPE_DEPTH:]):
            if element.tag == tag:
                return True
            if element.tag in scope or element.tag in BLOCK_TAGS:
                return False
        return False

    def _close(self, tag: str, at: int) -> None:
        while len(self.stack) > 1:
            element = self.stack.pop()
            self.open[element.tag] -= 1
            element.end = at
            element.settle()
            if element.tag == tag:
                return

    def handle_endtag(self, tag: str) -> None:
        start = self._at()
        if self.open.get(tag):
            end = self.content.find(">", start) + 1 or len(self.content)
            self._close(tag, end)
            self.events.append((start, None))  # the end tag's own span: part of its element
        else:
            self._leaf("markup", tag)  # '</br>', an end tag nothing opened

    def handle_data(self, data: str) -> None:
        self._leaf("text", data)

    def handle_entityref(self, name: str) -> None:
        self._leaf("ref", name)

    def handle_charref(self, name: str) -> None:
        self._leaf("ref", name)

    def handle_comment(self, data: str) -> None:
        self._leaf("markup", data)

    def handle_decl(self, decl: str) -> None:
        self._leaf("markup", decl)

    def handle_pi(self, data: str) -> None:
        self._leaf("markup", data)

    def unknown_decl(self, data: str) -> None:
        self._leaf("markup", data)

    def parse_marked_section(self, i: int, report: int = 1) -> int:
        """``<![CDATA[...]]>`` and the like; one with no name after ``<![`` (``<![ x>``), which
        ``html.parser`` refuses with an AssertionError, is a bogus comment to ``>``, as HTML has it."""
        position = self.lineno, self.offset
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            self.lineno, self.offset = position  # it moved them before refusing: the caller moves them again
            end = self.rawdata.find(">", i + 3)
            if end == -1:
                return -1
            self.unknown_decl(self.rawdata[i + 3:end])
            return end + 1

    def feed_all(self) -> None:
        """The content, parsed. After its last '>' no tag, comment or declaration can end, so
        that tail is text, given as such: ``html.parser`` scanned to the end for each '<' there
        that never closes (quadratic: 8 s for a line of 32,000 '<a', CPython's gh-135462).
        A comment, CDATA section, processing instruction or declaration never closed (where
        ``html.parser`` stops, waiting for more, or one opening in the tail) runs to the end
        of the block, as browsers and CommonMark read it: markup, not text (``close()`` gave
        it as data)."""
        last = self.content.rfind(">") + 1
        self.feed(self.content[:last])
        if self.rawdata.startswith(("<!", "<?")):
            unclosed = last - len(self.rawdata)
        else:
            self.close()
            found = _UNCLOSED.search(self.content, last)
            unclosed = found.start() if found else len(self.content)
            if last < unclosed:
                self._add(_Leaf("text", last, -1, self.content[last:unclosed]))
        if unclosed < len(self.content):
            self._add(_Leaf("markup", unclosed, -1, self.content[unclosed:]))

    def finish(self) -> _Element:
        for (start, node), (following, _) in zip(self.events, self.events[1:] + [(len(self.content), None)]):
            if isinstance(node, _Leaf):
                node.end = following
        self._close("", len(self.content))  # what is still open ends with the block
        self.root.end = len(self.content)
        self.root.settle()
        return self.root


def _attributes(text: str, offset: int) -> tuple[tuple[str, int, int, str], ...]:
    """Each attribute of a start tag's text as (name, value start, value end, quote)."""
    name_end = re.match(r"<[^\s/>]*", text).end()
    found = []
    for match in _ATTRIBUTE.finditer(text, name_end, len(text) - 1):
        group = next((g for g in (2, 3, 4) if match.group(g) is not None), None)
        if group is not None:
            quote = '"' if group == 2 else "'" if group == 3 else ""
            found.append((match.group(1).lower(), offset + match.start(group), offset + match.end(group), quote))
    return tuple(found)


@dataclass(frozen=True)
class _Run:
    """A message: a span of the block's content, and what holds it (for the comment)."""

    start: int
    end: int
    holder: str


def _runs(root: _Element, content: str) -> list[_Run]:
    """The text runs of every container (the root, block elements, inline elements holding
    blocks), in the order of the page. Iterative: nesting depth costs no recursion."""
    out: list[_Run] = []
    stack: list[tuple[_Element, str]] = [(root, "")]
    while stack:
        element, holder = stack.pop()
        run: list[_Element | _Leaf] = []
        for child in element.children:
            if isinstance(child, _Leaf) or (child.tag not in _CLOSES_P and not child.blocks):
                run.append(child)
                continue
            if run:
                _take(run, content, holder, out)
                run = []
            if child.tag not in NO_TEXT_TAGS:
                stack.append((child, child.tag))
        if run:
            _take(run, content, holder, out)
    return sorted(out, key=lambda r: r.start)


def _take(run: list, content: str, holder: str, out: list[_Run]) -> None:
    """The run's message, if it holds text: its edges trimmed, a lone element unwrapped."""
    items = run
    while True:
        first, last = 0, len(items)
        while first < last and not items[first].has_text():
            first += 1
        while last > first and not items[last - 1].has_text():
            last -= 1
        if last - first == 1 and isinstance(items[first], _Element) and items[first].tag not in CODE_TAGS:
            holder = f"{holder} > {items[first].tag}" if holder else items[first].tag
            items = items[first].children
            continue
        break
    if first == last:
        return
    start, end = items[first].start, items[last - 1].end
    while start < end and content[start] in _BLANK:
        start += 1
    while end > start and content[end - 1] in _BLANK:
        end -= 1
    if start < end:
        out.append(_Run(start, end, holder))


def _code_masked(root: _Element, content: str) -> str:
    """The content with what holds no words to translate blanked: code elements, the elements
    of ``NO_TEXT_TAGS``, comments, stray end tags and entities (``&rarr;`` is no word)."""
    chars = list(content)
    stack = [root]
    while stack:
        element = stack.pop()
        for child in element.children:
            if isinstance(child, _Element):
                if child.tag in CODE_TAGS or child.tag in NO_TEXT_TAGS:
                    chars[child.start:child.end] = " " * (child.end - child.start)
                else:
                    stack.append(child)
            elif child.kind in ("markup", "ref"):
                chars[child.start:child.end] = " " * (child.end - child.start)
    return "".join(chars)


def _attribute_segments(root: _Element) -> list[tuple[int, int, _Element, str, str]]:
    """(value start, value end, element, attribute, quote) of the translatable attributes."""
    found = []
    stack = [root]
    while stack:
        element = stack.pop()
        for child in reversed(element.children):
            if not isinstance(child, _Element) or child.tag in NO_TEXT_TAGS:
                continue
            stack.append(child)
            for name, start, end, quote in child.attributes:
                if name in TRANSLATABLE_ATTRIBUTES:
                    found.append((start, end, child, name, quote))
    return sorted(found, key=lambda item: item[0])


def html_block_segments(lines: list[tuple[int, str, str]], token: Token, base: int, first_line: int) -> list[Segment]:
    """The messages of one ``html_block`` token, located in the page text (see the module)."""
    from .source import is_include_only, is_translatable  # (source imports this module)

    assert token.map is not None
    first = token.map[0]
    content = token.content
    content_lines = content.split("\n")
    if content_lines and content_lines[-1] == "":
        content_lines.pop()
    if first + len(content_lines) > len(lines):
        return []
    # each content line's start in the page text
    where: list[int] = []
    for index, line in enumerate(content_lines):
        offset, source_line, _ = lines[first + index]
        if not source_line.endswith(line):
            return []  # a tab of the container's indentation, written as spaces: leave the block as it is
        where.append(offset + len(source_line) - len(line))  # in the body
    content = "\n".join(content_lines)
    builder = _TreeBuilder(content)
    try:
        builder.feed_all()
    except AssertionError:  # html.parser's way to refuse what it cannot read: the block stays as it is
        return []
    root = builder.finish()
    runs = _runs(root, content)
    masked = _code_masked(root, content)
    line_starts = builder.line_starts

    def locate(at: int) -> tuple[int, int]:  # content offset -> (line index, column)
        index = bisect_right(line_starts, at) - 1
        return index, at - line_starts[index]

    def to_page(at: int) -> int:  # content offset -> page offset
        line, column = locate(at)
        return base + where[line] + column

    segments = []
    for run in runs:
        text = content[run.start:run.end]
        if is_include_only(text) or not is_translatable(masked[run.start:run.end]):
            continue
        segments.append(_segment(text, run.start, run.end, "html", run.holder, None, "",
                                 locate, where, lines, first, first_line, base))
    for start, end, element, name, quote in _attribute_segments(root):
        value = content[start:end]
        if is_translatable(_ENTITY.sub(" ", value)) and not is_include_only(value):
            attribute = _segment(value, start, end, "html-attribute", element.tag, name, quote,
                                 locate, where, lines, first, first_line, base)
            segments.append(replace(attribute, tag=(to_page(element.start), to_page(element.tag_end))))
    return sorted(segments, key=lambda s: s.start)


def _segment(text: str, start: int, end: int, kind: str, key: str, attribute: str | None, quote: str,
             locate: Callable[[int], tuple[int, int]], where: list[int], lines: list[tuple[int, str, str]],
             first: int, first_line: int, base: int) -> Segment:
    """A segment of ``text``, the content from ``start`` to ``end``: each continuation line's
    leading blanks, with the container's prefix and the line end before them, are its joiners."""
    line, column = locate(start)
    last, last_column = locate(end)
    parts = text.split("\n")
    joiners = []
    for row, part in enumerate(parts[1:], line + 1):
        lead = len(part) - len(part.lstrip(" \t"))
        offset, source_line, _ = lines[first + row]
        here = where[row] + lead - offset
        joiners.append(lines[first + row - 1][2] + source_line[:here])
    body_start = where[line] + column
    return Segment(
        text="\n".join([parts[0]] + [part.lstrip(" \t") for part in parts[1:]]),
        start=base + body_start,
        end=base + where[last] + last_column,
        line=first_line + first + line,
        column=body_start - lines[first + line][0] + 1,
        kind=kind,
        key=key or None,
        column_name=attribute,
        joiners=tuple(joiners),
        quote=quote,
    )
