"""``pipeline update`` through the command line: which catalogs it reads and what its merge
repairs in a catalog edited by hand."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline import catalog
from pipeline.cli import main

from .conftest import SEED_NAME

DE_PO = f"locales/de-DE/{SEED_NAME[:-3]}.po"
EN_PO = f"locales/en-US/{SEED_NAME[:-3]}.po"
UNTRANSLATED = 'msgid "Voir aussi"\nmsgstr ""\n'  # the heading of the page's last section


def _run(project: Path, *args: str) -> int:
    return main(["-C", str(project), *args])


def _msgfmt() -> str:
    """GNU msgfmt, or a skip (a failure under CI=true, as .ci/run installs it)."""
    found = shutil.which("msgfmt")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("msgfmt (GNU gettext) is required; .ci/run installs it")
        pytest.skip("msgfmt (GNU gettext) is not installed")
    return found


def _msgfmt_warnings(path: Path) -> list[str]:
    done = subprocess.run([_msgfmt(), "--check-format", "--check-header", "-o", os.devnull, str(path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return [line.split(": ", 1)[1] for line in done.stderr.splitlines()]


def _entries(po: Path, msgid: str) -> list:
    return [e for e in catalog.parse_catalog(po.read_text(encoding="utf-8"), str(po)) if e.msgid == msgid]


def test_update_makes_a_live_entry_and_an_obsolete_copy_left_by_hand_one_entry(sample_project):
    """msgfmt rejects a catalog holding a live entry and an obsolete ``#~`` copy of the same
    msgid ("duplicate message definition"); the merge makes them one, but ``update`` skipped the
    file unread because its header still named its template."""
    assert _run(sample_project, "all") == 0
    po = sample_project / DE_PO
    po.write_text(po.read_text(encoding="utf-8") + '\n#~ msgid "Voir aussi"\n#~ msgstr "Siehe auch"\n',
                  encoding="utf-8")
    assert _run(sample_project, "update") == 0
    (entry,) = _entries(po, "Voir aussi")
    assert not entry.obsolete and entry.msgstr == "Siehe auch" and "fuzzy" in entry.flags  # kept, to review
    _msgfmt_warnings(po)


def test_update_puts_back_header_fields_deleted_by_hand(sample_project):
    assert _run(sample_project, "all") == 0
    po = sample_project / DE_PO
    text = po.read_text(encoding="utf-8")
    cut = "".join(line for line in text.splitlines(keepends=True)
                  if not line.startswith(('"Language: ', '"Plural-Forms: ')))
    assert cut != text
    po.write_text(cut, encoding="utf-8")
    assert _run(sample_project, "update") == 0
    assert po.read_text(encoding="utf-8") == text  # each where it stood


def test_update_of_an_empty_catalog_writes_the_header_of_a_new_one(sample_project):
    """A 0-byte PO file got a header of five fields (msgfmt --check-header: six "missing in
    header" warnings)."""
    po = sample_project / DE_PO
    po.unlink()
    assert _run(sample_project, "update") == 0
    created = po.read_bytes()
    po.write_bytes(b"")
    assert _run(sample_project, "update") == 0
    assert po.read_bytes() == created
    assert not [w for w in _msgfmt_warnings(po) if "missing" in w]


def _count_reads(monkeypatch) -> list[str]:
    read: list[str] = []
    original = catalog.read_catalog

    def counted(data: bytes, path: str):
        read.append(path)
        return original(data, path)

    monkeypatch.setattr(catalog, "read_catalog", counted)
    return read


def test_update_reads_no_catalog_it_wrote_itself_and_every_other(sample_project, monkeypatch):
    """The fast path: a catalog that is byte for byte what ``update`` last wrote (its digest
    in ``out/.cache/sync.json``) is not read again; one a translator saved is."""
    assert _run(sample_project, "all") == 0
    read = _count_reads(monkeypatch)
    assert _run(sample_project, "update") == 0
    assert read == []
    po = sample_project / DE_PO
    po.write_text(po.read_text(encoding="utf-8").replace(UNTRANSLATED, 'msgid "Voir aussi"\nmsgstr "Siehe auch"\n'),
                  encoding="utf-8")
    assert _run(sample_project, "update") == 0
    assert [path for path in read if path.endswith(".po")] == [DE_PO]


def test_a_catalog_written_by_another_version_of_the_code_is_read_again(sample_project, monkeypatch):
    """What update wrote is a fixed point of that code's merge, not of a changed one."""
    assert _run(sample_project, "all") == 0
    read = _count_reads(monkeypatch)
    from pipeline import update

    monkeypatch.setattr(update, "code_digest", lambda: "another version")
    assert _run(sample_project, "update") == 0
    assert sorted(path for path in read if path.endswith(".po")) == [DE_PO, EN_PO]


# --- pages renamed or removed: their templates, their catalogs, their translations --------

NEW_NAME = "errors-ios.md"
NEW_DE_PO = f"locales/de-DE/{NEW_NAME[:-3]}.po"


def _orphan_warning(po: str) -> str:
    return (f"{po}:1:1: warning: no source page '{SEED_NAME}' (removed or renamed?); its translations are not "
            "used [catalog.orphan]")


def _rename_page(project: Path) -> dict[str, bytes]:
    """``all`` run, then the page renamed; the catalogs as they were."""
    assert _run(project, "all") == 0
    (project / "source" / SEED_NAME).rename(project / "source" / NEW_NAME)
    return {po: (project / po).read_bytes() for po in (DE_PO, EN_PO)}


def test_extract_removes_the_template_of_a_page_no_longer_in_the_source(sample_project, capsys):
    """A template is generated from its page: one whose page was renamed or deleted stayed
    forever, and ``update`` kept merging it."""
    catalogs = _rename_page(sample_project)
    capsys.readouterr()
    assert _run(sample_project, "extract") == 0
    assert "extract: 1 page(s) parsed, 0 unchanged, 1 template(s) written, 1 removed in " in capsys.readouterr().out
    assert sorted(p.name for p in (sample_project / "locales/pot").iterdir()) == [NEW_NAME[:-3] + ".pot"]
    assert {po: (sample_project / po).read_bytes() for po in catalogs} == catalogs  # translators' work


def test_a_template_removed_from_a_folder_takes_the_folder_it_empties(sample_project, capsys):
    page = sample_project / "source" / "EndUser" / "extra.md"
    page.parent.mkdir()
    page.write_text("# Bonjour\n", encoding="utf-8")
    assert _run(sample_project, "extract") == 0
    assert (sample_project / "locales/pot/EndUser/extra.pot").is_file()
    page.unlink()
    assert _run(sample_project, "extract") == 0
    assert not (sample_project / "locales/pot/EndUser").exists()
    assert (sample_project / "locales/pot").is_dir()


def test_update_warns_of_each_catalog_whose_page_is_gone_and_keeps_it(sample_project, capsys):
    catalogs = _rename_page(sample_project)
    capsys.readouterr()
    assert _run(sample_project, "all") == 0  # a warning, not an error
    expected = [_orphan_warning(EN_PO), _orphan_warning(DE_PO)]  # in the order of target_locales
    assert capsys.readouterr().err.splitlines() == expected
    assert {po: (sample_project / po).read_bytes() for po in catalogs} == catalogs
    assert _run(sample_project, "update") == 0  # said on every run, until the file is dealt with
    assert capsys.readouterr().err.splitlines() == expected


def test_update_alone_does_not_merge_the_template_of_a_removed_page(sample_project, capsys):
    """Before ``extract`` removes it, the template of a page that is gone is not merged."""
    catalogs = _rename_page(sample_project)
    (sample_project / "locales/pot" / (SEED_NAME[:-3] + ".pot")).write_text(
        (sample_project / "locales/pot" / (SEED_NAME[:-3] + ".pot")).read_text(encoding="utf-8").replace(
            "X-Pipeline-Template: ", "X-Pipeline-Template: 0"), encoding="utf-8")  # would merge again
    capsys.readouterr()
    assert _run(sample_project, "update") == 0
    assert capsys.readouterr().err.splitlines() == [_orphan_warning(EN_PO), _orphan_warning(DE_PO)]
    assert {po: (sample_project / po).read_bytes() for po in catalogs} == catalogs


def test_stats_count_only_pages_that_exist(sample_project, capsys):
    """The build said de-DE 0.0% for the renamed page while stats listed the old one at 48.3%."""
    _rename_page(sample_project)
    assert _run(sample_project, "all") == 0
    build = capsys.readouterr().out
    assert _run(sample_project, "stats", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert {row["page"] for row in data["pages"]} == {NEW_NAME}
    de = data["locales"]["de-DE"]
    assert f"build: de-DE: 0.0% translated (0/{de['total']} messages, {de['fuzzy']} fuzzy)" in build
    (sample_project / "source" / NEW_NAME).unlink()  # stats before extract runs again
    assert _run(sample_project, "stats", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["pages"] == []


def test_a_renamed_page_gets_its_translations_back_as_fuzzy_suggestions(sample_project, capsys):
    """As msgmerge --compendium: a message new to a catalog takes the translation another
    catalog of the locale has for exactly that msgid (the old page's, here), flagged fuzzy for
    review; the old catalog is left as it was."""
    catalogs = _rename_page(sample_project)
    assert _run(sample_project, "all") == 0
    for old_po, new_po in ((DE_PO, NEW_DE_PO), (EN_PO, f"locales/en-US/{NEW_NAME[:-3]}.po")):
        old = {e.msgid: e for e in catalog.parse_catalog(catalogs[old_po].decode("utf-8"), old_po)}
        new = list(catalog.parse_catalog((sample_project / new_po).read_text(encoding="utf-8"), new_po))
        assert [e.msgid for e in new] == [msgid for msgid in old]  # the same messages
        for entry in new:
            was = old[entry.msgid]
            assert entry.msgstr == was.msgstr
            assert ("fuzzy" in entry.flags) == bool(was.msgstr)
            assert entry.previous_msgid is None and entry.tcomment == ""
    de = catalog.parse_catalog((sample_project / NEW_DE_PO).read_text(encoding="utf-8"), NEW_DE_PO)
    assert sum("fuzzy" in e.flags for e in de) == 14  # the 14 of 29 the old page had translated
    made = {po: (sample_project / po).read_bytes() for po in (NEW_DE_PO,)}
    shutil.rmtree(sample_project / "out")  # and without the memo, nothing more changes
    capsys.readouterr()
    assert _run(sample_project, "update") == 0
    assert "update: 0 catalog(s) written" in capsys.readouterr().out
    assert {po: (sample_project / po).read_bytes() for po in made} == made


def _catalog_text(msgid: str, msgstr: str, obsolete: bool = False) -> str:
    mark = "#~ " if obsolete else ""
    return (f'msgid ""\nmsgstr ""\n"Language: de_DE\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            f'{mark}msgid "{msgid}"\n{mark}msgstr "{msgstr}"\n')


def test_the_suggestion_is_a_live_translation_before_an_obsolete_one_then_the_first_catalog_by_path(sample_project):
    """Deterministic when catalogs disagree: an entry of a page before a text a page no longer
    has; then the catalog that comes first by its path in the locale's folder."""
    folder = sample_project / "locales/de-DE"
    (folder / "a-old.po").write_text(_catalog_text("Voir aussi", "Alt: siehe auch", obsolete=True), encoding="utf-8")
    (folder / "c-other.po").write_text(_catalog_text("Voir aussi", "Siehe C"), encoding="utf-8")
    (folder / "b-other.po").write_text(_catalog_text("Voir aussi", "Siehe B"), encoding="utf-8")
    (sample_project / DE_PO).unlink()
    assert _run(sample_project, "update") == 0
    (entry,) = _entries(sample_project / DE_PO, "Voir aussi")
    assert entry.msgstr == "Siehe B" and "fuzzy" in entry.flags
    (folder / "b-other.po").unlink()
    (folder / "c-other.po").unlink()
    (sample_project / DE_PO).unlink()
    assert _run(sample_project, "update") == 0
    (entry,) = _entries(sample_project / DE_PO, "Voir aussi")
    assert entry.msgstr == "Alt: siehe auch" and "fuzzy" in entry.flags


def test_only_messages_new_to_a_catalog_take_suggestions(sample_project, capsys):
    """A message a catalog already has, untranslated, is left for its translator: what update
    writes does not depend on which catalogs it merged in this run (the memo), and a file that
    did not need a merge is not rewritten because another catalog changed."""
    copy = sample_project / "source" / "copy.md"
    copy.write_bytes((sample_project / "source" / SEED_NAME).read_bytes())
    assert _run(sample_project, "all") == 0
    copy_po = sample_project / "locales/de-DE/copy.po"
    (entry,) = _entries(copy_po, "Voir aussi")
    assert entry.msgstr == ""  # untranslated in the seed page's catalog too
    before = copy_po.read_bytes()
    seed = sample_project / DE_PO
    seed.write_text(seed.read_text(encoding="utf-8").replace(UNTRANSLATED, 'msgid "Voir aussi"\nmsgstr "Siehe auch"\n'),
                    encoding="utf-8")
    for memo in ("kept", "dropped"):
        if memo == "dropped":
            shutil.rmtree(sample_project / "out")
        assert _run(sample_project, "update") == 0
        assert copy_po.read_bytes() == before


def test_a_message_new_to_a_catalog_reads_only_the_catalogs_that_may_translate_it(sample_project, monkeypatch):
    """The compendium keeps an index of what each catalog translates (``out/.cache``), so
    a page edited in a large site does not make ``update`` parse every catalog of the locale."""
    (sample_project / "source" / "other.md").write_text("# Autre page\n\nUn paragraphe.\n", encoding="utf-8")
    assert _run(sample_project, "all") == 0
    other = sample_project / "locales/de-DE/other.po"
    other.write_text(other.read_text(encoding="utf-8").replace('msgid "Un paragraphe."\nmsgstr ""',
                                                               'msgid "Un paragraphe."\nmsgstr "Ein Absatz."'),
                     encoding="utf-8")
    assert _run(sample_project, "update") == 0  # the translator's change read, and indexed
    page = sample_project / "source" / SEED_NAME
    page.write_bytes(page.read_bytes() + b"\nUn paragraphe.\n")
    assert _run(sample_project, "extract") == 0
    read = _count_reads(monkeypatch)
    assert _run(sample_project, "update") == 0
    assert sorted(path for path in read if path.endswith(".po")) == sorted([DE_PO, "locales/de-DE/other.po", EN_PO])
    (entry,) = _entries(sample_project / DE_PO, "Un paragraphe.")
    assert entry.msgstr == "Ein Absatz." and "fuzzy" in entry.flags
    (entry,) = _entries(sample_project / EN_PO, "Un paragraphe.")
    assert entry.msgstr == ""


def test_update_in_worker_processes_writes_what_one_process_writes(corpus, tmp_path, monkeypatch):
    """A fresh clone (or ``make clean``) merges every catalog, past ``PARALLEL_FROM`` in worker
    processes: the same files, the same findings in the same order, the same suggestions."""
    from pipeline.config import load_settings
    from pipeline.update import run_update

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")  # the same dates in both
    outcomes = []
    for jobs in (1, 2):
        project = tmp_path / f"j{jobs}" / "site"  # the same name: the catalogs' Project-Id-Version
        shutil.copytree(corpus / "en-us/InTuneDocs/EndUser", project / "source")
        (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["fr-FR", "de-DE"]\n',
                                               encoding="utf-8")
        assert _run(project, "extract") == 0
        assert _run(project, "import", "--locale", "fr-FR", "--from", str(corpus / "fr-fr/InTuneDocs/EndUser")) == 0
        (project / "source" / SEED_NAME).rename(project / "source/renamed.md")  # its translations: suggestions
        broken = project / "locales/fr-FR/your-computer-is-already-enrolled.po"
        broken.write_bytes(broken.read_bytes() + b'\nmsgid "x"\n')
        assert _run(project, "extract") == 0
        shutil.rmtree(project / "out")
        outcome = run_update(load_settings(project, {}), jobs)
        assert len(outcome.written) > 90  # de-DE's, made; fr-FR's are as the import wrote them
        outcomes.append((outcome, {p.relative_to(project).as_posix(): p.read_bytes()
                                   for p in (project / "locales").rglob("*.po")}))
    (one, one_files), (two, two_files) = outcomes
    assert two.diagnostics == one.diagnostics and two.written == one.written and two_files == one_files
    assert [d.code for d in one.diagnostics] == ["catalog.orphan", "po.syntax"]  # de-DE had no catalog of it
    renamed = catalog.parse_catalog(one_files["locales/fr-FR/renamed.po"].decode("utf-8"), "renamed.po")
    assert sum("fuzzy" in e.flags and bool(e.msgstr) for e in renamed) > 5


def test_a_page_that_loses_its_last_message_keeps_no_live_entry(sample_project, capsys):
    """A page whose text became code only kept its stale template (even after make clean), so
    its catalog kept every entry live: stats said 100% translated while the build had 0/0."""
    page = sample_project / "source" / "code.md"
    page.write_text("# Title\n\nSome text.\n", encoding="utf-8")
    assert _run(sample_project, "all") == 0
    po = sample_project / "locales" / "de-DE" / "code.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgid "Some text."\nmsgstr ""',
                                                         'msgid "Some text."\nmsgstr "Etwas Text."'), encoding="utf-8")
    page.write_text("```\ncode\n```\n", encoding="utf-8")
    capsys.readouterr()
    assert _run(sample_project, "all") == 0
    pot = catalog.read_catalog((sample_project / "locales" / "pot" / "code.pot").read_bytes(), "code.pot")
    assert [e.msgid for e in pot] == []
    kept = catalog.read_catalog(po.read_bytes(), "code.po")
    assert [(e.msgid, e.msgstr, e.obsolete) for e in kept if e.msgid == "Some text."] == [("Some text.", "Etwas Text.", 1)]
    assert not [e for e in kept if not e.obsolete]
    capsys.readouterr()
    assert _run(sample_project, "stats", "--format", "json") == 0
    rows = json.loads(capsys.readouterr().out)["pages"]
    assert [r for r in rows if r["page"] == "code.md"] == []  # a page with no message counts for nothing


def test_a_fuzzy_translation_is_offered_too_after_any_other(sample_project):
    """A page whose translations all await review (fuzzy), renamed: the new catalog had every
    msgstr empty while the orphan held them. A fuzzy translation is offered too (it stays
    fuzzy); one that is not fuzzy comes first, even obsolete or later by path."""
    folder = sample_project / "locales/de-DE"
    fuzzy = _catalog_text("Voir aussi", "Siehe auch (zu prüfen)").replace('msgid "Voir', '#, fuzzy\nmsgid "Voir')
    (folder / "a-old.po").write_text(fuzzy, encoding="utf-8")
    (sample_project / DE_PO).unlink()
    assert _run(sample_project, "update") == 0
    (entry,) = _entries(sample_project / DE_PO, "Voir aussi")
    assert entry.msgstr == "Siehe auch (zu prüfen)" and "fuzzy" in entry.flags
    (folder / "b-other.po").write_text(_catalog_text("Voir aussi", "Alt: siehe auch", obsolete=True), encoding="utf-8")
    (sample_project / DE_PO).unlink()
    assert _run(sample_project, "update") == 0
    (entry,) = _entries(sample_project / DE_PO, "Voir aussi")
    assert entry.msgstr == "Alt: siehe auch" and "fuzzy" in entry.flags


def test_update_replaces_a_placeholder_plural_forms_left_from_a_template(sample_project):
    """A catalog copied from an xgettext template keeps ``Plural-Forms: nplurals=INTEGER;
    plural=EXPRESSION;``; update kept it, and msgfmt --check-header rejected what it wrote
    ("invalid nplurals value"). A field still holding its placeholder takes the locale's value."""
    assert _run(sample_project, "all") == 0
    po = sample_project / "locales/de-DE/a.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                  '"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\\n"\n\n'
                  'msgid "Title"\nmsgstr "Titel"\n', encoding="utf-8")
    (sample_project / "source/a.md").write_text("# Title\n", encoding="utf-8")
    assert _run(sample_project, "all") == 0
    merged = catalog.parse_catalog(po.read_text(encoding="utf-8"), str(po))
    assert merged.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert [(e.msgid, e.msgstr) for e in merged] == [("Title", "Titel")]
    _msgfmt_warnings(po)


def test_stats_count_the_messages_of_the_pages_as_they_are_not_of_their_templates(sample_project, capsys):
    """stats read the messages from locales/pot/: after an import with no extract it showed
    nothing, and after a source edit it counted the old messages, while the build counted the
    page's own (stats could not predict what --min-coverage publishes)."""
    shutil.rmtree(sample_project / "locales" / "pot")
    page = sample_project / "source" / SEED_NAME
    page.write_text(page.read_text(encoding="utf-8") + "\nUn paragraphe de plus.\n", encoding="utf-8")
    assert _run(sample_project, "stats", "--format", "json") == 0
    de = json.loads(capsys.readouterr().out)["locales"]["de-DE"]
    assert (de["translated"], de["total"]) == (14, 30)
    assert _run(sample_project, "build", "--locale", "de-DE", "--format", "markdown") == 0
    assert "build: de-DE: 46.7% translated (14/30 messages, 0 fuzzy)" in capsys.readouterr().out


def test_init_of_a_new_project_makes_the_templates_it_needs(sample_project, capsys):
    """On a project never extracted, init said "no templates under locales/pot/", wrote
    nothing and exited 0: the README's new-locale step did not make the locale's catalogs."""
    shutil.rmtree(sample_project / "locales")
    assert _run(sample_project, "init", "--locale", "de-DE") == 0
    assert (sample_project / "locales" / "de-DE" / (SEED_NAME[:-3] + ".po")).is_file()
    capsys.readouterr()
    assert _run(sample_project, "init", "--locale", "de-DE") == 0
    out = capsys.readouterr().out
    assert "0 template(s) written" in out and "update: 0 catalog(s) written" in out


def test_update_repairs_a_plural_forms_msgfmt_rejects(sample_project, capsys):
    """``Plural-Forms: nplurals=banana; plural=((n;`` was accepted by build, update and check,
    and kept by update: msgfmt --check refused the catalog ("invalid nplurals value")."""
    assert _run(sample_project, "all") == 0
    po = sample_project / DE_PO
    text = po.read_text(encoding="utf-8")
    good = '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"'
    assert good in text
    po.write_text(text.replace(good, '"Plural-Forms: nplurals=banana; plural=((n;\\n"'), encoding="utf-8")
    assert _run(sample_project, "update") == 0
    assert po.read_text(encoding="utf-8") == text  # the locale's value, where it stood; nothing else changed
    assert _msgfmt_warnings(po) == []
