"""Pipe tables as the docs platform (DocFX's markdig) reads them: ``pipeline.pipetable``.

The corpus tests read the real pages whose tables markdown-it's GFM rule showed as paragraph
text; the rule tests take their inputs and expected HTML from markdig's PipeTableSpecs.md.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import lxml.html
import pytest
from markdown_it import MarkdownIt

from pipeline.render import apply_translations, markdown_renderer, render_html_body
from pipeline.source import load_document

from .conftest import CORPUS, require_shared

DEPLOY = Path("InTuneDocs") / "DeployUse"
# a markdig delimiter row (see pipetable, rule 3) after its indentation
_DELIMITER = re.compile(r"[ \t]*\|?(?:[ \t]*(?::[ \t]*)?-+[ \t]*(?::[ \t]*)?\|)+(?:[ \t]*(?::[ \t]*)?-+[ \t]*(?::[ \t]*)?)?[ \t]*")
GFM = MarkdownIt("commonmark").enable("table")


def _page(relative: Path, locale: str = "en-us") -> tuple[str, str]:
    require_shared()
    path = CORPUS / locale / relative
    return path.relative_to(CORPUS / locale).as_posix(), path.read_bytes().decode("utf-8")


def _tables(html: str) -> list[list[list[str]]]:
    """Each table of ``html`` as rows of cell texts (header row first)."""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return [[[" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")] for row in table.iter("tr")]
            for table in root.iter("table")]


def _line_of(text: str, line: str) -> int:
    return text.splitlines().index(line) + 1


# -- the corpus ---------------------------------------------------------------------------------


def test_a_delimiter_row_with_more_cells_than_the_header_makes_a_table_of_the_headers_columns():
    """windows-10-policy-settings-in-microsoft-intune.md: '|Setting name|Details|' over
    '|----------------|----------------------|---------------------|' (one of 48 such tables)."""
    path, text = _page(DEPLOY / "windows-10-policy-settings-in-microsoft-intune.md")
    document = load_document(path, text)
    header = next(s for s in document.segments if s.line == 103 and s.text == "Setting name")
    assert header.kind == "table-header"
    row = [s for s in document.segments if s.line == 105]
    assert [(s.kind, s.text, s.column_name) for s in row] == [
        ("table-cell", "**Allow application store**", "Setting name"),
        ("table-cell", "Allow the user to access the app store on the device.<br>(Windows 10 Mobile only)", "Details")]
    html = render_html_body(apply_translations(document, {}, document.portable)[1], ())
    store = next(t for t in _tables(html) if t[1][0] == "Allow application store")
    assert store[0] == ["Setting name", "Details"] and all(len(r) == 2 for r in store)


def test_a_delimiter_row_with_fewer_cells_than_the_header_keeps_the_headers_columns():
    """ios-policy-settings-in-microsoft-intune.md: '|Setting name|Details|iOS|' over
    '|----------------|-------|': three columns, the third shown."""
    path, text = _page(DEPLOY / "ios-policy-settings-in-microsoft-intune.md")
    document = load_document(path, text)
    line = text.splitlines().index("|Setting name|Details|iOS|") + 1
    assert [s.text for s in document.segments if s.line == line] == ["Setting name", "Details", "iOS"]
    cells = [s for s in document.segments if s.line == line + 2]
    assert [s.column_name for s in cells][:2] == ["Setting name", "Details"]
    assert all(s.kind == "table-cell" for s in cells)


def test_a_delimiter_row_indented_as_a_continuation_line_makes_a_table():
    """keep-windows-pcs-up-to-date-with-software-updates-in-microsoft-intune.md lines 53-54:
    '  |Policy setting|Details|' over '    |------------------|--------------------|'."""
    path, text = _page(DEPLOY / "keep-windows-pcs-up-to-date-with-software-updates-in-microsoft-intune.md")
    document = load_document(path, text)
    assert text.splitlines()[52:54] == ["  |Policy setting|Details|", "    |------------------|--------------------|"]
    assert [(s.kind, s.text) for s in document.segments if s.line == 53] == [
        ("table-header", "Policy setting"), ("table-header", "Details")]
    first = [s for s in document.segments if s.line == 55]
    assert first[0].kind == "table-cell" and first[0].text == "**Update and application detection frequency (hours)**"
    assert first[0].column_name == "Policy setting"
    assert text[first[0].start:first[0].end] == first[0].text


@pytest.mark.parametrize("locale", ["en-us", "fr-fr", "de-de", "ja-jp"])
def test_no_corpus_table_is_extracted_or_shown_as_a_paragraph(locale):
    """No paragraph or list item of a real page holds a table's header and delimiter rows
    (as 66 tables a locale did: one giant message each, shown as '|a|b| |---|---|' text), and
    no paragraph of the HTML does."""
    require_shared()
    pages = sorted((CORPUS / locale).rglob("*.md"))
    found = []
    for path in pages:
        text = path.read_bytes().decode("utf-8")
        try:
            document = load_document(path.name, text)
        except Exception:  # a page the pipeline refuses (located errors) has no segments to check
            continue
        for segment in document.segments:
            lines = segment.text.split("\n")
            if segment.kind in ("paragraph", "list-item") and any(
                    "|" in above and _DELIMITER.fullmatch(below) for above, below in zip(lines, lines[1:])):
                found.append((path.name, segment.line))
        html = markdown_renderer().render(text[document.body_start:])
        for paragraph in lxml.html.fragment_fromstring(html, create_parent="div").iter("p"):
            lines = paragraph.text_content().split("\n")
            if any("|" in above and _DELIMITER.fullmatch(below) for above, below in zip(lines, lines[1:])):
                found.append((path.name, "html"))
    assert found == []
    assert len(pages) > 400


@pytest.mark.parametrize("locale", ["en-us", "ja-jp"])
def test_every_table_gfm_shows_is_a_table_here_too(locale):
    """The rule's departures from markdig (a table may interrupt a paragraph, a line without
    a '|' ends it, a '---' under it is a rule) keep every table markdown-it's GFM rule finds
    in the corpus, at the same line, with the same header cells."""
    require_shared()
    ours = markdown_renderer()
    tables = 0
    for path in sorted((CORPUS / locale).rglob("*.md")):
        text = path.read_bytes().decode("utf-8")
        tokens, our_tokens = GFM.parse(text), ours.parse(text)
        gfm = {t.map[0]: i for i, t in enumerate(tokens) if t.type == "table_open"}
        mine = {t.map[0]: i for i, t in enumerate(our_tokens) if t.type == "table_open"}
        assert gfm.keys() <= mine.keys(), path.name
        for line, index in gfm.items():
            def header(stream, at):
                end = next(j for j in range(at, len(stream)) if stream[j].type == "thead_close")
                return [t.content for t in stream[at:end] if t.type == "inline"]
            assert header(our_tokens, mine[line]) == header(tokens, index), (path.name, line)
        tables += len(gfm)
    assert tables > 140


@pytest.mark.parametrize("locale", ["en-us", "ja-jp"])
def test_the_portable_markdown_writes_each_table_as_gfm_reads_it(locale):
    """The portable Markdown (out/markdown/) is for GFM readers: every table of every page is
    written so that a stock GFM parser sees the table this rule sees, the same cells; the
    original format keeps the source's bytes (``apply_translations`` without the rewrites),
    and no rewrite touches a translatable segment."""
    require_shared()
    gfm = MarkdownIt("commonmark", {"html": True}).enable("table")
    rewritten = tables = 0
    for path in sorted((CORPUS / locale).rglob("*.md")):
        text = path.read_bytes().decode("utf-8")
        document = load_document(path.name, text)
        assert "".join(apply_translations(document, {})) == text
        portable = apply_translations(document, {}, document.portable)[1]
        ours = _tables(markdown_renderer().render(text[document.body_start:]))
        assert _tables(gfm.render(portable)) == ours, path.name
        assert _tables(markdown_renderer().render(portable)) == ours, path.name
        for rewrite in document.portable:
            assert not any(s.start < rewrite.end and rewrite.start < s.end for s in document.segments)
        rewritten += bool(document.portable)
        tables += len(ours)
    assert rewritten >= 14 and tables > 200


def test_a_note_under_a_table_gets_a_blank_line_before_it_in_the_portable_markdown():
    document = load_document("p.md", "|a|b|\r\n|-|-|-|\r\n|c|d|\r\n\\* a note\r\n\r\n> |e|f|\n>     |-|-|\n> a quote\n")
    portable = apply_translations(document, {}, document.portable)[1]
    assert portable == "|a|b|\r\n|---|---|\r\n|c|d|\r\n\r\n\\* a note\r\n\r\n> |e|f|\n> |-|-|\n>\n> a quote\n"
    assert _tables(GFM.render(portable)) == _tables(markdown_renderer().render(document.text))


def test_a_translated_page_keeps_its_rewrites_around_the_translations():
    path, text = _page(DEPLOY / "windows-10-policy-settings-in-microsoft-intune.md")
    document = load_document(path, text)
    translations = {s.text: s.text.upper() for s in document.segments if s.kind.startswith("table")}
    portable = apply_translations(document, translations, document.portable)[1]
    tables = _tables(GFM.render(portable))
    store = next(t for t in tables if t[1][0] == "ALLOW APPLICATION STORE")
    assert store[0] == ["SETTING NAME", "DETAILS"]


# -- the rules (markdig's PipeTableSpecs.md examples and what the module says) ---------------------


def _html(markdown: str) -> str:
    return markdown_renderer().render(markdown)


@pytest.mark.parametrize("markdown, rows", [
    ("a | b\n-- | -\n0 | 1\n", [["a", "b"], ["0", "1"]]),  # example 1
    ("a | b\n- | -\n0 | 1\n", [["a", "b"], ["0", "1"]]),  # example 2: '- | -' is no list item
    ("a | b\n-- | --\n", [["a", "b"]]),  # example 3
    ("a | b\n-- | --\n-- | --\n", [["a", "b"], ["--", "--"]]),  # example 4
    ("a  | b \n-- | --\n0  | 1 | 2\n3  | 4\n5  |\n", [["a", "b"], ["0", "1"], ["3", "4"], ["5", ""]]),
    ("  a     | b     |\n--      | --\n| 0     | 1\n| 2     | 3     |\n  4     | 5 \n",
     [["a", "b"], ["0", "1"], ["2", "3"], ["4", "5"]]),  # rule 4
    ("| a\n| --\n| b\n| c \n", [["a"], ["b"], ["c"]]),  # single column
    ('a <a href="" title="|"></a> | b\n-- | --\n0  | 1\n', [["a", "b"], ["0", "1"]]),  # rule 8
    ("a  | b\n-- | --\n[This is a link with a | inside the label](http://google.com) | 1\n",
     [["a", "b"], ["This is a link with a | inside the label", "1"]]),  # rule 9
    ("|a|b|c\n|---|---|---|\n", [["a", "b", "c"]]),  # rule 10
    ("|`a|b`|c \\| d|\n|--|--|\n|1|2|\n", [["a|b", "c | d"], ["1", "2"]]),  # code spans, escapes
    ("|a|b|\n|--|--|--|\n|1|2|\n", [["a", "b"], ["1", "2"]]),  # delimiter: more cells
    ("|a|b|c|\n|--|--|\n|1|2|3|\n", [["a", "b", "c"], ["1", "2", "3"]]),  # delimiter: fewer cells
    ("|a|b|\n    |--|--|\n        |1|2|\n", [["a", "b"], ["1", "2"]]),  # indented continuation lines
    ("|a|b|\n| : -- : | -- |\n|1|2|\n", [["a", "b"], ["1", "2"]]),  # blanks inside a delimiter cell
    ("|a|b|c|\n| --- | | --- |\n|1|2|3|\n", [["a", "b", "c"], ["1", "2", "3"]]),  # an empty delimiter cell
])
def test_what_markdig_takes_for_a_table(markdown, rows):
    assert _tables(_html(markdown)) == [rows]


@pytest.mark.parametrize("markdown", [
    "a b\nc | d\ne | f\n",  # example 5: no '|' in the first line
    "a | b\nc no d\n",  # example 6: no delimiter row
    " a     | b\n-------|---x---\n 0     | 1\n",  # a delimiter cell that is no delimiter
    "a | b `\n0 | ` \n",  # rule 7
    "|a|b|\n|:|:|\n|1|2|\n",  # a delimiter row without a dash
    "    |a|b|\n    |-|-|\n",  # an indented first line is code
    "|\n|-|\n|a|\n",  # a header of no cell
])
def test_what_markdig_takes_for_no_table(markdown):
    assert _tables(_html(markdown)) == []


def test_alignment_past_a_short_delimiter_row_is_its_last_cells():
    """markdig's renderer clamps the column to the last column definition."""
    html = _html("|a|b|c|\n|:--|--:|\n|1|2|3|\n")
    cells = lxml.html.fragment_fromstring(html, create_parent="div").xpath("//td")
    assert [c.get("style") for c in cells] == ["text-align:left", "text-align:right", "text-align:right"]


