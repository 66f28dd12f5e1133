"""The command line as users and CI meet it: exit codes and exact diagnostic lines."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from pipeline.cli import main

from .conftest import SEED_NAME

EN_PO = f"locales/en-US/{SEED_NAME[:-3]}.po"


def _run(project: Path, *args: str) -> int:
    return main(["-C", str(project), *args])


def test_make_build_sequence_on_the_sample(sample_project, capsys):
    assert _run(sample_project, "extract") == 0
    assert _run(sample_project, "update") == 0
    assert _run(sample_project, "build") == 0
    out = capsys.readouterr().out
    assert "build: en-US: 100.0% translated" in out
    assert "build: de-DE:" in out and "build: de-DE: 100.0%" not in out
    for fmt, name in (("frontmatter", SEED_NAME), ("markdown", SEED_NAME), ("html", SEED_NAME[:-3] + ".html")):
        for locale in ("fr-FR", "en-US", "de-DE"):
            assert (sample_project / "out" / fmt / locale / name).is_file()
    # the source locale comes back byte for byte
    assert (sample_project / "out/frontmatter/fr-FR" / SEED_NAME).read_bytes() == (
        sample_project / "source" / SEED_NAME).read_bytes()


def test_second_update_and_extract_change_nothing(sample_project):
    assert _run(sample_project, "extract") == 0
    assert _run(sample_project, "update") == 0
    before = {p: p.read_bytes() for p in (sample_project / "locales").rglob("*.po*")}
    assert _run(sample_project, "extract") == 0
    assert _run(sample_project, "update") == 0
    assert {p: p.read_bytes() for p in (sample_project / "locales").rglob("*.po*")} == before


def test_broken_yaml_reports_one_line_and_builds_the_rest(sample_project, capsys):
    (sample_project / "source" / "broken.md").write_text("---\ntitle: [oops\n---\n# Hi\n", encoding="utf-8")
    assert _run(sample_project, "build") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["source/broken.md:3:1: error: invalid YAML front matter: expected ',' or ']', but got '<stream end>' [source.yaml]"]
    assert (sample_project / "out/html/en-US" / (SEED_NAME[:-3] + ".html")).is_file()
    assert not (sample_project / "out/html/en-US/broken.html").exists()


def test_extract_summary_counts_a_page_that_fails_as_neither_parsed_fine_nor_unchanged(sample_project, capsys):
    assert _run(sample_project, "extract") == 0
    capsys.readouterr()
    page = sample_project / "source" / SEED_NAME
    page.write_bytes(page.read_bytes().replace(b"title:", b"title: [oops\ntitle:", 1))
    assert _run(sample_project, "extract") == 1
    captured = capsys.readouterr()
    assert "[source.yaml]" in captured.err
    assert "extract: 1 page(s) parsed, 0 unchanged, 0 template(s) written" in captured.out
    assert _run(sample_project, "extract") == 1  # reported again: a failed page is never taken as done
    assert "extract: 1 page(s) parsed, 0 unchanged, 0 template(s) written" in capsys.readouterr().out


DE_PO = f"locales/de-DE/{SEED_NAME[:-3]}.po"


def test_a_catalog_in_the_charset_its_header_declares_is_read_in_it_and_updated_to_utf8(sample_project, capsys):
    """GNU gettext reads a PO file in its header's charset; so do we. ``update`` writes it back
    as UTF-8, the charset of every file we write, losing no translation."""
    assert _run(sample_project, "all") == 0
    built = (sample_project / "out/markdown/de-DE" / SEED_NAME).read_bytes()
    po = sample_project / DE_PO
    text = po.read_text(encoding="utf-8")
    assert "ä" in text and "charset=UTF-8" in text
    po.write_bytes(text.replace("charset=UTF-8", "charset=CP1252").encode("cp1252"))
    capsys.readouterr()
    assert _run(sample_project, "build") == 0, capsys.readouterr().err
    assert (sample_project / "out/markdown/de-DE" / SEED_NAME).read_bytes() == built
    assert _run(sample_project, "stats") == 0
    shutil.copy(Path(__file__).parent.parent / "check-baseline.json", sample_project)
    assert _run(sample_project, "check") == 0, capsys.readouterr().err
    assert _run(sample_project, "update") == 0
    updated = po.read_bytes().decode("utf-8")  # as msgmerge does, the template's creation date is taken
    date = re.compile(r'"POT-Creation-Date: [^"]*"')
    assert date.sub("", updated) == date.sub("", text)


def test_a_catalog_whose_bytes_or_charset_cannot_be_read_is_a_located_error(sample_project, capsys):
    po = sample_project / DE_PO
    text = po.read_text(encoding="utf-8")
    line = text[:text.index("ä")].count("\n") + 1
    column = text[:text.index("ä")].split("\n")[-1].encode("utf-8").__len__() + 1
    po.write_bytes(text.encode("utf-8").replace("ä".encode("utf-8"), b"\xe4"))  # Latin-1 bytes, UTF-8 header
    assert _run(sample_project, "build") == 1
    assert capsys.readouterr().err.strip() == f"{DE_PO}:{line}:{column}: error: file is not valid UTF-8 [source.encoding]"
    po.write_bytes(text.replace("charset=UTF-8", "charset=KLINGON-8").encode("utf-8"))
    header = text[:text.index("charset=UTF-8")].count("\n") + 1
    assert _run(sample_project, "build") == 1
    assert capsys.readouterr().err.strip() == (
        f"{DE_PO}:{header}:1: error: unknown charset 'KLINGON-8' in the header [po.encoding]")
    assert _run(sample_project, "update") == 1
    assert po.read_bytes() == text.replace("charset=UTF-8", "charset=KLINGON-8").encode("utf-8")  # left as it was


def test_po_syntax_error_keeps_old_output_and_other_locales(sample_project, capsys):
    assert _run(sample_project, "build") == 0
    old = (sample_project / "out/frontmatter/en-US" / SEED_NAME).read_bytes()
    index = sample_project / "out/html/en-US/index.html"
    listed = index.read_bytes()
    po = sample_project / EN_PO
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr "You', 'msgstr "You\n', 1), encoding="utf-8")
    line = text[: text.index('msgstr "You')].count("\n") + 1
    assert _run(sample_project, "build") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"{EN_PO}:{line}:8: error: end-of-line within string [po.syntax]"]
    assert (sample_project / "out/frontmatter/en-US" / SEED_NAME).read_bytes() == old
    assert (sample_project / "out/frontmatter/de-DE" / SEED_NAME).is_file()
    assert po.read_text(encoding="utf-8") != text  # the translator's file is never rewritten by build
    assert index.read_bytes() == listed  # the page kept is listed as it was, with its title


def test_unknown_locale_is_a_usage_error(sample_project, capsys):
    assert _run(sample_project, "build", "--locale", "xx-QQ") == 2
    assert capsys.readouterr().err.strip() == "<command line>:1:1: error: unknown locale 'xx-QQ' [config.locale]"


def test_template_error_is_located(sample_project, capsys):
    (sample_project / "templates").mkdir(exist_ok=True)
    (sample_project / "templates" / "page.md.j2").write_text("{{ body }}\n{{ page.no_such_field }}\n", encoding="utf-8")
    assert _run(sample_project, "build") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("templates/page.md.j2:2:1: error: template error:")
    assert err[0].endswith("[build.template]")
    assert not (sample_project / "out/markdown/en-US" / SEED_NAME).exists()
    # the formats that do not use page.md.j2 are built
    assert (sample_project / "out/html/en-US" / (SEED_NAME[:-3] + ".html")).is_file()



def test_an_exception_raised_while_a_template_runs_is_located_too(sample_project, capsys):
    """A TypeError in an expression (not a jinja2 error) was a traceback with nothing built."""
    (sample_project / "templates").mkdir(exist_ok=True)
    (sample_project / "templates" / "page.md.j2").write_text('{{ body }}\n{{ page.coverage + "%" }}\n', encoding="utf-8")
    (sample_project / "templates" / "index.html.j2").write_text("<!DOCTYPE html>\n{{ 1 // 0 }}\n", encoding="utf-8")
    assert _run(sample_project, "build") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "templates/index.html.j2:2:1: error: template error: ZeroDivisionError: integer division or modulo by zero "
        "[build.template]",
        "templates/page.md.j2:2:1: error: template error: TypeError: unsupported operand type(s) for +: 'float' "
        "and 'str' [build.template]"], err
    assert not (sample_project / "out/markdown/en-US" / SEED_NAME).exists()


def test_broken_index_template_is_located_and_the_rest_is_built(sample_project, capsys):
    (sample_project / "templates").mkdir(exist_ok=True)
    (sample_project / "templates" / "index.html.j2").write_text(
        "<!DOCTYPE html>\n<title>{{ index.title }}</title>\n{% for entry in index.entries %}\n", encoding="utf-8")
    assert _run(sample_project, "build") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("templates/index.html.j2:3:1: error: template error:")
    assert err[0].endswith("[build.template]")
    assert (sample_project / "out/html/en-US" / (SEED_NAME[:-3] + ".html")).is_file()
    assert (sample_project / "out/catalog/en-US/errors.json").is_file()
    assert _run(sample_project, "build") == 1  # reported again until the template is fixed
    assert capsys.readouterr().err.strip().splitlines() == err

def test_unknown_command_exits_2(capsys):
    assert main(["frobnicate"]) == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize("argv, said", [
    (["frobnicate"], "argument COMMAND: invalid choice: 'frobnicate'"),
    ([], "the following arguments are required: COMMAND"),
    (["build", "--min-coverage", "abc"], "argument --min-coverage: 'abc' is not a percentage (0 to 100)"),
    (["build", "--shard", "0/2"], "argument --shard: '0/2': K must be between 1 and N"),
    (["build", "-j", "-1"], "argument -j/--jobs: '-1' is not a number of processes (0: all cores)"),
    (["check", "--format", "xml"], "argument --format: invalid choice: 'xml'"),
    (["init"], "the following arguments are required: --locale"),
    (["stats", "--colour"], "unrecognized arguments: --colour"),
])
def test_a_command_line_argparse_refuses_is_one_located_usage_error(argv, said, capsys):
    """Like every other error: one line at ``<command line>`` (README "Exit status"), not
    argparse's usage block and "pipeline build: error: ..." with no code."""
    assert main(argv) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1, err
    assert err[0].startswith(f"<command line>:1:1: error: {said}") and err[0].endswith("--help' [config.usage]")


