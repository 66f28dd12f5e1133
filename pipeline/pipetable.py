"""Pipe tables as the docs platform reads them: DocFX's Markdown parser, markdig, with the
pipe-table extension DocFX turns on (``UsePipeTables``). A block rule for markdown-it-py, and
the cell splitting that extraction, the error catalogs and the import's alignment share.

In: markdown-it's block state (``pipe_table``, put on a parser by ``use_pipe_tables``), or one
table line (``split_cells``). Out: markdown-it's own table tokens (``table_open`` ...
``table_close``, as its GFM rule makes them: the renderer and our table handling read them
unchanged), each ``table_open`` carrying in ``meta`` where its rows' cells start
(``"starts"``: the column of each line's content, after a container's ``>`` or indentation)
and what a GFM reader needs written otherwise (``"gfm"``, see ``_gfm_rewrites``); cell spans.

markdig finds a table in a paragraph's lines (``PipeTableParser``), so its rules are:

1. The table is the lines of one paragraph: they end at a blank line or at a line that
   starts another block (a heading, a list item, a quote, a fence, an HTML block, a thematic
   break). Every line after the first may be indented any amount (a paragraph's continuation
   lines: four spaces or a tab do not make them code), and a lazy line counts as in any
   paragraph. A line of only ``-``, ``|``, ``:`` and blanks that starts with ``-`` and holds
   a ``|`` continues the paragraph instead of starting a list item (``PipeTableBlockParser``).
2. Every line holds a ``|`` that separates cells. A ``|`` escaped (``\\|``), inside a code
   span, an HTML tag or autolink, or inside a link or image (``[a|b](c)``) separates nothing.
   markdig keeps a paragraph with a line that holds none all as text; here the table ends
   before that line, which starts a paragraph (see below).
3. The second line is the delimiter row: cells of an optional ``:``, at least one ``-``, an
   optional ``:``, blanks around and between them (``: --- :``), or empty (``| --- | | --- |``,
   which markdig always accepted but for a few releases); at least one cell has dashes.
   ``:-`` aligns left, ``-:`` right, ``:-:`` centre.
4. The first line is the header row; its cells, not the delimiter row's, give the number of
   columns. markdig checks no count: a delimiter row with MORE cells than the header adds no
   column (its extra cells are dropped: ``|a|b|`` over ``|--|--|--|`` is a 2-column table);
   one with FEWER gives the columns past its end the alignment of its last cell (markdig's
   ``HtmlTableRenderer`` clamps the column index to the last definition). A header of no cell
   (a lone ``|``) makes no table here.
5. Rows are normalized to the header's count: missing cells are empty, extra cells are not
   shown (markdig's ``UseHeaderForColumnCount``, as its spec and GFM have it; the default of
   markdig releases since 2020 widens the table to its longest row instead, which on the
   corpus only adds an empty column for a row ending in ``||``). Past 65,536 missing cells in
   a table (markdown-it's own limit) short rows are left short, so a few bytes cannot make
   millions of cells.
6. A leading and a trailing ``|`` are optional; cells are trimmed of spaces and tabs.

Where this rule does not follow markdig, so that no table GFM shows is lost (on the corpus,
markdig's rules would have turned a dozen tables a page showed into text):

- a table whose header line follows a paragraph's line directly interrupts that paragraph
  where GFM's would (neither line lazy, the delimiter row no code and of the header's count;
  markdig keeps the whole paragraph as text, its issue #818);
- a ``---`` line right under a table is a thematic break, as in GFM (markdig makes the
  table's lines a setext heading);
- a line without a separating ``|`` after the delimiter row ends the table and starts a
  paragraph (markdig keeps the whole paragraph as text; GFM takes the line for a row of one
  cell): a note under a table with no blank line between stays a note;
- a ``\\|`` in a cell reads as ``|`` also inside a code span, as GFM has it (markdig shows the
  backslash there; a translation's ``|`` in a cell's code span is escaped so, see ``sanitize``);
- a line ending in a backslash (a hard line break) does not join the next row, and a code
  span or HTML tag that runs over a line break does not hide that line's ``|``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.common.html_re import HTML_TAG_RE
from markdown_it.rules_block.state_block import StateBlock

# what the cell splitting acts on; other characters are skipped. Brackets and parentheses only
# matter in a line with a link or image (``[``)
_SPECIAL = re.compile(r"[\\`|<\[\]()]")
_SPECIAL_NO_LINK = re.compile(r"[\\`|<]")
_BACKTICKS = re.compile(r"`+")
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^<>\x00-\x20]*|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@"
                       r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}"
                       r"[A-Za-z0-9])?)*)>")
_DELIMITER_CHARS = re.compile(r"[-:| \t]+")
_DELIMITER_CELL = re.compile(r"[ \t]*(:)?[ \t]*-+[ \t]*(:)?[ \t]*")
_DASH_ROW_START = re.compile(r"-[-:| \t]*\|[-:| \t]*")  # markdig's PipeTableBlockParser line
_GFM_DELIMITER_CELL = re.compile(r":?-+:?")
MAX_AUTOCOMPLETED_CELLS = 0x10000
_ALIGN_STYLE = {"l": "left", "r": "right", "c": "center"}
_GFM_CELL = {None: "---", "l": ":---", "r": "---:", "c": ":---:"}


def split_cells(line: str, start: int | None = None) -> list[tuple[int, int]]:
    """Spans (start, end) of a table row's cell contents, blanks trimmed, as markdig reads
    the row (rule 2 above): from ``start``, the column where the row's content starts, or else
    after the line's blanks and quote markers (``> ``).

    The optional leading and trailing pipes do not make empty cells; a row without a
    separating ``|`` is one cell.
    """
    if start is None:
        start = len(line) - len(line.lstrip(" \t>"))
    end = len(line.rstrip())
    if start < end and line[start] == "|" and not _escaped(line, start):
        start += 1
    bounds: list[tuple[int, int]] = []
    cell_start = start
    for pipe in _separators(line, start, end):
        bounds.append((cell_start, pipe))
        cell_start = pipe + 1
    if cell_start < end or not bounds:
        bounds.append((cell_start, end))
    trimmed = []
    for a, b in bounds:
        while a < b and line[a] in " \t":
            a += 1
        while b > a and line[b - 1] in " \t":
            b -= 1
        trimmed.append((a, b))
    return trimmed


def _escaped(line: str, at: int) -> bool:
    """Whether the character at ``at`` follows an odd number of backslashes."""
    count = 0
    while at - count > 0 and line[at - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _separators(line: str, start: int, end: int) -> list[int]:
    """Where the ``|`` that separate cells are in ``line[start:end]``: not escaped, not in a
    code span, HTML tag or autolink, not inside a link or image (``[text](destination)``)."""
    links = "[" in line
    special = _SPECIAL if links else _SPECIAL_NO_LINK
    pipes: list[int] = []
    brackets: list[int] = []  # open '['
    label_of: dict[int, int] = {}  # ']' -> its '['
    parens: list[int] = []  # open '('
    paren_end: dict[int, int] = {}  # '(' -> its ')'
    i = start
    while (found := special.search(line, i, end)) is not None:
        i = found.start()
        char = line[i]
        if char == "\\":
            i += 2
            continue
        if char == "`":
            run = _BACKTICKS.match(line, i, end).end() - i  # type: ignore[union-attr]
            close = _closing_run(line, i + run, end, run)
            i = close + run if close != -1 else i + run
            continue
        if char == "<":
            tag = HTML_TAG_RE.match(line, i, end) or _AUTOLINK.match(line, i, end)
            i = tag.end() if tag else i + 1
            continue
        if char == "|":
            pipes.append(i)
        elif char == "[":
            brackets.append(i)
        elif char == "]" and brackets:
            label_of[i] = brackets.pop()
        elif char == "(":
            parens.append(i)
        elif char == ")" and parens:
            paren_end[parens.pop()] = i
        i += 1
    if pipes and label_of:
        spans = sorted((opening, paren_end[close + 1]) for close, opening in label_of.items() if close + 1 in paren_end)
        if spans:
            pipes = _outside(pipes, spans)
    return pipes


def _closing_run(line: str, start: int, end: int, run: int) -> int:
    """Where a run of exactly ``run`` backticks starts in ``line[start:end]`` (-1: none)."""
    for found in _BACKTICKS.finditer(line, start, end):
        if found.end() - found.start() == run:
            return found.start()
    return -1


def _outside(positions: list[int], spans: list[tuple[int, int]]) -> list[int]:
    """The sorted ``positions`` that lie in none of the sorted ``spans`` (start, end)."""
    kept, k, reach = [], 0, -1
    for position in positions:
        while k < len(spans) and spans[k][0] < position:
            reach = max(reach, spans[k][1])
            k += 1
        if position >= reach:
            kept.append(position)
    return kept


def delimiter_aligns(text: str) -> list[str | None] | None:
    """The alignment of each cell of a delimiter row (``"l"``, ``"r"``, ``"c"`` or None),
    ``text`` starting at the row's content; None when it is no delimiter row (rule 3)."""
    if "|" not in text or "-" not in text or not _DELIMITER_CHARS.fullmatch(text.rstrip()):
        return None
    pieces = text.rstrip().split("|")
    if not pieces[0].strip(" \t"):  # a leading '|' (after blanks) opens no cell
        pieces = pieces[1:]
    if pieces and not pieces[-1].strip(" \t"):  # nor does a trailing one
        pieces = pieces[:-1]
    aligns: list[str | None] = []
    for piece in pieces:
        cell = _DELIMITER_CELL.fullmatch(piece)
        if cell is None:
            if piece.strip(" \t"):
                return None
            aligns.append(None)  # an empty cell
            continue
        left, right = cell.group(1), cell.group(2)
        aligns.append("c" if left and right else "l" if left else "r" if right else None)
    return aligns


