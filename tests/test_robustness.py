"""Bad input through the command line: one located line per problem, the right exit status,
no traceback, and no translation or built output lost (the team's contract for bad input)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main

from .conftest import REPO, SEED_NAME

EN_PO = f"locales/en-US/{SEED_NAME[:-3]}.po"
HEADING = 'msgstr "You see errors while trying to enroll your iOS device in Intune"'


def _run(project: Path, *args: str) -> int:
    return main(["-C", str(project), *args])


def _force_merge(po: Path) -> None:
    """Change the PO file as a translator's tool might (its references rewrapped away) so
    that ``update`` reads and merges it again."""
    po.write_text("".join(l for l in po.read_text(encoding="utf-8").splitlines(keepends=True)
                          if not l.startswith("#: ")), encoding="utf-8")


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


def test_build_of_one_locale_keeps_the_other_locales_outputs(sample_project, capsys):
    """``build --locale en-US`` deleted every other locale's pages (their cache records were not
    carried over, so their outputs counted as stale), leaving de-DE/index.html linking to
    nothing."""
    assert _run(sample_project, "build") == 0
    out = sample_project / "out"
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts}
    assert _run(sample_project, "build", "--locale", "en-US") == 0
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts}
    assert sorted(after) == sorted(before)
    # and the locale built alone is built as in a full build: its pages and index still name
    # every locale of the site as alternates (they named only the ones of the run)
    assert [p for p in before if after[p] != before[p]] == []


def test_removed_page_leaves_the_indexes(sample_project, capsys):
    """A page removed from source/ had its outputs removed, but the build found every other
    unit up to date and did not write the site files again: each locale's index.html kept a
    link to the removed page, which ``pipeline check`` then reported as broken."""
    (sample_project / "source" / "extra.md").write_text("---\ntitle: Page deux\n---\n# Bonjour\n", encoding="utf-8")
    assert _run(sample_project, "all") == 0
    assert 'href="extra.html"' in (sample_project / "out/html/en-US/index.html").read_text(encoding="utf-8")
    (sample_project / "source" / "extra.md").unlink()
    assert _run(sample_project, "all") == 0
    for locale in ("fr-FR", "en-US", "de-DE", "qps-ploc"):
        index = (sample_project / "out/html" / locale / "index.html").read_text(encoding="utf-8")
        assert "extra.html" not in index, locale
        assert not (sample_project / "out/html" / locale / "extra.html").exists()


def test_unwritable_output_is_one_line_and_the_rest_is_built(sample_project, capsys):
    """A file standing where an output folder goes (as a read-only or full disk would) ended
    the build with a Python traceback and built nothing after it."""
    assert _run(sample_project, "build") == 0
    html = sample_project / "out/html/en-US"
    for child in html.iterdir():
        child.unlink()
    html.rmdir()
    html.write_text("not a folder\n", encoding="utf-8")
    (sample_project / "out/.cache/build.json").unlink()  # everything is built again
    capsys.readouterr()
    assert _run(sample_project, "build") == 1
    err = capsys.readouterr().err.splitlines()
    assert err and all(line.startswith("out/html/en-US/") and ": error: cannot write: Not a directory [io.write]" in line
                       for line in err), err
    assert f"out/html/en-US/{SEED_NAME[:-3]}.html:1:1: error: cannot write: Not a directory [io.write]" in err
    assert "Traceback" not in "\n".join(err)
    assert (sample_project / "out/html/de-DE" / (SEED_NAME[:-3] + ".html")).is_file()
    assert (sample_project / "out/frontmatter/de-DE" / SEED_NAME).is_file()


def test_unwritable_catalog_is_one_line_and_other_catalogs_are_merged(sample_project, capsys):
    """A folder in the place of a PO file ended ``update`` with a traceback. It is a catalog
    that cannot be read, as build, stats and check say, not a missing one to write anew."""
    po = sample_project / EN_PO
    po.unlink()
    po.mkdir()
    de = sample_project / f"locales/de-DE/{SEED_NAME[:-3]}.po"
    _force_merge(de)
    assert _run(sample_project, "update", "--locale", "en-US", "--locale", "de-DE") == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{EN_PO}:1:1: error: cannot read the catalog: not a regular file [io.read]"]
    assert "\n#: source/" in de.read_text(encoding="utf-8")  # merged all the same: its references are back


def test_output_folder_that_is_a_file_is_a_usage_error(sample_project, capsys):
    (sample_project / "out").write_text("", encoding="utf-8")
    line = (sample_project / "pyproject.toml").read_text(encoding="utf-8").splitlines().index('out = "out"') + 1
    assert _run(sample_project, "all") == 2
    assert capsys.readouterr().err.splitlines() == [
        f"pyproject.toml:{line}:1: error: output folder 'out' is not a folder (setting 'out') [config.out]"]


@pytest.mark.parametrize("key", ["templates", "locales"])
def test_a_templates_or_locales_folder_that_is_a_file_is_a_usage_error(sample_project, capsys, key):
    """A templates folder that was a file made the build use the packaged templates, silently;
    a locales folder that was a file, every locale built from no catalog, over its outputs."""
    shutil.rmtree(sample_project / key, ignore_errors=True)
    (sample_project / key).write_text("", encoding="utf-8")
    text = (sample_project / "pyproject.toml").read_text(encoding="utf-8")
    if f'{key} = "{key}"' not in text:
        text = text.replace("[tool.pipeline]\n", f'[tool.pipeline]\n{key} = "{key}"\n', 1)
        (sample_project / "pyproject.toml").write_text(text, encoding="utf-8")
    line = text.splitlines().index(f'{key} = "{key}"') + 1
    assert _run(sample_project, "build") == 2
    assert capsys.readouterr().err.splitlines() == [
        f"pyproject.toml:{line}:1: error: {key} folder '{key}' is not a folder (setting '{key}') [config.{key}]"]


def test_yaml_alias_bomb_in_front_matter_is_refused(sample_project, capsys):
    """Aliases that multiply (a "billion laughs" front matter) load quickly, but every value
    was turned into text: 9 levels of 9 took minutes and gigabytes per command. A front matter
    that expands to more than 10,000 values is refused, located, and the other pages built."""
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"] + [
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 7)]
    (sample_project / "source" / "bomb.md").write_text(
        "---\ntitle: Bombe\n" + "\n".join(levels) + "\n---\n# Bonjour\n", encoding="utf-8")
    assert _run(sample_project, "all") == 1
    err = capsys.readouterr().err.splitlines()
    assert err == ["source/bomb.md:2:1: error: invalid YAML front matter: its aliases expand to more than "
                   "10000 values [source.yaml]"]
    assert (sample_project / "out/frontmatter/en-US" / SEED_NAME).is_file()
    assert not (sample_project / "out/frontmatter/en-US/bomb.md").exists()


def test_a_front_matter_of_many_keys_without_aliases_is_no_alias_bomb(sample_project, capsys):
    """8,000 plain keys were refused as "its aliases expand to more than 10000 values":
    without an alias, the values are those written, which the page's size bounds."""
    keys = "".join(f"k{i}: v{i}\n" for i in range(8_000))
    (sample_project / "source" / "many.md").write_text("---\ntitle: Beaucoup\n" + keys + "---\n# Bonjour\n",
                                                       encoding="utf-8")
    assert _run(sample_project, "all") == 0
    assert "many.md" in (sample_project / "out/frontmatter/en-US/many.md").name


def test_negative_jobs_is_a_usage_error(sample_project, capsys):
    """``-j -3`` reached ProcessPoolExecutor: a ValueError traceback, exit 1."""
    assert _run(sample_project, "build", "-j", "-3") == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip() == ("<command line>:1:1: error: argument -j/--jobs: '-3' is not a number of processes "
                           "(0: all cores); see 'pipeline build --help' [config.usage]")


def test_a_locale_no_longer_configured_loses_its_outputs_at_the_next_full_build(sample_project, capsys):
    """Only ``--locale`` keeps the other locales' outputs; a locale taken out of
    ``target_locales`` is stale, as a removed page is."""
    assert _run(sample_project, "build") == 0
    page = sample_project / "out/html/qps-plocm" / (SEED_NAME[:-3] + ".html")
    assert page.is_file()
    settings = sample_project / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(', "qps-plocm"]', "]"), encoding="utf-8")
    assert _run(sample_project, "build") == 0
    assert not page.exists() and (sample_project / "out/html/de-DE" / (SEED_NAME[:-3] + ".html")).is_file()
    # its folders go too (they were left empty: a clean build has none)
    assert [p for p in (sample_project / "out").rglob("*") if p.is_dir() and not any(p.iterdir())] == []
    assert not any((sample_project / "out" / fmt / "qps-plocm").exists()
                   for fmt in ("html", "markdown", "frontmatter", "catalog"))


