"""``pipeline check`` as CI and translators meet it: exit codes, exact lines, formats, the
baseline, findings in built outputs traced to the PO entry, and the real corpus's figures."""

from __future__ import annotations

import collections
import collections.abc
import json
import shutil
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pipeline import review as review_module
from pipeline.catalog import format_catalog, parse_catalog
from pipeline.cli import main
from pipeline.htmllinks import scan_html

from .conftest import CORPUS, REPO, SEED_NAME, linked_pages_project, require_shared, translate_page

SEED_PO = f"{SEED_NAME[:-3]}.po"
SOURCE = f"source/{SEED_NAME}"
INTUNE_SITE_MAP = [
    "/intune/deploy-use=InTuneDocs/DeployUse", "/intune/get-started=InTuneDocs/GetStarted",
    "/intune/understand-explore=InTuneDocs/Understand", "/intune/plan-design=InTuneDocs/PlanDesign",
    "/intune/troubleshoot=InTuneDocs/Troubleshoot", "/intune/enduser=InTuneDocs/EndUser",
    "/intune/end-user=InTuneDocs/EndUser", "/intune/develop=InTuneDocs/develop", "/intune=InTuneDocs",
]
SAMPLE_KNOWN = [  # the seed's own problems, kept exactly as given: the shipped baseline
    f"{SOURCE}:35:292: note: broken link 'unenroll-your-device-from-intune-android.md': no such file [link.missing-file] (known error)",
    f"{SOURCE}:35:348: note: broken link 'unenroll-your-device-from-intune-ios': no such file [link.missing-file] (known error)",
    f"{SOURCE}:35:393: note: broken link 'unenroll-your-device-from-intune-windows': no such file [link.missing-file] (known error)",
    f"{SOURCE}:36:802: note: broken link '/Intune/Get-Started/start-with-a-paid-subscription-to-microsoft-intune-step-3': no such file [link.missing-file] (known error)",
    f"{SOURCE}:36:953: note: broken link '/Intune/Get-Started/start-with-a-paid-subscription-to-microsoft-intune-step-5': no such file [link.missing-file] (known error)",
    f"{SOURCE}:37:737: note: broken link '/Intune/Deployuse/set-up-ios-and-mac-management-with-microsoft-intune': no such file [link.missing-file] (known error)",
    f"{SOURCE}:39:937: note: broken link '/Intune/Deploy-use/set-up-ios-and-mac-management-with-microsoft-intune': no such file [link.missing-file] (known error)",
    f"{SOURCE}:39:1159: note: malformed link '[Synchroniser Active Directory\u2026](...': its '(' is not closed before "
    "the next link, '[Organisation des utilisateurs…](...', which swallows it (the destination would contain spaces) [link.malformed] (known error)",
    f"{SOURCE}:39:1309: note: broken link '/Intune/Get-Started/start-with-a-paid-subscription-to-microsoft-intune-step-5': no such file [link.missing-file] (known error)",
    f"{SOURCE}:40:603: note: broken link '/Intune/Understand-explore/get-started-with-a-30-day-trial-of-microsoft-intune': no such file [link.missing-file] (known error)",
    f"{SOURCE}:43:1: note: broken link 'using-your-ios-or-mac-os-x-device-with-intune.md': no such file [link.missing-file] (known error)",
]


@pytest.fixture
def project(sample_project: Path) -> Path:
    """The shipped sample with its baseline."""
    shutil.copy(REPO / "check-baseline.json", sample_project / "check-baseline.json")
    return sample_project


def check(project: Path, capsys, *args: str) -> tuple[int, list[str], str]:
    code = main(["-C", str(project), "check", *args])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def stored_results(project: Path) -> dict:
    """The check results stored in ``out/.cache``: the main file's and each locale's."""
    found = {}
    for path in sorted((project / "out" / ".cache").glob("links*.json")):
        found.update(json.loads(path.read_text(encoding="utf-8"))["results"])
    return found


def build(project: Path, capsys) -> None:
    assert main(["-C", str(project), "all"]) in (0, 1)
    capsys.readouterr()


def edit_po(project: Path, locale: str, changes: dict[str, tuple[str, str]]) -> dict[str, int]:
    """Set msgstr (and a translator comment) of entries by msgid; return the lines of their
    msgstr, where findings about a translation are reported."""
    path = project / "locales" / locale / SEED_PO
    po = parse_catalog(path.read_text(encoding="utf-8"), str(path))
    for entry in po:
        if entry.msgid in changes:
            entry.msgstr, comment = changes[entry.msgid]
            entry.tcomment = comment
    path.write_text(format_catalog(po), encoding="utf-8")
    po = parse_catalog(path.read_text(encoding="utf-8"), str(path))
    return {e.msgid: e.msgstr_linenum for e in po if hasattr(e, "msgstr_linenum")}


# --- the shipped sample ----------------------------------------------------------------------


def test_sample_passes_with_its_baseline_and_every_seed_problem_is_known(project, capsys):
    build(project, capsys)
    code, out, err = check(project, capsys)
    assert [line for line in out if line.startswith("source/")] == SAMPLE_KNOWN
    assert not [line for line in out if line.startswith("locales/")]
    # problems of the built pages that the source already has are reported once, on the source
    template_only = [line for line in out if line.startswith("out/")]
    for line in template_only:  # the page template's own links (site chrome), if the build lacks them
        assert "it comes from the build or the page template" in line
        target = line.split("broken link '")[1].split("'")[0]
        page = project / line.split(":")[0]
        assert not (page.parent / target).resolve().exists()
    assert code == (1 if template_only else 0)
    assert "11 known (baseline)" in err


def test_unbuilt_locales_are_errors_with_a_hint(project, capsys):
    code, out, _ = check(project, capsys)
    assert code == 1
    assert [line for line in out if "not-built" in line] == [
        f"out/frontmatter/{locale}:1:1: error: {locale} is not built (no out/frontmatter/{locale}, "
        f"out/markdown/{locale}, out/html/{locale}); run 'pipeline build' first [check.not-built]"
        for locale in ("de-DE", "en-US", "fr-FR", "qps-ploc", "qps-plocm")]
    code, out, _ = check(project, capsys, "--no-outputs")
    assert code == 0 and out == SAMPLE_KNOWN


def test_pages_the_build_left_out_under_min_coverage_are_not_reported_missing(project, capsys):
    """de-DE (48.3% translated) publishes nothing under --min-coverage 80: by the build's
    choice, not for want of a build, so the check has nothing to say about its missing outputs
    (it said "de-DE has no markdown output; run 'pipeline build'", an error, and a warning
    per format for the page). A page added after the build is still reported missing."""
    assert main(["-C", str(project), "all", "--min-coverage", "80"]) == 0
    capsys.readouterr()
    for args in ([], ["--no-cache", "-j", "1"]):
        code, out, err = check(project, capsys, *args)
        assert [line for line in out if "not-built" in line] == [], args
        assert code == 0 and "11 known (baseline)" in err, args
    records = project / "out" / ".cache" / "build.json"  # what the check knows the gate by: a stored
    kept = records.read_bytes()                           # report is not replayed once it changes
    data = json.loads(kept)
    for unit in data["units"].values():
        unit["skipped"] = False
    records.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = check(project, capsys)
    assert code == 1 and len([line for line in out if "de-DE has no" in line]) == 2
    records.write_bytes(kept)
    (project / "source" / "later.md").write_text("# Later\n", encoding="utf-8")
    code, out, _ = check(project, capsys)
    assert code == 0
    missing = [line for line in out if "[check.not-built]" in line]
    assert len(missing) == 15 and all(line.startswith("source/later.md:1:1: warning: not built for ") for line in missing)
    assert main(["-C", str(project), "build"]) == 0  # no gate now: de-DE is published
    (project / "source" / "later.md").unlink()
    shutil.rmtree(project / "out" / "markdown" / "de-DE")
    capsys.readouterr()
    code, out, _ = check(project, capsys)
    assert code == 1 and [line for line in out if "not-built" in line] == [
        "out/markdown/de-DE:1:1: error: de-DE has no markdown output; run 'pipeline build' [check.not-built]"]


