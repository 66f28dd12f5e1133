"""Bad input through the command line: one located line per problem, the right exit status,
no traceback, and no translation or built output lost (the team's contract for bad input)."""

from __future__ import annotations

from pathlib import Path

from pipeline.cli import main

from .conftest import SEED_NAME

EN_PO = f"locales/en-US/{SEED_NAME[:-3]}.po"
HEADING = 'msgstr "You see errors while trying to enroll your iOS device in Intune"'


def _run(project: Path, *args: str) -> int:
    return main(["-C", str(project), *args])


def _force_merge(po: Path) -> None:
    """Drop the PO file's template digest so that ``update`` merges it again."""
    po.write_text("".join(l for l in po.read_text(encoding="utf-8").splitlines(keepends=True)
                          if "X-Pipeline-Template" not in l), encoding="utf-8")


def test_msgstr_index_without_msgid_plural_is_an_error_and_update_keeps_the_file(sample_project, capsys):
    """``msgstr[0]`` in a singular entry (msgfmt: "missing 'msgid_plural' section") was read by
    polib as a plural form: the build dropped the translation silently and ``update`` wrote the
    catalog back with the translation gone."""
    po = sample_project / EN_PO
    text = po.read_text(encoding="utf-8")
    assert HEADING in text
    po.write_text(text.replace(HEADING, HEADING.replace("msgstr", "msgstr[0]"), 1), encoding="utf-8")
    _force_merge(po)
    broken = po.read_text(encoding="utf-8")
    line = broken[: broken.index("msgstr[0]")].count("\n") + 1
    expected = [f"{EN_PO}:{line}:1: error: msgstr[0] without msgid_plural [po.syntax]"]
    assert _run(sample_project, "build") == 1
    assert capsys.readouterr().err.splitlines() == expected
    assert _run(sample_project, "update") == 1
    assert capsys.readouterr().err.splitlines() == expected
    assert po.read_text(encoding="utf-8") == broken  # the translator's text is still there


def test_plural_entry_is_reported_as_such(sample_project, capsys):
    """A well-formed plural entry is not "msgstr without msgid": pages have no plural
    messages, and merging would drop its forms, so it is an error that names the cause."""
    po = sample_project / EN_PO
    text = po.read_text(encoding="utf-8")
    po.write_text(text + '\nmsgid "%d device"\nmsgid_plural "%d devices"\nmsgstr[0] "a"\nmsgstr[1] "b"\n',
                  encoding="utf-8")
    line = text.count("\n") + 3
    assert _run(sample_project, "build") == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{EN_PO}:{line}:1: error: plural entry (msgid_plural): pages have no plural messages [po.syntax]"]
