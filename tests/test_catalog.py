"""msgmerge-style update: golden triplet (before.po + template.pot -> after.po) and properties."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from pipeline import catalog
from pipeline.errors import PipelineError
from pipeline.extract import Message
from pipeline.plurals import plural_forms_problem

DATA = Path(__file__).parent / "data" / "merge"


def _merge() -> str:
    template = catalog.parse_catalog((DATA / "template.pot").read_text(encoding="utf-8"), "template.pot")
    before = catalog.parse_catalog((DATA / "before.po").read_text(encoding="utf-8"), "before.po")
    return catalog.format_catalog(catalog.merge_catalog(template, before, "de_DE"))


def test_merge_matches_golden_after_po():
    # Regenerate on purpose only: python -c "from tests.test_catalog import _merge; print(_merge(), end='')" > tests/data/merge/after.po
    assert _merge() == (DATA / "after.po").read_text(encoding="utf-8")


def test_merge_keeps_every_translation():
    merged = catalog.parse_catalog(_merge(), "after.po")
    before = catalog.parse_catalog((DATA / "before.po").read_text(encoding="utf-8"), "before.po")
    kept = {e.msgstr for e in merged if e.msgstr}
    assert {e.msgstr for e in before if e.msgstr} <= kept
    by_id = {e.msgid: e for e in merged if not e.obsolete}
    assert by_id["Kept message"].msgstr == "Behaltene Nachricht"
    assert by_id["Kept message"].tcomment == "Jana: keep it short"
    changed = by_id["You have too many mobile devices enrolled."]
    assert "fuzzy" in changed.flags
    assert changed.previous_msgid == "You have too many mobile devices enrolled already."
    assert by_id["A brand new paragraph."].msgstr == ""
    obsolete = {e.msgid for e in merged if e.obsolete}
    assert "This paragraph was removed from the page." in obsolete
    assert "Untranslated and removed." not in obsolete  # msgmerge drops untranslated leftovers
    assert merged.metadata["Last-Translator"] == "Jana <jana@example.invalid>"
    assert merged.metadata["POT-Creation-Date"] == "2026-03-01 00:00+0000"


def test_an_entry_with_a_context_is_another_message():
    """gettext keys a message by (msgctxt, msgid); our templates have no msgctxt. An entry with
    one (a hand edit, another tool) is not the page's message: the build does not use it, stats
    do not count it, and the merge keeps its translation as an obsolete entry, as it keeps any
    message that left the template. Keyed by msgid alone, it replaced the page's translation,
    and the merge folded it into the page's entry as a "duplicate"."""
    text = (DATA / "before.po").read_text(encoding="utf-8") + (
        '\nmsgctxt "sidebar"\nmsgid "Kept message"\nmsgstr "Seitenleiste"\n'
        '\nmsgctxt "sidebar"\nmsgid "A brand new paragraph."\nmsgstr "Neu in der Seitenleiste"\n')
    before = catalog.parse_catalog(text, "before.po")
    usable = catalog.usable_entries(before)
    assert usable["Kept message"].msgstr == "Behaltene Nachricht"
    assert "A brand new paragraph." not in usable
    stats = catalog.catalog_stats(before, ["Kept message", "A brand new paragraph."])
    assert (stats.translated, stats.untranslated) == (1, 1)
    template = catalog.parse_catalog((DATA / "template.pot").read_text(encoding="utf-8"), "template.pot")
    merged = catalog.format_catalog(catalog.merge_catalog(template, before, "de_DE"))
    by_key = {(e.msgctxt, e.msgid): e for e in catalog.parse_catalog(merged, "after.po")}
    kept = by_key[(None, "Kept message")]
    assert (kept.msgstr, kept.tcomment, kept.obsolete) == ("Behaltene Nachricht", "Jana: keep it short", False)
    new = by_key[(None, "A brand new paragraph.")]
    assert (new.msgstr, new.flags, new.obsolete) == ("", [], False)
    for msgid, msgstr in (("Kept message", "Seitenleiste"), ("A brand new paragraph.", "Neu in der Seitenleiste")):
        assert by_key[("sidebar", msgid)].obsolete and by_key[("sidebar", msgid)].msgstr == msgstr
    assert catalog.format_catalog(catalog.merge_catalog(template, catalog.parse_catalog(merged, "x"), "de_DE")) == merged


