"""Report formats and baseline keys (pure), and the scan cache."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from pipeline import linkcache
from pipeline.linkcache import load_scan_cache
from pipeline.linkscan import scan_text
from pipeline.model import Diagnostic, Location
from pipeline.reports import (
    Finding,
    apply_baseline,
    finding_keys,
    format_baseline,
    format_github,
    format_junit,
    format_text,
    parse_baseline,
    summary_line,
)


def finding(path: str, line: int, message: str, code: str = "link.missing-file", severity: str = "error",
            target: str = "x.md") -> Finding:
    return Finding(Diagnostic(Location(path, line, 3), severity, message, code), path, target)


def test_keys_ignore_lines_and_count_occurrences():
    a = [finding("p.md", 3, "broken"), finding("p.md", 9, "broken"), finding("p.md", 9, "at 9:4", "link.malformed", target="")]
    b = [finding("p.md", 30, "broken"), finding("p.md", 90, "broken"), finding("p.md", 12, "at 12:5", "link.malformed", target="")]
    assert finding_keys(a) == finding_keys(b) == [
        "p.md\tlink.missing-file\tx.md\t0", "p.md\tlink.missing-file\tx.md\t1", "p.md\tlink.malformed\tat #:#\t0"]
    known = parse_baseline(format_baseline(a[:1]))
    marked = apply_baseline(b, known)
    assert [f.known for f in marked] == [True, False, False]
    assert [f.fails() for f in marked] == [False, True, True]


def test_text_github_and_junit_forms():
    items = apply_baseline([finding("a b.md", 2, "broken: 50%\nnext"), finding("c.md", 1, "odd", "qa.x", "warning", "")],
                           parse_baseline(format_baseline([finding("c.md", 1, "odd", "qa.x", "warning", "")])))
    assert format_text(items) == ("a b.md:2:3: error: broken: 50%\nnext [link.missing-file]\n"
                                  "c.md:1:3: note: odd [qa.x] (known warning)\n")
    assert format_github(items).splitlines() == [
        "::error file=a b.md,line=2,col=3,title=[link.missing-file]::broken: 50%25%0Anext",
        "::notice file=c.md,line=1,col=3,title=[qa.x]::odd (known warning, in the baseline)"]
    root = ET.fromstring(format_junit(items, ["a b.md", "c.md", "d.md"]))
    suite = root.find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("3", "1")
    assert [c.get("name") for c in suite.iter("testcase")] == ["a b.md", "c.md", "d.md"]
    assert summary_line(items, 3) == "pipeline check: 3 files checked: 1 error, 0 warnings, 1 known (baseline)"
    warn = [finding("c.md", 1, "odd", "qa.x", "warning", "")]
    assert not warn[0].fails() and warn[0].fails(strict=True)
    assert format_github(warn, strict=True).startswith("::error ")


def test_scan_cache_round_trip(tmp_path):
    path = tmp_path / ".cache" / "links.json"
    text = "# T\n\n[a](b.md#c) ![i](m.png) <a name='x'></a>\n\n[bad](a b)\n"
    cache = load_scan_cache(path)
    scanner = cache.scanner("md", scan_text)
    assert scanner(text) == scan_text(text)
    assert cache.save() is True
    again = load_scan_cache(path)
    calls = []
    cached = again.scanner("md", lambda t: calls.append(t) or scan_text(t))
    assert cached(text) == scan_text(text) and calls == [] and again.hits == 1
    assert again.save() is False  # nothing new
    path.write_text(json.dumps({"format": 999}), encoding="utf-8")
    assert load_scan_cache(path).scanner("md", scan_text)(text) == scan_text(text)


def test_scans_stored_by_other_code_are_not_reused(tmp_path, monkeypatch):
    """A fix to the scanner, without a new version number, must not be hidden by old scans."""
    path = tmp_path / ".cache" / "links.json"
    cache = load_scan_cache(path)
    cache.scanner("md", scan_text)("# T\n\n[a](b.md)\n")
    assert cache.save() is True
    assert load_scan_cache(path).scanner("md", scan_text)("# T\n\n[a](b.md)\n") and load_scan_cache(path)._stored
    monkeypatch.setattr(linkcache, "code_stamp", lambda: "pipeline/linkscan.py edited")
    assert load_scan_cache(path)._stored == {}


def test_junit_is_well_formed_with_control_characters_and_has_one_failure_per_case():
    # a stray backspace or escape pasted into a link destination ends up in the message;
    # XML 1.0 forbids those characters, so the report must not carry them raw
    text = "Voir le [Portail d’entreprise](\x08portal.md) et [aide](\x1b[0maide.md).\n"
    items = [Finding(Diagnostic(Location("p.md", m.line, m.column), "error", m.message, m.code), "p.md")
             for m in scan_text(text).malformed]
    items.append(finding("p.md", 3, "broken link 'x.md': no such file"))
    items.append(finding("p.md", 4, "odd", "qa.x", "warning", ""))
    root = ET.fromstring(format_junit(items, ["p.md"]))
    case = root.find("testsuite").find("testcase")
    # Jenkins, Azure DevOps and junitparser read one <failure> per test case: all failing
    # findings of the file go into it, the first one's message on it
    failures = case.findall("failure")
    assert len(failures) == 1
    assert failures[0].get("message") == ("3 findings; first: malformed link '[Portail d’entreprise](...': "
                                          "destination '\\x08portal.md' contains spaces (write %20 or <...>)")
    assert failures[0].text.splitlines() == [
        "p.md:1:9: error: malformed link '[Portail d’entreprise](...': destination '\\x08portal.md' contains "
        "spaces (write %20 or <...>) [link.malformed]",
        "p.md:1:47: error: malformed link '[aide](...': destination '\\x1b[0maide.md' contains spaces "
        "(write %20 or <...>) [link.malformed]",
        "p.md:3:3: error: broken link 'x.md': no such file [link.missing-file]"]
    assert case.find("system-out").text == "p.md:4:3: warning: odd [qa.x]"


def test_annotation_prefix_reads_the_workspace_through_symbolic_links(tmp_path):
    from pipeline.reports import annotation_prefix

    (tmp_path / "repo" / "docs").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "repo")
    assert annotation_prefix(str(tmp_path / "repo" / "docs"), "/", str(tmp_path / "link")) == "docs/"
    assert annotation_prefix(str(tmp_path / "repo"), str(tmp_path / "repo"), None) == ""
    assert annotation_prefix(str(tmp_path / "repo"), str(tmp_path / "repo" / "docs"), None) == ""  # outside