def test_output_closed_early_is_not_an_error(sample_project):
    """``pipeline stats | head``: the pipe closing is a BrokenPipeError, an OSError too, and must
    not be reported as a file we could not write."""
    script = ("import sys; from pipeline import cli, stats\n"
              "def closed(rows): raise BrokenPipeError(32, 'Broken pipe')\n"
              "stats.format_table = closed\n"
              f"sys.exit(cli.main(['-C', {str(sample_project)!r}, 'stats']))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr) == (0, "")


def test_octal_and_hex_escapes_read_as_gnu_reads_them_and_nul_is_an_error(sample_project, capsys):
    """msgfmt reads octal and hex escapes; polib keeps them as a backslash and letters, so
    ``msgstr "You \\101 see"`` was published as ``You \\101 see`` (and later refused as
    po.syntax). They are read as GNU reads them (``You A see``, written back as ``A`` by
    ``update``); ``\\0``, a NUL byte, ends a gettext string: a located error. (``\\a``, which
    our writer writes as GNU does: ``test_control_characters_in_a_source_page_build_every_page``.)"""
    po = sample_project / EN_PO
    text = po.read_text(encoding="utf-8")
    broken = text.replace(HEADING, HEADING.replace("You see", "You \\0 see"), 1)
    po.write_text(broken, encoding="utf-8")
    line = broken[: broken.index("\\0")].count("\n") + 1
    column = len(broken[: broken.index("\\0")].rsplit("\n", 1)[-1]) + 1
    assert _run(sample_project, "build") == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{EN_PO}:{line}:{column}: error: escape sequence '\\0' holds a NUL byte, which ends the string for "
        "gettext [po.syntax]"]
    for escape in ("\\101", "\\x41"):
        po.write_text(text.replace(HEADING, HEADING.replace("You see", f"You {escape} see"), 1), encoding="utf-8")
        assert _run(sample_project, "build") == 0
        built = (sample_project / "out/frontmatter/en-US" / SEED_NAME).read_text(encoding="utf-8")
        assert "You A see errors" in built, escape
    assert _run(sample_project, "update") == 0
    assert HEADING.replace("You see", "You A see") in po.read_text(encoding="utf-8")


def test_a_check_report_that_cannot_be_written_names_the_file_given(sample_project, capsys):
    (sample_project / "taken").mkdir()
    target = sample_project / "taken" / "report.xml"
    target.mkdir()  # a folder where the report goes
    code = _run(sample_project, "check", "--no-outputs", "--no-baseline", "--format", "junit", "-o", str(target))
    assert code == 2
    assert capsys.readouterr().err.splitlines()[-1].startswith(f"{target}:1:1: error: cannot write: ")


def test_update_reports_a_catalog_saved_with_a_byte_order_mark_as_build_does(sample_project, capsys):
    """The template digest in its header still matched, so update skipped the file unread
    (exit 0) while build rejected it."""
    assert _run(sample_project, "all") == 0
    po = sample_project / EN_PO
    text = po.read_text(encoding="utf-8")
    po.write_text("\ufeff" + text, encoding="utf-8")
    expected = [f"{EN_PO}:1:1: error: byte order mark (U+FEFF) at the start of the file: save it as UTF-8 "
                "without BOM [po.syntax]"]
    for command in ("update", "build"):
        assert _run(sample_project, command) == 1
        assert capsys.readouterr().err.splitlines() == expected
    assert po.read_text(encoding="utf-8") == "\ufeff" + text  # not rewritten


DE_PO = f"locales/de-DE/{SEED_NAME[:-3]}.po"
UNTRANSLATED = 'msgid "Voir aussi"\nmsgstr ""\n'  # the heading of the page's last section


def _conflict(text: str) -> str:
    return text.replace(UNTRANSLATED, 'msgid "Voir aussi"\n<<<<<<< HEAD\nmsgstr "Siehe auch"\n=======\n'
                        'msgstr "Weiterf\u00fchrende Links"\n>>>>>>> translations\n', 1)


@pytest.mark.parametrize("damage", [
    lambda text: text.replace(UNTRANSLATED, 'msgid "Voir aussi"\nmsgstr "Siehe auch\n', 1),  # unterminated string
    _conflict,  # a git merge left its markers
    lambda text: text + '\nmsgid "Voir aussi"\nmsgstr "Siehe auch"\n',  # a second live entry
    lambda text: text + '\nmsgid "%d device"\nmsgid_plural "%d devices"\nmsgstr[0] "a"\nmsgstr[1] "b"\n',
], ids=["unterminated-string", "conflict-markers", "duplicate-msgid", "plural-entry"])
@pytest.mark.parametrize("memo", ["kept", "dropped"])
def test_update_reads_a_catalog_edited_by_hand_and_reports_what_build_reports(sample_project, capsys, damage, memo):
    """A catalog whose header still named its template (``X-Pipeline-Template``) and kept its
    ``md-text`` flags was skipped unread: ``update`` said "0 catalog(s) written", exit 0, for a
    file ``build`` rejects. Only a file that is byte for byte what ``update`` last wrote is
    skipped; the memo of those (``out/.cache``) gone, every catalog is read."""
    assert _run(sample_project, "all") == 0
    po = sample_project / DE_PO
    text = po.read_text(encoding="utf-8")
    assert UNTRANSLATED in text
    broken = damage(text)
    po.write_text(broken, encoding="utf-8")
    if memo == "dropped":
        shutil.rmtree(sample_project / "out")
    capsys.readouterr()
    assert _run(sample_project, "build", "--locale", "de-DE") == 1
    reported = capsys.readouterr().err.splitlines()
    assert len(reported) == 1 and reported[0].startswith(f"{DE_PO}:") and "[po." in reported[0], reported
    assert _run(sample_project, "update") == 1
    assert capsys.readouterr().err.splitlines() == reported
    assert po.read_text(encoding="utf-8") == broken  # a file we cannot read is never rewritten
    assert _run(sample_project, "update") == 1  # and reported again on every run
    assert capsys.readouterr().err.splitlines() == reported