def test_merge_twice_changes_nothing():
    once = _merge()
    template = catalog.parse_catalog((DATA / "template.pot").read_text(encoding="utf-8"), "template.pot")
    twice = catalog.format_catalog(catalog.merge_catalog(template, catalog.parse_catalog(once, "x"), "de_DE"))
    assert twice == once


DUPLICATES = DATA / "duplicates"


def _merge_duplicates(before: str | None = None) -> str:
    template = catalog.parse_catalog((DUPLICATES / "template.pot").read_text(encoding="utf-8"), "template.pot")
    text = before if before is not None else (DUPLICATES / "before.po").read_text(encoding="utf-8")
    return catalog.format_catalog(catalog.merge_catalog(template, catalog.parse_catalog(text, "before.po"), "de_DE"))


def test_merge_writes_no_duplicate_entries():
    """GNU rejects a catalog with two entries for one msgid, even when one is obsolete (msgfmt and
    msgmerge: "duplicate message definition"), but a hand edit or a textual merge of two branches
    leaves a live entry and an obsolete copy of it. The merge used to write both as obsolete."""
    # Regenerate on purpose only: python -c "from tests.test_catalog import _merge_duplicates; print(_merge_duplicates(), end='')" > tests/data/merge/duplicates/after.po
    merged = _merge_duplicates()
    assert merged == (DUPLICATES / "after.po").read_text(encoding="utf-8")
    entries = list(catalog.parse_catalog(merged, "after.po"))
    assert len({e.msgid for e in entries}) == len(entries)
    assert _merge_duplicates(merged) == merged


def test_merge_of_duplicates_loses_no_translation():
    before = catalog.parse_catalog((DUPLICATES / "before.po").read_text(encoding="utf-8"), "before.po")
    merged = _merge_duplicates()
    assert all(e.msgstr in merged for e in before if e.msgstr)
    by_id = {e.msgid: e for e in catalog.parse_catalog(merged, "after.po")}
    assert by_id["Translated twice."].msgstr == "Zweimal übersetzt."  # the live copy's
    assert not by_id["Translated twice."].obsolete
    revived = by_id["Translated only in the obsolete copy."]
    assert (revived.msgstr, revived.obsolete, "fuzzy" in revived.flags) == (
        "Nur in der veralteten Kopie übersetzt.", False, True)


def test_many_obsolete_copies_with_their_own_translations_lose_none():
    """Each copy's translation was added to the kept entry's comment so far, after a deep copy
    of it (80,000 copies: 21 s of ``update``); the notes are now joined once. An obsolete copy
    read before the live entry gives the live one its notes too (they went with the copy)."""
    head = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    copies = 20_000
    gone = "".join(f'#~ msgid "Open the app."\n#~ msgstr "Variante {i}"\n\n' for i in range(copies))
    template = catalog.parse_catalog(head + 'msgid "Open the app."\nmsgstr ""\n', "p.pot")
    for body in ('msgid "Open the app."\nmsgstr "Ouvrez l’application."\n\n' + gone,
                 gone + 'msgid "Open the app."\nmsgstr "Ouvrez l’application."\n'):
        merged = catalog.merge_catalog(template, catalog.parse_catalog(head + body, "p.po"), "fr_FR")
        (entry,) = [e for e in merged if not e.obsolete]
        assert entry.msgstr == "Ouvrez l’application."
        notes = entry.tcomment.split("\n")
        assert len(notes) == copies and {note.rpartition(": ")[2] for note in notes} == {
            f"Variante {i}" for i in range(copies)}