def pipe_table(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    """markdown-it block rule: a pipe table starting at ``startLine`` (see the module's rules)."""
    # first what rules out most lines, without copying them: the next line starts with '|', '-'
    # or ':' and holds a '|' and a '-'; this one holds a '|'
    src, second = state.src, startLine + 1
    if second >= state.lineMax:
        return False
    begin, end = state.bMarks[second] + state.tShift[second], state.eMarks[second]
    if begin >= end or src[begin] not in "|-:" or src.find("|", begin, end) == -1 \
            or src.find("-", begin, end) == -1 \
            or src.find("|", state.bMarks[startLine] + state.tShift[startLine], state.eMarks[startLine]) == -1 \
            or state.is_code_block(startLine):
        return False
    header = _content(state, startLine)
    aligns = delimiter_aligns(src[begin:end])
    if aligns is None or header.strip(" \t") == "|":  # (a blank next line: ``begin >= end`` above)
        return False  # no delimiter row, or a header of no cell
    if silent:  # asked whether a table ends a paragraph here, at each of its lines: its first two
        # lines tell (walking to the paragraph's end each time was quadratic in its length)
        texts = [header, src[begin:end]]
        rows = [split_cells(text, 0) for text in texts]
        return (_paragraph_end(state, startLine, startLine + 2) == startLine + 2
                and not any(len(cells) == 1 and not _separators(text, 0, len(text)) for text, cells in zip(texts, rows))
                and _interrupts(state, startLine, texts, len(rows[0])))
    last = _paragraph_end(state, startLine)
    if last < startLine + 2:
        return False
    starts = [state.bMarks[n] + state.tShift[n] for n in range(startLine, last)]
    texts = [state.src[start:state.eMarks[n]] for n, start in zip(range(startLine, last), starts)]
    rows = [split_cells(text, 0) for text in texts]
    cut = False  # whether a line of the paragraph is left out
    for index, (text, cells) in enumerate(zip(texts, rows)):
        if len(cells) == 1 and not _separators(text, 0, len(text)):  # a line without a separating '|'
            if index < 2:
                return False
            last, cut = startLine + index, True  # the table ends before it (rule 2)
            del starts[index:], texts[index:], rows[index:]
            break
    columns = len(rows[0])
    aligned = [aligns[min(i, len(aligns) - 1)] for i in range(columns)]
    body = [[text[a:b].replace("\\|", "|") for a, b in cells] for text, cells in zip(texts[2:], rows[2:])]
    pad = sum(max(0, columns - len(cells)) for cells in body) <= MAX_AUTOCOMPLETED_CELLS
    line_starts = [state.src.rfind("\n", 0, start) + 1 for start in starts]

    old_parent = state.parentType
    state.parentType = "table"
    token = state.push("table_open", "table", 1)
    token.map = [startLine, last]
    token.meta = {"starts": tuple(start - begin for start, begin in zip(starts, line_starts)),
                  "gfm": _gfm_rewrites(state, startLine, texts, starts, line_starts, aligned, cut)}
    token = state.push("thead_open", "thead", 1)
    token.map = [startLine, startLine + 1]
    _push_row(state, startLine, "th", [texts[0][a:b].replace("\\|", "|") for a, b in rows[0]], aligned, columns)
    state.push("thead_close", "thead", -1)
    if body:
        token = state.push("tbody_open", "tbody", 1)
        token.map = [startLine + 2, last]
        for number, cells in enumerate(body, startLine + 2):
            _push_row(state, number, "td", cells, aligned, columns if pad else min(columns, len(cells)))
        state.push("tbody_close", "tbody", -1)
    state.push("table_close", "table", -1)
    state.parentType = old_parent
    state.line = last
    return True


def _interrupts(state: StateBlock, startLine: int, texts: list[str], columns: int) -> bool:
    """Whether the table may end the paragraph whose line ``startLine`` would be (a call as a
    terminator): only as GFM's may, neither line lazy, the delimiter row no code and of the
    header's count (markdig lets no table interrupt a paragraph; GFM does)."""
    offset = state.sCount[startLine + 1] - state.blkIndent
    return state.sCount[startLine] >= state.blkIndent and 0 <= offset < 4 and _gfm_delimiter(texts[1], columns)


def _content(state: StateBlock, line: int) -> str:
    """A line's text after its container's markers and its indentation."""
    return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]


