"""Coverage counts the text readers see: a translation QA rejects is not applied (its segment
shows the source text), so it is not counted as translated where coverage decides what is
published (``build --min-coverage``) or is shown to readers (the page's notice, the locale
index) and in the build's summary; ``pipeline stats`` still counts it as translated (the
catalog's view, a translator's tool's) and says how many QA rejects.

A project of four real corpus pages (en-US), the seed page linking to IOS, with fr-FR
imported (``pipeline import``) from the real professional translations, which pass QA; the
tests then break some of them as translators do (a link dropped: ``qa.link-count``), or
make the glossary reject some (``qa.glossary``).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from pipeline import build, catalog, stats
from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.filedigests import FileDigests
from pipeline.workers import LazyPool

from .conftest import SEED_NAME, require_shared
from .test_incremental import _tree_of_shards

IOS = "InTuneDocs/EndUser/using-your-ios-or-mac-os-x-device-with-intune.md"
SEED = f"InTuneDocs/EndUser/{SEED_NAME}"  # links to IOS
# and two more: four pages, enough for a build at -j 2 to compute their coverages in its workers
PAGES = (IOS, SEED, "InTuneDocs/EndUser/enroll-your-device-in-intune-all.md",
         "InTuneDocs/EndUser/unenroll-your-device-from-intune-android.md")
GATE = ("--min-coverage", "80")
_LINK = re.compile(r"\[([^\[\]]+)\]\([^()\s]+\)")


def _project(tmp_path: Path) -> Path:
    corpus = require_shared() / "corpus" / "intune-2016"
    project = tmp_path / "site"
    for page in PAGES:
        (project / "source" / page).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(corpus / "en-us" / page, project / "source" / page)
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["fr-FR"]\n', encoding="utf-8")
    assert main(["-C", str(project), "extract"]) == 0
    assert main(["-C", str(project), "import", "--locale", "fr-FR", "--from", str(corpus / "fr-fr")]) == 0
    assert main(["-C", str(project), "all"]) == 0  # the real translations of these pages pass QA
    shutil.rmtree(project / "out")
    return project


def _po(project: Path, page: str) -> Path:
    return project / "locales" / "fr-FR" / (page[:-3] + ".po")


def _counts(project: Path, page: str) -> tuple[int, int]:
    """(translated, messages) of ``page``'s fr-FR catalog, read from the file."""
    po = _po(project, page)
    live = [e for e in catalog.parse_catalog(po.read_text(encoding="utf-8"), po.name) if e.msgid and not e.obsolete]
    return sum(1 for e in live if e.msgstr and "fuzzy" not in e.flags), len(live)


def _drop_links(project: Path, page: str, count: int, start: str = "") -> float:
    """Drop the links (keep their text) of ``count`` translations of ``page`` in fr-FR (of
    messages that begin with ``start``), each then a qa.link-count error; returns the
    percentage of the page's messages whose translation is left whole, which readers see
    translated."""
    po = _po(project, page)
    entries = catalog.parse_catalog(po.read_text(encoding="utf-8"), po.name)
    broken = 0
    for entry in entries:
        if broken < count and entry.msgid.startswith(start) and entry.msgstr and _LINK.search(entry.msgid) \
                and _LINK.search(entry.msgstr):
            entry.msgstr = _LINK.sub(r"\1", entry.msgstr)
            broken += 1
    assert broken == count
    po.write_text(catalog.format_catalog(entries), encoding="utf-8")
    translated, total = _counts(project, page)
    return 100.0 * (translated - count) / total