def test_an_obsolete_copy_of_a_live_entry_is_read_in_either_order():
    """The merge collapses it (above), so reading must not depend on which copy comes first;
    two live entries for one msgid stay an error."""
    head = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    live, gone = 'msgid "A."\nmsgstr "B."\n', '#~ msgid "A."\n#~ msgstr "C."\n'
    for body in (live + "\n" + gone, gone + "\n" + live):
        assert [e.obsolete for e in catalog.parse_catalog(head + body, "x.po")] in ([False, True], [True, False])
    with pytest.raises(Exception) as info:
        catalog.parse_catalog(head + live + "\n" + live, "x.po")
    assert info.value.diagnostic.code == "po.duplicate"


def test_merge_of_duplicates_passes_msgfmt_check(tmp_path):
    path = tmp_path / "after.po"
    path.write_text(_merge_duplicates(), encoding="utf-8")
    subprocess.run([_gettext("msgfmt"), "--check", "-o", "/dev/null", str(path)], check=True, capture_output=True)


def test_new_catalog_header_has_language_and_plural_forms():
    template = catalog.parse_catalog((DATA / "template.pot").read_text(encoding="utf-8"), "template.pot")
    created = catalog.merge_catalog(template, None, "ja_JP")
    assert created.metadata["Language"] == "ja_JP"
    assert created.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert created.metadata["Content-Type"] == "text/plain; charset=UTF-8"


def test_syntax_error_is_located():
    broken = 'msgid "a"\nmsgstr "b"\n\nmsgid "c\nmsgstr "d"\n'
    with pytest.raises(Exception) as info:
        catalog.parse_catalog(broken, "locales/de-DE/x.po")
    diagnostic = info.value.diagnostic
    assert diagnostic.code == "po.syntax"
    assert diagnostic.format().startswith("locales/de-DE/x.po:4:")


def _gettext(tool: str) -> str:
    """The GNU gettext tool, or a skip (a failure under CI=true, as .ci/run installs it)."""
    found = shutil.which(tool)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} (GNU gettext) is required; .ci/run installs it")
        pytest.skip(f"{tool} (GNU gettext) is not installed")
    return found


def _shipped_catalogs() -> list[Path]:
    root = Path(__file__).resolve().parents[1] / "locales"
    files = sorted(root.rglob("*.po")) + sorted(root.rglob("*.pot"))
    assert files, "the project ships catalogs under locales/"
    return files


def test_shipped_catalogs_pass_msgfmt_check():
    for path in _shipped_catalogs():
        subprocess.run([_gettext("msgfmt"), "--check-format", "--check-header", "-o", "/dev/null", str(path)],
                       check=True, capture_output=True)


def test_shipped_catalogs_survive_msgcat():
    """msgcat re-emits our files byte for byte (README, "PO files"), the merge golden
    included: its old catalog's ``md-text`` flags, which earlier versions wrote and GNU
    drops, are gone from what the merge writes."""
    for path in _shipped_catalogs() + [DATA / "after.po", DATA / "duplicates" / "after.po"]:
        ours = path.read_text(encoding="utf-8")
        theirs = subprocess.run([_gettext("msgcat"), str(path)], check=True, capture_output=True, text=True).stdout
        assert theirs == ours, path
    assert "md-text" in (DATA / "before.po").read_text(encoding="utf-8")


# Hand edits and some tools write comment marks without the space after them; GNU gettext
# reads them all (msgfmt --check passes, msgcat prints them with the space).
_NO_SPACE = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: de_DE\\n"\n\n'
    "#Jana: checked with the product team\n#.paragraph\n#:source/page.md:3\n#,fuzzy,md-text\n"
    '#|msgid "Old text."\nmsgid "New text."\nmsgstr "Neuer Text."\n\n'
    '#~msgid "Removed."\n#~msgstr "Entfernt."\n'
)