def test_links_to_a_page_left_out_of_a_locale_pass_and_a_dead_one_is_still_reported(tmp_path, capsys):
    """de-DE's pages link to b.md, left out of de-DE under --min-coverage: the check reported
    each such link as broken, in every format (9 errors for a.md alone). They now lead to
    b.md's page in the source locale, which the check follows (its fragments too), cached or
    not; a fallback whose page is gone, or a link dead in the source, is still reported."""
    project = linked_pages_project(tmp_path)
    assert main(["-C", str(project), "build", "--min-coverage", "80"]) == 0
    capsys.readouterr()
    for args in ([], [], ["--no-cache", "-j", "1"]):
        code, out, err = check(project, capsys, *args)
        assert (code, out) == (0, []), args
        assert "0 errors, 0 warnings" in err, args
    (project / "out/markdown/en-US/b.md").unlink()  # the page the fallback names, gone
    for args in ([], ["--no-cache", "-j", "1"]):
        code, out, _ = check(project, capsys, *args)
        assert code == 1, args
        broken = [line for line in out if "link.missing-file" in line and "/de-DE/" in line]  # en-US's own too
        assert {line.split(":")[0] for line in broken} == {"out/markdown/de-DE/a.md", "out/markdown/de-DE/guide/c.md"}
        assert len(broken) == 6 and all("broken link '../en-US/b.md" in line or "broken link '../../en-US/b.md" in line
                                        for line in broken), (args, out)
        # traced to the source's link (as written relative to the page: a.md's 'b' is not)
        assert "out/markdown/de-DE/a.md:3:33: error: broken link '../en-US/b.md#section': no such file " \
               "(source source/a.md:6:21) [link.missing-file]" in broken
        assert "out/markdown/de-DE/guide/c.md:3:12: error: broken link '../../en-US/b.md#section': no such file " \
               "(source source/guide/c.md:6:9) [link.missing-file]" in broken
    translate_page(project, "de-DE", "b.md", True)  # b.md published in de-DE: links stay in the locale
    page = project / "source/b.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [nowhere](nowhere.md).\n", encoding="utf-8")
    assert main(["-C", str(project), "all", "--min-coverage", "80"]) == 0
    capsys.readouterr()
    assert "](b.md#section)" in (project / "out/markdown/de-DE/a.md").read_text(encoding="utf-8")
    code, out, _ = check(project, capsys)
    assert code == 1 and out == [
        "source/b.md:12:5: error: broken link 'nowhere.md': no such file [link.missing-file]"]


def _break_catalog(po: Path) -> None:
    """A stray line in the middle of a real catalog, as a bad hand edit leaves it."""
    lines = po.read_text(encoding="utf-8").splitlines(keepends=True)
    middle = len(lines) // 2
    po.write_text("".join(lines[:middle] + ['msgstr "a stray line\n'] + lines[middle:]), encoding="utf-8")


def test_outputs_a_broken_catalog_kept_from_being_built_are_its_error_not_a_build_to_run(project, capsys):
    """A first build failed de-DE's page for its malformed PO file (a located po.syntax
    error); the check then said "de-DE has no markdown output; run 'pipeline build'", and
    the same for its front-matter output and its HTML page: a build that fails the same way.
    The catalog's error, which the check reports itself, is the one line; once the catalog
    is fixed, and only then, a build is what the check asks for."""
    po = project / "locales" / "de-DE" / SEED_PO
    fixed = po.read_bytes()
    _break_catalog(po)
    assert main(["-C", str(project), "all"]) == 1
    catalog_error = [line for line in capsys.readouterr().err.splitlines() if "[po." in line]
    assert len(catalog_error) == 1 and catalog_error[0].startswith(f"locales/de-DE/{SEED_PO}:")
    assert not (project / "out" / "markdown" / "de-DE").exists()  # nothing built in de-DE but its index
    for args in ([], [], ["--no-cache", "-j", "1"], ["-j", "2"]):  # computed, stored, uncached, in workers
        code, out, err = check(project, capsys, *args)
        assert code == 1, args
        assert [line for line in out if "de-DE" in line] == catalog_error, args
        assert "run 'pipeline build'" not in "\n".join(out), args
        assert "1 error, 0 warnings" in err, args
    code, out, _ = check(project, capsys, "--format", "json")
    data = json.loads("\n".join(out))
    assert code == 1 and data["failed"] is True
    assert [f["code"] for f in data["findings"] if not f["known"]] == [catalog_error[0].rsplit("[", 1)[1][:-1]]
    code, out, _ = check(project, capsys, "--format", "github")
    assert code == 1 and [line for line in out if line.startswith("::error ")] == [
        f"::error file=locales/de-DE/{SEED_PO},line={catalog_error[0].split(':')[1]},"
        f"col={catalog_error[0].split(':')[2]},title=[{catalog_error[0].rsplit('[', 1)[1][:-1]}]::"
        f"{catalog_error[0].split(': error: ', 1)[1].rsplit(' [', 1)[0]}"]
    po.write_bytes(fixed)  # fixed, not built yet: now a build is the thing to run
    code, out, _ = check(project, capsys)
    assert code == 1 and [line for line in out if "de-DE" in line] == [
        "out/frontmatter/de-DE:1:1: error: de-DE has no frontmatter output; run 'pipeline build' [check.not-built]",
        "out/markdown/de-DE:1:1: error: de-DE has no markdown output; run 'pipeline build' [check.not-built]",
        f"{SOURCE}:1:1: warning: not built for de-DE (out/html/de-DE/{SEED_NAME[:-3]}.html is missing: "
        "below --min-coverage, or run 'pipeline build') [check.not-built]"]
    assert main(["-C", str(project), "build"]) == 0
    capsys.readouterr()
    code, out, _ = check(project, capsys)
    assert code == 0 and [line for line in out if "de-DE" in line] == []


def test_a_page_an_included_page_s_broken_catalog_kept_from_being_built_points_at_that_catalog(tmp_path, capsys):
    """a.md includes b.md, whose de-DE catalog is malformed: the build fails both pages in
    de-DE (a.md's outputs inline b.md's translated text). The check reported both missing,
    "run 'pipeline build'"; now b.md's catalog error is the one line, also when the check is
    asked about a.md alone (it reports the error it would otherwise not have read)."""
    project = tmp_path / "included"
    (project / "source").mkdir(parents=True)
    (project / "source" / "a.md").write_text("# Page A\n\nIntro.\n\n[!INCLUDE [b](b.md)]\n", encoding="utf-8")
    (project / "source" / "b.md").write_text("# Page B\n\nIncluded text.\n", encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["de-DE"]\n', encoding="utf-8")
    assert main(["-C", str(project), "extract"]) == 0 and main(["-C", str(project), "update"]) == 0
    _break_catalog(project / "locales/de-DE/b.po")
    assert main(["-C", str(project), "build"]) == 1
    catalog_error = capsys.readouterr().err.splitlines()
    assert len(catalog_error) == 1 and catalog_error[0].startswith("locales/de-DE/b.po:")
    assert not (project / "out/html/de-DE/a.html").exists() and not (project / "out/html/de-DE/b.html").exists()
    for args in ([], ["--no-cache", "-j", "1"], ["--no-cache", str(project / "source/a.md")]):
        code, out, _ = check(project, capsys, *args)
        assert code == 1, args
        assert [line for line in out if "de-DE/" in line and "/en-US/" not in line] == catalog_error, args
        assert "run 'pipeline build'" not in "\n".join(out), args


def test_a_page_that_cannot_be_built_is_one_error_not_a_warning_per_locale_and_format(project, capsys):
    (project / "source" / "bad.md").write_bytes(b"# Bad \xff page\n\nText.\n")
    (project / "source" / "later.md").write_text("# Later\n", encoding="utf-8")  # added after the build
    assert main(["-C", str(project), "all"]) == 1
    (project / "source" / "later2.md").write_text("# Later\n", encoding="utf-8")
    for args in ([], ["--no-cache", "-j", "1"]):
        code, out, _ = check(project, capsys, *args)
        assert code == 1
        assert [line for line in out if "bad.md" in line] == [
            "source/bad.md:1:7: error: file is not valid UTF-8 [source.encoding]"]
        assert len([line for line in out if "later2.md" in line and "[check.not-built]" in line]) == 15


def test_baseline_keys_survive_edits_elsewhere_and_a_new_break_fails(project, capsys):
    page = project / SOURCE
    text = page.read_text(encoding="utf-8")
    marker = "Le tableau suivant"
    page.write_text(text.replace(marker, "Un paragraphe ajouté.\n\nUn autre.\n\n" + marker, 1), encoding="utf-8")
    code, out, _ = check(project, capsys, "--no-outputs")
    assert code == 0 and len(out) == 11 and all(line.endswith("(known error)") for line in out)
    assert out[0].startswith(f"{SOURCE}:39:292:")  # moved down four lines, still known
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace(marker, "Voir [la page](page-absente.md). " + marker, 1), encoding="utf-8")
    code, out, _ = check(project, capsys, "--no-outputs")
    assert code == 1
    assert [line for line in out if not line.endswith("(known error)")] == [
        f"{SOURCE}:35:6: error: broken link 'page-absente.md': no such file [link.missing-file]"]
    code, out, _ = check(project, capsys, "--no-outputs", "--no-baseline")
    assert code == 1 and len(out) == 12 and not any("known" in line for line in out)


