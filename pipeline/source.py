"""Page text -> Document: front matter, translatable segments with exact spans.

In: a page's relative path and its exact text (decoded from UTF-8 without newline
translation, so CRLF, a BOM and every other byte survive). Out: a ``Document`` whose
segments say exactly which characters each translation replaces.

Block structure comes from markdown-it-py (CommonMark, with pipe tables as the docs platform
reads them: ``pipetable``; its block rules only, as inline markup stays verbatim in the
segments): it knows lists, code blocks, HTML blocks and lazy continuation lines. The text of
an HTML block is cut into messages by ``htmlblocks``. Exact spans
are ours: markdown-it only gives line ranges, so each segment is located inside its source
lines here, and table rows are split into cells here by ``pipetable.split_cells`` (a ``|``
inside a code span does not split a cell, as on the docs platform). The edits that write a
table for GFM readers (``pipetable``'s ``meta["gfm"]``) become ``Document.portable``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from .codespans import code_spans
from .config import DEFAULT_TRANSLATE_KEYS
from .docfx import ALERT_KIND
from .errors import error
from .errorcodes import is_error_table
from .htmlblocks import html_block_segments
from .model import Document, FrontMatter, Rewrite, Segment
from .pipetable import split_cells, use_pipe_tables


# The rules that cut pages into messages, by the day they last changed. Templates record it
# (through ``sync.source_digest``, their ``X-Pipeline-Source``): a template made under other
# rules is made again, so its catalogs are merged with the messages as they are cut now
# (fuzzy where one changed), even after ``make clean``. A test pins the messages of the real
# pages with this value: a change of what is extracted fails it until the value is changed.
EXTRACTION_RULES = "2026-11-27.5"  # .2: pipe tables as markdig reads them (pipetable); .3: no md-text flag; .4: HTML blocks' text (htmlblocks); .5: nothing in an unclosed comment

_FENCE = re.compile(r"---[ \t]*(\r\n|\n|\r)")
# At a line start: after LF, CRLF or a lone CR (old Mac), as split_lines and markdown-it
# end lines; re.MULTILINE's ``^`` knows only LF, so a CR-only page's front matter never closed.
_CLOSE = re.compile(r"(?<![^\r\n])(---|\.\.\.)[ \t]*(\r\n|\n|\r|$)")
KEY_LINE = re.compile(r"^([A-Za-z0-9_][A-Za-z0-9_.\-]*)[ \t]*:(?=[ \t]|$)[ \t]*(.*?)[ \t]*$")  # a top-level `key: value` line
_ALERT = re.compile(rf"^\[!({ALERT_KIND}|div[^\]]*)\][ \t]*$", re.IGNORECASE)
# an alert marker with the alert's text after it on its line (``> [!NOTE] Do you...``, as
# DocFX's note rule reads it): the marker stays out of the msgid, as on a line of its own
_ALERT_BEFORE_TEXT = re.compile(rf"^\[!(?:{ALERT_KIND})\][ \t]*(?=\S)", re.IGNORECASE)
_INCLUDE_ONLY = re.compile(r"^\[!INCLUDE\s*\[[^\]]*\]\([^)]*\)\]$", re.IGNORECASE)
_BREAKS = re.compile(r"<br\s*/?>\s*<br\s*/?>", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    """A block-structure parser: segments come from block tokens (``content`` and ``map``),
    so the core rules that parse inline markup into ``children`` (more than half of
    markdown-it's time on real pages) are switched off; the block tokens are the same."""
    return use_pipe_tables(MarkdownIt("commonmark")).disable(["inline", "text_join"])


_LINE_END = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[tuple[int, str, str]]:
    """Each line as (offset, content without end-of-line, end-of-line). Only CR, LF and CRLF
    end a line, as for markdown-it (``str.splitlines`` also ends one at U+2028, NEL, VT, FF...)."""
    lines: list[tuple[int, str, str]] = []
    pos = 0
    for end in _LINE_END.finditer(text):
        lines.append((pos, text[pos:end.start()], end.group()))
        pos = end.end()
    if pos < len(text):
        lines.append((pos, text[pos:], ""))
    return lines


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset (CR, LF and CRLF all end a line)."""
    before = text[:offset]
    line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
    start = max(before.rfind("\n"), before.rfind("\r")) + 1
    return line, offset - start + 1


def load_document(path: str, text: str, translate_keys: Sequence[str] = DEFAULT_TRANSLATE_KEYS) -> Document:
    """Parse one page. Raises PipelineError (``source.yaml``) for broken front matter."""
    front_matter, fm_segments = _parse_front_matter(path, text, translate_keys)
    body_start = front_matter.end if front_matter else 0
    if "<<<<<<<" in text:  # rare: a page committed in the middle of a merge
        _refuse_conflict(path, text, body_start)
    body_segments, codes, has_h1, rewrites = _parse_body(text, body_start)
    return Document(
        path=path,
        text=text,
        front_matter=front_matter,
        segments=tuple(fm_segments + body_segments),
        error_codes=tuple(codes),
        has_h1=has_h1,
        portable=tuple(rewrites),
    )


# git's marker lines (conflict-marker-size 7), each at column 1 as git writes them: '======='
# alone, the others alone or followed by a space and a label (``<<<<<<< HEAD``)
_CONFLICT_START = re.compile(r"<{7}(?: .*)?")
_CONFLICT_SEPARATOR = "======="
_CONFLICT_END = re.compile(r">{7}(?: .*)?")


def _refuse_conflict(path: str, text: str, body_start: int) -> None:
    """A located error [source.conflict] at the ``<<<<<<<`` line of git's first unresolved
    conflict: such a page was extracted and built with the markers in it, its ``=======``
    making a heading.

    The rule: a conflict is a ``<<<<<<<`` line, then a ``=======`` line, then a ``>>>>>>>``
    line (see ``_conflict_spans``; diff3's ``|||||||`` section may lie between), unless all of
    its lines lie inside one and the same code block (fenced or indented), as a page about git
    shows them. Where each marker lies alone does not matter: a conflict often involves a
    fence line (its sides open a fence with other languages, or one side adds or drops one),
    and then markdown-it, reading the markers as text, takes the lines after a side's fence
    for code; the conflict then starts outside that block or ends past it. A conflict lying
    wholly inside one block's code cannot be told from such a shown one, so it is not
    refused (the page's other conflicts still are)."""
    body = text[body_start:]
    blocks = None
    for first, last in _conflict_spans(split_lines(body)):
        if blocks is None:  # the blocks of the page, once: only a page with markers gets here
            blocks = _code_block_of_line(body)
        block = blocks.get(first)
        if block is None or blocks.get(last) != block:
            first_line = line_column(text, body_start)[0] if body_start else 1
            raise error(path, first_line + first, 1, "unresolved merge conflict: '<<<<<<<', '=======' and "
                        "'>>>>>>>' lines (resolve it, then commit)", "source.conflict")


def _conflict_spans(lines: Sequence[tuple[int, str, str]]) -> Iterable[tuple[int, int]]:
    """The (first, last) line indexes of each run of git's conflict markers: a ``<<<<<<<``
    line, the first ``=======`` line after it, the first ``>>>>>>>`` line after that. git's
    conflicts do not nest, so a ``<<<<<<<`` before the ``>>>>>>>`` starts the run anew: a
    page that shows a lone ``<<<<<<<`` above a real conflict names the real one's line."""
    start = separator = None
    for index, (_, content, _) in enumerate(lines):
        if _CONFLICT_START.fullmatch(content):
            start, separator = index, None
        elif content == _CONFLICT_SEPARATOR and start is not None and separator is None:
            separator = index
        elif separator is not None and _CONFLICT_END.fullmatch(content):
            assert start is not None
            yield start, index
            start = separator = None


def _code_block_of_line(body: str) -> dict[int, int]:
    """Each line index of a code block (fenced, with its fence lines, or indented) mapped to
    the block's first line: two lines are in the same block when they map to the same one."""
    return {line: token.map[0] for token in _markdown().parse(body)
            if token.type in ("fence", "code_block") and token.map for line in range(*token.map)}


# -- front matter -----------------------------------------------------------------------


# The front-matter keys the pages show as text whatever ``translate_keys`` says: the HTML
# page's <title> and description, the indexes' titles (``units.page_context``).
SHOWN_KEYS = ("title", "description")


def _parse_front_matter(
    path: str, text: str, translate_keys: Sequence[str]
) -> tuple[FrontMatter | None, list[Segment]]:
    offset = 1 if text.startswith("\ufeff") else 0
    opening = _FENCE.match(text, offset)
    if not opening:
        return None, []
    closing = _CLOSE.search(text, opening.end())
    if not closing:
        line, col = line_column(text, offset)
        raise error(path, line, col, "front matter opened with '---' is never closed", "source.yaml")
    inner = text[opening.end() : closing.start()]
    first_line = line_column(text, opening.end())[0]
    try:
        data, root = _load(_FAST_LOADER, inner)
    except yaml.YAMLError:
        try:  # the pure-Python loader words its errors the same everywhere
            _load(_PURE_LOADER, inner)
            raise
        except yaml.YAMLError as exc:
            _raise_yaml_error(path, first_line, exc)
    if data is None:  # nothing but comments, or a lone null
        return FrontMatter(0, closing.end(), ()), []
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        raise error(path, first_line, 1, "front matter is not a mapping of keys to values", "source.yaml")
    # with no alias, the values are those written, which the page's size bounds: no bomb
    if "*" in inner and _expands_beyond(data, MAX_FRONT_MATTER_VALUES):
        raise error(path, first_line, 1, "invalid YAML front matter: its aliases expand to more than "
                    f"{MAX_FRONT_MATTER_VALUES} values", "source.yaml")
    deep = _node_too_deep(root)  # after the bomb check, which bounds this walk too
    if deep is not None:
        _raise_yaml_error(path, first_line, yaml.composer.ComposerError(None, None, _TOO_DEEP, deep.start_mark))
    pairs = [(str(k.value), k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode)]
    marks: dict[str, yaml.Mark] = {}  # where each top-level value is written
    for key, key_node, value_node in pairs:
        if key in marks:
            line, col = line_column(text, opening.end() + key_node.start_mark.index)
            raise error(path, line, col, f"invalid YAML front matter: duplicate key '{key}'", "source.yaml")
        # an alias of an earlier value (its text is elsewhere) is located at its key
        alias = value_node.start_mark.index < key_node.end_mark.index
        marks[key] = key_node.start_mark if alias else value_node.start_mark
    wanted = set(translate_keys)
    _refuse_values_of_no_text(path, first_line, data, wanted.union(SHOWN_KEYS), marks)
    written = {key: value_node for key, _, value_node in pairs}
    values = tuple((str(k), _value_text(v, written.get(str(k)))) for k, v in data.items())
    segments: list[Segment] = []
    for key, key_node, value_node in pairs:
        value = data.get(key)
        if key not in wanted or not isinstance(value, str) or not isinstance(value_node, yaml.ScalarNode):
            continue
        start = end = key_node.end_mark.index  # an alias's span is empty
        if value_node.start_mark.index > start:
            start, end = value_node.start_mark.index, value_node.end_mark.index
        raw = inner[start:end]
        if not value.strip() or not raw or raw[0] in "|>&*!":
            continue  # block scalars, anchors, aliases, tags and non-strings are left alone
        quote = raw[0] if raw[0] in "'\"" else ""
        start += opening.end()
        line, col = line_column(text, start)
        segments.append(
            Segment(value, start, opening.end() + end, line, col, "front-matter", key=key, quote=quote)
        )
    return FrontMatter(0, closing.end(), values), segments


def _refuse_values_of_no_text(path: str, first_line: int, data: dict[object, object], keys: set[str],
                              marks: dict[str, yaml.Mark]) -> None:
    """A located error [source.yaml] for the first of ``keys`` (the translated keys and
    ``SHOWN_KEYS``) whose value is a list or a mapping: the pages show these values as text,
    and ``title: [Des erreurs, Intune]`` (a YAML list) was shown as Python's
    ``['Des erreurs', 'Intune']`` in every <title> and index. Quoting the value makes it the
    text as written. Other keys may hold anything (the corpus has ``manager:`` lists)."""
    for key, value in data.items():
        if key in keys and isinstance(value, (list, tuple, dict, set)):
            mark = marks.get(str(key))  # (PyYAML puts the pairs a ``<<`` merges among them)
            line, col = (first_line + mark.line, mark.column + 1) if mark else (first_line, 1)
            kind = "mapping" if isinstance(value, dict) else "set" if isinstance(value, set) else "list"
            raise error(path, line, col, f"invalid YAML front matter: '{key}' is a {kind}, not text (quote the "
                        "value to keep it as written)", "source.yaml")


def _value_text(value: object, node: yaml.Node | None) -> str:
    """A front-matter value as the pages show it: a string as it is, null as nothing, another
    scalar as written (``yes``, ``0x1F``, ``1.10``: Python's ``True``, ``31`` and ``1.1`` are
    no text of the page); a list or mapping (of a key no page shows) as Python writes it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    return str(value)


# -- YAML loading -------------------------------------------------------------------------

# Levels a front matter may nest. Real ones nest two or three; PyYAML's pure-Python loader
# recurses per level (RecursionError near 330 of them) and libyaml refuses 1,000, so the
# limit is ours, the same with either loader, at the first node too deep.
MAX_FRONT_MATTER_DEPTH = 100
_TOO_DEEP = f"nested more than {MAX_FRONT_MATTER_DEPTH} levels deep"

# What PyYAML's constructors raise on a value its resolver matched but cannot build, instead of
# a YAMLError: ValueError (``2016-02-30``, ``!!int abc``, a 5,000-digit int), KeyError
# (``!!bool maybe``), AttributeError (``!!timestamp abc``), TypeError, OverflowError.
_CONSTRUCTION_ERRORS = (ValueError, KeyError, AttributeError, TypeError, ArithmeticError)
_SHOWN_CHARS = 40  # of a value quoted in an error


class _MarkedConstruction:
    """A loader mix-in: a value its constructor cannot build is a ``ConstructorError`` at the
    node's start (a located ``source.yaml`` error, as a syntax error is), not an exception
    from inside PyYAML that ended every command with a traceback. Nested values each come
    through here, so the innermost node that failed is the one named."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)  # type: ignore[call-arg]
        self._source_text = stream

    def construct_object(self, node: yaml.Node, deep: bool = False) -> object:
        try:
            return super().construct_object(node, deep)  # type: ignore[misc]
        except _CONSTRUCTION_ERRORS as exc:
            raise yaml.constructor.ConstructorError(
                None, None, self._construction_problem(node, exc), node.start_mark) from None

    def _construction_problem(self, node: yaml.Node, exc: Exception) -> str:
        kind = str(node.tag).rsplit(":", 1)[-1]  # tag:yaml.org,2002:timestamp -> timestamp
        if not isinstance(node, yaml.ScalarNode):
            return f"not a valid {kind}"
        value = str(node.value)
        shown = value if len(value) <= _SHOWN_CHARS else value[:_SHOWN_CHARS - 3] + "..."
        problem = f"'{shown}' is not a valid {kind}"
        if kind == "timestamp" and isinstance(exc, ValueError):
            problem += f" ({exc})"  # the datetime module says which field is out of range
        explicit = self._source_text.startswith("!", node.start_mark.index)
        if node.style is None and not explicit:  # YAML took plain text for a date or number
            problem += "; quote the value if it is text"
        return problem


class _PureLoader(_MarkedConstruction, yaml.SafeLoader):
    """PyYAML's own loader, whose error messages are the same on every machine; it composes
    recursively, so it stops at ``MAX_FRONT_MATTER_DEPTH`` levels, before Python's limit."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        if self.check_event(yaml.AliasEvent):  # no new level: the node is an earlier one
            return super().compose_node(parent, index)
        if self._depth >= MAX_FRONT_MATTER_DEPTH:
            raise yaml.composer.ComposerError(None, None, _TOO_DEEP, self.peek_event().start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


if hasattr(yaml, "CSafeLoader"):  # libyaml when PyYAML has it: several times faster
    class _FastLoader(_MarkedConstruction, yaml.CSafeLoader):  # type: ignore[misc]
        """libyaml's parser and composer, PyYAML's constructors (marked, as above)."""

    _FAST_LOADER: type[_MarkedConstruction] = _FastLoader
else:
    _FAST_LOADER = _PureLoader
_PURE_LOADER: type[_MarkedConstruction] = _PureLoader


def _load(loader_class: type[_MarkedConstruction], inner: str) -> tuple[object, yaml.Node | None]:
    """The front matter's data and its root node, whose marks give each value's exact span
    (a value folded over several lines spans them all; a trailing ``# comment`` is not part
    of it). Raises YAMLError for every problem of the YAML, located by its mark."""
    loader = loader_class(inner)
    try:
        node = loader.get_single_node()  # type: ignore[attr-defined]
        data = loader.construct_document(node) if node is not None else None  # type: ignore[attr-defined]
    finally:
        loader.dispose()  # type: ignore[attr-defined]
    return data, node


def _node_too_deep(root: yaml.Node) -> yaml.Node | None:
    """The first node, in document order, nested more than ``MAX_FRONT_MATTER_DEPTH`` levels
    deep (the root is level 1), or None. libyaml composes up to 1,000 levels, and turning
    values that deep into text recursed past Python's limit. What an alias names is walked
    again where the alias stands (aliases of lists holding aliases build depth too): the
    alias bomb check, made before, bounds that walk. Iterative, so no depth makes it recurse."""
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_FRONT_MATTER_DEPTH:
            return node
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in reversed(node.value) for child in reversed(pair))
    return None


# Values a front matter may expand to. Aliases share what they point to, so loading a
# "billion laughs" front matter is quick, but turning its values into text (below) expands
# every alias: 9 levels of 9 took minutes and gigabytes. Real pages have a few dozen.
MAX_FRONT_MATTER_VALUES = 10_000


def _expands_beyond(data: object, limit: int) -> bool:
    """Whether ``data``, its aliases expanded, holds more than ``limit`` values (counted
    without expanding anything: a shared list is counted each time it is used)."""
    stack, count = [data], 0
    while stack:
        item = stack.pop()
        count += 1
        if count > limit:
            return True
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)
    return False


def _raise_yaml_error(path: str, first_line: int, exc: yaml.YAMLError) -> None:
    mark = getattr(exc, "problem_mark", None)
    line = first_line + (mark.line if mark else 0)
    col = (mark.column + 1) if mark else 1
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    raise error(path, line, col, f"invalid YAML front matter: {problem}", "source.yaml") from None


# -- body -------------------------------------------------------------------------------


def _parse_body(text: str, body_start: int) -> tuple[list[Segment], list[str], bool, list[Rewrite]]:
    body = text[body_start:]
    lines = split_lines(body)
    first_line = line_column(text, body_start)[0] if body_start else 1
    tokens = _markdown().parse(body)
    segments: list[Segment] = []
    codes: list[str] = []
    rewrites: list[Rewrite] = []
    containers: list[str] = []
    skip_until = -1
    has_h1 = False
    for index, token in enumerate(tokens):
        if index < skip_until:
            continue
        if token.type == "table_open" and token.map:
            close = _matching_close(tokens, index)
            table_segments, table_codes = _table_segments(lines, token, body_start, first_line)
            segments.extend(table_segments)
            codes.extend(table_codes)
            rewrites.extend(_table_rewrites(lines, token, body_start))
            skip_until = close + 1
            continue
        if token.nesting == 1:
            containers.append(token.type)
            has_h1 = has_h1 or token.tag == "h1"
        elif token.nesting == -1:
            containers.pop()
        elif token.type == "html_block" and token.map:
            segments.extend(html_block_segments(lines, token, body_start, first_line))
        elif token.type == "inline" and token.map:
            kind = "heading" if containers[-1] == "heading_open" else (
                "list-item" if "list_item_open" in containers else "paragraph"
            )
            segment = _inline_segment(lines, token, kind, body_start, first_line)
            if segment:
                segments.append(segment)
    return segments, codes, has_h1, rewrites


def _matching_close(tokens: Sequence[Token], index: int) -> int:
    depth = 0
    for j in range(index, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _locate(source_line: str, content_line: str) -> int:
    """Where a markdown-it content line (prefix and trailing blanks removed) starts."""
    if source_line.endswith(content_line):
        return len(source_line) - len(content_line)
    stripped = source_line.rstrip()
    if stripped.endswith(content_line):
        return len(stripped) - len(content_line)
    found = source_line.find(content_line)  # ATX heading with closing #s
    return max(found, 0)


def _inline_segment(
    lines: list[tuple[int, str, str]], token: Token, kind: str, base: int, first_line: int
) -> Segment | None:
    assert token.map is not None
    content_lines = token.content.split("\n")
    row = token.map[0]
    if _ALERT.match(content_lines[0]):
        # the line after a [!NOTE] or [!div] line is often a lazy line, indented: that
        # indentation keeps it in the marker's block, so it stays out of the msgid, as the
        # first line's always does (a translator dropping it took the line out of its quote)
        content_lines, row = content_lines[1:], row + 1
        if content_lines:
            content_lines[0] = content_lines[0].lstrip(" \t")
    elif marker := _ALERT_BEFORE_TEXT.match(content_lines[0]):
        content_lines[0] = content_lines[0][marker.end():]
    if row + len(content_lines) > len(lines):
        return None
    content_lines[1:] = [_without_tab_padding(lines[row + i][1], line)
                         for i, line in enumerate(content_lines[1:], 1)]
    content = "\n".join(content_lines)
    if not content.strip() or is_include_only(content) or not is_translatable(content):
        return None
    offset, source, _ = lines[row]
    start_col = _locate(source, content_lines[0])
    last = row + len(content_lines) - 1
    last_offset, last_source, _ = lines[last]
    end = last_offset + _locate(last_source, content_lines[-1]) + len(content_lines[-1])
    joiners = tuple(lines[row + i - 1][2] + lines[row + i][1][: _locate(lines[row + i][1], content_lines[i])]
                    for i in range(1, len(content_lines)))
    return Segment(
        text=content,
        start=base + offset + start_col,
        end=base + end,
        line=first_line + row,
        column=start_col + 1,
        kind=kind,
        joiners=joiners,
    )


def _without_tab_padding(source_line: str, content_line: str) -> str:
    """A continuation line's content as the page has it: markdown-it writes the part of a tab
    that lies past the container's indentation as spaces (``\\tcont`` under ``- `` is
    ``  cont``), which the page does not have; the tab stays in the line's lead."""
    if not content_line.startswith(" ") or source_line.endswith(content_line) \
            or source_line.rstrip().endswith(content_line):
        return content_line
    for pad in range(1, 4):  # a tab is at most three columns past the indentation
        rest = content_line[pad:]
        if content_line[pad - 1] != " ":
            break
        if source_line.endswith(rest) or source_line.rstrip().endswith(rest):
            return rest
    return content_line


def is_include_only(text: str) -> bool:
    """True when a text is one DocFX ``[!INCLUDE]`` and nothing else: the included file's
    messages are its own."""
    return bool(_INCLUDE_ONLY.match(text.strip()))


def is_translatable(text: str) -> bool:
    """True when a segment has words outside code, link destinations and HTML tags."""
    rest = _without_spans(_without_spans(code_spans(text)[1], "](", ")", "]"), "<", ">", "")
    return bool(_WORD.search(rest))


def _without_spans(text: str, opening: str, closing: str, replacement: str) -> str:
    """``text`` with each span from ``opening`` to the first ``closing`` after it replaced, left
    to right, in linear time: ``re.sub(r"<[^>]*>", "", text)``, or a link destination ``](...)``
    made ``]``. The regex tried again at every later ``<`` once none closed (quadratic: 1.6 s
    for a paragraph of 32,000 ``</``); here the first that does not close ends the search, as
    none after it can."""
    parts = []
    cursor = 0
    while (start := text.find(opening, cursor)) != -1:
        end = text.find(closing, start + len(opening))
        if end == -1:
            break
        parts.append(text[cursor:start] + replacement)
        cursor = end + len(closing)
    parts.append(text[cursor:])
    return "".join(parts)


# -- tables -----------------------------------------------------------------------------


def _table_segments(
    lines: list[tuple[int, str, str]], token: Token, base: int, first_line: int
) -> tuple[list[Segment], list[str]]:
    assert token.map is not None
    span = token.map
    starts = dict(zip(range(span[0], span[1]), token.meta.get("starts", ())))  # each row's content column
    rows = [r for r in range(span[0], min(span[1], len(lines))) if r != span[0] + 1]
    if not rows:
        return [], []

    def cells(row: int) -> list[tuple[int, int]]:
        return split_cells(lines[row][1], starts.get(row))

    header_row, body_rows = rows[0], rows[1:]
    header_line = lines[header_row][1]
    header_cells = cells(header_row)
    body_cells = [cells(r) for r in body_rows]  # each row split once
    headers = [header_line[a:b] for a, b in header_cells]
    first_cells = [lines[r][1][row_cells[0][0] : row_cells[0][1]] if row_cells else ""
                   for r, row_cells in zip(body_rows, body_cells)]
    keyed = is_error_table(first_cells)
    segments: list[Segment] = []
    for a, b in header_cells:
        _add_pieces(segments, lines, header_row, a, b, base, first_line, "table-header", None, None)
    codes: list[str] = []
    for r, code, row_cells in zip(body_rows, first_cells, body_cells):
        key = code if keyed else None
        if keyed:
            codes.append(code)
        for column, (a, b) in enumerate(row_cells):
            if keyed and column == 0:
                continue
            name = headers[column] if column < len(headers) else None
            _add_pieces(segments, lines, r, a, b, base, first_line, "table-cell", key, name)
    return segments, codes


def _table_rewrites(lines: list[tuple[int, str, str]], token: Token, base: int) -> list[Rewrite]:
    """The table's GFM edits (``pipetable._gfm_rewrites``) as spans of the page text."""
    assert token.map is not None
    rewrites = []
    for index, start, end, text in token.meta.get("gfm", ()):
        if token.map[0] + index < len(lines):
            offset, _, eol = lines[token.map[0] + index]
            rewrites.append(Rewrite(base + offset + start, base + offset + end, text.replace("\n", eol or "\n")))
    return rewrites


def _add_pieces(
    out: list[Segment],
    lines: list[tuple[int, str, str]],
    row: int,
    a: int,
    b: int,
    base: int,
    first_line: int,
    kind: str,
    key: str | None,
    column_name: str | None,
) -> None:
    offset, line, _ = lines[row]
    for piece_start, piece_end in _pieces(line, a, b):
        piece = line[piece_start:piece_end]
        if piece and is_translatable(piece):
            out.append(
                Segment(
                    text=piece,
                    start=base + offset + piece_start,
                    end=base + offset + piece_end,
                    line=first_line + row,
                    column=piece_start + 1,
                    kind=kind,
                    key=key,
                    column_name=column_name,
                )
            )


def _pieces(line: str, a: int, b: int) -> Iterable[tuple[int, int]]:
    """Split a cell at ``<br /><br />``; the break markup stays out of every piece."""
    cursor = a
    for match in _BREAKS.finditer(line, a, b):
        yield _trim(line, cursor, match.start())
        cursor = match.end()
    yield _trim(line, cursor, b)


def _trim(line: str, a: int, b: int) -> tuple[int, int]:
    while a < b and line[a] in " \t":
        a += 1
    while b > a and line[b - 1] in " \t":
        b -= 1
    return a, b