def test_comment_marks_without_space_read_as_gnu_reads_them():
    po = catalog.parse_catalog(_NO_SPACE, "locales/de-DE/page.po")
    entry = next(e for e in po if not e.obsolete)
    assert entry.tcomment == "Jana: checked with the product team"
    assert entry.comment == "paragraph"
    assert entry.occurrences == [("source/page.md", "3")]
    assert entry.flags == ["fuzzy", "md-text"]
    assert entry.previous_msgid == "Old text."
    assert (entry.msgid, entry.msgstr) == ("New text.", "Neuer Text.")
    assert [(e.msgid, e.msgstr) for e in po if e.obsolete] == [("Removed.", "Entfernt.")]


def test_comment_marks_without_space_pass_msgfmt(tmp_path):
    path = tmp_path / "page.po"
    path.write_text(_NO_SPACE, encoding="utf-8")
    subprocess.run([_gettext("msgfmt"), "--check", "-o", "/dev/null", str(path)], check=True, capture_output=True)


# Characters str.splitlines() breaks at but PO does not: GNU writes them raw inside strings.
_NOT_NEWLINES = "\u2028\u2029\x85\x1c\x1d\x1e"


def test_line_separator_inside_a_string_round_trips(tmp_path):
    msgid = "First line" + _NOT_NEWLINES + "second part."
    pot = catalog.make_template([Message(msgid, ("source/page.md:7",), ("paragraph",))], "docs",
                               "2026-01-01 00:00+0000", "page.md")
    text = catalog.format_catalog(pot)
    parsed = catalog.parse_catalog(text, "locales/pot/page.pot")
    assert [e.msgid for e in parsed] == [msgid]
    merged = catalog.merge_catalog(parsed, None, "de_DE")
    merged[0].msgstr = "Erste Zeile\u2028zweiter Teil."
    again = catalog.parse_catalog(catalog.format_catalog(merged), "locales/de-DE/page.po")
    assert again[0].msgstr == "Erste Zeile\u2028zweiter Teil."
    path = tmp_path / "page.po"
    path.write_text(catalog.format_catalog(merged), encoding="utf-8")
    subprocess.run([_gettext("msgfmt"), "--check", "-o", "/dev/null", str(path)], check=True, capture_output=True)


def test_syntax_error_line_counts_only_newlines():
    broken = 'msgid "a\u2028b"\nmsgstr "c"\n\nmsgid "d\nmsgstr "e"\n'
    with pytest.raises(Exception) as info:
        catalog.parse_catalog(broken, "x.po")
    assert info.value.diagnostic.format().startswith("x.po:4:")


def test_byte_order_mark_is_named():
    """Notepad and some tools save a BOM; GNU gettext 0.21 rejects it (syntax error at 1:2),
    so do we, but the message must say what is wrong: the BOM itself is invisible."""
    with pytest.raises(Exception) as info:
        catalog.parse_catalog('\ufeff# de_DE translation\nmsgid ""\nmsgstr ""\n', "locales/de-DE/x.po")
    message = info.value.diagnostic.format()
    assert message.startswith("locales/de-DE/x.po:1:1: error: ")
    assert "byte order mark" in message and "\ufeff" not in message


def test_obsolete_previous_msgid_survives_a_merge():
    """msgmerge and our merge write the old text of an obsolete fuzzy entry as ``#~| msgid``;
    polib skips those lines, so the next merge dropped them."""
    text = (
        '# de_DE translation\nmsgid ""\nmsgstr ""\n"Language: de_DE\\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#. paragraph\n#: source/page.md:3\nmsgid "Kept."\nmsgstr "Behalten."\n\n'
        "# Jana: wait for the product team\n#, fuzzy\n"
        '#~| msgid "A paragraph that was reworded."\n'
        '#~ msgid "A paragraph that was reworded once and then removed."\n'
        '#~ msgstr "Ein Absatz, der umformuliert und dann entfernt wurde."\n'
    )
    po = catalog.parse_catalog(text, "locales/de-DE/page.po")
    gone = next(e for e in po if e.obsolete)
    assert gone.previous_msgid == "A paragraph that was reworded."
    assert catalog.format_catalog(po) == text
    template = catalog.parse_catalog(catalog.format_catalog(catalog.make_template(
        [Message("Kept.", ("source/page.md:3",), ("paragraph",))], "docs", "2026-01-01 00:00+0000", "page.md")),
        "page.pot")
    merged = catalog.format_catalog(catalog.merge_catalog(template, po, "de_DE"))
    assert '#~| msgid "A paragraph that was reworded."\n' in merged