def test_update_baseline_records_the_current_findings(project, capsys):
    (project / "check-baseline.json").unlink()
    code, _, err = check(project, capsys, "--no-outputs")
    assert (code, err) == (2, "check-baseline.json:1:1: error: baseline file does not exist; create it with "
                              "--update-baseline [config.baseline]\n")
    code, _, err = check(project, capsys, "--no-outputs", "--update-baseline")
    assert code == 0 and "wrote check-baseline.json (11 findings)" in err
    assert (project / "check-baseline.json").read_text(encoding="utf-8") == (REPO / "check-baseline.json").read_text(
        encoding="utf-8")


def test_a_malformed_link_in_a_long_paragraph_is_one_short_line_and_one_short_baseline_key(tmp_path, capsys):
    """Its message quoted the 50 KB paragraph its unclosed '(' ran over, and the baseline's key
    for it (the message, numbers blanked) held them too. The message quotes 80 characters; the
    key, made of it, is as short, and a baseline recorded with it knows the finding."""
    project = tmp_path / "site"
    (project / "source").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.pipeline]\nsource_locale = "en-US"\n'
                                            'baseline = "check-baseline.json"\n', encoding="utf-8")
    (project / "source" / "a.md").write_text("# A\n\nSee [the guide](" + "word " * 10_000 + "end).\n",
                                             encoding="utf-8")
    quoted = "word " * 15 + "word\u2026"
    line = (f"source/a.md:3:5: error: malformed link '[the guide](...': destination '{quoted}' contains spaces "
            "(write %20 or <...>) [link.malformed]")
    (project / "check-baseline.json").write_text('{"format": 1, "findings": []}', encoding="utf-8")
    assert check(project, capsys, "--no-outputs")[:2] == (1, [line])
    assert check(project, capsys, "--no-outputs", "--update-baseline")[0] == 0
    baseline = json.loads((project / "check-baseline.json").read_text(encoding="utf-8"))
    assert [entry["subject"] for entry in baseline["findings"]] == [
        f"malformed link '[the guide](...': destination '{quoted}' contains spaces (write %# or <...>)"]
    assert check(project, capsys, "--no-outputs")[:2] == (0, [line.replace(": error: ", ": note: ") + " (known error)"])


def test_a_baseline_entry_no_longer_found_is_said_once_the_whole_site_is_checked(project, capsys):
    """Kept silently, a stale entry would let the same link break again later unnoticed."""
    page = project / "source" / SEED_NAME
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("](/Intune/", "](https://example.com/Intune/", 1), encoding="utf-8")
    code, out, err = check(project, capsys, "--no-outputs")
    assert code == 0 and len(out) == 10
    assert err.splitlines()[-1] == ("pipeline check: 1 baseline entry no longer found (fixed?): "
                                    "--update-baseline drops it")
    # a run of some files or one locale cannot tell
    code, _, err = check(project, capsys, "--no-outputs", str(page))
    assert code == 0 and "no longer found" not in err
    code, _, err = check(project, capsys, "--no-outputs", "--locale", "de-DE")
    assert code == 0 and "no longer found" not in err
    code, _, err = check(project, capsys, "--no-outputs")  # replayed: the same lines
    assert err.splitlines()[-1].startswith("pipeline check: 1 baseline entry no longer found")


def test_site_map_option_replaces_the_setting_and_bad_values_are_usage_errors(project, capsys):
    code, out, _ = check(project, capsys, "--no-outputs", "--no-baseline", "--site-map", "/other=x")
    # no prefix matches '/Intune/...' now: another site's links, not checked (listed by --verbose)
    assert code == 1 and len(out) == 5 and not any("/Intune/" in line for line in out)
    code, out, err = check(project, capsys, "--no-outputs", "--no-baseline", "--site-map", "/other=x", "-v")
    assert "site-root links outside the site map (other sites): 6" in err and "      6  /Intune" in err
    assert "external links (not fetched): 1 to 1 hosts" in err
    code, _, err = check(project, capsys, "--site-map", "intune")
    assert (code, err) == (2, "<command line>:1:1: error: --site-map 'intune': expected PREFIX=FOLDER, e.g. "
                              "/intune/deploy-use=InTuneDocs/DeployUse [config.site-map]\n")
    code, _, err = check(project, capsys, "--update-baseline", str(project / "source"))
    assert (code, err) == (2, "<command line>:1:1: error: --update-baseline records the whole site; give no FILE "
                              "[config.update-baseline]\n")
    # one locale's run would write a baseline without the other locales' known findings
    code, _, err = check(project, capsys, "--update-baseline", "--locale", "de-DE")
    assert (code, err) == (2, "<command line>:1:1: error: --update-baseline records the whole site; give no "
                              "--locale [config.update-baseline]\n")
    code, _, err = check(project, capsys, "--inventory", str(project / "nowhere.txt"))
    assert (code, err) == (2, f"{project / 'nowhere.txt'}:1:1: error: cannot read the inventory: No such file or "
                              "directory [config.inventory]\n")


def test_files_restrict_the_report_to_those_pages_and_catalogs(project, capsys):
    (project / "source" / "autre.md").write_text("# Autre\n\n[absente](absente.md)\n", encoding="utf-8")
    code, out, _ = check(project, capsys, "--no-outputs", str(project / "source" / "autre.md"))
    assert code == 1 and out == ["source/autre.md:3:1: error: broken link 'absente.md': no such file [link.missing-file]"]
    code, out, _ = check(project, capsys, "--no-outputs", str(project / "locales" / "de-DE" / SEED_PO))
    assert code == 0 and out == SAMPLE_KNOWN
    code, out, err = check(project, capsys, str(project / "pyproject.toml"))
    assert code == 0 and out == [] and "no source page or PO file" in err
    # a folder stands for the pages and PO files in it; a name that is neither fails (it checked nothing, exit 0)
    code, out, _ = check(project, capsys, "--no-outputs", str(project / "source"))
    assert code == 1 and out == [
        "source/autre.md:3:1: error: broken link 'absente.md': no such file [link.missing-file]", *SAMPLE_KNOWN]
    code, out, _ = check(project, capsys, "--no-outputs", str(project / "locales" / "de-DE"))
    assert code == 0 and out == SAMPLE_KNOWN
    missing = str(project / "source" / "nowhere.md")
    assert check(project, capsys, "--no-outputs", missing) == (2, [], f"{missing}:1:1: error: no such file or folder "
                                                                      "[config.files]\n")


# --- translation QA --------------------------------------------------------------------------


def test_qa_errors_fail_and_warnings_fail_only_when_strict(project, capsys):
    title = "Des erreurs se produisent pendant l’inscription de votre appareil iOS dans Intune"
    lines = edit_po(project, "en-US", {title: ("You see errors while enrolling your iOS device", "")})
    code, out, _ = check(project, capsys, "--no-outputs")
    warning = [line for line in out if line.startswith("locales/")]
    po = f"locales/en-US/{SEED_PO}"
    assert warning == [f"{po}:{lines[title]}:1: warning: product name 'Intune' missing from translation "
                       f"(source {SOURCE}:29) [qa.product-name]"]
    assert code == 0
    assert check(project, capsys, "--no-outputs", "--strict")[0] == 1
    paragraph = next(m for m in lines if m.startswith("Le tableau suivant"))
    lines = edit_po(project, "en-US", {paragraph: ("The following table lists the errors.", "")})
    code, out, _ = check(project, capsys, "--no-outputs")
    assert code == 1
    qa = [line for line in out if line.startswith(f"{po}:{lines[paragraph]}:1: error: ")]
    assert len(qa) == 1 and qa[0].endswith(f"(source {SOURCE}:31) [qa.link-count]")


# --- built outputs: a translation's problem named at its PO entry -------------------------------