def _paragraph_end(state: StateBlock, startLine: int, limit: int | None = None) -> int:
    """The line after the paragraph that starts at ``startLine`` (markdown-it's paragraph
    rule's loop, but for markdig's dash-row exception and this rule itself: a row shaped
    like a new header and delimiter row does not end the table, it is a row of it), looked
    for up to ``limit`` at most."""
    terminators = [rule for rule in state.md.block.ruler.getRules("paragraph") if rule is not pipe_table]
    old_parent = state.parentType
    state.parentType = "paragraph"
    end, line = state.lineMax, startLine + 1
    stop = end if limit is None else min(end, limit)
    while line < stop and not state.isEmpty(line):
        if state.sCount[line] - state.blkIndent > 3 or state.sCount[line] < 0 \
                or _DASH_ROW_START.fullmatch(_content(state, line).rstrip()):
            line += 1
            continue
        if any(rule(state, line, end, True) for rule in terminators):
            break
        line += 1
    state.parentType = old_parent
    return line


def _push_row(state: StateBlock, line: int, tag: str, cells: list[str], aligned: list[str | None],
              count: int) -> None:
    token = state.push("tr_open", "tr", 1)
    token.map = [line, line + 1]
    for i in range(count):
        token = state.push(f"{tag}_open", tag, 1)
        if aligned[i]:
            token.attrs = {"style": "text-align:" + _ALIGN_STYLE[aligned[i]]}  # type: ignore[index]
        token = state.push("inline", "", 0)
        token.map = [line, line + 1]  # as markdown-it-py's own rule keeps it
        token.content = cells[i] if i < len(cells) else ""
        token.children = []
        state.push(f"{tag}_close", tag, -1)
    state.push("tr_close", "tr", -1)