def _reworded_page(count: int) -> tuple[polib.POFile, polib.POFile]:
    """A catalog of ``count`` translated paragraphs drawn from one small vocabulary, and the
    template of the page once every paragraph's opening was reworded."""
    import random

    rnd = random.Random(7)
    vocabulary = ["".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(3, 9)))
                  for _ in range(200)]
    texts = [" ".join(rnd.choice(vocabulary) for _ in range(15)) + "." for _ in range(count)]
    head = 'msgid ""\nmsgstr ""\n"Language: de_DE\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    before = head + "".join(f'\nmsgid "Paragraph {i}: {t}"\nmsgstr "DE: {t}"\n' for i, t in enumerate(texts))
    template = head + "".join(f'\nmsgid "Para {i} - {t}"\nmsgstr ""\n' for i, t in enumerate(texts))
    return catalog.parse_catalog(template, "a.pot"), catalog.parse_catalog(before, "a.po")


def test_fuzzy_matching_compares_each_new_message_with_a_few_candidates(monkeypatch):
    """Every paragraph reworded: each new message was compared (SequenceMatcher.ratio()) with
    every message that left the template that passed quick_ratio(), a number of comparisons
    that grows with the square of the page (600 paragraphs: 44 s; msgmerge 0.1 s). An index of
    the candidates' 4-grams, as msgmerge's, leaves a few to compare: the count grows linearly,
    and each paragraph still finds its old text."""
    import difflib

    calls = [0]
    ratio = difflib.SequenceMatcher.ratio

    def counted(self: difflib.SequenceMatcher) -> float:
        calls[0] += 1
        return ratio(self)

    monkeypatch.setattr(difflib.SequenceMatcher, "ratio", counted)
    counts = {}
    for size in (50, 400):
        template, before = _reworded_page(size)
        calls[0] = 0
        merged = catalog.merge_catalog(template, before, "de_DE")
        counts[size] = calls[0]
        live = [e for e in merged if not e.obsolete]
        assert len(live) == size
        for i, entry in enumerate(live):
            assert entry.previous_msgid.startswith(f"Paragraph {i}: ") and "fuzzy" in entry.flags
            assert entry.msgstr == "DE: " + entry.msgid.split(" - ", 1)[1]
    assert counts[400] <= 8 * counts[50] * 1.5, counts


def test_a_text_edited_again_keeps_the_text_translated_as_previous_and_no_obsolete_copy():
    """Each edit of a translated text made its entry fuzzy against the text before it: after
    three edits ``#|`` showed an intermediate text nobody translated, and each merge wrote the
    entry it matched as obsolete too (three copies of one translation). msgmerge --previous
    keeps the text the translation was made for and writes no obsolete copy of an entry it
    used for a fuzzy match."""
    def template(text: str) -> polib.POFile:
        return catalog.parse_catalog(catalog.format_catalog(catalog.make_template(
            [Message(text, ("source/a.md:1",), ("paragraph",))], "docs", "2026-01-01 00:00+0000", "a.md")), "a.pot")

    po = catalog.merge_catalog(template("Hello world, this is the first text."), None, "de_DE")
    po[0].msgstr = "Hallo Welt, dies ist der erste Text."
    for text in ("Hello world, this is the first texts.", "Hello world, this is the first textsz.",
                 "Hello world, this is the first textszz."):
        po = catalog.parse_catalog(catalog.format_catalog(catalog.merge_catalog(template(text), po, "de_DE")), "a.po")
    (entry,) = po
    assert (entry.msgid, entry.previous_msgid, entry.msgstr, entry.flags) == (
        "Hello world, this is the first textszz.", "Hello world, this is the first text.",
        "Hallo Welt, dies ist der erste Text.", ["fuzzy"])