def test_the_table_ends_where_its_paragraph_ends_and_before_a_line_without_a_pipe():
    document = load_document("p.md", "Intro:\n|a|b|\n|-|-|\n|c|d|\n\\* a note\n\n|e|f|\n|-|-|\n|g|h|\n---\n")
    assert [(s.kind, s.text) for s in document.segments] == [
        ("paragraph", "Intro:"), ("table-header", "a"), ("table-header", "b"), ("table-cell", "c"),
        ("table-cell", "d"), ("paragraph", "\\* a note"), ("table-header", "e"), ("table-header", "f"),
        ("table-cell", "g"), ("table-cell", "h")]
    assert not document.has_h1 and "<h2>" not in _html(document.text)


@pytest.mark.parametrize("markdown", [
    "- text\n|a|b|\n  |:-|-:|\n",  # a lazy header line
    "1. |:-|-:|\n  |x|\n  |a|b|\n|---|---|\n",  # a lazy delimiter row
    "Intro:\n|a|b|\n|--|--|--|\n|c|d|\n",  # a delimiter row GFM refuses
])
def test_a_table_interrupts_a_paragraph_only_as_gfm_lets_one(markdown):
    """markdig lets no table interrupt a paragraph; we keep GFM's (rule's docstring), no more."""
    assert _tables(_html(markdown)) == []


