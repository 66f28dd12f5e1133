"""``pipeline update`` through the command line: which catalogs it reads and what its merge
repairs in a catalog edited by hand."""

from __future__ import annotations

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
    from pipeline import sync

    monkeypatch.setattr(sync, "code_digest", lambda: "another version")
    assert _run(sample_project, "update") == 0
    assert sorted(path for path in read if path.endswith(".po")) == [DE_PO, EN_PO]