def test_the_project_options_go_before_the_command_or_after_it(sample_project, tmp_path, monkeypatch, capsys):
    """README: every command takes -C DIR and the folder overrides; after the command they
    were refused ("unrecognized arguments: -C")."""
    monkeypatch.chdir(tmp_path)
    assert main(["build", "-C", str(sample_project), "--out", str(tmp_path / "built"), "--format", "markdown"]) == 0
    assert (tmp_path / "built" / "markdown" / "en-US" / SEED_NAME).is_file()
    assert not (sample_project / "out").exists()
    capsys.readouterr()
    assert main(["-C", str(sample_project), "stats", "--out", str(tmp_path / "built")]) == 0
    before = capsys.readouterr().out
    assert main(["stats", "-C", str(sample_project)]) == 0 and capsys.readouterr().out == before


def test_import_fills_a_locale_from_translated_pages(corpus, tmp_path, capsys):
    project = tmp_path / "site"
    (project / "source").mkdir(parents=True)
    translated = tmp_path / "fr"
    translated.mkdir()
    page = "InTuneDocs/EndUser/" + SEED_NAME
    (project / "source" / SEED_NAME).write_bytes((corpus / "en-us" / page).read_bytes())
    (translated / SEED_NAME).write_bytes((corpus / "fr-fr" / page).read_bytes())
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["fr-FR"]\n', encoding="utf-8")
    assert _run(project, "extract") == 0
    assert _run(project, "import", "--locale", "fr-FR", "--from", str(translated)) == 0
    out = capsys.readouterr().out
    assert f"import: fr-FR: {SEED_NAME}:" in out and " aligned" in out
    assert _run(project, "build") == 0
    built = (project / "out/frontmatter/fr-FR" / SEED_NAME).read_text(encoding="utf-8")
    assert "Vous avez trop d’appareils mobiles déjà inscrits." in built
    assert _run(project, "import", "--locale", "xx-QQ", "--from", str(translated)) == 2
    assert "unknown locale 'xx-QQ' [config.locale]" in capsys.readouterr().err
    assert _run(project, "import", "--locale", "fr-FR", "--from", str(tmp_path / "nowhere")) == 2
    assert capsys.readouterr().err == (f"<command line>:1:1: error: --from {tmp_path / 'nowhere'}: "
                                       "no such folder of translated pages [config.import-from]\n")