def test_a_new_catalog_does_not_tell_translators_not_to_edit_it_and_obsolete_entries_drop_extracted_comments():
    """A new PO file took the template's "edit the source page, not this file"; obsolete
    entries kept their ``#.`` comments, which msgmerge drops."""
    template = catalog.parse_catalog(catalog.format_catalog(catalog.make_template(
        [Message("Kept.", ("source/page.md:3",), ("paragraph",))], "docs", "2026-01-01 00:00+0000", "page.md")),
        "page.pot")
    created = catalog.format_catalog(catalog.merge_catalog(template, None, "de_DE"))
    assert created.startswith("# de_DE translation for page.md.\n")
    assert "Generated by pipeline extract" not in created and "not this file" not in created
    merged = catalog.parse_catalog(_merge(), "after.po")
    assert [e for e in merged if e.obsolete] and not any(e.comment for e in merged if e.obsolete)


_HEADER = 'msgid ""\nmsgstr ""\n"Language: de_DE\\n"\n"Content-Type: text/plain; charset={}\\n"\n\n'


@pytest.mark.parametrize("charset", ["CP1252", "ISO-8859-1", "iso-8859-15", "latin1", "WINDOWS-1252", "KOI8-R",
                                     "ISO-8859-5"])
def test_utf8_bytes_under_a_single_byte_charset_are_a_located_error(charset):
    """A UTF-8 catalog whose header says CP1252 (a ``sed`` of the header, a tool's default) was
    read as mojibake: its msgids no longer matched (the page fell back to the source language,
    exit 0), and ``update`` wrote the misread text back as UTF-8, every translation fuzzy."""
    text = _HEADER.format(charset) + 'msgid "Appareil"\nmsgstr "Gerät"\n\nmsgid "Пример"\nmsgstr "Beispiel"\n'
    with pytest.raises(PipelineError) as caught:
        catalog.decode_catalog(text.encode("utf-8"), "de.po")
    diagnostic = caught.value.diagnostic
    column = len('"Content-Type: text/plain; charset=') + 1
    assert (diagnostic.location.path, diagnostic.location.line, diagnostic.location.column, diagnostic.code) == (
        "de.po", 4, column, "po.encoding")
    misread = "ä".encode("utf-8").decode(catalog._codec(charset))
    assert diagnostic.message == (
        f"the header declares charset '{charset}', but the file is valid UTF-8 (line 7 has 'ä', which "
        f"{charset} reads as '{misread}'): declare charset=UTF-8, or save the file in {charset}")


@pytest.mark.parametrize(("charset", "text"), [
    ("ISO-8859-1", "Gerät für Größe: «Ça» déjà vu, 3 °C"),
    ("CP1252", "Gerät für Größe: «Ça» déjà vu, 3 € – ‘ok’"),
    ("ISO-8859-15", "Gerät für Größe: déjà vu, 3 €"),
    ("KOI8-R", "Пример перевода"),
    ("ISO-8859-5", "Пример перевода"),
    ("ISO-8859-7", "Παράδειγμα"),
    ("CP1252", "only ASCII"),
    ("EUC-JP", "翻訳の例です"),  # a multi-byte charset: not checked this way (see decode_catalog)
    ("SHIFT_JIS", "翻訳の例です"),
])
def test_a_catalog_really_in_its_declared_charset_is_read_in_it(charset, text):
    """No false alarm: text in a single-byte charset is (almost) never valid UTF-8 with
    multi-byte sequences, since a letter of its upper half is followed by another letter or
    ASCII, not by the 0x80-0xBF byte UTF-8 needs after a lead byte."""
    data = (_HEADER.format(charset) + f'msgid "Appareil"\nmsgstr "{text}"\n').encode(catalog._codec(charset))
    po = catalog.read_catalog(data, "de.po")
    assert po.find("Appareil").msgstr == text