def test_translated_link_and_heading_problems_name_the_po_file_and_line(project, capsys):
    (project / "source" / "autre.md").write_text(
        "---\ntitle: Autre page\n---\n# Autre page\n\n"
        f"Voir [la section]({SEED_NAME}#voir-aussi).\n", encoding="utf-8")
    link_msgid = ("[Using your iOS or Mac OS X device with Intune]"
                  "(using-your-ios-or-mac-os-x-device-with-intune.md)")
    lines = edit_po(project, "en-US", {link_msgid: (
        "[Using your iOS or Mac OS X device with Intune](using-your-ios-device.md)", "qa-accept: qa.link-target")})
    build(project, capsys)
    po = f"locales/en-US/{SEED_PO}"
    code, out, _ = check(project, capsys)
    mine = [line for line in out if line.startswith("locales/")]
    assert mine == [
        f"{po}:{lines[link_msgid]}:1: error: broken link 'using-your-ios-device.md': no such file (the en-US "
        f"translation of {SOURCE}:43 changed this link; built into out/frontmatter/en-US/{SEED_NAME}:43:1, "
        f"out/markdown/en-US/{SEED_NAME}:15:1, out/html/en-US/{SEED_NAME[:-3]}.html:"
        + mine[0].split(f"out/html/en-US/{SEED_NAME[:-3]}.html:")[1]]
    assert code == 1
    # the build keeps the source heading's id in every locale: '#voir-aussi' works in en-US too
    assert not any("voir-aussi" in line for line in out)
    # a build that lost it: the finding names the heading's PO entry, the link and every output
    for path in (project / "out").rglob(f"{SEED_NAME[:-3]}.*"):
        if "/en-US/" in path.as_posix():
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace('<a name="voir-aussi"></a>', "").replace('<a id="voir-aussi"></a>', ""),
                            encoding="utf-8")
    code, out, _ = check(project, capsys)
    heading = [line for line in out if "voir-aussi" in line]
    assert len(heading) == 1
    assert heading[0].startswith(f"{po}:{lines['Voir aussi']}:1: error: broken link '{SEED_NAME}#voir-aussi': "
                                 f"no anchor '#voir-aussi' in '{SEED_NAME}': the en-US translation of the heading "
                                 f"'Voir aussi' ({SOURCE}:42) as 'See also' changes its id '#voir-aussi', which the "
                                 "link at source/autre.md:6:6 uses (built into out/frontmatter/en-US/autre.md:6:6, "
                                 "out/markdown/en-US/autre.md:")
    assert heading[0].endswith("; the build must keep the source id [link.missing-anchor]")
    assert "out/html/en-US/autre.html:" in heading[0]


def test_a_link_a_translation_leaves_unclosed_is_reported_at_its_po_entry_once(project, capsys):
    """In a list, the output's scan sees the next item's link swallow the broken one, a
    message the msgstr alone does not give: it was reported at two out/ paths, not at the PO
    entry. It is matched by the link's opening and reported with the msgstr's own message."""
    (project / "source" / "liste.md").write_text(
        "# Liste\n\n- [Windows Phone 8.1](autre.md) pour les téléphones\n- [iOS](autre.md) pour les autres\n",
        encoding="utf-8")
    (project / "source" / "autre.md").write_text("# Autre\n", encoding="utf-8")
    build(project, capsys)
    po = project / "locales" / "en-US" / "liste.po"
    msgid = 'msgid "[Windows Phone 8.1](autre.md) pour les téléphones"\nmsgstr ""'
    text = po.read_text(encoding="utf-8")
    assert msgid in text
    po.write_text(text.replace(msgid, "# qa-accept: qa.link-count\n" + msgid[:-2] + '"[Windows Phone 8.1](autre.md for phones"'),
                  encoding="utf-8")
    build(project, capsys)
    code, out, _ = check(project, capsys)
    line = po.read_text(encoding="utf-8").splitlines().index('msgstr "[Windows Phone 8.1](autre.md for phones"') + 1
    mine = [finding for finding in out if "Windows Phone" in finding]
    assert code == 1 and len(mine) == 1, mine
    assert mine[0].startswith(
        f"locales/en-US/liste.po:{line}:1: error: malformed link '[Windows Phone 8.1](...': unclosed '](' (no ')' "
        "before the end of the paragraph) (the en-US translation of source/liste.md:3; built into "
        "out/frontmatter/en-US/liste.md:3:3, out/markdown/en-US/liste.md:3:3")


# --- report formats --------------------------------------------------------------------------


def test_json_github_and_junit_reports(project, capsys):
    (project / "source" / "autre.md").write_text("# Autre\n\n[absente](absente.md)\n", encoding="utf-8")
    code, out, _ = check(project, capsys, "--no-outputs", "--format", "json")
    data = json.loads("\n".join(out))
    assert code == 1 and data["failed"] is True
    new = [f for f in data["findings"] if not f["known"]]
    assert new == [{"path": "source/autre.md", "line": 3, "column": 1, "severity": "error",
                    "code": "link.missing-file", "message": "broken link 'absente.md': no such file",
                    "target": "absente.md", "checked": "source/autre.md", "known": False}]
    code, out, _ = check(project, capsys, "--no-outputs", "--format", "github")
    assert out[0] == ("::error file=source/autre.md,line=3,col=1,title=[link.missing-file]::"
                      "broken link 'absente.md': no such file")
    assert all(line.startswith("::notice ") for line in out[1:]) and len(out) == 12
    report = project / "junit.xml"
    code, out, _ = check(project, capsys, "--no-outputs", "--format", "junit", "-o", str(report))
    assert code == 1 and out == []
    suite = ET.parse(report).getroot().find("testsuite")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert set(cases) == {"source/autre.md", SOURCE, f"locales/de-DE/{SEED_PO}", f"locales/en-US/{SEED_PO}"}
    assert suite.get("tests") == "4" and suite.get("failures") == "1"
    assert cases["source/autre.md"].find("failure").get("type") == "link.missing-file"
    assert cases[SOURCE].find("failure") is None and "(known error)" in cases[SOURCE].find("system-out").text


# --- HTML outputs and the cache ----------------------------------------------------------------


def test_html_scan_positions_and_ids():
    html = ('<!DOCTYPE html>\n<html><head><link rel="stylesheet" href="../style.css"></head>\n<body>\n'
            '<h2 id="see-also"><a id="voir-aussi"></a>See also</h2>\n'
            '<p>x <a href="a.html#b">A</a> <img src="m/x.png" alt="X"> <a name="old"></a></p>\n</body></html>\n')
    scan = scan_html(html)
    assert [(l.target, l.line, l.column, l.is_image) for l in scan.links] == [
        ("../style.css", 2, 13, False), ("a.html#b", 5, 6, False), ("m/x.png", 5, 31, True)]
    assert scan.explicit_anchors == {"see-also", "voir-aussi", "old"}


def test_html_fragments_and_assets_resolve_in_the_built_tree(project, capsys):
    (project / "source" / "media").mkdir()
    (project / "source" / "media" / "x.png").write_bytes(b"")
    (project / "source" / "autre.md").write_text(
        "# Autre\n\n## Étape 1\n\n![x](media/x.png) [ok](#étape-1) [ko](#etape-2) "
        f"[page]({SEED_NAME}#voir-aussi)\n", encoding="utf-8")
    build(project, capsys)
    code, out, _ = check(project, capsys)
    autre = [line for line in out if "autre" in line and "page template" not in line]
    # the source's broken fragment once, on the source; the image (in the source tree, not copied)
    # and the translated heading's source id resolve in every locale and format
    assert autre == ["source/autre.md:5:34: error: broken link '#etape-2': no anchor '#etape-2' in this page "
                     "[link.missing-anchor]"]


def test_scans_are_cached_by_content_hash(project, capsys):
    assert check(project, capsys, "--no-outputs")[0] == 0
    cache = project / "out" / ".cache" / "links.json"
    stored = json.loads(cache.read_text(encoding="utf-8"))
    assert len(stored["scans"]) == 1
    before = cache.stat().st_mtime_ns
    assert check(project, capsys, "--no-outputs")[1] == SAMPLE_KNOWN
    assert cache.stat().st_mtime_ns == before  # nothing new: not rewritten
    code, _, _ = check(project, capsys, "--no-outputs", "--no-cache")
    assert code == 0


# --- the real corpus -------------------------------------------------------------------------


@pytest.fixture
def corpus_project(tmp_path: Path) -> Path:
    require_shared()
    project = tmp_path / "intune"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        f'[tool.pipeline]\nsource = "{(CORPUS / "en-us").as_posix()}"\nsource_locale = "en-US"\n', encoding="utf-8")
    return project


def site_map_args() -> list[str]:
    return [arg for entry in INTUNE_SITE_MAP for arg in ("--site-map", entry)]


def test_corpus_figures_through_the_cli(corpus_project, capsys):
    started = time.perf_counter()
    code, out, err = check(corpus_project, capsys, *site_map_args(), "--format", "json")
    cold = time.perf_counter() - started
    data = json.loads("\n".join(out))
    counts = collections.Counter(f["code"] for f in data["findings"])
    assert counts == {"link.missing-file": 9, "link.missing-anchor": 14, "link.malformed": 2,
                      "link.case-mismatch": 67, "link.windows-separator": 38, "link.url-only": 11,
                      "link.anchor-slug": 5, "check.not-built": 1}  # (2 fewer case mismatches: test_links)
    assert code == 1 and "432 files checked: 26 errors, 121 warnings" in err
    started = time.perf_counter()
    code, text, _ = check(corpus_project, capsys, *site_map_args(), "--no-outputs")
    warm = time.perf_counter() - started
    assert len(text) == 146
    assert any(line.endswith("did you mean '/intune/get-started/mobile-device-management-capabilities-in-"
                             "microsoft-intune'? [link.missing-file]") for line in text)
    assert cold < 10 and warm < 5  # ~0.3 s and ~0.2 s on 2 cores; catches pathological regressions only
    code, _, err = check(corpus_project, capsys, *site_map_args(), "--no-outputs", "-v")
    assert "site-root links outside the site map (other sites): 2" in err