def test_a_delimiter_row_both_rewritten_and_reindented_for_gfm_is_written_once():
    document = load_document("p.md", "- a|b\n| : - | |\n  |c|d|\n")
    portable = apply_translations(document, {}, document.portable)[1]
    assert portable == "- a|b\n  |:---|---|\n  |c|d|\n"
    assert _tables(_html(document.text)) == [[["a", "b"], ["c", "d"]]]


def test_a_table_at_a_list_items_first_line_splits_after_the_marker():
    document = load_document("p.md", "- |a|b|\n  |-|-|\n  |c|d|\n")
    assert [(s.kind, s.text) for s in document.segments] == [
        ("table-header", "a"), ("table-header", "b"), ("table-cell", "c"), ("table-cell", "d")]


def test_an_error_table_with_an_indented_delimiter_row_is_one_for_every_reader():
    from pipeline.errorcatalog import error_entries
    from pipeline.linkscan import scan_text

    text = ("# Errors\n\n|Code|Problem|Resolution|\n    |---|---|\n|DeviceCapReached|Too many.|Remove one.|\n"
            "|AccountNotOnboarded|Not set up.|Ask.|\n")
    document = load_document("e.md", text)
    assert document.error_codes == ("DeviceCapReached", "AccountNotOnboarded")
    assert {"DeviceCapReached", "AccountNotOnboarded"} <= scan_text(text).explicit_anchors
    entries = error_entries([document], {}, "en-US", is_source=True)
    assert [(e.code, e.problem_text, e.resolution_text) for e in entries] == [
        ("DeviceCapReached", "Too many.", "Remove one."), ("AccountNotOnboarded", "Not set up.", "Ask.")]
    html = render_html_body(text, document.error_codes)
    assert 'id="DeviceCapReached"' in html and 'id="AccountNotOnboarded"' in html


def test_a_few_bytes_cannot_make_millions_of_cells():
    """2,000 header cells over 2,000 rows of one cell: markdown-it's limit of 65,536
    completed cells leaves the short rows short."""
    markdown = "a|" * 2000 + "\n" + "-|" * 2000 + "\n" + "x|\n" * 2000
    started = time.perf_counter()
    tokens = markdown_renderer().parse(markdown)
    assert time.perf_counter() - started < 5
    assert sum(t.type == "td_open" for t in tokens) == 2000
    assert sum(t.type == "th_open" for t in tokens) == 2000