_PLURAL_FORMS = [  # value, the problem msgfmt --check reports (None: it accepts the header)
    ("nplurals=2; plural=(n != 1);", None),
    ("nplurals=1; plural=0;", None),
    ("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);", None),
    ("nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;", None),
    ("nplurals=2;", None),  # no plural=: nothing to check without plural messages
    ("plural=n;", None),
    ("nplurals = 2; plural = n;", None),  # no "nplurals=" for GNU's search
    ("nplurals=2x; plural=n!=1;", None),
    ("nplurals=\t2; plural=\tn>1 ;  trailing words", None),
    ("nplurals=4; plural=n-1 < 3 ? n : 3;", None),  # unsigned: n-1 for 0 is huge, not negative here
    ("nplurals=2; plural=0 ? 1/0 : !n;", None),
    ("nplurals=banana; plural=((n;", "invalid nplurals value"),
    ("nplurals=INTEGER; plural=EXPRESSION;", "invalid nplurals value"),
    ("nplurals=+2; plural=n!=1;", "invalid nplurals value"),
    ("nplurals=2; plural=((n;", "invalid plural expression"),
    ("nplurals=2; plural=n!=1 junk;", "invalid plural expression"),
    ("nplurals=2; plural=-1;", "invalid plural expression"),
    ("nplurals=2; plural=n = 1;", "invalid plural expression"),
    ("nplurals=2; plural=n | 1;", "invalid plural expression"),
    ("nplurals=2; plural=;", "invalid plural expression"),
    ("nplurals=2; plural=(n != 1", "invalid plural expression"),
    ("nplurals=2; plural=n>1 ? 1;", "invalid plural expression"),
    ("nplurals=2; plural=n 1;", "invalid plural expression"),
    ("nplurals=0; plural=0;", "nplurals = 0 but plural expression can produce values as large as 0"),
    ("nplurals=2; plural=n;", "nplurals = 2 but plural expression can produce values as large as 2"),
    ("nplurals=1; plural=n>5;", "nplurals = 1 but plural expression can produce values as large as 1"),
    ("nplurals=2; plural=n/0;", "plural expression can produce division by zero"),
    ("nplurals=2; plural=n && n%(n-n);", "plural expression can produce division by zero"),
    ("nplurals=2; plural=n-1;", "plural expression can produce negative values"),
]


@pytest.mark.parametrize(("value", "problem"), _PLURAL_FORMS)
def test_plural_forms_are_checked_as_msgfmt_checks_them(value, problem):
    assert plural_forms_problem(value) == problem


def _msgfmt_verdict(msgfmt: str, folder: Path, plural_forms: str) -> tuple[bool, list[str]]:
    """Whether ``msgfmt --check`` passes a catalog with this Plural-Forms, and its errors."""
    path = folder / "p.po"
    path.write_text(f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: {plural_forms}\\n"\n\n'
                    'msgid "a"\nmsgstr "b"\n', encoding="utf-8")
    done = subprocess.run([msgfmt, "--check", "-o", os.devnull, str(path)], capture_output=True, text=True)
    return done.returncode == 0, [line.split(": ", 1)[1] for line in done.stderr.splitlines()
                                  if line.startswith(str(path)) and ": warning: " not in line]


def test_the_plural_forms_checks_agree_with_msgfmt(tmp_path):
    msgfmt = _gettext("msgfmt")
    for value, problem in _PLURAL_FORMS:
        passed, errors = _msgfmt_verdict(msgfmt, tmp_path, value)
        assert (passed, errors[:1]) == (problem is None, [problem] if problem else []), value


