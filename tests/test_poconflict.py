"""A git merge's conflicts in the generated header fields of a catalog, resolved by ``update``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.poconflict import resolve_generated_header

from .conftest import SEED_NAME

HEADER = ('msgid ""\nmsgstr ""\n"Project-Id-Version: docs\\n"\n{date}"Language: de_DE\\n"\n\n'
          '#: p.md:3\nmsgid "Voir aussi"\nmsgstr "Siehe auch"\n')
OURS = '"POT-Creation-Date: 2026-11-26 10:00+0000\\n"\n'
THEIRS = '"POT-Creation-Date: 2026-11-26 10:07+0000\\n"\n'


def test_a_conflict_in_generated_header_fields_keeps_one_side():
    conflict = f"<<<<<<< HEAD\n{OURS}=======\n{THEIRS}>>>>>>> writer-b\n"
    assert resolve_generated_header(HEADER.format(date=conflict)) == HEADER.format(date=OURS)
    diff3 = f"<<<<<<< HEAD\n{OURS}||||||| base\n{OURS}=======\n{THEIRS}>>>>>>> writer-b\n"
    assert resolve_generated_header(HEADER.format(date=diff3).replace("\n", "\r\n")) == \
        HEADER.format(date=OURS).replace("\n", "\r\n")


@pytest.mark.parametrize("conflict", [
    '<<<<<<< HEAD\n"Last-Translator: A\\n"\n=======\n"Last-Translator: B\\n"\n>>>>>>> b\n',  # a translator's field
    f'<<<<<<< HEAD\n{OURS}=======\n{THEIRS}',  # never closed
    f'{OURS}=======\n{THEIRS}>>>>>>> b\n',  # never opened
])
def test_any_other_conflict_is_left_for_a_person(conflict):
    assert resolve_generated_header(HEADER.format(date=conflict)) is None
    in_entry = HEADER.format(date=OURS).replace('msgstr "Siehe auch"\n', 'msgstr "Siehe auch"\n' + f"<<<<<<< HEAD\n{OURS}=======\n{THEIRS}>>>>>>> b\n")
    assert resolve_generated_header(in_entry) is None  # after the header: an entry's lines
    assert resolve_generated_header(HEADER.format(date=OURS)) is None  # no conflict: nothing to do


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
                               "GIT_COMMITTER_EMAIL": "t@x", "PATH": "/usr/bin:/bin", "HOME": str(repo)})


def test_two_writers_changing_a_page_merge_into_catalogs_update_takes(sample_project, capsys, monkeypatch):
    """Two branches each change a paragraph of the page and run ``pipeline all`` at another
    time: git stopped on every locale's catalog (the template's digest and date in its
    header), which every command then refused (po.syntax), to be fixed by hand."""
    assert shutil.which("git"), "git is needed"
    repo = sample_project
    page = repo / "source" / SEED_NAME
    assert main(["-C", str(repo), "all"]) == 0
    assert _git(repo, "init", "-q", "-b", "main").returncode == 0
    _git(repo, "add", "-A")
    assert _git(repo, "commit", "-qm", "base").returncode == 0
    text = page.read_text(encoding="utf-8")
    for branch, old, new, epoch in (("a", "Voir aussi", "Voir également", "1780000000"),
                                    ("b", "Le tableau suivant", "Le tableau ci-dessous", "1780003600")):
        _git(repo, "checkout", "-q", "-b", branch, "main")
        page.write_text(text.replace(old, new, 1), encoding="utf-8")
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)  # each branch's run, an hour apart
        assert main(["-C", str(repo), "all"]) == 0
        _git(repo, "add", "-A")
        assert _git(repo, "commit", "-qm", branch).returncode == 0
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    _git(repo, "checkout", "-q", "a")
    merge = _git(repo, "merge", "-q", "b")
    conflicted = _git(repo, "diff", "--name-only", "--diff-filter=U").stdout.split()
    assert merge.returncode != 0 and "source/" + SEED_NAME not in conflicted  # the page merged
    catalogs = [name for name in conflicted if name.endswith(".po")]
    assert catalogs, conflicted  # the catalogs' headers conflict: their POT-Creation-Date
    de = repo / "locales" / "de-DE" / (SEED_NAME[:-3] + ".po")
    translated = [line for line in de.read_text(encoding="utf-8").splitlines() if line.startswith("msgstr \"") and line != 'msgstr ""']
    capsys.readouterr()
    assert main(["-C", str(repo), "all"]) == 0  # the template made again; the catalogs resolved and merged
    err = capsys.readouterr().err
    assert "po.syntax" not in err
    for name in catalogs:
        merged = (repo / name).read_text(encoding="utf-8")
        assert "<<<<<<<" not in merged and ">>>>>>>" not in merged
    now = de.read_text(encoding="utf-8")
    assert all(line in now for line in translated)  # no translation lost
    assert "Voir également" in now and "Le tableau ci-dessous" in now


def test_a_catalog_in_another_charset_is_read_in_it_when_its_header_conflict_is_resolved():
    from pipeline.update import _read_merged

    conflict = f"<<<<<<< HEAD\n{OURS}=======\n{THEIRS}>>>>>>> writer-b\n"
    text = HEADER.format(date=conflict).replace('"Language: de_DE\\n"\n',
                                                '"Language: de_DE\\n"\n"Content-Type: text/plain; charset=ISO-8859-1\\n"\n')
    # Latin-1 bytes that are no UTF-8 ('Ã©', whose bytes are also UTF-8 for 'é', is now taken
    # for a UTF-8 file under a wrong header: catalog._misdeclared)
    text = text.replace("Siehe auch", "Grüße")
    po = _read_merged(text.encode("latin-1"), "p.po")
    assert [e.msgstr for e in po] == ["Grüße"]