def test_cached_results_follow_changes_in_linked_pages_and_the_file_list(tmp_path, capsys):
    project = tmp_path / "site"
    (project / "source").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.pipeline]\nsource_locale = "en-US"\n', encoding="utf-8")
    (project / "source" / "a.md").write_text("# A\n\n[b](b.md#part) [c](c.md)\n", encoding="utf-8")
    (project / "source" / "b.md").write_text("# B\n\n## Part\n", encoding="utf-8")
    assert check(project, capsys, "--no-outputs")[1] == [
        "source/a.md:3:16: error: broken link 'c.md': no such file; did you mean 'b.md'? [link.missing-file]"]
    (project / "source" / "b.md").write_text("# B\n\n## Section\n", encoding="utf-8")  # a.md unchanged
    assert check(project, capsys, "--no-outputs")[1] == [
        "source/a.md:3:1: error: broken link 'b.md#part': no anchor '#part' in 'b.md' [link.missing-anchor]",
        "source/a.md:3:16: error: broken link 'c.md': no such file; did you mean 'b.md'? [link.missing-file]"]
    (project / "source" / "c.md").write_text("# C\n", encoding="utf-8")  # a new file
    assert check(project, capsys, "--no-outputs")[1] == [
        "source/a.md:3:1: error: broken link 'b.md#part': no anchor '#part' in 'b.md' [link.missing-anchor]"]
    stored = json.loads((project / "out/.cache/links.json").read_text(encoding="utf-8"))
    assert sorted(stored["results"]) == ["source:a.md", "source:b.md", "source:c.md"]
    assert sorted(stored["results"]["source:a.md"]["deps"]) == ["a.md", "b.md"]



def test_a_locale_is_checked_again_only_when_its_files_or_the_sources_change(project, capsys, monkeypatch):
    """(In one process, ``-j 1``, so that the calls can be counted.) After one PO file changes, the other locales' catalogs and built pages are not read
    again, and in that locale only the changed PO file is reviewed again and only the built
    pages whose inputs changed are checked again; the report is the one a check that reuses
    nothing prints. A source page's change checks every locale (its unchanged pages not)."""
    from pipeline import checking, checkoutputs, review

    (project / "source" / "autre.md").write_text(
        "---\ntitle: Autre page\n---\n# Autre page\n\n"
        f"Voir [la section]({SEED_NAME}#voir-aussi).\n", encoding="utf-8")
    (project / "source" / "seul.md").write_text("# Seul\n\nVoir [autre](autre.md).\n", encoding="utf-8")
    build(project, capsys)
    first = check(project, capsys)
    outputs: list[str] = []
    reviews: list[str] = []
    real_outputs, real_review = checking._Run.check_outputs, review.review_translations

    def counting_outputs(self, locale):
        outputs.append(locale)
        return real_outputs(self, locale)

    def counting_review(document, entries, po_shown, *args, **kwargs):
        reviews.append(po_shown)
        return real_review(document, entries, po_shown, *args, **kwargs)

    monkeypatch.setattr(checking._Run, "check_outputs", counting_outputs)
    monkeypatch.setattr(review, "review_translations", counting_review)
    link_msgid = ("[Using your iOS or Mac OS X device with Intune]"
                  "(using-your-ios-or-mac-os-x-device-with-intune.md)")
    edit_po(project, "en-US", {link_msgid: (
        "[Using your iOS or Mac OS X device with Intune](using-your-ios-device.md)", "qa-accept: qa.link-target")})
    build(project, capsys)
    reviews.clear()  # the build's own reviews (its coverage counts what QA lets through): the check's are counted
    code, out, err = check(project, capsys, "-j", "1")
    assert outputs == ["en-US"] and reviews == []  # the build reviewed the new catalog: its review is taken
    assert any(line.startswith(f"locales/en-US/{SEED_PO}:") and "'using-your-ios-device.md'" in line for line in out)
    assert (code, out) != first[:2]
    outputs.clear()
    assert check(project, capsys, "--no-cache", "-j", "1")[:2] == (code, out)
    assert len(outputs) == 5  # every locale, when nothing is reused
    page = project / "source" / "autre.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Voir", "Voyez"), encoding="utf-8")
    build(project, capsys)
    outputs.clear()
    code, out, _ = check(project, capsys, "-j", "1")
    assert outputs == ["fr-FR", "en-US", "de-DE", "qps-ploc", "qps-plocm"]
    assert check(project, capsys, "--no-cache")[:2] == (code, out)
    # in a locale checked again, a built page whose inputs did not change is not checked again
    checked_pages: list[str] = []
    real_tree = checking.check_tree

    def counting_tree(pages, *args, **kwargs):
        checked_pages.extend(pages)
        return real_tree(pages, *args, **kwargs)

    monkeypatch.setattr(checking, "check_tree", counting_tree)  # the source pages
    monkeypatch.setattr(checkoutputs, "check_tree", counting_tree)  # the built pages
    edit_po(project, "de-DE", {"Voir aussi": ("Siehe auch", "")})
    build(project, capsys)
    check(project, capsys, "-j", "1")  # de-DE again; en-US reused, its pages' results kept
    stored = stored_results(project)
    named = {i for key, value in stored.items() if key.startswith("out:en-US:") for ids in value["reads"] for i in ids}
    assert any(key.startswith("out:en-US:") for key in stored) and named
    assert all(f"read:en-US:{read_id}" in stored for read_id in named)  # the reads they name, too
    edit_po(project, "en-US", {"Voir aussi": ("See also!", "")})
    build(project, capsys)
    checked_pages.clear()
    code, out, _ = check(project, capsys, "-j", "1")
    # the seed page's, and autre.md's, whose link into it is checked against its headings; not seul.md's
    assert sorted(checked_pages) == sorted(["autre.md", "autre.md", "en-US/autre.md",
                                            SEED_NAME, SEED_NAME, f"en-US/{SEED_NAME}"])
    assert check(project, capsys, "--no-cache")[:2] == (code, out)
    (project / "out" / "markdown" / "de-DE" / "autre.md").unlink()  # a built page goes
    outputs.clear()
    code, out, _ = check(project, capsys, "-j", "1")
    assert outputs == ["de-DE"] and any("out/markdown/de-DE/autre.md is missing" in line for line in out)
    assert check(project, capsys, "--no-cache")[:2] == (code, out)
    reviews.clear()
    edit_po(project, "de-DE", {"Voir aussi": ("Siehe auch!", "")})  # not built since: the check reviews it
    check(project, capsys, "--no-outputs", "-j", "1")
    assert reviews == [f"locales/de-DE/{SEED_PO}"]


def test_locales_checked_in_worker_processes_report_and_store_what_one_process_does(project, capsys):
    build(project, capsys)
    caches = project / "out" / ".cache"
    one = check(project, capsys, "-j", "1")
    stored_one = {path.name: json.loads(path.read_text(encoding="utf-8")) for path in caches.glob("links*.json")}
    for path in caches.glob("links*.json"):
        path.unlink()
    (caches / "check-runs.json").unlink()
    assert check(project, capsys, "-j", "2") == one
    stored_two = {path.name: json.loads(path.read_text(encoding="utf-8")) for path in caches.glob("links*.json")}
    assert stored_two == stored_one  # the workers' scans and results, merged, each locale's in its own file
    assert "links-de-DE.json" in stored_two and "links-qps-ploc.json" in stored_two
    for prefix in ("locale:de-DE:", "locale:qps-ploc:", "po:de-DE/", "po:en-US/", "out:de-DE:html:", "out:fr-FR:markdown:"):
        assert any(key.startswith(prefix) for key in stored_results(project)), prefix