def _random_plural_forms(rng: random.Random) -> str:
    def expression(depth: int) -> str:
        roll = rng.random()
        if depth > 4 or roll < 0.3:
            return rng.choice(["n", "0", "1", "2", "5", "10", "100"])
        if roll < 0.4:
            return f"({expression(depth + 1)})"
        if roll < 0.45:
            return "!" + expression(depth + 1)
        if roll < 0.6:
            return f"{expression(depth + 1)} ? {expression(depth + 1)} : {expression(depth + 1)}"
        operator = rng.choice(["==", "!=", "<", ">", "<=", ">=", "&&", "||", "+", "-", "*", "/", "%"])
        return expression(depth + 1) + operator + expression(depth + 1)

    text = expression(0)
    if rng.random() < 0.3:  # damaged
        cut = rng.randrange(len(text) + 1)
        text = text[:cut] + rng.choice(["(", ")", "!", "?", ":", "=", "|", "&", "-", "x", " ", "n", "7"]) + text[cut:]
    return f"nplurals={rng.choice(['1', '2', '3', '6', 'x'])}; plural={text};"


def test_random_plural_forms_are_judged_as_msgfmt_judges_them(tmp_path):
    msgfmt = _gettext("msgfmt")
    rng = random.Random(8)
    verdicts = []
    for _ in range(150):
        value = _random_plural_forms(rng)
        passed, errors = _msgfmt_verdict(msgfmt, tmp_path, value)
        assert plural_forms_problem(value) == (errors[0] if errors else None), value
        verdicts.append(passed)
    assert 20 < sum(verdicts) < 130  # both kinds compared


@pytest.mark.parametrize(("value", "problem"), [
    ("nplurals=2; plural=" + "n*0+" * 499 + "0;", None),  # the longest checked: 1,001 evaluations
    ("nplurals=2; plural=" + "(" * 300 + "n!=1" + ")" * 300 + ";", None),
    # beyond what any rule needs (GNU's parser would take them): refused, without a traceback
    ("nplurals=2; plural=" + "(" * 600 + "n!=1" + ")" * 600 + ";", "invalid plural expression"),
    ("nplurals=2; plural=" + "!" * 1900 + "n;", "invalid plural expression"),
    ("nplurals=2; plural=" + "n*0+" * 600 + "0;", "invalid plural expression"),
    ("nplurals=2; plural=" + "(" * 100_000 + "n" + ")" * 100_000, "invalid plural expression"),
])
def test_hostile_plural_forms_end_without_a_traceback(value, problem):
    assert plural_forms_problem(value) == problem


def test_merge_replaces_a_plural_forms_msgfmt_rejects_and_keeps_a_valid_one_of_its_own():
    """``Plural-Forms: nplurals=banana; plural=((n;`` was kept by every merge, and msgfmt
    --check refused the catalog. Pages have no plural messages, so the field serves no
    translation: the merge gives it the locale's value, as it does for a template's placeholder."""
    template = catalog.parse_catalog((DATA / "template.pot").read_text(encoding="utf-8"), "template.pot")
    head = 'msgid ""\nmsgstr ""\n"Language: de_DE\\n"\n"Plural-Forms: {}\\n"\n"X-Other: kept\\n"\n\n'
    for value, expected in [("nplurals=banana; plural=((n;", "nplurals=2; plural=(n != 1);"),
                            ("nplurals=2; plural=n;", "nplurals=2; plural=(n != 1);"),
                            ("nplurals=1; plural=0;", "nplurals=1; plural=0;")]:
        existing = catalog.parse_catalog(head.format(value) + 'msgid "Kept message"\nmsgstr "Behalten"\n', "de.po")
        merged = catalog.merge_catalog(template, existing, "de_DE")
        assert merged.metadata["Plural-Forms"] == expected
        names = list(merged.metadata)  # where it stood, before the translator's own field
        assert names[names.index("Plural-Forms") + 1] == "X-Other" and merged.metadata["X-Other"] == "kept"
        assert [e.msgstr for e in merged if e.msgid == "Kept message"] == ["Behalten"]


def test_a_character_that_does_not_show_is_named_by_its_code_point():
    text = _HEADER.format("CP1252") + 'msgid "Appareil"\nmsgstr "Gerat\u00a0A"\n'
    with pytest.raises(PipelineError) as caught:
        catalog.decode_catalog(text.encode("utf-8"), "de.po")
    assert "(line 7 has 'U+00A0', which CP1252 reads as 'ÂU+00A0')" in caught.value.diagnostic.message