def _run(project: Path, capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(["-C", str(project), *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _rejected(err: str, page: str) -> set[str]:
    """The QA errors of ``page``'s fr-FR catalog whose translation the build set aside."""
    po = f"locales/fr-FR/{page[:-3]}.po:"
    return {line for line in err.splitlines()
            if line.startswith(po) and ": error: " in line and "; the source text is used instead [qa." in line}


def _tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts}


def _html(project: Path, locale: str, page: str) -> Path:
    return project / "out" / "html" / locale / (page[:-3] + ".html")


def test_a_page_whose_translations_qa_rejects_is_gated_on_the_text_readers_see(tmp_path, capsys):
    """Every message of the page is translated in the catalog, but a third of its
    translations lose their links: the page shows them in English. It was published under
    --min-coverage 80 as "100.0% translated"."""
    project = _project(tmp_path)
    assert _counts(project, IOS)[0] == _counts(project, IOS)[1]  # all translated
    shown = _drop_links(project, IOS, 10)
    assert shown < 80
    status, out, err = _run(project, capsys, "build", *GATE)
    assert status == 1  # the QA errors
    assert len(_rejected(err, IOS)) == 10
    note = (f"build: fr-FR: {IOS} not published: {shown:.1f}% translated, below --min-coverage 80 "
            "(10 translation(s) rejected by QA)")
    assert note in out.splitlines()
    assert not _html(project, "fr-FR", IOS).exists()
    assert not (project / "out" / "markdown" / "fr-FR" / IOS).exists()
    assert _html(project, "en-US", IOS).is_file()
    seed = _html(project, "fr-FR", SEED).read_text(encoding="utf-8")  # its link falls back to the source locale
    assert f'href="../../../en-US/{IOS[:-3]}.html"' in seed
    # nothing to do: the coverage comes from the records, and says the same
    status, again, err_again = _run(project, capsys, "build", *GATE)
    assert status == 1 and err_again == err
    assert ": 0 built, 8 up to date, 0 file(s) written" in again and note in again.splitlines()
    assert not _html(project, "fr-FR", IOS).exists()


def test_the_page_index_summary_and_error_catalog_show_the_text_readers_see(tmp_path, capsys):
    """The page's notice, the locale index and the build's summary counted the translations
    QA rejects as translated; the error catalog (whose ``complete`` already said so) gives
    the source text of a row whose translation QA rejects."""
    project = _project(tmp_path)
    shown = _drop_links(project, IOS, 10)
    shown_seed = _drop_links(project, SEED, 1, "Check that all enrollment prerequisites")  # an error row's
    status, out, err = _run(project, capsys, "build")
    assert status == 1 and len(_rejected(err, IOS)) == 10 and len(_rejected(err, SEED)) == 1
    page = _html(project, "fr-FR", IOS).read_text(encoding="utf-8")
    assert f"Cette page est traduite à {int(shown)} %" in page  # was absent: "100 %" shows no notice
    assert f"Cette page est traduite à {int(shown_seed)} %" in _html(project, "fr-FR", SEED).read_text(encoding="utf-8")
    index = (project / "out" / "html" / "fr-FR" / "index.html").read_text(encoding="utf-8")
    row = re.search(rf'<li><a href="{re.escape(IOS[:-3])}\.html">.*?</li>', index, re.DOTALL)
    assert row is not None and f'value="{shown:.1f}"' in row.group(0)
    translated = sum(_counts(project, page)[0] for page in PAGES) - 11
    total = sum(_counts(project, page)[1] for page in PAGES)
    assert (f"build: fr-FR: {100.0 * translated / total:.1f}% translated ({translated}/{total} messages, 0 fuzzy, "
            "11 rejected by QA)") in out.splitlines()
    assert "build: en-US: 100.0% translated (" in out  # the source locale has nothing to reject
    errors = json.loads((project / "out" / "catalog" / "fr-FR" / "errors.json").read_text(encoding="utf-8"))["errors"]
    assert [code for code, entry in errors.items() if not entry["complete"]] == ["NoEnrollmentPolicy"]
    assert errors["NoEnrollmentPolicy"]["resolution"]["text"].startswith("Check that all enrollment prerequisites")


def test_stats_count_the_catalogs_translations_and_say_how_many_qa_rejects(tmp_path, capsys):
    project = _project(tmp_path)
    shown = _drop_links(project, IOS, 10)
    translated, total = _counts(project, IOS)
    status, out, _ = _run(project, capsys, "stats", "--format", "json")
    assert status == 0
    row = next(r for r in json.loads(out)["pages"] if r["page"] == IOS)
    assert (row["translated"], row["total"], row["rejected"]) == (translated, total, 10)
    assert row["coverage"] == round(100.0 * translated / total, 2)  # the catalog's, as a translator's tool shows it
    assert row["applied_coverage"] == round(shown, 2)  # what the build applies and gates on
    status, out, _ = _run(project, capsys, "stats")
    lines = out.splitlines()
    assert lines[0].split() == ["locale", "page", "translated", "fuzzy", "untranslated", "rejected",
                                "words", "tr/fz/un", "coverage", "applied"]
    cells = next(line for line in lines if f" {IOS} " in line).split()
    assert cells[2:6] == [str(translated), "0", "0", "10"] and cells[-1] == f"{shown:.1f}%"


def test_stats_counted_in_worker_processes_are_those_counted_in_one(tmp_path, monkeypatch):
    """Many pages are counted in worker processes (``sync.pool_size``): the same rows, and the
    same errors, in the same order, as when one process counts them."""
    project = _project(tmp_path)
    _drop_links(project, IOS, 10)
    _po(project, SEED).write_text('msgid "x"\nmsgstr "a"\n\nmsgid "x"\nmsgstr "b"\n', encoding="utf-8")  # po.duplicate
    settings = load_settings(project)
    found = []
    for workers in (1, 2):
        monkeypatch.setattr(stats, "pool_size", lambda jobs, tasks, workers=workers: workers)
        diagnostics: list = []
        found.append((stats.collect_stats(settings, diagnostics), diagnostics))
    assert found[0] == found[1]
    rows, diagnostics = found[0]
    assert [row.page for row in rows] == sorted(set(PAGES) - {SEED}) and [d.code for d in diagnostics] == ["po.duplicate"]
    assert next(row.stats.rejected for row in rows if row.page == IOS) == 10


def test_incremental_and_sharded_builds_gate_on_the_text_readers_see_as_a_clean_build(tmp_path, capsys):
    """The gate decides from the records of an earlier build when they were made from the
    same inputs; a catalog fixed or broken again, and shard jobs that each decide alone,
    give what a clean build gives."""
    project = _project(tmp_path)
    po = _po(project, IOS)
    whole = po.read_bytes()
    _drop_links(project, IOS, 10)
    broken = po.read_bytes()
    for catalog_bytes, published in ((whole, True), (broken, False), (whole, True)):
        po.write_bytes(catalog_bytes)
        _assert_same_as_clean(project, tmp_path, capsys, *GATE)
        assert _html(project, "fr-FR", IOS).is_file() == published
    po.write_bytes(broken)
    _assert_same_as_clean(project, tmp_path, capsys, *GATE)
    assert _tree_of_shards(project, tmp_path, 2, *GATE, statuses=(0, 1)) == _tree(project / "out")  # QA errors: 1


def test_a_glossary_edit_that_rejects_translations_gates_as_a_clean_build(tmp_path, capsys):
    """The glossary's content (not its name, a setting) decides which translations QA
    rejects: the records' coverage made under the old glossary must not decide the gate."""
    project = _project(tmp_path)
    glossary = project / "glossary.txt"
    glossary.write_text("Contoso\n", encoding="utf-8")  # in no page: rejects nothing
    with (project / "pipeline.toml").open("a", encoding="utf-8") as settings:
        settings.write('glossary = "glossary.txt"\n')
    assert _run(project, capsys, "build", *GATE)[0] == 0
    assert _html(project, "fr-FR", IOS).is_file()
    glossary.write_text("Company Portal\n", encoding="utf-8")  # French says "Portail d'entreprise"
    _assert_same_as_clean(project, tmp_path, capsys, *GATE)
    assert not _html(project, "fr-FR", IOS).exists()


def test_coverages_computed_in_the_workers_are_those_computed_in_one_process(tmp_path):
    """A cold gated build at -j 2 reviews the catalogs in its workers (``_worker_coverages``,
    ``units.coverage_chunk``), which start for it and then build the pages."""
    project = _project(tmp_path)
    _drop_links(project, IOS, 10)
    settings = load_settings(project)
    pages = frozenset(PAGES)
    options = build.BuildOptions(jobs=2, min_coverage=80)
    started: list[int] = []

    def start(jobs: int):
        started.append(jobs)
        return build._start_pool(settings, jobs)

    pool = LazyPool(start)
    try:
        in_workers = build.decide_withheld(settings, options, pages, {}, FileDigests(pages),
                                            build._worker_coverages(settings, options, pool))
    finally:
        pool.close()
    assert started == [2]
    assert in_workers == build.decide_withheld(settings, options, pages, {}, FileDigests(pages)) == {"fr-FR": frozenset({IOS})}


def _assert_same_as_clean(project: Path, tmp_path: Path, capsys, *args: str) -> None:
    """``pipeline build`` on ``project`` (incremental) and on a copy without ``out/``
    (clean), at -j 1 and -j 2 (the coverages computed in this process, or in the workers):
    the same status, lines, findings and files."""
    trees = []
    for jobs in ("1", "2"):
        clean = tmp_path / "clean" / project.name
        shutil.rmtree(clean.parent, ignore_errors=True)
        shutil.copytree(project, clean, ignore=shutil.ignore_patterns("out"))
        incremental = _run(project, capsys, "build", "-j", jobs, *args)
        assert _comparable(incremental) == _comparable(_run(clean, capsys, "build", "-j", jobs, *args))
        trees.append(_tree(clean / "out"))
        assert _tree(project / "out") == trees[-1]
    assert trees[0] == trees[1]


def _comparable(run: tuple[int, str, str]) -> tuple[int, list[str], str]:
    """A build's status, findings and lines but for its counts of what it built and wrote."""
    status, out, err = run
    return status, [line for line in out.splitlines() if not re.match(r"build: \d+ page\(s\) x", line)], err