def test_every_check_that_reuses_stored_results_reports_what_a_check_from_scratch_does(project, capsys):
    """Edits of every kind a site sees, each followed by ``pipeline all``: after each, the
    check with its caches prints exactly what ``--no-cache`` prints."""
    source = project / "source"
    (source / "autre.md").write_text(
        "---\ntitle: Autre page\n---\n# Autre page\n\n"
        f"Voir [la section]({SEED_NAME}#voir-aussi) et [la fin](suite.md#fin).\n", encoding="utf-8")
    (source / "suite.md").write_text("---\ntitle: Suite\n---\n# Suite\n\n## Fin\n\nRetour à [autre](autre.md).\n",
                                     encoding="utf-8")

    def set_msgstr(locale: str, page: str, msgid: str, msgstr: str, comment: str = "") -> None:
        path = project / "locales" / locale / page
        po = parse_catalog(path.read_text(encoding="utf-8"), str(path))
        for entry in po:
            if entry.msgid == msgid:
                entry.msgstr, entry.tcomment = msgstr, comment
        path.write_text(format_catalog(po), encoding="utf-8")

    link = f"Voir [la section]({SEED_NAME}#voir-aussi) et [la fin](suite.md#fin)."
    back = "Retour à [autre](autre.md)."
    suite = "---\ntitle: Suite\n---\n# Suite\n\n## {}\n\n{}\n"
    steps = [  # (an edit, whether `pipeline all` runs after it)
        (lambda: None, True),
        (lambda: set_msgstr("de-DE", "suite.po", "Fin", "Ende"), True),
        (lambda: set_msgstr("de-DE", "autre.po", link, link.replace("suite.md#fin", "weg.md#fin"),
                            "qa-accept: qa.link-target"), True),
        (lambda: set_msgstr("en-US", "autre.po", link, link.replace("#fin", "#ende"), "qa-accept: qa.link-fragment"),
         True),
        # a note above it moves the PO entry that a finding names; the built pages stay as they are
        (lambda: set_msgstr("en-US", "autre.po", "Autre page", "", "a translator's note\non two lines"), True),
        (lambda: (source / "suite.md").write_text(suite.format("Final", back), encoding="utf-8"), True),
        (lambda: (source / "nouveau.md").write_text("# Nouveau\n\n[fin](suite.md#final) [x](absent.md)\n",
                                                    encoding="utf-8"), True),
        (lambda: (source / "suite.md").write_text(suite.format("Fin", back), encoding="utf-8"), True),
        (lambda: set_msgstr("de-DE", "autre.po", link, ""), True),
        # QA rejects it: the build keeps the source text, the check reports the PO entry
        (lambda: set_msgstr("de-DE", "suite.po", back, "Zurück zu [andere](andere.md)."), True),
        # the page changes, its catalogs and outputs not yet: the rejected message is no longer the page's
        (lambda: (source / "suite.md").write_text(suite.format("Fin", "[autre](autre.md#nulle-part)"),
                                                  encoding="utf-8"), False),
        (lambda: None, True),
    ]
    reports = set()
    for number, (step, rebuild) in enumerate(steps):
        step()
        if rebuild:
            build(project, capsys)
        cached = check(project, capsys)[:2]  # locales checked again in worker processes
        assert cached == check(project, capsys, "--no-cache", "-j", "1")[:2], f"step {number}"
        reports.add(tuple(cached[1]))
        cached = check(project, capsys, "--no-outputs")[:2]  # the catalogs alone
        assert cached == check(project, capsys, "--no-outputs", "--no-cache")[:2], f"step {number}, no outputs"
        reports.add(tuple(cached[1]))
        (project / "out" / "markdown" / "en-US" / "suite.md").unlink(missing_ok=True)  # and a built page goes
        cached = check(project, capsys, "-j", "1")[:2]
        assert cached == check(project, capsys, "--no-cache")[:2], f"step {number}, a built page removed"
        reports.add(tuple(cached[1]))
    assert len(reports) >= 10  # the edits did change the reports

# (the figures of test_links.test_translations_figures: 2 case mismatches fewer than the link
# scan once found, which lie in indented code blocks after a list that ended)
@pytest.mark.parametrize("folder, figures", [
    ("fr-fr", {"link.missing-file": 24, "link.missing-anchor": 68, "link.malformed": 2, "link.case-mismatch": 63,
               "link.windows-separator": 38, "link.url-only": 11, "link.anchor-slug": 6}),
    ("de-de", {"link.missing-file": 24, "link.missing-anchor": 72, "link.malformed": 1, "link.case-mismatch": 60,
               "link.windows-separator": 38, "link.url-only": 11, "link.anchor-slug": 6}),
    ("ja-jp", {"link.missing-file": 26, "link.missing-anchor": 67, "link.malformed": 1, "link.case-mismatch": 65,
               "link.windows-separator": 36, "link.url-only": 11, "link.anchor-slug": 2}),
])
def test_translated_corpus_figures_through_the_cli(tmp_path, capsys, folder, figures):
    require_shared()
    project = tmp_path / folder
    project.mkdir()
    (project / "pyproject.toml").write_text(
        f'[tool.pipeline]\nsource = "{(CORPUS / folder).as_posix()}"\nsource_locale = "{folder[:3]}{folder[3:].upper()}"\n',
        encoding="utf-8")
    code, out, _ = check(project, capsys, *site_map_args(), "--no-outputs", "--format", "json")
    assert code == 1
    assert collections.Counter(f["code"] for f in json.loads("\n".join(out))["findings"]) == figures


# --- provenance (pure) -----------------------------------------------------------------------


def test_attribution_of_output_findings():
    from pipeline.catalog import Translation
    from pipeline.linkscan import Link, scan_text
    from pipeline.model import Diagnostic, Location
    from pipeline.provenance import PageFacts, attribute
    from pipeline.source import load_document
    from pipeline.treecheck import Hit

    text = "# Titre\n\nVoir [a](a.md) et [b](b.md).\n\n[!INCLUDE [x](inc/x.md)]\n"
    document = load_document("p.md", text)
    paragraph = next(s for s in document.segments if s.text.startswith("Voir"))
    facts = PageFacts(document, "source/p.md", scan_text(text), (),
                      {paragraph.text: "See [a](a.md) and [b](c.md)."},
                      {paragraph.text: Translation("x", 12)}, "locales/en-US/p.po",
                      (("source/inc/x.md", scan_text("[m](media/m.png)\n")),))
    out = Location("out/markdown/en-US/p.md", 3, 20)

    def hit(target: str, occurrence: int = 0) -> Hit:
        return Hit("p.md", Diagnostic(out, "error", f"broken link '{target}': no such file", "link.missing-file"),
                   Link(target, 3, 20, "", False), occurrence)

    changed = attribute(hit("c.md"), facts, "en-US", out, html=False)
    assert (str(changed.location), changed.cause, changed.source_line) == ("locales/en-US/p.po:12:1", "translation", 3)
    assert changed.with_outputs(["out/x.md:3:20"]) == (
        "broken link 'c.md': no such file (the en-US translation of source/p.md:3 changed this link; "
        "built into out/x.md:3:20)")
    kept = attribute(hit("a.md"), facts, "en-US", out, html=False)  # the translation kept this target
    assert (str(kept.location), kept.cause) == ("out/markdown/en-US/p.md:3:20", "output")
    assert kept.message == "broken link 'a.md': no such file (source source/p.md:3:6)"
    inlined = attribute(hit("media/m.png"), facts, "en-US", out, html=False)
    assert (str(inlined.location), inlined.cause) == ("out/markdown/en-US/p.md:3:20", "output")
    assert "(from source/inc/x.md:1:1, which source/p.md includes" in inlined.message
    html = attribute(hit("c.html"), facts, "en-US", out, html=True)
    assert html.cause == "translation"
    template = attribute(hit("index.html"), facts, "en-US", out, html=True)
    assert template.cause == "output" and "comes from the build or the page template" in template.message


class _CountedMapping(collections.abc.Mapping):
    """A dict that counts the look-ups of its values."""

    def __init__(self, data: dict[str, str]) -> None:
        self.data, self.lookups = data, 0

    def __getitem__(self, key: str) -> str:
        self.lookups += 1
        return self.data[key]

    def __iter__(self):
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


