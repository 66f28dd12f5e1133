"""pipeline.poparse reads PO text exactly as polib.pofile does: same objects, same errors."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.poparse import parse_po

REPO = Path(__file__).resolve().parents[1]
ENTRY_FIELDS = (
    "msgid", "msgstr", "msgid_plural", "msgstr_plural", "msgctxt", "obsolete", "encoding", "comment", "tcomment",
    "occurrences", "flags", "previous_msgctxt", "previous_msgid", "previous_msgid_plural", "linenum",
)


def _snapshot(read, text: str) -> object:
    """Everything a reader gives for ``text`` (or the error it raises), field by field."""
    try:
        po = read(text)
    except Exception as exc:  # noqa: BLE001 - the same failure is part of the contract
        return "error", type(exc).__name__, str(exc)
    entries = [tuple((name, getattr(e, name)) for name in ENTRY_FIELDS) + (type(e.obsolete),) for e in po]
    return (po.header, po.metadata, po.metadata_is_fuzzy, po.encoding, po.fpath, po.wrapwidth,
            po.check_for_duplicates, entries)


def _polib(text: str) -> polib.POFile:
    return polib.pofile(text, wrapwidth=79)


def _shipped() -> list[Path]:
    return sorted(p for folder in ("locales", "tests") for p in (REPO / folder).rglob("*.po*")
                  if p.suffix in (".po", ".pot"))


def test_shipped_catalogs_read_as_polib_reads_them() -> None:
    files = _shipped()
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert _snapshot(parse_po, text) == _snapshot(_polib, text), path


EDGE_CASES = [
    "",
    "\n\n",
    '\ufeffmsgid ""\nmsgstr "Language: fr\\n"\n',
    '# header\n#\n#, fuzzy\nmsgid ""\nmsgstr ""\n"Project-Id-Version: x\\n"\n"continued line\\n"\n',
    '#. a\n#.\n#: a.md:1 b.md c:d :3\n#, md-text, fuzzy\n#| msgid "old"\n#| "er"\nmsgid "a"\nmsgstr "b"\n',
    '#~ msgid "gone"\n#~ msgstr "parti"\n#~| msgid "x"\n',
    'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[1] "y"\n"z"\n',
    'msgctxt "c"\n"d"\nmsgid "a"\nmsgstr "b"\n# trailing comment\n',
    'msgid "a\\"b\\n\\t\\\\"\nmsgstr "x"y"\n',  # unescaped quote: an error
    'msgid "a"\nmsgstr "b"\n#| msgfoo "x"\nmsgid "c"\nmsgstr ""\n',  # unknown previous keyword
    'msgid "a"\n#.x\nmsgstr "b"\n',  # comment without a space: an error
    'msgstr "b"\n',  # msgstr first: an error
    'msgid "a"\nmsgstr[x] "b"\n',
    '#| msgid\nmsgid "a"\nmsgstr ""\n',
    'msgid ""\nmsgstr ""\n"A: 1\\n"\nmsgid ""\nmsgctxt "k"\nmsgstr "B: 2\\n"\n',
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_read_as_polib_reads_them(text: str) -> None:
    assert _snapshot(parse_po, text) == _snapshot(_polib, text)


LINES = [
    "", "  ", "#", "# translator", "##x", "#~", "#~|", "#~| msgid \"q\"", "#|", "#| msgid \"old\"", "#| \"cont\"",
    "#| msgid", "#| msgfoo \"x\"", "#,", "#, fuzzy", "#, md-text, c-format", "#,fuzzy", "#.", "#. where", "#.x",
    "#:", "#: a.md:3 b.md :4 c:x", "msgid", "msgid \"\"", "msgid \"a\"", "msgid \"a\\\"b\"", "msgid \"x\"y\"",
    "msgstr", "msgstr \"\"", "msgstr \"b\\n\"", "msgstr \"Language: fr\\nX-Other: 1\\nno colon\\n\"",
    "msgstr[0] \"p\"", "msgstr[1] \"q\"", "msgstr[x] \"r\"", "msgstr[", "msgctxt \"c\"", "msgid_plural \"as\"",
    "\"continued\"", "\"\"", "\"\\t\\\\\"", "\"bad\"quote\"", "#~ msgid \"o\"", "#~ msgstr \"p\"", "#~ \"c\"",
    "#~ #, fuzzy", "#~ msgctxt \"k\"",
]


@settings(max_examples=400, deadline=None, database=None)  # no .hypothesis/ in the cwd
@given(st.lists(st.sampled_from(LINES), max_size=30), st.sampled_from(["", "\n", "\r\n"]), st.booleans())
def test_any_line_sequence_reads_as_polib_reads_it(lines: list[str], end: str, bom: bool) -> None:
    text = ("\ufeff" if bom else "") + "\n".join(lines) + end
    assert _snapshot(parse_po, text) == _snapshot(_polib, text)
