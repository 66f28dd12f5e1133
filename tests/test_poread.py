"""``poread.parse_po`` reads PO text exactly as ``polib.pofile`` does, faster.

The two are compared attribute for attribute on real catalogs (the shipped ones and the test
data here; every catalog of the corpus's three locales in ``test_import_corpus``) and on
thousands of mutations of them: lines dropped, repeated, swapped, made obsolete, commented,
marked as previous, given escapes, quotes, flags, occurrences and blank lines. Where polib
raises, ``parse_po`` must raise the same error.
"""

from __future__ import annotations

import random
from pathlib import Path

import polib
import pytest

from pipeline import catalog
from pipeline.errors import PipelineError
from pipeline.poread import parse_po

REPO = Path(__file__).resolve().parent.parent
CATALOGS = sorted(p for folder in ("locales", "tests/data") for p in (REPO / folder).rglob("*.po*"))


def polib_view(po: polib.POFile) -> tuple:
    """Everything polib's parser sets, entry by entry (but ``msgstr_linenum``, ours)."""
    return (po.header, list(po.metadata.items()), po.metadata_is_fuzzy, po.encoding, po.fpath, po.wrapwidth,
            [sorted((k, v) for k, v in vars(entry).items() if k != "msgstr_linenum") for entry in po])


def outcome(parse, text: str) -> tuple:
    try:
        return ("parsed", polib_view(parse(text)))
    except OSError as exc:
        return ("error", str(exc))


def assert_same_as_polib(text: str) -> None:
    assert outcome(parse_po, text) == outcome(lambda t: polib.pofile(t, wrapwidth=79), text), text


def test_the_catalogs_of_the_repository_read_as_polib_reads_them():
    assert len(CATALOGS) >= 5
    for path in CATALOGS:
        text = path.read_text(encoding="utf-8")
        assert_same_as_polib(text)
        assert_same_as_polib(text.replace("\n", "\r\n"))


_INSERTS = [
    "", "#", "# a translator's note", "#. an extracted note", "#: page.md:12 other.md x.md:y :7 z:",
    "#: 42 page.md:3", "#, fuzzy, md-text", "#,", "#.", "#:", "#| msgid \"old\"", "#| \"more old\"", "#| msgctxt \"ctx\"",
    "#| msgid_plural \"olds\"", "#|", "#| msgid", "#| bogus \"x\"", "#~ msgid \"gone\"", "#~ msgstr \"weg\"",
    "#~ \"continued\"", "#~|  msgid \"x\"", "#~", "msgctxt \"ctx\"", "msgid \"new\"", "msgstr \"neu\"",
    "msgid_plural \"news\"", "msgstr[0] \"a\"", "msgstr[1] \"b\"", "msgstr[x] \"c\"", "\"a \\\"quoted\\\" \\\\ \\n\\t\"",
    "\"bad \" quote\"", "msgid \"\"", "msgstr \"\"", "\"Content-Type: text/plain; charset=ISO-8859-1\\n\"",
    "\"Key: value\\n\"", "\"continued value\\n\"", "## double", "#~ #, fuzzy", "\ufeffmsgid \"bom\"",
    "   msgid   \"spaced\"   ", "msgid", "junk line", "\"Language: de\\nX-Other: 1\\n\"",
]


def _mutate(lines: list[str], rng: random.Random) -> list[str]:
    lines = list(lines)
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(lines) + 1)
        kind = rng.randrange(6)
        if kind == 0 and lines:
            del lines[min(at, len(lines) - 1)]
        elif kind == 1 and lines:
            lines.insert(at, lines[min(at, len(lines) - 1)])
        elif kind == 2 and len(lines) > 1:
            other = rng.randrange(len(lines))
            at = min(at, len(lines) - 1)
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == 3 and lines:
            at = min(at, len(lines) - 1)
            lines[at] = rng.choice(["#~ ", "#| ", "#", "  ", "#~| "]) + lines[at]
        else:
            lines.insert(at, rng.choice(_INSERTS))
    return lines


@pytest.mark.parametrize("seed", range(4))
def test_mutated_catalogs_read_or_fail_as_polib_does(seed):
    rng = random.Random(seed)
    errors = parsed = 0
    for path in CATALOGS:
        lines = path.read_text(encoding="utf-8").split("\n")
        for _ in range(150):
            text = "\n".join(_mutate(lines, rng))
            assert_same_as_polib(text)
            errors += outcome(parse_po, text)[0] == "error"
    parsed = len(CATALOGS) * 150 - errors
    assert errors > 50 and parsed > 50  # both kinds of outcome were compared


HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset={}\\n"\n\n'


def test_gnu_hex_and_octal_escapes_read_as_gnu_reads_them():
    """'\\x41' and '\\101' are valid in GNU PO strings (po-lex.c), but were refused as po.syntax.
    Each is a byte (a hex value past 0xFF keeps its low byte, as in GNU's char buffer), a run
    of them is text in the catalog's charset, as msgcat shows: '\\303\\251' is 'é' in UTF-8."""
    text = HEADER.format("UTF-8") + 'msgid "a"\nmsgstr "\\x41\\101 \\303\\251 \\x141\\x4142 \\\\101"\n'
    assert catalog.parse_catalog(text, "t.po").find("a").msgstr == "AA é AB \\101"
    latin1 = (HEADER.format("ISO-8859-1") + 'msgid "a"\nmsgstr "caf\\351 \xe9"\n').encode("latin-1")
    assert catalog.read_catalog(latin1, "t.po").find("a").msgstr == "café é"
    assert parse_po(text).find("a").msgstr == "AA é AB \\101"


@pytest.mark.parametrize(("string", "column", "what"), [
    ("x\\377y", 10, "not valid UTF-8"),
    ("x\\0y", 10, "NUL"),
])
def test_an_escape_gnu_cannot_read_either_is_a_located_error(string, column, what):
    text = HEADER.format("UTF-8") + f'msgid "a"\nmsgstr "{string}"\n'
    with pytest.raises(PipelineError) as caught:
        catalog.parse_catalog(text, "t.po")
    diagnostic = caught.value.diagnostic
    assert (diagnostic.location.line, diagnostic.location.column, diagnostic.code) == (6, column, "po.syntax")
    assert what in diagnostic.message


def test_strings_and_comments_of_many_lines_read_whole():
    """Each line was added to the string so far (800,000 lines: 15 s); they are joined once,
    with polib's fold of comment lines (empty ones before the first other one are lost)."""
    lines = 200_000
    text = (HEADER.format("UTF-8") + "#\n# first\n#\n" + "# a\n" * lines + "#. x\n#. y\nmsgid \"m\"\n"
            + "\"i\"\n" * lines + "msgstr \"\"\n" + "\"s\"\n" * lines)
    (entry,) = parse_po(text)
    assert entry.tcomment == "first\n\n" + "\n".join(["a"] * lines)
    assert (entry.comment, entry.msgid, entry.msgstr) == ("x\ny", "m" + "i" * lines, "s" * lines)
    assert_same_as_polib(text[: 20_000] + "\n")  # the start of it, as polib reads it


def test_an_obsolete_entry_of_many_continuation_lines_reads_whole():
    """Each ``#~ "..."`` line was added to the string so far (a 27 MB msgstr that ``update``
    wrapped into a 375,000-line obsolete entry made every build take 410 s): joined once, as
    the live entry's lines are. The result, not the time, is asserted; polib's on a short one."""
    lines = 64_000
    piece = "Ünïcode \\\"quoted\\\" text, as update wraps it at 79 columns \\n"
    text = (HEADER.format("UTF-8") + 'msgid "live"\nmsgstr "lebt"\n\n#, fuzzy\n#~ msgctxt "c"\n#~ "tx"\n'
            + '#~ msgid ""\n' + f'#~ "{piece}"\n' * lines + '#~ msgstr ""\n' + f'#~ "{piece}"\n' * lines
            + '#~ "end"\n\n#~ msgid "next"\n#~ msgstr "nächste"\n')
    live, gone, following = parse_po(text)
    read = "Ünïcode \"quoted\" text, as update wraps it at 79 columns \n"
    assert (live.msgid, live.msgstr, live.obsolete) == ("live", "lebt", 0)
    assert (gone.obsolete, gone.flags, gone.msgctxt) == (1, ["fuzzy"], "ctx")
    assert gone.msgid == read * lines and gone.msgstr == read * lines + "end"
    assert (following.msgid, following.msgstr, following.obsolete, following.linenum) == (
        "next", "nächste", 1, 2 * lines + 15)
    short = text.replace(f'#~ "{piece}"\n' * lines, f'#~ "{piece}"\n' * 50)
    assert_same_as_polib(short)
    assert_same_as_polib(short.replace("#~ msgstr", '#~ "more"\n#| "previous"\n#~ msgstr'))