def _count_calls(monkeypatch, module, name: str) -> list[int]:
    """From now on, count the calls of ``module.name`` (in a one-item list)."""
    calls = [0]
    real = getattr(module, name)

    def counted(*args, **kwargs):
        calls[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_attributing_a_pages_findings_costs_about_its_links_plus_its_findings(monkeypatch):
    """Each finding of a built page is attributed by looking its target up, not by reading
    every translated message and link of the page again: a page with twice the links and
    findings costs about twice the work (a pass over the page per finding cost four times
    as much, and 1,000 broken links took minutes). Work is counted, not timed: the
    translations looked up (each is followed by scanning its message) and the targets put
    in their built HTML form (``linkmap.html_href``)."""
    from pipeline import linkmap
    from pipeline.catalog import Translation
    from pipeline.linkscan import Link, scan_text
    from pipeline.model import Diagnostic, Location
    from pipeline.provenance import PageFacts, attribute
    from pipeline.source import load_document
    from pipeline.treecheck import Hit

    forms = _count_calls(monkeypatch, linkmap, "html_href")
    out = Location("out/html/en-US/p.html", 1, 1)

    def broken(target: str, occurrence: int = 0) -> Hit:
        return Hit("p.md", Diagnostic(out, "error", f"broken link '{target}': no such file", "link.missing-file"),
                   Link(target, 1, 1, "", False), occurrence)

    def work(n: int) -> int:
        text = "# Titre\n\n" + "".join(f"Voir [a](b{i}.md) et [x](x.md).\n\n" for i in range(n))
        text += "Voir [a](a.md) et [c](c.md).\n"
        document = load_document("p.md", text)
        msgids = [s.text for s in document.segments if s.kind == "paragraph"]
        translated = {m: m.replace("Voir", "See").replace("(b", "(c") for m in msgids}  # b{i}.md -> c{i}.md
        translated[msgids[-1]] = "See [a](a.md et [c](c.md)."  # the translator broke this link
        translations = _CountedMapping(translated)
        facts = PageFacts(document, "source/p.md", scan_text(text), (), translations,
                          {m: Translation("x", 10 + i) for i, m in enumerate(msgids)}, "locales/en-US/p.po")
        malformed = Hit("p.md", Diagnostic(out, "error", scan_text(translated[msgids[-1]]).malformed[0].message,
                                           "link.malformed"))
        started = forms[0]
        causes = collections.Counter()
        for i in range(n):
            for finding, html in ((broken(f"c{i}.md"), False), (broken(f"c{i}.html"), True),  # changed by translation
                                  (broken(f"b{i}.html"), True), (broken("x.html", i), True),  # in the source
                                  (broken("x.md", i), False), (malformed, True)):
                causes[attribute(finding, facts, "en-US", out, html=html).cause] += 1
        assert causes == {"translation": 3 * n, "output": 3 * n}
        return translations.lookups + forms[0] - started

    small, large = work(20), work(40)
    assert large < 2.5 * small, (small, large)


def test_checking_a_page_with_many_broken_links_costs_about_its_links(tmp_path, capsys, monkeypatch):
    """The same through ``pipeline check`` of built outputs (in one process): a page with
    twice the broken links costs about twice the work, counted in targets put in their built
    HTML form (each finding in HTML once compared its target with every link of its page)."""
    from pipeline import linkmap

    projects = {}
    for n in (15, 30):
        project = projects[n] = tmp_path / str(n)
        (project / "source").mkdir(parents=True)
        (project / "pyproject.toml").write_text(
            '[tool.pipeline]\nsource_locale = "en-US"\ntarget_locales = ["de-DE"]\n', encoding="utf-8")
        (project / "source" / "p.md").write_text("# P\n\n" + "[a](b.md) " * n + "\n", encoding="utf-8")
        build(project, capsys)
    forms = _count_calls(monkeypatch, linkmap, "html_href")  # the build uses it too

    def work(n: int) -> int:
        started = forms[0]
        code, out, _ = check(projects[n], capsys, "--no-cache", "-j", "1")
        assert (code, len(out)) == (1, n)  # the source's findings, reported there once
        return forms[0] - started

    small, large = work(15), work(30)
    assert large < 2.5 * max(small, 1), (small, large)


def test_redirection_file_of_the_source_folder_and_the_option(tmp_path, capsys):
    project = tmp_path / "site"
    (project / "source").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.pipeline]\nsource_locale = "en-US"\n', encoding="utf-8")
    (project / "source" / "a.md").write_text("# A\n\n[old](old.md)\n", encoding="utf-8")
    (project / "source" / "b.md").write_text("# B\n", encoding="utf-8")
    (project / "source" / ".openpublishing.redirection.json").write_text(json.dumps(
        {"redirections": [{"source_path": "old.md", "redirect_url": "/docs/b"}]}), encoding="utf-8")
    code, out, _ = check(project, capsys, "--no-outputs", "--site-map", "/docs=.")
    assert code == 0 and out == [
        "source/a.md:3:1: warning: link 'old.md' points to a moved page: it redirects to '/docs/b' [link.redirected]"]
    (project / "other.json").write_text("{not json", encoding="utf-8")
    code, _, err = check(project, capsys, "--no-outputs", "--redirects", str(project / "other.json"))
    assert (code, err) == (2, "other.json:1:2: error: cannot read the redirection file: Expecting property name "
                              "enclosed in double quotes [config.redirects]\n")  # where the JSON parser stopped
    for shape, why in (("[1, 2]", "entry 1 is not an object"),  # was: argument of type 'int' is not iterable
                       ('{"redirections": 5}', "'redirections' is not a list"),
                       ('{"redirections": [{"source_path": 5, "redirect_url": "/b"}]}',
                        "entry 1: 'source_path' and 'redirect_url' must be strings")):
        (project / "other.json").write_text(shape, encoding="utf-8")
        code, _, err = check(project, capsys, "--no-outputs", "--redirects", str(project / "other.json"))
        assert (code, err) == (2, f"other.json:1:1: error: cannot read the redirection file: {why} "
                                  "[config.redirects]\n"), shape


@pytest.mark.parametrize("findings, why", [
    ('[{"path": "x"}]', "finding 1 has no 'code'"),  # was: cannot read the baseline file: 'code'
    ('["x"]', "finding 1 is not an object"),  # was: string indices must be integers, not 'str'
    ('[{"path": "x", "code": "c", "subject": "s", "occurrence": "one"}]', "finding 1: 'occurrence' is not a number"),
])
def test_a_baseline_of_another_shape_says_what_is_wrong_with_it(project, capsys, findings, why):
    (project / "check-baseline.json").write_text(f'{{"format": 1, "findings": {findings}}}', encoding="utf-8")
    code, _, err = check(project, capsys, "--no-outputs")
    assert (code, err) == (2, f"check-baseline.json:1:1: error: cannot read the baseline file: {why} "
                              "[config.baseline]\n")


def test_a_baseline_that_is_not_json_is_located_where_the_parser_stopped(project, capsys):
    """As the redirection file: the line and column of the JSON error, not 1:1 with the
    parser's own "line 2 column 1 (char 9)" inside the message."""
    (project / "check-baseline.json").write_text('{"format": 1,\n  findings: []}\n', encoding="utf-8")
    code, _, err = check(project, capsys, "--no-outputs")
    assert (code, err) == (2, "check-baseline.json:2:3: error: cannot read the baseline file: Expecting property "
                              "name enclosed in double quotes [config.baseline]\n")


def test_a_page_added_checks_again_only_the_built_pages_whose_links_it_can_change(project, capsys, monkeypatch):
    """(In one process, ``-j 1``.) A built page's result depends on the file lists only
    through what resolving its links asked of them (``links.SiteReads``): a page added
    elsewhere leaves it standing; a page that a broken link named, or a "did you mean" hint
    could now name, makes it checked again. The report is always the one a check that reuses
    nothing prints."""
    from pipeline import checking, checkoutputs

    source = project / "source"
    (source / "autre.md").write_text("# Autre page\n\nVoir [nouveau](nouveau.md).\n", encoding="utf-8")
    (source / "seul.md").write_text("# Seul\n\nVoir [autre](autre.md).\n", encoding="utf-8")
    build(project, capsys)
    check(project, capsys, "-j", "1")
    calls: list[list[str]] = []
    real_tree = checking.check_tree

    def counting_tree(pages, *args, **kwargs):
        calls.append(list(pages))
        return real_tree(pages, *args, **kwargs)

    monkeypatch.setattr(checking, "check_tree", counting_tree)  # the source pages
    monkeypatch.setattr(checkoutputs, "check_tree", counting_tree)  # the built pages

    def step(edit, rebuild: bool = True) -> tuple[set[str], list[str]]:
        edit()
        if rebuild:
            build(project, capsys)
        calls.clear()
        found = check(project, capsys, "-j", "1")
        # the first call checks the source pages (all of them: cheap), then one a built page
        built = {page.rsplit("/", 1)[-1] for pages in calls[1:] for page in pages}
        assert check(project, capsys, "--no-cache", "-j", "1")[:2] == found[:2]
        return built, found[1]

    built, out = step(lambda: (source / "ailleurs.md").write_text("# Ailleurs\n", encoding="utf-8"))
    # its own built pages (HTML ones are checked under their pages' names) and each locale's
    # HTML index, which lists it
    assert built == {"ailleurs.md", "index.md"}
    assert any("broken link 'nouveau.md'" in line for line in out)
    # a check before the build catches up: the source link resolves, the built ones do not
    built, out = step(lambda: (source / "nouveau.md").write_text("# Nouveau\n", encoding="utf-8"), rebuild=False)
    assert built == {"autre.md"} and any("/autre.md:3:6: error: broken link 'nouveau.md'" in line for line in out)
    built, out = step(lambda: None)
    assert built == {"nouveau.md", "index.md", "autre.md"}  # the link now resolves
    assert not any("nouveau.md'" in line for line in out)
    built, out = step(lambda: (source / "nouveau.md").unlink())
    assert built == {"autre.md", "index.md"} and any("broken link 'nouveau.md'" in line for line in out)
    built, out = step(lambda: (source / "nouveaux.md").write_text("# Nouveaux\n", encoding="utf-8"))
    assert built == {"nouveaux.md", "index.md", "autre.md"}  # a hint for it
    assert any("broken link 'nouveau.md': no such file; did you mean 'nouveaux.md'?" in line for line in out)


