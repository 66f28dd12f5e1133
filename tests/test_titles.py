"""What the site calls a page (``pipeline.titles``): its front-matter title, else its first
heading as text, else its file name made readable; never its path. The Markdown output gets
no H1 made up from them."""

from __future__ import annotations

import lxml.html

from pipeline.cli import main
from pipeline.source import load_document
from pipeline.titles import page_title, readable_name


def _index(project, locale: str) -> list[tuple[str, str]]:
    root = lxml.html.document_fromstring((project / "out/html" / locale / "index.html").read_text(encoding="utf-8"))
    return [(a.get("href"), a.text_content()) for a in root.xpath("//ul[@class='page-list']//a")]


def test_a_page_without_a_title_takes_its_first_heading(tmp_path, capsys):
    project = tmp_path / "titles"
    (project / "source").mkdir(parents=True)
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["qps-ploc"]\n', encoding="utf-8")
    (project / "source/guide.md").write_text("Intro.\n\n## Set *up* the [portal](x.md)\n\nText.\n", encoding="utf-8")
    (project / "source/named.md").write_text("---\ntitle: Named\n---\n# Heading\n", encoding="utf-8")
    assert main(["-C", str(project), "all"]) == 0
    assert _index(project, "en-US") == [("guide.html", "Set up the portal"), ("named.html", "Named")]
    assert "<title>Set up the portal</title>" in (project / "out/html/en-US/guide.html").read_text(encoding="utf-8")
    pseudo = dict(_index(project, "qps-ploc"))["guide.html"]
    assert pseudo != "Set up the portal" and pseudo.startswith("[!!")  # the heading as translated
    markdown = (project / "out/markdown/en-US/guide.md").read_text(encoding="utf-8")
    assert markdown.startswith("Intro.")  # the Markdown output gets no H1 made up from it


def test_titles_in_order_of_preference():
    titled = load_document("a/x.md", "---\ntitle: Front matter\n---\n# Heading\n")
    assert page_title(titled, {}) == "Front matter"
    assert page_title(titled, {"Front matter": "Vorderseite"}) == "Vorderseite"
    untitled = load_document("a/x.md", "---\ntitle:\n---\nText.\n\n### `Get-Item` <b>now</b>\n\n# Later\n")
    assert page_title(untitled, {}) == "Get-Item now"  # the first heading, whatever its level
    assert page_title(untitled, {"`Get-Item` <b>now</b>": "`Get-Item` <b>jetzt</b>"}) == "Get-Item jetzt"
    fragment = load_document("includes/wps_2_md.md", "Windows PowerShell")
    assert page_title(fragment, {}) == "wps 2 md"
    assert [readable_name(p) for p in ("a/Intune-feedback-footer.md", "index.md", "x_-_y.md")] == [
        "Intune feedback footer", "index", "x y"]