def test_a_broken_page_is_reported_on_every_run(sample_project, capsys):
    (sample_project / "source" / "broken.md").write_text("---\ntitle: [oops\n---\n# Hi\n", encoding="utf-8")
    for _ in range(2):
        assert _run(sample_project, "extract") == 1
        assert "source/broken.md:3:1: error: invalid YAML front matter" in capsys.readouterr().err


def test_configuration_mistakes_are_usage_errors(tmp_path, capsys):
    assert main(["-C", str(tmp_path), "build"]) == 2  # no settings, no source folder: no project
    assert capsys.readouterr().err.strip().endswith("error: no project here: no pipeline.toml, no [tool.pipeline] in "
                                                    "a pyproject.toml, and no 'source' folder (run pipeline in the "
                                                    "project's folder, or give -C DIR) [config.missing]")
    (tmp_path / "pipeline.toml").write_text('source_locale = "en-US"\n', encoding="utf-8")
    assert main(["-C", str(tmp_path), "build"]) == 2  # settings, but no source folder
    assert capsys.readouterr().err.strip() == (
        "pipeline.toml:1:1: error: source folder 'source' does not exist (setting 'source') [config.source]")
    (tmp_path / "source").mkdir()
    (tmp_path / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = "de-DE\n', encoding="utf-8")
    assert main(["-C", str(tmp_path), "build"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("pipeline.toml:2:") and err.endswith("[config.toml]")
    (tmp_path / "pipeline.toml").write_text('sourc = "x"\n', encoding="utf-8")
    assert main(["-C", str(tmp_path), "build"]) == 2
    assert capsys.readouterr().err.strip() == "pipeline.toml:1:1: error: unknown setting 'sourc' [config.unknown]"


def test_a_failed_unit_is_not_counted_as_built(sample_project, capsys):
    (sample_project / "templates").mkdir(exist_ok=True)
    (sample_project / "templates" / "page.html.j2").write_text("{% for x in %}\n", encoding="utf-8")
    assert main(["-C", str(sample_project), "build"]) == 1
    assert ": 0 built, 5 failed, 0 up to date" in capsys.readouterr().out


def test_init_creates_a_new_locale_with_its_plural_forms(sample_project):
    settings = sample_project / "pyproject.toml"  # as the README says: add it to target_locales, then init
    settings.write_text(settings.read_text(encoding="utf-8").replace('target_locales = [', 'target_locales = ["pl-PL", ', 1),
                        encoding="utf-8")
    assert _run(sample_project, "init", "--locale", "pl-PL") == 0
    po = (sample_project / "locales/pl-PL" / (SEED_NAME[:-3] + ".po")).read_text(encoding="utf-8")
    assert '"Language: pl_PL\\n"' in po
    assert "nplurals=3;" in po
    assert _run(sample_project, "build", "--locale", "pl-PL") == 0
    assert (sample_project / "out/frontmatter/pl-PL" / SEED_NAME).read_bytes() == (sample_project / "source" / SEED_NAME).read_bytes()


def test_a_locale_not_in_the_settings_is_a_usage_error_for_every_command(sample_project, capsys):
    """``init`` and ``import`` wrote the PO files of a locale not in target_locales (a typo:
    es-ES for the French pages), which no build used and ``check FILE`` passed unchecked."""
    shutil.copy(Path(__file__).parent.parent / "check-baseline.json", sample_project)
    line = ("<command line>:1:1: error: locale 'es-ES' is not in target_locales (pyproject.toml): "
            "add it there first [config.locale]")
    for command in (("init",), ("update",), ("stats",), ("build",), ("all",), ("check",),
                    ("import", "--from", str(sample_project / "source"))):
        assert _run(sample_project, *command, "--locale", "es-ES") == 2, command
        assert capsys.readouterr().err.strip() == line
    assert not (sample_project / "locales/es-ES").exists()
    settings = sample_project / "pyproject.toml"  # a pseudo-locale needs no catalog: built on demand (README)
    settings.write_text(settings.read_text(encoding="utf-8").replace(', "qps-plocm"]', "]"), encoding="utf-8")
    assert _run(sample_project, "build", "--locale", "qps-ploc", "--locale", "qps-plocm") == 0
    assert (sample_project / "out/html/qps-plocm" / (SEED_NAME[:-3] + ".html")).is_file()
    capsys.readouterr()
    catalog = sample_project / "locales/es-ES" / (SEED_NAME[:-3] + ".po")
    catalog.parent.mkdir(parents=True)
    shutil.copy(sample_project / "locales/de-DE" / (SEED_NAME[:-3] + ".po"), catalog)
    assert _run(sample_project, "check", "--no-outputs", str(catalog)) == 2
    assert capsys.readouterr().err.strip() == (
        f"{catalog}:1:1: error: locale 'es-ES' is not in target_locales (pyproject.toml): its catalogs are neither "
        "built nor checked [config.locale]")


def test_progress_bar_only_on_a_terminal_and_only_for_long_work():
    import io

    from pipeline.cli import _progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert _progress("build", io.StringIO()) is None  # CI: no bar
    now = [0.0]
    screen = Terminal()
    show = _progress("build", screen, clock=lambda: now[0])
    show(1, 4)
    assert screen.getvalue() == ""  # quick work draws nothing
    now[0] = 2.5
    show(2, 4)
    show(4, 4)
    assert screen.getvalue() == "\rbuild [###############...............] 2/4\rbuild [##############################] 4/4\n"


def test_external_links_against_an_inventory(sample_project, tmp_path, capsys):
    shutil.copy(Path(__file__).resolve().parents[1] / "check-baseline.json", sample_project)
    inventory = tmp_path / "urls.txt"
    inventory.write_text("# crawled 2026-11-01\nhttps://example.com/other\n", encoding="utf-8")
    assert _run(sample_project, "check", "--no-outputs", "--inventory", str(inventory)) == 0  # a warning
    found = [line for line in capsys.readouterr().out.splitlines() if "external-unknown" in line]
    line = (sample_project / "source" / SEED_NAME).read_text(encoding="utf-8").splitlines()[30]
    column = line.index("[site web du Portail") + 1  # the link's "[" on line 31
    assert found == [f"source/{SEED_NAME}:31:{column}: warning: external link 'http://portal.manage.microsoft.com' "
                     "is not in the inventory [link.external-unknown]"]
    assert _run(sample_project, "check", "--no-outputs", "--strict", "--inventory", str(inventory)) == 1
    inventory.write_text("HTTP://Portal.Manage.Microsoft.com#top\n", encoding="utf-8")
    capsys.readouterr()
    assert _run(sample_project, "check", "--no-outputs", "--strict", "--inventory", str(inventory)) == 0
    assert _run(sample_project, "check", "--inventory", str(tmp_path / "missing.txt")) == 2


def test_a_locale_not_written_in_bcp47_form_names_the_form_to_use(sample_project, capsys):
    """``init --locale de_DE`` and ``--locale DE-de`` made folders beside ``de-DE``."""
    for typed, canonical in (("de_DE", "de-DE"), ("DE-de", "de-DE"), ("zh-hans-cn", "zh-Hans-CN"),
                             ("QPS-PLOC", "qps-ploc")):
        for command in ("init", "build"):
            assert _run(sample_project, command, "--locale", typed) == 2
            assert capsys.readouterr().err.splitlines() == [
                f"<command line>:1:1: error: locale '{typed}' is not in BCP 47 form: use '{canonical}' [config.locale]"]
    assert sorted(p.name for p in (sample_project / "locales").iterdir()) == ["de-DE", "en-US", "pot"]
    assert not (sample_project / "out").exists()
    assert _run(sample_project, "--source-locale", "fr_FR", "build") == 2
    assert capsys.readouterr().err.splitlines() == [
        "<command line>:1:1: error: locale 'fr_FR' is not in BCP 47 form: use 'fr-FR' [config.locale]"]
    config = sample_project / "pyproject.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('"de-DE", "qps-ploc"', '"de_de", "qps-ploc"'),
                      encoding="utf-8")
    line = config.read_text(encoding="utf-8").splitlines().index(
        'target_locales = ["en-US", "de_de", "qps-ploc", "qps-plocm"]') + 1
    assert _run(sample_project, "build") == 2
    assert capsys.readouterr().err.splitlines() == [
        f"pyproject.toml:{line}:1: error: locale 'de_de' is not in BCP 47 form: use 'de-DE' [config.locale]"]


def test_the_source_locale_has_no_catalogs_to_make(sample_project, capsys):
    """``init --locale fr-FR`` (the source locale) wrote PO files for it."""
    for command in (("init",), ("update",), ("stats",), ("import", "--from", str(sample_project / "source"))):
        assert _run(sample_project, *command, "--locale", "fr-FR") == 2
        assert capsys.readouterr().err.splitlines() == [
            "<command line>:1:1: error: 'fr-FR' is the source locale: it has no PO files [config.locale]"]
    assert not (sample_project / "locales/fr-FR").exists()
    assert _run(sample_project, "all", "--locale", "fr-FR") == 0  # the source locale alone, built from the source
    assert "build: 1 page(s) x 1 locale(s): 1 built" in capsys.readouterr().out
    assert not (sample_project / "locales/fr-FR").exists()


def test_a_template_extending_one_that_does_not_exist_says_so(sample_project, capsys):
    """The message was the bare name: "template error: nothere.j2"."""
    (sample_project / "templates" / "page.md.j2").write_text('{% extends "nothere.j2" %}\n', encoding="utf-8")
    assert main(["-C", str(sample_project), "build", "--format", "markdown"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "templates/page.md.j2:1:1: error: template error: no template 'nothere.j2' (neither in the project's "
        "templates nor among ours) [build.template]")


def test_pages_in_hidden_folders_and_node_modules_are_not_pages(tmp_path, capsys):
    """``source = "."`` (README "Settings") in a repository: .github/ templates, a virtual
    environment's LICENSE.md and node_modules/ got PO files and built pages in every locale.
    Their files stay files: a page's image under .attachments/ (an Azure DevOps wiki's) resolves."""
    project = tmp_path / "repo"
    for name in (".github/PULL_REQUEST_TEMPLATE.md", ".venv/lib/LICENSE.md", "node_modules/pkg/README.md",
                 "docs/.hidden/draft.md"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text("# Not a page\n\nText.\n", encoding="utf-8")
    (project / ".attachments").mkdir()
    (project / ".attachments" / "shot.png").write_bytes(b"")
    (project / "docs" / "guide.md").write_text("# Guide\n\n![Shot](../.attachments/shot.png)\n", encoding="utf-8")
    (project / "pipeline.toml").write_text(
        'source = "."\nsource_locale = "en-US"\ntarget_locales = ["fr-FR"]\n', encoding="utf-8")
    assert main(["-C", str(project), "all"]) == 0
    assert sorted(p.relative_to(project / "locales").as_posix() for p in (project / "locales").rglob("*.po*")) == [
        "fr-FR/docs/guide.po", "pot/docs/guide.pot"]
    assert sorted(p.name for p in (project / "out" / "html" / "fr-FR").rglob("*.html")) == ["guide.html", "index.html"]
    assert (project / "out" / "html" / "fr-FR" / ".attachments" / "shot.png").is_file()
    capsys.readouterr()
    assert main(["-C", str(project), "check", "--format", "json"]) == 0
    checked = json.loads(capsys.readouterr().out)["checked"]
    assert "docs/guide.md" in checked and "out/html/fr-FR/docs/guide.html" in checked
    assert not [path for path in checked if ".github" in path or "LICENSE" in path or "README" in path or "draft" in path]


def test_options_are_not_abbreviated(sample_project, capsys):
    """With the folder options after the command too, ``check --out FILE`` (meant as
    ``--output``) set the out folder, and ``--loc`` was ambiguous: abbreviations are refused."""
    assert main(["-C", str(sample_project), "check", "--outp", "report.txt"]) == 2
    assert "unrecognized arguments: --outp" in capsys.readouterr().err
    assert main(["-C", str(sample_project), "stats", "--loc", "de-DE"]) == 2