def test_the_check_takes_the_reviews_the_build_made_of_the_same_catalogs(project, capsys, monkeypatch):
    """``make check`` builds, then checks: the build reviewed every catalog (QA) already, so a
    check whose own cache is empty (a CI job's) takes those reviews from the build's records
    while the catalog, page, glossary, settings and our code are the same, and reports what
    reviewing them again would, without the build's "the source text is used instead"."""
    title = "Des erreurs se produisent pendant l’inscription de votre appareil iOS dans Intune"
    paragraph = next(m for m in edit_po(project, "en-US", {}) if m.startswith("Le tableau suivant"))
    edit_po(project, "en-US", {title: ("You see errors while enrolling your iOS device", ""),
                               paragraph: ("The following table lists the errors.", "")})
    build(project, capsys)
    reviews = _count_calls(monkeypatch, review_module, "review_translations")
    fresh = check(project, capsys, "--no-cache", "-j", "1")  # reads nothing of out/.cache: reviews both catalogs
    assert reviews == [2]
    assert fresh[0] == 1 and any("[qa.link-count]" in line for line in fresh[1])
    assert any("[qa.product-name]" in line for line in fresh[1])
    assert not any("the source text is used instead" in line for line in fresh[1])
    assert check(project, capsys, "-j", "1") == fresh
    assert reviews == [2]  # the built pages' findings are attributed with the build's reviews too
    edit_po(project, "de-DE", {title: ("Fehler beim Registrieren Ihres iOS-Geräts", "")})  # de-DE: not built since
    assert check(project, capsys, "-j", "1", "--no-outputs")[0] == 1
    assert reviews == [3]


def test_the_outputs_a_broken_page_keeps_from_its_last_build_are_not_reported_on(project, capsys):
    """A page that cannot be parsed (a merge conflict left in it, broken YAML) is one error;
    its outputs are the last build's, kept as they were: their findings (the source's known
    broken links, now unattributable) made 160 more errors."""
    build(project, capsys)
    page = project / "source" / SEED_NAME
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("\n### Voir aussi", "\n<<<<<<< HEAD\nA.\n=======\nB.\n>>>>>>> topic\n\n### Voir aussi", 1),
                    encoding="utf-8")
    assert main(["-C", str(project), "all"]) == 1
    capsys.readouterr()
    code, out, err = check(project, capsys)
    assert code == 1
    assert [line for line in out if "(known error)" not in line] == [
        f"{SOURCE}:42:1: error: unresolved merge conflict: '<<<<<<<', '=======' and '>>>>>>>' lines "
        "(resolve it, then commit) [source.conflict]"]
    assert check(project, capsys, "--no-cache")[:2] == (code, out)


def test_github_annotations_name_files_from_the_repository_root(project, tmp_path, capsys, monkeypatch):
    """README's workflow expected the project at the root of the repository: with the project
    in ``docs/`` (``pipeline -C docs check``), ``file=source/page.md`` named no file of the
    repository, and GitHub showed no annotation on it. Paths are now relative to
    ``$GITHUB_WORKSPACE`` (the checkout), else to the folder the command runs in; the text
    report and the baseline keep the project's paths."""
    build(project, capsys)
    repo = project.parent
    monkeypatch.chdir(repo)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    code, out, _ = check(project, capsys, "--format", "github")
    assert code == 0 and out and all(line.startswith("::notice file=project/source/") for line in out), out[:2]
    monkeypatch.chdir(project / "source")  # a step with working-directory: the workspace decides
    monkeypatch.setenv("GITHUB_WORKSPACE", str(repo))
    assert check(project, capsys, "--format", "github")[1] == out
    monkeypatch.chdir(repo)
    junit = check(project, capsys, "--format", "junit")[1]
    assert any('file="project/source/' in line for line in junit)
    assert any('name="source/' in line for line in junit)
    assert check(project, capsys)[1][0].startswith("source/")  # text: the project's paths, as every command's
    monkeypatch.delenv("GITHUB_WORKSPACE")
    first = check(project, capsys, "--no-outputs", "--format", "github")[1]
    page = project / "source" / SEED_NAME
    text = page.read_text(encoding="utf-8")
    body = text.index("\n---\n", 3) + 5
    page.write_text(text[:body] + "A sentence added.\n\n" + text[body:], encoding="utf-8")  # its links move
    moved = check(project, capsys, "--no-outputs", "--format", "github")[1]  # replayed at the new places
    assert len(moved) == len(first) and all(line.startswith("::notice file=project/source/") for line in moved)
    assert moved != first


def test_a_unit_the_last_build_failed_lends_the_check_no_review(project, capsys):
    """A unit that failed (here its output could not be written) keeps its previous record,
    without findings: its review key must go too, or the check took "no QA findings" for the
    catalog's review."""
    title = "Des erreurs se produisent pendant l’inscription de votre appareil iOS dans Intune"
    edit_po(project, "en-US", {title: ("You see errors while enrolling your iOS device", "")})
    build(project, capsys)
    expected = check(project, capsys, "--no-cache")
    assert any("[qa.product-name]" in line for line in expected[1])
    page = project / "out" / "markdown" / "en-US" / SEED_NAME
    edit_po(project, "en-US", {title: ("You see errors while enrolling your iOS device.", "")})
    page.unlink()
    page.mkdir()  # the en-US unit cannot be written: it fails
    assert main(["-C", str(project), "build"]) == 1
    edit_po(project, "en-US", {title: ("You see errors while enrolling your iOS device", "")})  # as reviewed before
    page.rmdir()
    capsys.readouterr()
    for stored in (project / "out" / ".cache").glob("links*.json"):
        stored.unlink()
    found = check(project, capsys, "--no-outputs")[1]
    assert [line for line in found if "[qa." in line] == [line for line in expected[1] if "[qa." in line]


def test_html_links_to_md_files_that_are_no_pages_are_checked_as_the_build_writes_them(tmp_path, capsys):
    """The HTML check reads ``x.html`` as the page ``x.md``, and so took ``.github/CONTRIBUTING.md``
    (a file, no page: ``files.is_page``) for the page behind ``.github/CONTRIBUTING.html``: the
    dead link the build wrote passed, and ``NOTES.html`` (for ``NOTES.MD``) only warned of letter
    case. The build now keeps the ``.md`` targets, which pass; a ``.html`` one is a broken link."""
    project = tmp_path / "site"
    (project / "source" / ".github").mkdir(parents=True)
    (project / "source" / ".github" / "CONTRIBUTING.md").write_text("# Contributing\n", encoding="utf-8")
    (project / "source" / "NOTES.MD").write_text("# Notes\n", encoding="utf-8")
    (project / "source" / "page.md").write_text(
        "# Page\n\n[c](.github/CONTRIBUTING.md#rules) and [n](NOTES.MD).\n", encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\n', encoding="utf-8")
    assert main(["-C", str(project), "build"]) == 0
    capsys.readouterr()
    assert check(project, capsys, "--format", "json")[0] == 0
    page = project / "out/html/en-US/page.html"
    html = page.read_text(encoding="utf-8")
    assert 'href=".github/CONTRIBUTING.md#rules"' in html and 'href="NOTES.MD"' in html
    page.write_text(html.replace('href=".github/CONTRIBUTING.md#rules"', 'href=".github/CONTRIBUTING.html#rules"')
                    .replace('href="NOTES.MD"', 'href="NOTES.html"'), encoding="utf-8")
    code, out, _ = check(project, capsys, "--format", "json")
    findings = json.loads("\n".join(out))["findings"]
    assert code == 1 and [(f["path"], f["severity"], f["code"], f["target"]) for f in findings] == [
        ("out/html/en-US/page.html", "error", "link.missing-file", ".github/CONTRIBUTING.html#rules"),
        ("out/html/en-US/page.html", "error", "link.missing-file", "NOTES.html")]