def _gfm_rewrites(state: StateBlock, startLine: int, texts: list[str], starts: list[int],
                  line_starts: list[int], aligned: list[str | None], cut: bool) -> tuple[tuple[int, int, int, str], ...]:
    """(line index in the table, from column, to column, new text): the edits that make a GFM
    reader (GitHub, markdown-it's GFM rule) see the table this rule sees, the cells untouched:

    - a delimiter row GFM refuses (another count of cells than the header, an empty cell,
      blanks between ``:`` and ``-``, a ``- `` start) is written ``|---|:---:|`` with the
      header's count of cells and the alignments markdig gives them;
    - a row indented four columns or more past its container's content, or less than it
      (a lazy line), which GFM does not take into the table, gets the content's indentation;
    - a row of dashes and pipes starting ``- `` (a list item for GFM) gets its ``-`` escaped;
    - a line without a ``|`` that ends the table (a row of one cell for GFM) gets a blank line
      before it (``"\\n"`` and its quote markers, at the end of the table's last line: the
      caller writes the page's line ending).

    A lazy line of a quote (no ``>``) cannot be fixed so and is left as it is."""
    edits: list[tuple[int, int, int, str]] = []  # in text order (zero-width edits first at a column)
    for index in range(1, len(texts)):
        line = startLine + index
        column = starts[index] - line_starts[index]
        offset = state.sCount[line] - state.blkIndent
        if state.sCount[line] >= 0 and not 0 <= offset < 4:
            edits.append((index, state.bMarks[line] - line_starts[index], column, " " * state.blkIndent))
        if index == 1 and not _gfm_delimiter(texts[1], len(aligned)):
            row = "|" + "|".join(_GFM_CELL[align] for align in aligned) + "|"
            edits.append((1, column, column + len(texts[1].rstrip()), row))
        elif index > 1 and texts[index][:2] in ("- ", "-\t"):
            edits.append((index, column, column, "\\"))
    after = startLine + len(texts)  # the line that ended the table
    if cut and state.sCount[after] >= 0 and 0 <= state.sCount[after] - state.blkIndent < 4:
        end = state.eMarks[after - 1] - line_starts[-1]
        begin = state.src.rfind("\n", 0, state.bMarks[after]) + 1
        edits.append((len(texts) - 1, end, end, "\n" + state.src[begin:state.bMarks[after]].rstrip()))
    return tuple(edits)


def _gfm_delimiter(text: str, columns: int) -> bool:
    """Whether GFM (markdown-it's table rule) takes ``text`` for the delimiter row of a
    header of ``columns`` cells."""
    text = text.strip()
    if text[:1] not in ("|", "-", ":") or text.startswith(("- ", "-\t")):
        return False
    pieces = text.split("|")
    cells = [p.strip() for i, p in enumerate(pieces) if p.strip() or 0 < i < len(pieces) - 1]
    return len(cells) == columns and all(_GFM_DELIMITER_CELL.fullmatch(cell) for cell in cells)


def use_pipe_tables(md: MarkdownIt) -> MarkdownIt:
    """``md`` with markdown-it's GFM table rule off and ``pipe_table`` on: tried where no
    other block starts (a paragraph would), before a setext heading's underline is looked for
    (as GFM, whose table ends at a ``---`` line: markdig would make the lines above it a
    heading), and where it may interrupt a paragraph (as GFM's)."""
    md.block.ruler.disable("table", ignoreInvalid=True)
    rule: Callable[..., bool] = pipe_table
    md.block.ruler.before("lheading", "pipe_table", rule, {"alt": ["paragraph", "reference"]})
    return md
