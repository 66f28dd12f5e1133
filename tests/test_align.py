"""Alignment of a translated page with its source, and the import into PO files."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from pipeline import catalog
from pipeline.align import (
    ALIGNED,
    EMPTY,
    FUZZY,
    align_documents,
    decode_extras,
    decode_trailer,
    encode_extras,
    encode_trailer,
    localize_output,
    localized_body,
    localized_front_matter,
)
from pipeline.config import load_settings
from pipeline.extract import extract_messages
from pipeline.importer import KEPT, fill_catalog, import_page, run_import
from pipeline.source import load_document

SOURCE = """---
title: Enroll your device | Intune
description: How to enroll
ms.date: 04/28/2016
---

# Enroll your device

Open the [Company Portal](http://portal.manage.microsoft.com) app.

|Error|Issue|Fix|
|---|---|---|
|DeviceCapReached|Too many devices.|Remove one.<br /><br />Then retry.|
|NoEnrollmentPolicy|No policy.|Ask your admin.|
|APNSCertificateNotValid|Bad certificate.|Renew it.|

## See also

Wait 2 minutes, then retry 10000 times.
"""

FRENCH = """---
title: "Inscrire votre appareil | Intune"
description: Comment inscrire
ms.date: 04/28/2016
translationtype: Human Translation
ms.sourcegitcommit: 0708fcca
---

# Inscrire votre appareil

Ouvrez l’application [Portail d’entreprise](http://portal.manage.microsoft.com).

|Erreur|Problème|Solution|
|---|---|---|
|APNSCertificateNotValid|Certificat non valide.|Renouvelez-le.|
|DeviceCapReached|Trop d’appareils.|Supprimez-en un.<br /><br />Puis réessayez.|
|UnknownCode|Inconnu.|Rien.|

## Voir aussi

Attendez deux minutes, puis réessayez 10 000 fois.



<!--HONumber=Jun16_HO4-->


"""


def _align(source: str, translated: str):
    return align_documents(load_document("p.md", source), load_document("p.md", translated))


def _verdicts(alignment) -> dict[str, tuple[str, str]]:
    return {m.segment.text: (m.status, m.translation) for m in alignment.matches}


def test_same_structure_aligns_front_matter_blocks_and_rows_by_code():
    verdicts = _verdicts(_align(SOURCE, FRENCH))
    assert verdicts["Enroll your device | Intune"] == (ALIGNED, "Inscrire votre appareil | Intune")
    assert verdicts["Enroll your device"] == (ALIGNED, "Inscrire votre appareil")
    assert verdicts["Too many devices."] == (ALIGNED, "Trop d’appareils.")
    assert verdicts["Then retry."] == (ALIGNED, "Puis réessayez.")
    assert verdicts["Bad certificate."] == (ALIGNED, "Certificat non valide.")  # reordered row
    assert verdicts["No policy."] == (EMPTY, "")  # the row is missing from the translation
    assert verdicts["Issue"] == (ALIGNED, "Problème")
    # numbers: a small one may be spelled, a big one survives with a space separator
    assert verdicts["Wait 2 minutes, then retry 10000 times."][0] == ALIGNED


def test_localization_metadata_is_captured_in_order_and_exactly():
    alignment = _align(SOURCE, FRENCH)
    assert alignment.extras == (("translationtype", "Human Translation"), ("ms.sourcegitcommit", "0708fcca"))
    assert alignment.trailer == "\n\n\n\n<!--HONumber=Jun16_HO4-->\n\n\n"


def test_a_cell_with_another_number_of_segments_is_fuzzy_with_the_reason():
    changed = FRENCH.replace("Supprimez-en un.<br /><br />Puis réessayez.", "Supprimez-en un puis réessayez.")
    matches = {m.segment.text: m for m in _align(SOURCE, changed).matches}
    first, second = matches["Remove one."], matches["Then retry."]
    assert first.status == FUZZY and "2 segment(s) in the source and 1 in the translation" in first.reason
    assert second.status == EMPTY


def test_a_changed_link_target_makes_the_pair_fuzzy():
    changed = FRENCH.replace("(http://portal.manage.microsoft.com)", "(http://example.com)")
    match = next(m for m in _align(SOURCE, changed).matches if m.segment.text.startswith("Open the"))
    assert match.status == FUZZY and "link targets differ" in match.reason


def test_locale_parts_and_fragments_of_link_targets_do_not_count():
    source = "Read [this](https://docs.microsoft.com/en-us/intune/x#top) now.\n"
    translated = "Lisez [ceci](https://docs.microsoft.com/fr-fr/intune/x#haut) maintenant.\n"
    assert [m.status for m in _align(source, translated).matches] == [ALIGNED]


def test_a_changed_big_number_makes_the_pair_fuzzy():
    changed = FRENCH.replace("10 000", "20 000")
    match = next(m for m in _align(SOURCE, changed).matches if m.segment.text.startswith("Wait"))
    assert match.status == FUZZY and "numbers differ" in match.reason


DROPPED_SOURCE = """# Title

First paragraph here.

Second paragraph here.

Third paragraph here.

Fourth paragraph, see [the guide](guide.md).
"""

DROPPED_TRANSLATION = """# Titre

Premier paragraphe ici.

Troisième paragraphe ici.

Quatrième paragraphe, voir [le guide](guide.md).
"""


def test_a_dropped_block_is_never_silently_misaligned():
    matches = _align(DROPPED_SOURCE, DROPPED_TRANSLATION).matches
    by_text = {m.segment.text: m for m in matches}
    assert by_text["Title"].status == ALIGNED
    assert by_text["Fourth paragraph, see [the guide](guide.md)."].status == ALIGNED
    # three featureless paragraphs for two translations: which one was dropped cannot be
    # known, so none of them is aligned; one is empty and the others are fuzzy, with reasons
    middle = [by_text[t] for t in ("First paragraph here.", "Second paragraph here.", "Third paragraph here.")]
    assert ALIGNED not in {m.status for m in middle}
    assert sorted(m.status for m in middle) == [EMPTY, FUZZY, FUZZY]
    assert all(m.reason for m in middle)


def test_an_added_block_is_skipped_and_the_rest_stays_aligned():
    source = "# Intro\n\nUse `Get-Item` here.\n\nSee [docs](a.md).\n"
    translated = "# Intro\n\nUn paragraphe ajouté.\n\nUtilisez `Get-Item` ici.\n\nVoir [docs](a.md).\n"
    verdicts = _verdicts(_align(source, translated))
    assert verdicts["Use `Get-Item` here."] == (ALIGNED, "Utilisez `Get-Item` ici.")
    assert verdicts["See [docs](a.md)."] == (ALIGNED, "Voir [docs](a.md).")
    assert _align(source, translated).unmatched == 1


def test_headings_of_another_level_are_not_paired():
    verdicts = _verdicts(_align("## Setup\n\n### Steps\n", "## Configuration\n\n#### Étapes\n"))
    assert verdicts["Setup"] == (ALIGNED, "Configuration")
    assert verdicts["Steps"][0] == EMPTY


def test_localized_front_matter_adds_keys_after_the_last_key_with_the_page_line_ending():
    front = "---\r\ntitle: T\r\n#audience:\r\n\r\n---\r\n"
    extras = (("translationtype", "Human Translation"), ("ms.sourcegitcommit", "abc"))
    assert localized_front_matter(front, extras) == (
        "---\r\ntitle: T\r\ntranslationtype: Human Translation\r\nms.sourcegitcommit: abc\r\n#audience:\r\n\r\n---\r\n")
    assert localized_front_matter("---\ntitle: T\nms.sourcegitcommit: old\n---\n", extras[1:]) == \
        "---\ntitle: T\nms.sourcegitcommit: abc\n---\n"
    assert localized_front_matter("", extras) == ""
    assert localized_front_matter(front, ()) == front


def test_metadata_round_trips_through_the_po_header(tmp_path):
    extras = (("translationtype", "Human Translation"), ("ms.openlocfilehash", "bd63e69f"))
    trailer = "\n\r\n\n<!--HONumber=Jun16_HO4-->\n\n\r\n"
    po = catalog.make_template([], "p", "2016-07-01 00:00+0000", "p.md")
    po.metadata["X-Front-Matter-Extra"] = encode_extras(extras)
    po.metadata["X-Body-Trailer"] = encode_trailer(trailer)
    again = catalog.parse_catalog(catalog.format_catalog(po), "p.po")
    assert decode_extras(again.metadata) == extras
    assert decode_trailer(again.metadata) == trailer
    front, body = localize_output("---\ntitle: T\n---\n", "Body.\n", again.metadata)
    assert front == "---\ntitle: T\ntranslationtype: Human Translation\nms.openlocfilehash: bd63e69f\n---\n"
    assert body == "Body." + trailer
    assert localized_body("Body.\n", "") == "Body.\n"


def _merged(source_text: str, translations: dict[str, tuple[str, bool]] | None = None):
    document = load_document("p.md", source_text)
    pot = catalog.make_template(extract_messages(document), "p", "2016-07-01 00:00+0000", "p.md")
    po = catalog.merge_catalog(pot, None, "fr_FR")
    for entry in po:
        if translations and entry.msgid in translations:
            entry.msgstr, fuzzy = translations[entry.msgid]
            entry.flags = ["fuzzy"] if fuzzy else []
    return document, po


def test_import_keeps_a_reviewed_translation_and_a_fuzzy_draft_unless_told_to_overwrite():
    """A fuzzy translation the import did not make (a translator's draft, ``update``'s fuzzy
    match with its ``#|`` text) was replaced, unflagged, by the pages' older one: the draft
    was lost and the page's text published as reviewed. Only the import's own fuzzy guesses
    (its ``import: fuzzy:`` note says so) are made again."""
    document, po = _merged(SOURCE, {"Enroll your device": ("Inscription", False), "See also": ("Voir", True)})
    next(e for e in po if e.msgid == "See also").previous_msgid = "See"
    translated = load_document("p.md", FRENCH)
    filled, report = import_page(po, document, translated)
    by_id = {e.msgid: e for e in filled}
    assert by_id["Enroll your device"].msgstr == "Inscription"  # reviewed: kept
    assert (by_id["See also"].msgstr, by_id["See also"].flags, by_id["See also"].previous_msgid) == (
        "Voir", ["fuzzy"], "See")  # the draft: kept as it was
    assert report.kept == 2 and report.empty == 2  # the row NoEnrollmentPolicy is missing
    assert {e.msgid: e.msgstr for e in po}["See also"] == "Voir"  # the input is left alone
    overwritten, report = import_page(po, document, translated, overwrite=True)
    by_id = {e.msgid: e for e in overwritten}
    assert by_id["Enroll your device"].msgstr == "Inscrire votre appareil"
    assert by_id["See also"].msgstr == "Voir aussi" and "fuzzy" not in by_id["See also"].flags
    assert report.kept == 0
    assert filled.metadata["X-Front-Matter-Extra"].startswith('{"translationtype": ')


def test_an_import_from_a_page_without_metadata_keeps_the_catalogs_unless_told_to_overwrite():
    """An emptied translated page (or one without its localization keys) made the import drop
    the catalog's X-Front-Matter-Extra and X-Body-Trailer though it kept every translation:
    the next build lost the pages' localization keys and trailer. They are kept as the
    translations are, and replaced (or dropped) with ``--overwrite``."""
    document, po = _merged(SOURCE, {})
    filled, _ = import_page(po, document, load_document("p.md", FRENCH))
    extras, trailer = filled.metadata.get("X-Front-Matter-Extra"), filled.metadata.get("X-Body-Trailer")
    assert extras
    again, _ = import_page(filled, document, load_document("p.md", ""))
    assert (again.metadata.get("X-Front-Matter-Extra"), again.metadata.get("X-Body-Trailer")) == (extras, trailer)
    dropped, _ = import_page(filled, document, load_document("p.md", ""), overwrite=True)
    assert "X-Front-Matter-Extra" not in dropped.metadata and "X-Body-Trailer" not in dropped.metadata


def test_a_fuzzy_guess_of_an_earlier_import_is_made_again():
    document, po = _merged(DROPPED_SOURCE)
    alignment = align_documents(document, load_document("p.md", DROPPED_TRANSLATION))
    filled, _ = fill_catalog(po, alignment.matches)
    fuzzy = {e.msgid: e.msgstr for e in filled if "fuzzy" in e.flags}
    assert fuzzy
    for entry in filled:  # as if the pages had then translated them otherwise
        if entry.msgid in fuzzy:
            entry.msgstr = "ancienne supposition"
    again, states = fill_catalog(filled, alignment.matches)
    assert {e.msgid: e.msgstr for e in again if e.msgid in fuzzy} == fuzzy
    assert all(states[msgid] == FUZZY for msgid in fuzzy)


def test_fuzzy_and_empty_verdicts_say_why_in_a_translator_comment():
    document, po = _merged(DROPPED_SOURCE)
    alignment = align_documents(document, load_document("p.md", DROPPED_TRANSLATION))
    filled, states = fill_catalog(po, alignment.matches)
    fuzzy = [e for e in filled if "fuzzy" in e.flags]
    empty = [e for e in filled if not e.msgstr]
    assert len(fuzzy) == 2 and all(e.tcomment.startswith("import: fuzzy: ") for e in fuzzy)
    assert len(empty) == 1 and empty[0].tcomment.startswith("import: untranslated: ")
    assert sorted(states.values()).count(ALIGNED) == 2


def test_a_translation_the_import_has_nothing_for_is_kept_and_counted_kept_and_loses_its_stale_note():
    """With --overwrite, an entry a translator had filled and the import found nothing for
    kept its translation but was reported 'empty'; without it, the '# import: untranslated'
    note of the first import stayed on the entry the translator had since translated."""
    document, po = _merged(DROPPED_SOURCE)
    alignment = align_documents(document, load_document("p.md", DROPPED_TRANSLATION))
    filled, _ = fill_catalog(po, alignment.matches)
    (empty,) = [e for e in filled if not e.msgstr]
    empty.msgstr = "Traduit à la main"  # the translator's work, after the first import
    for overwrite in (False, True):
        again, states = fill_catalog(filled, alignment.matches, overwrite=overwrite)
        entry = next(e for e in again if e.msgid == empty.msgid)
        assert entry.msgstr == "Traduit à la main" and states[entry.msgid] == KEPT
        assert "import: untranslated" not in entry.tcomment


def _french_project(tmp_path: Path) -> Path:
    """A project of one English page and its French translation in ``fr/``."""
    project = tmp_path / "project"
    (project / "source").mkdir(parents=True)
    (project / "source" / "p.md").write_text(SOURCE, encoding="utf-8")
    (project / "fr").mkdir()
    (project / "fr" / "p.md").write_bytes(FRENCH.encode("utf-8"))
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["fr-FR"]\n')
    return project


def test_run_import_writes_po_files_reports_each_page_and_is_idempotent(tmp_path: Path):
    project = _french_project(tmp_path)
    settings = load_settings(project)
    outcome = run_import(settings, "fr-FR", project / "fr")
    assert not outcome.diagnostics
    assert outcome.lines[0] == "import: fr-FR: p.md: 14 aligned, 0 fuzzy, 2 empty, 0 kept"
    po = catalog.parse_catalog((project / "locales/fr-FR/p.po").read_text(encoding="utf-8"), "p.po")
    assert catalog.translations_of(po)["See also"] == "Voir aussi"
    assert outcome.written == ["locales/fr-FR/p.po"]
    again = run_import(settings, "fr-FR", project / "fr")
    assert again.written == [] and again.lines[0].endswith("0 aligned, 0 fuzzy, 2 empty, 14 kept")


def test_an_import_run_again_a_minute_later_without_templates_rewrites_nothing(tmp_path: Path, monkeypatch):
    """With no locales/pot/ (no extract yet), the template was dated now: an import run again in
    another minute rewrote every catalog for its POT-Creation-Date alone."""
    project = _french_project(tmp_path)
    settings = load_settings(project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert run_import(settings, "fr-FR", project / "fr").written == ["locales/fr-FR/p.po"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000600")  # ten minutes later
    assert run_import(settings, "fr-FR", project / "fr").written == []


def test_run_import_refuses_the_source_folder(tmp_path: Path):
    """--from the source folder "translated" every page into itself: 100% translated."""
    (tmp_path / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["fr-FR"]\n')
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "p.md").write_text(SOURCE, encoding="utf-8")
    with pytest.raises(Exception, match="that is the source folder"):
        run_import(load_settings(tmp_path), "fr-FR", tmp_path / "source")


def test_run_import_refuses_a_missing_folder(tmp_path: Path):
    (tmp_path / "pipeline.toml").write_text('target_locales = ["fr-FR"]\n')
    (tmp_path / "source").mkdir()
    with pytest.raises(Exception, match="no such folder"):
        run_import(load_settings(tmp_path), "fr-FR", tmp_path / "nowhere")


def test_a_broken_translated_page_is_a_located_diagnostic_and_the_others_are_imported(tmp_path: Path):
    project = tmp_path / "project"
    for folder, name, text in (("source", "a.md", SOURCE), ("source", "b.md", "# Hello\n"),
                               ("fr", "a.md", "---\ntitle: [unclosed\n---\n# Inscrire\n"),
                               ("fr", "b.md", "# Bonjour\n")):
        (project / folder).mkdir(parents=True, exist_ok=True)
        (project / folder / name).write_text(text, encoding="utf-8")
    (project / "pipeline.toml").write_text('target_locales = ["fr-FR"]\n')
    outcome = run_import(load_settings(project), "fr-FR", project / "fr")
    assert [d.location.path for d in outcome.diagnostics] == ["fr/a.md"]
    assert outcome.diagnostics[0].code == "source.yaml"
    assert "import: fr-FR: b.md: 1 aligned, 0 fuzzy, 0 empty, 0 kept" in outcome.lines


def test_a_source_key_in_other_letter_case_is_not_a_localization_only_key(shared):
    """The German accessibility page's tool wrote the source's keys as `MS.Reviewer:`,
    `MS.topic:` ... (and `#ms.custom:` as `MS.Custom:`): kept as extras, the built page
    would hold both `ms.reviewer:` and `MS.Reviewer:`. Only a key the source has in no
    letter case, live or commented out, is the translation's own."""
    page = "InTuneDocs/accessibility-products-and-services-from-microsoft.md"
    source = (shared / "corpus/intune-2016/en-us" / page).read_text(encoding="utf-8-sig")
    german = (shared / "corpus/intune-2016/de-de" / page).read_text(encoding="utf-8-sig")
    assert "MS.Reviewer: Na" in german and "ms.reviewer: jeffgilb" in source and "#ms.custom:" in source
    assert _align(source, german).extras == (("Titel", "Barrierefreiheitprodukte und Dienste von Microsoft"),)
    # a key of the source's own, in the same case, is no extra either (as before)
    assert _align(SOURCE, FRENCH.replace("ms.date:", "MS.Date:")).extras == \
        (("translationtype", "Human Translation"), ("ms.sourcegitcommit", "0708fcca"))


def test_a_fuzzy_guess_kept_through_an_import_that_found_nothing_is_still_the_imports():
    """An import that found no counterpart for a message it had guessed kept the guess but
    dropped the note saying so; the next import took the guess for a translator's draft."""
    document, po = _merged(DROPPED_SOURCE)
    alignment = align_documents(document, load_document("p.md", DROPPED_TRANSLATION))
    filled, _ = fill_catalog(po, alignment.matches)
    guessed = {e.msgid for e in filled if "fuzzy" in e.flags}
    assert guessed
    nothing = tuple(replace(m, status=EMPTY, translation="", reason="dropped") for m in alignment.matches)
    again, _ = fill_catalog(filled, nothing)
    assert all(e.tcomment.startswith("import: fuzzy: ") for e in again if e.msgid in guessed)
    for entry in again:  # the pages now translate them otherwise: the import may make its guess again
        if entry.msgid in guessed:
            entry.msgstr = "ancienne supposition"
    third, states = fill_catalog(again, alignment.matches)
    assert all(states[m] == FUZZY for m in guessed)


@pytest.mark.parametrize("text, spans, plain", [
    ("Run `a` then ``b ` c`` now", ["a", "b ` c"], "Run  then  now"),
    ("`unclosed and ``two``", ["two"], "`unclosed and "),
    ("``a` b``", ["a` b"], ""),  # a run closes only a run of its own length
    ("`a``", [], "`a``"),  # the pattern ``(`+)(.+?)\1`` took 'a' for code here; CommonMark does not
    ("no code", [], "no code"),
])
def test_code_spans_follow_commonmark_runs(text, spans, plain):
    from pipeline.align import _code_spans

    assert _code_spans(text) == (spans, plain)


def test_a_page_of_backticks_costs_its_length():
    """64,000 backticks in a translated page: the old pattern would take minutes on the first; the scan
    is linear in the number of runs."""
    from pipeline.align import _code_spans

    n = 64_000
    assert _code_spans("`" * n) == ([], "`" * n)  # one run that nothing closes
    assert _code_spans("`a" * n) == (["a"] * (n // 2), "a" * (n // 2))
    ladder = "".join("`" * k + "x" for k in range(1, 360))  # 359 lengths, each once: none closes
    assert _code_spans(ladder) == ([], ladder)
    assert _code_spans(ladder + ladder) == ([ladder[1:]], ladder[1:])  # the one-backtick runs pair up