def test_an_include_outside_the_source_folder_is_not_inlined(tmp_path, capsys):
    """``[!INCLUDE [x](../../secret.txt)]`` read a file beside the project into every built page."""
    (tmp_path / "secret.txt").write_text("secret-content-123\n", encoding="utf-8")
    project = tmp_path / "site"
    (project / "source" / "docs").mkdir(parents=True)
    (project / "source" / "docs" / "a.md").write_text(
        "# Page\n\n[!INCLUDE [x](../../../secret.txt)]\n\n[!INCLUDE [y](/etc/hostname)]\n", encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\n', encoding="utf-8")
    assert _run(project, "all") == 0
    built = [p.read_bytes() for p in (project / "out").rglob("*") if p.is_file() and ".cache" not in p.parts]
    assert built and not any(b"secret-content" in data for data in built)
    markdown = (project / "out/markdown/en-US/docs/a.md").read_text(encoding="utf-8")
    assert "[x](../../../secret.txt)" in markdown  # left as a link, as a missing include is


def _settings_line(project: Path, text: str) -> None:
    """Add ``text`` as a line of the project's [tool.pipeline] table."""
    config = project / "pyproject.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "[tool.pipeline]\n", f"[tool.pipeline]\n{text}\n", 1), encoding="utf-8")


def test_settings_files_not_in_utf8_are_located_usage_errors(sample_project, capsys):
    """A Latin-1 byte in pyproject.toml, the glossary or the inventory of known URLs was a
    UnicodeDecodeError traceback."""
    config = sample_project / "pyproject.toml"
    original = config.read_bytes()
    config.write_bytes(original + b"# caf\xe9\n")
    line = original.count(b"\n") + 1
    assert _run(sample_project, "build") == 2
    assert capsys.readouterr().err.strip() == f"pyproject.toml:{line}:6: error: file is not valid UTF-8 [config.toml]"
    config.write_bytes(original)

    shutil.copy(Path(__file__).parent.parent / "check-baseline.json", sample_project)
    _settings_line(sample_project, 'glossary = "glossary.txt"')
    (sample_project / "glossary.txt").write_bytes(b"Company Portal\nCaf\xe9\n")
    for command in ("build", "check"):
        assert _run(sample_project, command) == 2
        assert capsys.readouterr().err.strip() == "glossary.txt:2:4: error: file is not valid UTF-8 [config.glossary]"
    (sample_project / "glossary.txt").unlink()
    (sample_project / "source" / "second.md").write_text("# Second\n", encoding="utf-8")  # two pages: worker processes
    for jobs in ("1", "2"):
        assert _run(sample_project, "build", "-j", jobs) == 2  # a glossary set but missing was silently no glossary
        assert capsys.readouterr().err.strip() == "glossary.txt:1:1: error: no such glossary file [config.glossary]"
    (sample_project / "glossary.txt").write_text("Company Portal\n", encoding="utf-8")
    assert _run(sample_project, "build") == 0

    inventory = sample_project / "known-urls.txt"
    inventory.write_bytes(b"# known\nhttps://example.com/caf\xe9\n")
    assert _run(sample_project, "check", "--no-outputs", "--inventory", str(inventory)) == 2
    assert capsys.readouterr().err.strip() == f"{inventory}:2:24: error: file is not valid UTF-8 [config.inventory]"


def _set_setting(project: Path, key: str, value: str) -> int:
    """Set ``key = value`` in the project's [tool.pipeline] table (replacing the key's line if
    there is one); the line number it is on."""
    config = project / "pyproject.toml"
    lines = config.read_text(encoding="utf-8").splitlines()
    start = lines.index("[tool.pipeline]")
    at = next((i for i in range(start, len(lines)) if lines[i].startswith(f"{key} =")), start + 1)
    if at == start + 1 and not lines[at].startswith(f"{key} ="):
        lines.insert(at, "")
    lines[at] = f"{key} = {value}"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return at + 1


@pytest.mark.parametrize("key, value, message", [
    ("translate_keys", "5", "'translate_keys' must be a list of strings, not an integer"),
    ("translate_keys", '"title"', "'translate_keys' must be a list of strings, not a string"),
    ("translate_keys", '["title", 5]', "'translate_keys' must be a list of strings, not a list holding an integer"),
    ("target_locales", "5", "'target_locales' must be a list of strings, not an integer"),
    ("target_locales", '"de-DE"', "'target_locales' must be a list of strings, not a string"),
    ("baseline", "5", "'baseline' must be a string (a file name), not an integer"),
    ("glossary", "5", "'glossary' must be a string (a file name), not an integer"),
    ("redirects", "true", "'redirects' must be a string (a file name), not a boolean"),
    ("out", "5", "'out' must be a string (a folder), not an integer"),
    ("source", "[]", "'source' must be a string (a folder), not a list"),
    ("source_locale", "1.5", "'source_locale' must be a string (a locale such as 'en-US'), not a number"),
    ("project", "{}", "'project' must be a string, not a table"),
])
def test_settings_of_the_wrong_type_are_located_usage_errors(sample_project, capsys, key, value, message):
    """Wrong types were tracebacks (``translate_keys = 5``: 'int' object is not iterable;
    ``baseline = 5``: unsupported operand type(s) for /) or, worse, taken apart: the string
    ``translate_keys = "title"`` became the keys t, i, l, e and every title went obsolete."""
    line = _set_setting(sample_project, key, value)
    assert _run(sample_project, "all") == 2
    assert capsys.readouterr().err.splitlines() == [f"pyproject.toml:{line}:1: error: {message} [config.type]"]
    assert not (sample_project / "out").exists()


@pytest.mark.parametrize("value", ['"../../x"', '"a/b"', '""', '".hidden"', '"x\\\\y"', '"two words"'])
def test_a_project_name_that_is_no_plain_name_is_a_usage_error(sample_project, capsys, value):
    """``project`` names the .mo file of every locale: "../../x" put all of them in one file,
    out/catalog/x.mo (the last locale won), "a/b" nested folders, "" a hidden ".mo"."""
    line = _set_setting(sample_project, "project", value)
    assert _run(sample_project, "build") == 2
    assert capsys.readouterr().err.splitlines() == [
        f"pyproject.toml:{line}:1: error: 'project' must be a plain name (letters, digits, '.', '-', '_'; "
        f"not starting with '.'): it names each locale's .mo file, not {value} [config.project]"]
    assert not (sample_project / "out").exists()


def test_a_site_map_folder_of_the_wrong_type_is_located(sample_project, capsys):
    config = sample_project / "pyproject.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('"/intune" = "InTuneDocs"', '"/intune" = 5'), encoding="utf-8")
    line = text[:text.index('"/intune" = "InTuneDocs"')].count("\n") + 1
    assert _run(sample_project, "build") == 2
    assert capsys.readouterr().err.splitlines() == [
        f"pyproject.toml:{line}:1: error: 'site_map' must map URL prefixes to folders (strings): "
        "'/intune' is an integer [config.type]"]


@pytest.mark.parametrize("text, message", [
    ('[tool.pipeline]\nsite_map = "/intune"\n',
     "pyproject.toml:2:1: error: 'site_map' must be a table of URL prefix = folder, not a string"),
    ('[tool]\npipeline = "x"\n', "pyproject.toml:2:1: error: 'tool.pipeline' must be a table, not a string"),
    ("tool = 5\n", "pyproject.toml:1:1: error: 'tool' must be a table, not an integer"),
    # the line of the table's header, not of the first "pipeline =" (a [project.scripts] entry)
    ('[project.scripts]\npipeline = "pipeline.cli:main"\n\n[[tool.pipeline]]\nsource = "s"\n',
     "pyproject.toml:4:1: error: 'tool.pipeline' must be a table, not a list"),
])
def test_a_setting_or_section_that_is_not_a_table_is_a_usage_error(tmp_path, capsys, text, message):
    """``[tool] pipeline = "x"`` ended in "'str' object is not a mapping"."""
    (tmp_path / "source").mkdir()
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    assert _run(tmp_path, "build") == 2
    assert capsys.readouterr().err.splitlines() == [f"{message} [config.type]"]


def test_a_project_table_of_another_shape_is_not_ours_to_refuse(tmp_path):
    """``[project]`` belongs to the packaging tools: a name that is not a string only gives
    up the default project name."""
    (tmp_path / "source").mkdir()
    (tmp_path / "pyproject.toml").write_text('project = "x"\n[tool.pipeline]\nsource_locale = "en-US"\n',
                                             encoding="utf-8")
    assert _run(tmp_path, "build") == 0


def test_a_locale_listed_twice_in_the_settings_is_a_usage_error(sample_project, capsys):
    """``target_locales = ["de-DE", "de-DE"]`` built each unit twice at once: '4 built,
    2 failed' with no error line, and exit 0."""
    line = _set_setting(sample_project, "target_locales", '["de-DE", "en-US", "de-DE"]')
    assert _run(sample_project, "build") == 2
    assert capsys.readouterr().err.splitlines() == [
        f"pyproject.toml:{line}:1: error: 'target_locales' lists 'de-DE' twice [config.locale]"]
    assert not (sample_project / "out").exists()


def test_the_source_locale_as_a_target_is_a_usage_error(sample_project, capsys):
    """It was dropped silently; ``--source-locale`` naming a target is located on the command line."""
    line = _set_setting(sample_project, "target_locales", '["de-DE", "fr-FR"]')
    assert _run(sample_project, "build") == 2
    assert capsys.readouterr().err.splitlines() == [
        f"pyproject.toml:{line}:1: error: the source locale 'fr-FR' is also in 'target_locales' [config.locale]"]
    _set_setting(sample_project, "target_locales", '["de-DE", "en-US"]')
    assert _run(sample_project, "--source-locale", "en-US", "build") == 2
    assert capsys.readouterr().err.splitlines() == [
        "<command line>:1:1: error: the source locale 'en-US' is also in 'target_locales' [config.locale]"]


def test_a_locale_given_twice_on_the_command_line_is_built_once(sample_project, capsys):
    """``build --locale de-DE --locale de-DE`` printed '4 built, 2 failed' and exited 0."""
    assert _run(sample_project, "build", "--locale", "de-DE", "--locale", "en-US", "--locale", "de-DE") == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "build: 1 page(s) x 3 locale(s): 3 built, 0 up to date" in captured.out
    assert [line.split(":")[1] for line in captured.out.splitlines() if "% translated" in line] == [
        " fr-FR", " de-DE", " en-US"]


@pytest.mark.parametrize("value", ["150", "-5", "nan", "inf", "-inf", "ten", "100.01"])
def test_min_coverage_outside_0_to_100_is_a_usage_error(sample_project, capsys, value):
    """150, -5, nan and inf were accepted: nan publishes nothing, 150 publishes nothing either."""
    assert _run(sample_project, "build", f"--min-coverage={value}") == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip() == (f"<command line>:1:1: error: argument --min-coverage: '{value}' is not a percentage "
                           "(0 to 100); see 'pipeline build --help' [config.usage]")
    assert not (sample_project / "out").exists()


def test_min_coverage_bounds_are_accepted(sample_project):
    assert _run(sample_project, "build", "--min-coverage", "0") == 0
    assert _run(sample_project, "all", "--min-coverage", "100") == 0


def test_an_output_folder_inside_the_source_folder_is_not_read_as_pages(sample_project, capsys):
    """``out = "source/_site"`` (Sphinx keeps ``_build`` in the docs folder): each run
    extracted the last run's built pages as new source pages, 1 -> 7 -> 37."""
    _set_setting(sample_project, "out", '"source/_site"')
    for _ in range(3):
        assert _run(sample_project, "all") == 0
        out = capsys.readouterr().out
        assert "build: 1 page(s) x 5 locale(s): " in out, out
    assert [p.name for p in (sample_project / "locales").rglob("*.pot")] == [SEED_NAME[:-3] + ".pot"]
    assert (sample_project / "source/_site/frontmatter/en-US" / SEED_NAME).is_file()
    assert _run(sample_project, "stats", "--format", "json") == 0
    assert capsys.readouterr().out.count('"page": "') == 2  # one page in each of de-DE and en-US
    built = sample_project / "source/_site/frontmatter/en-US"
    assert _run(sample_project, "import", "--locale", "en-US", "--from", str(built)) == 0
    out = capsys.readouterr().out.splitlines()
    assert [l.split(": ")[2] for l in out if ".md: " in l] == [SEED_NAME]
    assert out[-1].startswith("import: en-US: 1 page(s), ")


def test_the_project_folder_as_source_leaves_out_our_folders(sample_project, capsys):
    """``source = "."`` with the default ``out = "out"``: the built pages became source pages."""
    _set_setting(sample_project, "source", '"."')
    (sample_project / "locales/notes.md").write_text("# Notes\n", encoding="utf-8")
    for _ in range(2):
        assert _run(sample_project, "all") == 0
        assert "build: 1 page(s) x 5 locale(s): " in capsys.readouterr().out
    # the shipped template is gone: its page is no page of this source (it is source/<page>.md now)
    assert sorted(p.relative_to(sample_project / "locales/pot").as_posix()
                  for p in (sample_project / "locales/pot").rglob("*.pot")) == [f"source/{SEED_NAME[:-3]}.pot"]


def test_check_with_the_output_folder_inside_the_source_folder_finds_what_it_finds_beside_it(sample_project, capsys):
    """The check lists the source files for links: built pages are not source files."""
    shutil.copy(Path(__file__).parent.parent / "check-baseline.json", sample_project)
    assert _run(sample_project, "all") == 0
    capsys.readouterr()
    beside = _run(sample_project, "check", "--no-cache"), capsys.readouterr()
    shutil.rmtree(sample_project / "out")
    _set_setting(sample_project, "out", '"source/_site"')
    assert _run(sample_project, "all") == 0
    capsys.readouterr()
    inside = _run(sample_project, "check", "--no-cache"), capsys.readouterr()
    assert inside[0] == beside[0]
    assert inside[1].err == beside[1].err.replace("out/", "source/_site/")
    assert inside[1].out == beside[1].out.replace("out/", "source/_site/")
    assert _run(sample_project, "check") == beside[0]  # stored, then replayed
    assert capsys.readouterr().out == inside[1].out
    assert _run(sample_project, "check") == beside[0]
    assert capsys.readouterr().out == inside[1].out


@pytest.mark.parametrize("settings, where, message", [
    ({"out": '"."'}, "out", "source folder 'source' is inside the output folder '.'"),
    ({"out": '"source"'}, "out", "source folder 'source' is the output folder"),
    ({"locales": '"out/locales"'}, "locales", "locales folder 'out/locales' is inside the output folder 'out'"),
])
def test_our_folders_inside_the_output_folder_are_a_usage_error(sample_project, capsys, settings, where, message):
    """``make clean`` removes the output folder: with the pages or translations in it."""
    lines = {key: _set_setting(sample_project, key, value) for key, value in settings.items()}
    assert _run(sample_project, "build") == 2
    assert capsys.readouterr().err.splitlines() == [
        f"pyproject.toml:{lines[where]}:1: error: {message}, which 'make clean' deletes [config.out]"]
    assert _run(sample_project, "--out", ".", "--locales", "locales", "extract") == 2
    assert capsys.readouterr().err.splitlines() == [
        "<command line>:1:1: error: source folder 'source' is inside the output folder '.', which 'make clean' "
        "deletes [config.out]"]


def test_a_link_into_the_output_folder_inside_the_source_folder_is_broken_as_it_is_beside_it(sample_project, capsys):
    """Built files are not source files: a source page's link to one is broken, as a link to
    ``../out/...`` is (the published page is not where the link leads), and the build does not
    copy built files back into the output as the page's assets (each run one level deeper)."""
    shutil.copy(Path(__file__).parent.parent / "check-baseline.json", sample_project)
    _set_setting(sample_project, "out", '"source/_site"')
    (sample_project / "source/deux.md").write_text(
        "# Deux\n\nVoir [le site](_site/html/fr-FR/index.html) et [le style](_site/html/fr-FR/style.css).\n",
        encoding="utf-8")
    for _ in range(2):
        assert _run(sample_project, "all") == 0
    assert not (sample_project / "source/_site/html/fr-FR/_site").exists()
    capsys.readouterr()
    assert _run(sample_project, "check", "--no-outputs") == 1
    assert [line for line in capsys.readouterr().out.splitlines() if "deux.md" in line] == [
        "source/deux.md:3:6: error: broken link '_site/html/fr-FR/index.html': no such file [link.missing-file]",
        "source/deux.md:3:48: error: broken link '_site/html/fr-FR/style.css': no such file [link.missing-file]"]


def test_a_page_that_is_a_dangling_link_is_one_error_in_build_and_check(sample_project, capsys):
    """A ``.md`` symbolic link to a missing file: the build skipped it in silence, and the
    check stopped at it with an unlocated OSError, reporting nothing else."""
    shutil.copy(Path(__file__).parent.parent / "check-baseline.json", sample_project)
    (sample_project / "source" / "moved.md").symlink_to(sample_project / "nowhere" / "moved.md")
    line = "source/moved.md:1:1: error: cannot read the page: No such file or directory [io.read]"
    assert _run(sample_project, "all") == 1
    captured = capsys.readouterr()
    assert captured.err.strip().splitlines() == [line]
    assert (sample_project / "out/html/de-DE" / (SEED_NAME[:-3] + ".html")).is_file()
    assert _run(sample_project, "check") == 1
    captured = capsys.readouterr()
    assert [l for l in captured.out.splitlines() if "(known error)" not in l] == [line]
    assert "11 known (baseline)" in captured.err


def test_the_temporary_files_of_a_killed_run_are_removed_by_the_next(sample_project):
    """``write_atomic`` writes ``.<name>.<pid>.tmp`` and renames it: a run killed between the
    two (kill -9, a cancelled CI job) left the file, deployed with out/html ever after."""
    assert _run(sample_project, "all") == 0
    dead = subprocess.Popen(["true"])  # a process id that is gone
    dead.wait()
    leftovers = [sample_project / "out/html/de-DE" / f".page.html.{dead.pid}.tmp",
                 sample_project / "out/.cache" / f".units.json.{dead.pid}.tmp",
                 sample_project / "locales/de-DE" / f".page.po.{dead.pid}.tmp"]
    live = sample_project / "out/html/de-DE" / ".other.html.1.tmp"  # pid 1: a run still going
    for path in [*leftovers, live]:
        path.write_bytes(b"half a page")
    (sample_project / "out/.cache/running").write_text(str(dead.pid), encoding="ascii")
    assert _run(sample_project, "all") == 0
    assert [p for p in leftovers if p.exists()] == [] and live.exists()
    assert not (sample_project / "out/.cache/running").exists()  # the run ended: nothing to sweep next time


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_worker_processes_end_when_the_run_is_killed(sample_project):
    """Killing only the leader (timeout, a container stop) left the pool's workers asleep
    for good, reparented to init."""
    import signal
    import time

    for n in range(4):
        (sample_project / "source" / f"page{n}.md").write_text(f"# Page {n}\n", encoding="utf-8")
    (sample_project / "templates" / "page.md.j2").write_text(  # seconds of work in each worker
        "{% for i in range(3000000) %}{% endfor %}{{ body }}\n", encoding="utf-8")
    script = "import sys; from pipeline.cli import main; sys.exit(main())"
    run = subprocess.Popen([sys.executable, "-c", script, "-C", str(sample_project), "build", "-j", "2"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    workers: list[int] = []
    while len(workers) < 2 and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.05)
        workers = _children(run.pid)
    assert len(workers) >= 2, "the build ended before its workers could be seen"
    run.send_signal(signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)  # an orphan that ends is reaped by init: its /proc entry goes
    alive = [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert alive == []


def test_a_folder_that_is_no_project_says_so(tmp_path, capsys):
    """In a folder with no settings (the repository root above docs/, a typo in -C) the error
    named a pyproject.toml that does not exist."""
    assert main(["-C", str(tmp_path), "build"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"{tmp_path}:1:1: error: no project here: no pipeline.toml, no [tool.pipeline] in a pyproject.toml, and no "
        "'source' folder (run pipeline in the project's folder, or give -C DIR) [config.missing]")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\n', encoding="utf-8")
    assert main(["-C", str(tmp_path), "build"]) == 2
    assert "error: no project here:" in capsys.readouterr().err


def test_control_characters_in_a_source_page_build_every_page(sample_project, capsys):
    """A bell, a form feed or an escape sequence pasted into a page crashed the whole build
    (lxml refuses them: a traceback, no page of any locale written). The formats that keep
    the page's bytes keep them; HTML, which forbids them, shows U+FFFD as browsers show NUL."""
    page = sample_project / "source" / "ctl.md"
    data = "---\ntitle: Ctl\n---\n\n# Bell \x07 here\n\nText \x01 and \x1b[31m, \x0c and \x00.\n".encode()
    page.write_bytes(data)
    assert _run(sample_project, "all") == 0
    out = sample_project / "out"
    assert (out / "frontmatter" / "fr-FR" / "ctl.md").read_bytes() == data
    html = (out / "html" / "de-DE" / "ctl.html").read_text(encoding="utf-8")
    assert "Bell \ufffd here" in html and "Text \ufffd and \ufffd[31m, \ufffd and \ufffd." in html
    assert not any(c in html for c in "\x00\x01\x07\x0c\x1b")
    assert (out / "html" / "de-DE" / (SEED_NAME[:-3] + ".html")).is_file()


def test_a_control_character_in_a_translated_cell_is_one_error_and_the_cell_falls_back(sample_project, capsys):
    po = sample_project / "locales" / "de-DE" / (SEED_NAME[:-3] + ".po")
    text = po.read_text(encoding="utf-8")
    line = text[:text.index("zu viele mobile")].count("\n") + 1  # its msgstr's line
    po.write_text(text.replace("zu viele mobile", "zu viele\x07 mobile"), encoding="utf-8")
    assert _run(sample_project, "build") == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"locales/de-DE/{SEED_NAME[:-3]}.po:{line}:1: error: control character U+0007 in the translation (no HTML "
        f"page can hold it) (source source/{SEED_NAME}:35); the source text is used instead [qa.control]"]
    html = (sample_project / "out" / "html" / "de-DE" / (SEED_NAME[:-3] + ".html")).read_text(encoding="utf-8")
    assert "Vous avez trop d’appareils mobiles déjà inscrits." in html and "\x07" not in html


def test_a_broken_catalog_of_a_page_with_an_error_table_leaves_the_site_files_built(sample_project, capsys):
    """The error catalogs (errors.json, .mo) read every locale's translations of the pages
    with an error table: one unreadable PO file stopped them all, so no locale got its index,
    stylesheets or catalogs, and the run's summary was not printed."""
    po = sample_project / "locales" / "de-DE" / (SEED_NAME[:-3] + ".po")
    text = po.read_text(encoding="utf-8")
    line = text[:text.index('msgid "Voir aussi"')].count("\n") + 2
    po.write_text(text.replace('msgid "Voir aussi"\nmsgstr ""', 'msgid "Voir aussi"\nmsgstr "Siehe auch'), encoding="utf-8")
    assert _run(sample_project, "all") == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"locales/de-DE/{SEED_NAME[:-3]}.po:{line}:8: error: end-of-line within string [po.syntax]"]
    assert "build: fr-FR: 100.0% translated" in captured.out
    out = sample_project / "out"
    for locale in ("fr-FR", "en-US", "de-DE"):
        assert (out / "html" / locale / "index.html").is_file(), locale
        assert (out / "catalog" / locale / "errors.json").is_file(), locale
    assert (out / "html" / "style.css").is_file()
    errors = (out / "catalog" / "de-DE" / "errors.json").read_text(encoding="utf-8")
    assert "Vous avez trop d’appareils mobiles déjà inscrits." in errors  # the source text: nothing was readable


def _unreadable(monkeypatch, name: str) -> None:
    """Reading files named ``name`` fails as a file without read permission does for a user
    (the tests may run as root, whom permissions do not stop)."""
    import pathlib

    import pipeline.files

    real = pathlib.Path.read_bytes
    real_regular = pipeline.files._read_regular

    def read_bytes(self):
        if self.name == name and os.path.lexists(self):
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    def read_regular(path):
        if Path(path).name == name and os.path.lexists(path):  # a file that is not there is not there
            raise PermissionError(13, "Permission denied", str(path))
        return real_regular(path)
    monkeypatch.setattr(pathlib.Path, "read_bytes", read_bytes)
    monkeypatch.setattr(pipeline.files, "_read_regular", read_regular)


def test_an_unreadable_catalog_is_one_located_error_and_the_rest_is_built_checked_and_counted(
        sample_project, capsys, monkeypatch):
    """The OSError escaped to the command's last resort: no page of any locale, no index, no
    summary, no check report, no stats table, only 'Permission denied [io.error]'."""
    name = SEED_NAME[:-3] + ".po"
    _unreadable(monkeypatch, name)
    line = f"locales/de-DE/{name}:1:1: error: cannot read the catalog: Permission denied [io.read]"
    (sample_project / "locales" / "en-US" / name).unlink()  # de-DE's is the one unreadable
    assert _run(sample_project, "build", "-j", "1") == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [line]
    assert "build: fr-FR: 100.0% translated" in captured.out
    assert (sample_project / "out" / "html" / "fr-FR" / (SEED_NAME[:-3] + ".html")).is_file()
    assert not (sample_project / "out" / "html" / "de-DE" / (SEED_NAME[:-3] + ".html")).exists()  # its unit failed
    for locale in ("fr-FR", "de-DE"):
        assert (sample_project / "out" / "html" / locale / "index.html").is_file()
    assert _run(sample_project, "check", "--no-cache", "--no-baseline", "-j", "1") == 1
    captured = capsys.readouterr()
    assert line in captured.out.splitlines() and "pipeline check:" in captured.err
    assert _run(sample_project, "stats") == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [line] and "(all pages)" in captured.out  # the others counted


@pytest.mark.parametrize("name, shown, why", [
    (b"caf\xe9.md", "caf\\xe9.md", "is not valid UTF-8"),
    (b"new\nline.md", "new\\nline.md", "holds a control character (U+000A)"),
])
def test_a_page_whose_name_cannot_be_written_is_one_error_and_the_others_are_built(sample_project, capsys,
                                                                                   name, shown, why):
    """A Latin-1 file name gave a traceback (it cannot be written into a PO reference, a cache
    or a report); a newline in one split the template's reference line and the report's."""
    source = os.fsencode(sample_project / "source")
    with open(os.path.join(source, name), "wb") as page:
        page.write(b"# A\n\nText.\n")
    line = f"source/{shown}:1:1: error: the file name {why}: rename the page [source.name]"
    for command in (["extract"], ["build", "-j", "1"], ["check", "--no-baseline", "--no-outputs", "--no-cache"],
                    ["stats"]):  # stats left the page out, silently
        assert _run(sample_project, *command) == 1, command
        captured = capsys.readouterr()
        assert line in (captured.out + captured.err).splitlines(), command
    assert (sample_project / "out" / "html" / "de-DE" / (SEED_NAME[:-3] + ".html")).is_file()
    assert sorted(p.name for p in (sample_project / "locales" / "pot").iterdir()) == [SEED_NAME[:-3] + ".pot"]


def test_update_never_replaces_a_catalog_it_cannot_read(sample_project, capsys, monkeypatch):
    """An unreadable PO file was taken for a missing one: update wrote a new, empty catalog
    over it ("1 catalog(s) written", exit 0) and its translations were gone."""
    import pipeline.update

    name = SEED_NAME[:-3] + ".po"
    po = sample_project / "locales" / "de-DE" / name
    before = po.read_bytes()
    _unreadable(monkeypatch, name)
    real = pipeline.update.read_bytes
    monkeypatch.setattr(pipeline.update, "read_bytes", lambda path: None if Path(path).name == name else real(path))
    assert _run(sample_project, "update") == 1
    err = capsys.readouterr().err.splitlines()
    assert f"locales/de-DE/{name}:1:1: error: cannot read the catalog: Permission denied [io.read]" in err
    with open(po, "rb") as kept:  # not Path.read_bytes, which fails here
        assert kept.read() == before


@pytest.mark.parametrize("command", [["import", "--from", "source"], ["init"], ["update"], ["stats"]])
def test_a_pseudo_locale_has_no_catalogs_to_name(sample_project, capsys, command):
    """``import --locale qps-ploc`` (a locale of target_locales) said "unknown locale"."""
    assert _run(sample_project, *command, "--locale", "qps-ploc") == 2
    assert capsys.readouterr().err.splitlines() == [
        "<command line>:1:1: error: 'qps-ploc' is a pseudo-locale: it is made from the source text and has no PO "
        "files [config.locale]"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_a_named_pipe_named_like_a_page_is_not_waited_for(sample_project):
    """Opening a FIFO blocks until something writes to it: `check` hung forever on one. It is
    a file that cannot be read as a page, reported as such, and every command finishes."""
    os.mkfifo(sample_project / "source" / "pipe.md")
    script = "import sys; from pipeline.cli import main; sys.exit(main(sys.argv[1:]))"
    for command in (["all"], ["check", "--no-cache", "--no-baseline"], ["stats"]):
        done = subprocess.run([sys.executable, "-c", script, "-C", str(sample_project), *command],
                              capture_output=True, text=True, timeout=60, check=False)
        assert "Traceback" not in done.stderr and done.returncode in (0, 1), (command, done.stderr)
        if command[0] == "check":
            assert "source/pipe.md:1:1: error: cannot read the page: not a regular file [io.read]" in done.stdout


_CACHE_SHAPES = ("null", "[]", "5", '"x"', "{}", '{"format": 1}', '{"units": 5, "site": 5}',
                 '{"extract": [1, 2], "update": 5}')


def test_a_cache_file_of_another_shape_is_no_cache(sample_project, capsys):
    """``out/.cache`` is ours, but a file there may be cut short, hand-edited or written by
    another version: each is read as no cache (its work is done again), never a traceback.
    Every cache file a build and a check leave, each replaced by JSON of every other shape."""
    shutil.copy(Path(__file__).parent.parent / "check-baseline.json", sample_project)  # the seed's own findings
    assert _run(sample_project, "all") == 0
    assert main(["-C", str(sample_project), "check"]) == 0
    cache = sample_project / "out" / ".cache"
    names = sorted(path.name for path in cache.iterdir() if path.suffix == ".json")
    assert {"build.json", "sync.json", "links.json", "check-runs.json"} <= set(names), names
    capsys.readouterr()
    for name in names:
        for shape in _CACHE_SHAPES:
            (cache / name).write_text(shape, encoding="utf-8")
            assert (_run(sample_project, "all"), main(["-C", str(sample_project), "check"])) == (0, 0), (name, shape)
            captured = capsys.readouterr()
            assert "Traceback" not in captured.err and ": error:" not in captured.err, (name, shape, captured.err)


@pytest.mark.parametrize(("charset", "misread"), [("CP1252", "â€™"), ("ISO-8859-1", "âU+0080U+0099")])
def test_a_utf8_catalog_whose_header_declares_a_single_byte_charset_is_refused_and_never_rewritten(
        sample_project, capsys, charset, misread):
    """``sed -i 's/charset=UTF-8/charset=CP1252/'`` on a UTF-8 catalog: the build read it as
    mojibake (exit 0, de-DE 0% translated, the page published in French), and ``update``
    rewrote it as UTF-8 from the misread text: every reviewed translation fuzzy, its msgstr
    garbled ('GerÃ¤ts'), so that restoring the header no longer helped."""
    name = SEED_NAME[:-3]
    de_po = f"locales/de-DE/{name}.po"
    assert _run(sample_project, "all") == 0
    capsys.readouterr()
    po = sample_project / de_po
    good = po.read_bytes()
    built = {path: path.read_bytes() for path in (sample_project / "out").rglob(f"de-DE/{name}*")}
    assert len(built) == 3
    assert _run(sample_project, "stats", "--format", "json") == 0
    counts = capsys.readouterr().out
    text = good.decode("utf-8")
    header = text[:text.index("charset=UTF-8")].count("\n") + 1
    column = len(text[:text.index("charset=UTF-8")].rsplit("\n", 1)[-1]) + len("charset=") + 1
    first = next(i for i, char in enumerate(text) if ord(char) > 127)
    line = text[:first].count("\n") + 1
    assert text[first] == "’"  # which ISO-8859-1 reads as 'â' and two C1 controls, shown by code point
    error = (f"{de_po}:{header}:{column}: error: the header declares charset '{charset}', but the file is valid "
             f"UTF-8 (line {line} has '{text[first]}', which {charset} reads as '{misread}'): declare charset=UTF-8, "
             f"or save the file in {charset} [po.encoding]")
    po.write_bytes(good.replace(b"charset=UTF-8", b"charset=" + charset.encode("ascii")))
    damaged = po.read_bytes()
    assert _run(sample_project, "build") == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [error]
    assert "build: fr-FR: 100.0% translated" in captured.out and "build: en-US: 100.0% translated" in captured.out
    assert {path: path.read_bytes() for path in built} == built  # the page keeps its previous output
    for command in (["update"], ["all"], ["stats"]):
        assert _run(sample_project, *command) == 1, command
        assert error in capsys.readouterr().err.splitlines(), command
        assert po.read_bytes() == damaged, command  # never rewritten from what could not be read
    shutil.copy(Path(__file__).parent.parent / "check-baseline.json", sample_project)
    assert _run(sample_project, "check") == 1
    assert error in capsys.readouterr().out.splitlines()
    po.write_bytes(good)  # the header put right: nothing was lost
    assert _run(sample_project, "all") == 0
    assert po.read_bytes() == good
    assert _run(sample_project, "check") == 0, capsys.readouterr().err
    capsys.readouterr()
    assert _run(sample_project, "stats", "--format", "json") == 0
    assert capsys.readouterr().out == counts
    assert {path: path.read_bytes() for path in built} == built


# --- files and folders that are there but cannot be read --------------------------------------
# A file or folder that is there but cannot be read is never taken for one that is not there:
# that made a build overwrite translated pages with the source text, extract delete templates
# and the build delete pages. Permissions do not stop root, so "no permission" is emulated in
# the process; dangling links, link loops and a folder where a file goes fail for root too.

DE_PO = f"locales/de-DE/{SEED_NAME[:-3]}.po"
DE_HTML = f"out/html/de-DE/{SEED_NAME[:-3]}.html"


def _outputs(project: Path) -> dict[str, bytes]:
    out = project / "out"
    return {p.relative_to(project).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".cache" not in p.parts}


def _denied(monkeypatch, folder: Path) -> None:
    """``folder`` as ``chmod 000`` leaves it for a user who is not root: its own entry can be
    seen (its parent can be searched), but it cannot be listed, and nothing in it can be
    opened or looked at. Emulated in the process for os and io's calls."""
    import builtins
    import io

    inside = str(folder) + os.sep

    def blocked(path: object, itself: bool) -> bool:
        if isinstance(path, int):
            return False
        text = os.path.abspath(os.fsdecode(path))
        return (itself and text == str(folder)) or text.startswith(inside)

    def refusing(real, itself: bool):
        def call(path=".", *args, **kwargs):
            if blocked(path, itself):
                raise PermissionError(13, "Permission denied", os.fsdecode(path))
            return real(path, *args, **kwargs)
        return call

    for module, name, itself in ((os, "scandir", True), (os, "listdir", True), (os, "open", True),
                                 (os, "stat", False), (os, "lstat", False), (builtins, "open", True),
                                 (io, "open", True)):
        monkeypatch.setattr(module, name, refusing(getattr(module, name), itself))


def _break_de_catalog(project: Path, how: str) -> str:
    """Make de-DE's catalog of the sample page unreadable in one of the ways that fail for
    root too; the error line the commands that read it must print."""
    po = project / DE_PO
    po.unlink()
    if how == "dangling link":
        po.symlink_to(project / "gone.po")
        return f"{DE_PO}:1:1: error: cannot read the catalog: No such file or directory [io.read]"
    if how == "folder":
        po.mkdir()
        return f"{DE_PO}:1:1: error: cannot read the catalog: not a regular file [io.read]"
    if how == "link loop":
        po.symlink_to(po)
        return f"{DE_PO}:1:1: error: cannot read the catalog: Too many levels of symbolic links [io.read]"
    assert how == "locale folder is a file"
    shutil.rmtree(project / "locales/de-DE")
    (project / "locales/de-DE").write_text("not a folder\n", encoding="utf-8")
    return "locales/de-DE:1:1: error: cannot read the folder: Not a directory [io.read]"


@pytest.mark.parametrize("how", ["dangling link", "folder", "link loop", "locale folder is a file"])
def test_a_catalog_that_is_there_but_cannot_be_read_fails_its_page_everywhere(sample_project, capsys, how):
    """Anything at a PO file's place but a regular file was taken for no catalog: the build
    wrote de-DE's pages again from the source text (0.0%, exit 0, no word), stats counted 0%
    and check said nothing; only update said it could not read it."""
    shutil.copy(Path(__file__).parent.parent / "check-baseline.json", sample_project)
    assert _run(sample_project, "all") == 0
    before = _outputs(sample_project)
    line = _break_de_catalog(sample_project, how)
    capsys.readouterr()
    assert _run(sample_project, "build", "-j", "1") == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [line]
    assert "build: de-DE: 0.0%" not in captured.out and "1 failed" in captured.out
    after = _outputs(sample_project)
    assert after[DE_HTML] == before[DE_HTML]  # the page failed in de-DE: its translated output stays
    assert {p: after[p] for p in before if "/de-DE/" in p} == {p: b for p, b in before.items() if "/de-DE/" in p}
    assert sorted(after) == sorted(before)  # the other locales built (up to date), nothing removed
    assert _run(sample_project, "stats") == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [line] and "de-DE" not in captured.out and "en-US   (all pages)" in captured.out
    assert _run(sample_project, "check", "--no-cache", "-j", "1") == 1
    assert line in capsys.readouterr().out.splitlines()
    assert _run(sample_project, "update") == 1
    assert capsys.readouterr().err.splitlines() == [line]
    assert _outputs(sample_project) == after


def test_a_catalog_turned_into_a_dangling_link_is_not_passed_by_a_stored_check(sample_project, capsys):
    """The check stores each catalog's review under the digest of its inputs; a PO file that
    cannot be read and one that is not there had the same (none), so a review made while the
    file was missing was replayed, clean, once it was a dangling link."""
    shutil.copy(Path(__file__).parent.parent / "check-baseline.json", sample_project)
    assert _run(sample_project, "all") == 0
    (sample_project / DE_PO).unlink()
    assert _run(sample_project, "check", "--no-outputs", "-j", "1") == 0
    (sample_project / DE_PO).symlink_to(sample_project / "gone.po")
    line = f"{DE_PO}:1:1: error: cannot read the catalog: No such file or directory [io.read]"
    capsys.readouterr()
    assert _run(sample_project, "check", "--no-outputs", "-j", "1") == 1
    assert line in capsys.readouterr().out.splitlines()


def test_a_missing_catalog_that_becomes_a_dangling_link_is_reported_by_the_next_build(sample_project, capsys):
    """A unit's fingerprint held the same marker for a PO file not there and one that cannot
    be read, so a page built without its catalog was up to date once the catalog was a
    dangling link: exit 0, no word."""
    (sample_project / DE_PO).unlink()
    assert _run(sample_project, "build", "-j", "1") == 0
    (sample_project / DE_PO).symlink_to(sample_project / "gone.po")
    capsys.readouterr()
    assert _run(sample_project, "build", "-j", "1") == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{DE_PO}:1:1: error: cannot read the catalog: No such file or directory [io.read]"]


def test_an_empty_catalog_means_no_translations_yet(sample_project, capsys):
    """A 0-byte PO file (``touch``, a tool that made the file and nothing else) holds no
    translation: build, stats and check take it for one with no entries, as for no file, and
    update gives it the header of a new catalog (msgfmt, which wants a header, rejects it)."""
    assert _run(sample_project, "all") == 0
    (sample_project / DE_PO).write_bytes(b"")
    capsys.readouterr()
    assert _run(sample_project, "build", "-j", "1") == 0
    captured = capsys.readouterr()
    assert captured.err == "" and "build: de-DE: 0.0% translated (0/29 messages, 0 fuzzy)" in captured.out
    assert _run(sample_project, "stats") == 0
    assert _run(sample_project, "update") == 0
    assert (sample_project / DE_PO).read_text(encoding="utf-8").startswith("# de_DE translation")


def test_a_locale_folder_that_cannot_be_read_fails_that_locale_only(sample_project, capsys, monkeypatch):
    """``chmod 000 locales/de-DE``: the build stopped at the first catalog ('Permission denied
    [io.error]', no out/ at all, no other locale built) and update said it could not write
    each catalog, though it could not read the folder."""
    (sample_project / "locales/en-US" / (SEED_NAME[:-3] + ".po")).unlink()  # en-US: no translation, and no error
    _denied(monkeypatch, sample_project / "locales/de-DE")
    line = "locales/de-DE:1:1: error: cannot read the folder: Permission denied [io.read]"
    assert _run(sample_project, "build", "-j", "1") == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [line]
    assert "build: de-DE: no page built (1 failed)" in captured.out
    for locale in ("fr-FR", "en-US", "qps-ploc"):
        assert (sample_project / "out/html" / locale / (SEED_NAME[:-3] + ".html")).is_file(), locale
        assert (sample_project / "out/html" / locale / "index.html").is_file(), locale
    assert _run(sample_project, "update") == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [line]
    assert "update: 1 catalog(s) written" in captured.out  # en-US's, made anew
    assert _run(sample_project, "stats") == 1
    assert capsys.readouterr().err.splitlines() == [line]
    assert _run(sample_project, "check", "--no-cache", "--no-baseline", "-j", "1") == 1
    assert line in capsys.readouterr().out.splitlines()


def test_a_source_folder_that_cannot_be_read_removes_nothing(sample_project, capsys, monkeypatch):
    """``chmod 000 source/sub`` was taken for the folder's removal: extract deleted its pages'
    templates, the build their outputs in every locale, update warned their catalogs were
    orphans, and all exited 0."""
    sub = sample_project / "source/sub"
    sub.mkdir()
    (sub / "page.md").write_text("---\ntitle: Sous-page\n---\n\n# Titre\n\nUn paragraphe.\n", encoding="utf-8")
    assert _run(sample_project, "all") == 0
    kept = sorted(p.relative_to(sample_project).as_posix() for p in (sample_project / "locales").rglob("*"))
    assert "locales/pot/sub/page.pot" in kept and "locales/de-DE/sub/page.po" in kept
    before = _outputs(sample_project)
    assert "out/html/de-DE/sub/page.html" in before
    _denied(monkeypatch, sub)
    capsys.readouterr()
    assert _run(sample_project, "all", "-j", "1") == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == ["source/sub:1:1: error: cannot read the folder: Permission denied [io.read]"]
    assert sorted(p.relative_to(sample_project).as_posix() for p in (sample_project / "locales").rglob("*")) == kept
    assert _outputs(sample_project) == before
    for command in (["stats"], ["check", "--no-cache", "--no-baseline", "--no-outputs", "-j", "1"]):
        assert _run(sample_project, *command) == 1, command
        captured = capsys.readouterr()
        assert "source/sub:1:1: error: cannot read the folder: Permission denied [io.read]" in \
            (captured.out + captured.err).splitlines(), command
    monkeypatch.undo()
    assert _run(sample_project, "all") == 0
    assert _outputs(sample_project) == before


def test_an_unreadable_settings_file_is_a_located_usage_error(sample_project, capsys, monkeypatch):
    """``chmod 000 pyproject.toml``: a PermissionError traceback, exit 1."""
    _unreadable(monkeypatch, "pyproject.toml")
    assert _run(sample_project, "build") == 2
    assert capsys.readouterr().err.splitlines() == [
        "pyproject.toml:1:1: error: cannot read the settings file: Permission denied [config.read]"]
    assert not (sample_project / "out").exists()


@pytest.mark.parametrize("how, line", [
    ("dangling link", "pyproject.toml:1:1: error: cannot read the settings file: No such file or directory [config.read]"),
    ("link loop", "pyproject.toml:1:1: error: cannot read the settings file: Too many levels of symbolic links "
                  "[config.read]"),
    ("pipeline.toml folder", "pipeline.toml:1:1: error: cannot read the settings file: not a regular file "
                             "[config.read]"),
])
def test_a_settings_file_that_is_there_but_cannot_be_read_is_a_usage_error(sample_project, capsys, how, line):
    """A settings file that was a dangling link (or a loop, or a folder) was taken for none:
    the project ran on the defaults (en-US, no target locale) and the build deleted every
    locale's pages and wrote the French source over the en-US ones, exit 0."""
    assert _run(sample_project, "all") == 0
    before = _outputs(sample_project)
    config = sample_project / "pyproject.toml"
    if how == "dangling link":
        config.unlink()
        config.symlink_to(sample_project / "gone.toml")
    elif how == "link loop":
        config.unlink()
        config.symlink_to(config)
    else:
        (sample_project / "pipeline.toml").mkdir()
    capsys.readouterr()
    for command in ("build", "all", "stats", "check"):
        assert _run(sample_project, command) == 2, command
        assert capsys.readouterr().err.splitlines() == [line], command
    assert _outputs(sample_project) == before


@pytest.mark.parametrize("given", ["setting", "option"])
def test_a_locales_folder_that_does_not_exist_is_warned_of(sample_project, capsys, given):
    """``--locales typo`` or ``locales = "nolocales"``: every locale was built from the source
    text over the translated pages, exit 0 and no word. (It stays a warning, not an error: a
    new project has no locales folder before its first extract.)"""
    shutil.copy(Path(__file__).parent.parent / "check-baseline.json", sample_project)
    if given == "setting":
        at = "pyproject.toml:%d" % _set_setting(sample_project, "locales", '"nolocales"')
        options: list[str] = []
    else:
        at, options = "<command line>:1", ["--locales", "typo"]
    folder = "nolocales" if given == "setting" else "typo"
    line = (f"{at}:1: warning: locales folder '{folder}' does not exist (setting 'locales'): no catalog of "
            "en-US, de-DE is read, so they have no translation [config.locales]")
    for command in ("build", "stats", "check", "all"):  # all: extract makes the folder, but out/ was built before
        assert _run(sample_project, *options, command) in (0, 1), command
        captured = capsys.readouterr()
        assert line in (captured.out + captured.err).splitlines(), command


def test_a_new_project_without_a_locales_folder_builds_without_a_word(tmp_path, capsys):
    """What ``make build`` runs on a new project: extract makes the locales folder."""
    project = tmp_path / "new"
    (project / "source").mkdir(parents=True)
    (project / "source/index.md").write_text("# Hello\n\nWorld.\n", encoding="utf-8")
    (project / "pipeline.toml").write_text('target_locales = ["de-DE"]\n', encoding="utf-8")
    assert main(["-C", str(project), "all"]) == 0
    assert capsys.readouterr().err == ""
    assert (project / "locales/de-DE/index.po").is_file()


# -- front-matter values YAML reads as dates and numbers it cannot construct -------------------


def _built_files(project: Path) -> set[str]:
    out = project / "out"
    return {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts}


@pytest.mark.parametrize("value, problem", [
    ("2016-02-30", "'2016-02-30' is not a valid timestamp (day is out of range for month); quote the value if it is text"),
    ("!!int abc", "'abc' is not a valid int"),
])
def test_a_front_matter_value_yaml_cannot_construct_fails_only_its_page_in_every_command(
        sample_project, capsys, value, problem):
    """``ms.date: 2016-02-30`` raised ValueError out of PyYAML's date constructor: a traceback
    from every command (extract, update, build, stats, init, check's workers), nothing built."""
    shutil.copy(REPO / "check-baseline.json", sample_project)  # the sample's known link findings
    assert _run(sample_project, "all") == 0
    clean = _built_files(sample_project)
    shutil.rmtree(sample_project / "out")
    _set_setting(sample_project, "target_locales", '["en-US", "de-DE", "it-IT", "qps-ploc", "qps-plocm"]')
    (sample_project / "source" / "extra.md").write_text(
        f"---\ntitle: Page deux\nms.date: {value}\n---\n# Bonjour\n", encoding="utf-8")
    expected = f"source/extra.md:3:10: error: invalid YAML front matter: {problem} [source.yaml]"
    # (``update`` reads no page: it merges the templates that ``extract`` wrote)
    for command in (["all"], ["extract"], ["build"], ["stats"], ["init", "--locale", "it-IT"]):
        assert _run(sample_project, *command) == 1, command
        captured = capsys.readouterr()
        assert captured.err.splitlines() == [expected], command
        assert "Traceback" not in captured.out, command
    # the other page in every locale (the new one too), the site files: what a build without it writes
    assert _built_files(sample_project) == clean | {f.replace("/de-DE/", "/it-IT/") for f in clean if "/de-DE/" in f}
    assert _run(sample_project, "check") == 1
    captured = capsys.readouterr()
    assert expected in captured.out.splitlines() and "Traceback" not in captured.out + captured.err


def test_a_translated_page_with_a_value_yaml_cannot_construct_is_one_error_in_import(sample_project, capsys):
    translated = sample_project / "translated"
    translated.mkdir()
    page = (sample_project / "source" / SEED_NAME).read_text(encoding="utf-8")
    assert "\nms.date: 04/28/2016" in page
    (translated / SEED_NAME).write_text(page.replace("\nms.date: 04/28/2016", "\nms.date: 2016-13-01"), encoding="utf-8")
    line = page[:page.index("\nms.date:")].count("\n") + 2
    po = sample_project / DE_PO
    before = po.read_bytes()
    assert _run(sample_project, "import", "--locale", "de-DE", "--from", str(translated)) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"translated/{SEED_NAME}:{line}:10: error: invalid YAML front matter: '2016-13-01' is not a valid timestamp "
        "(month must be in 1..12); quote the value if it is text [source.yaml]"]
    assert po.read_bytes() == before


def _set_de_title(project: Path, msgstr: str) -> None:
    from pipeline import catalog

    po_path = project / DE_PO
    po = catalog.parse_catalog(po_path.read_text(encoding="utf-8"), po_path.name)
    entry = next(e for e in po if e.comment == "front matter: title")
    entry.msgstr = msgstr
    po_path.write_text(catalog.format_catalog(po), encoding="utf-8")


@pytest.mark.parametrize("msgstr", ["2016-13-01", "!!int abc", "!!float x", "!!timestamp 2016-99-01"])
def test_a_translated_title_yaml_reads_as_a_date_or_number_is_written_quoted_and_check_agrees(
        sample_project, capsys, msgstr):
    """``render.yaml_scalar`` loaded ``title: 2016-13-01`` to see whether it needs quotes, and
    PyYAML's ValueError ended the build in a worker (6 of 35 files written), while ``check``
    found nothing. A title "2016-13-01" is a string: it is written quoted, everything is built,
    and check agrees."""
    import yaml

    shutil.copy(REPO / "check-baseline.json", sample_project)  # the sample's known link findings
    assert _run(sample_project, "build") == 0
    clean = _built_files(sample_project)
    shutil.rmtree(sample_project / "out")
    _set_de_title(sample_project, msgstr)
    assert _run(sample_project, "build") == 0
    assert "Traceback" not in capsys.readouterr().err
    assert _built_files(sample_project) == clean
    built = (sample_project / "out/frontmatter/de-DE" / SEED_NAME).read_text(encoding="utf-8")
    escaped = msgstr.replace("\\", "\\\\").replace('"', '\\"')
    assert f'\ntitle: "{escaped}"\n' in built
    assert yaml.safe_load(built.split("---\n")[1])["title"] == msgstr
    html = (sample_project / "out/html/de-DE" / (SEED_NAME[:-3] + ".html")).read_text(encoding="utf-8")
    assert f"<title>{msgstr}</title>" in html
    for command in (["check", "--no-outputs"], ["check"]):
        assert _run(sample_project, *command) == 0, command
        captured = capsys.readouterr()
        assert "qa.yaml" not in captured.out + captured.err and "Traceback" not in captured.err


def test_a_title_that_is_a_list_is_one_error_and_the_other_pages_are_built(sample_project, capsys):
    """``title: [Des erreurs, Intune]`` is a YAML list: the build exited 0 and the HTML <title>
    and every index showed Python's ``['Des erreurs', 'Intune']``."""
    (sample_project / "source" / "extra.md").write_text("---\ntitle: [Des erreurs, Intune]\n---\n# Bonjour\n",
                                                        encoding="utf-8")
    assert _run(sample_project, "all") == 1
    assert capsys.readouterr().err.splitlines() == [
        "source/extra.md:2:8: error: invalid YAML front matter: 'title' is a list, not text "
        "(quote the value to keep it as written) [source.yaml]"]
    for locale in ("fr-FR", "en-US", "de-DE", "qps-ploc"):
        index = (sample_project / "out/html" / locale / "index.html").read_text(encoding="utf-8")
        assert "Des erreurs&#39;" not in index and "['" not in index and "extra.html" not in index, locale
        assert (sample_project / "out/html" / locale / (SEED_NAME[:-3] + ".html")).is_file(), locale
        assert not (sample_project / "out/html" / locale / "extra.html").exists(), locale


def test_a_locale_folder_that_is_a_file_is_one_error_in_the_check(tmp_path, capsys):
    """The check reported "cannot read the folder" once per page of the locale (4 errors)."""
    from .conftest import linked_pages_project

    project = linked_pages_project(tmp_path)
    shutil.rmtree(project / "locales" / "de-DE")
    (project / "locales" / "de-DE").write_text("oops\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["-C", str(project), "check", "--no-outputs"]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "locales/de-DE:1:1: error: cannot read the folder: Not a directory [io.read]"], captured.out
    assert "1 error" in captured.err
