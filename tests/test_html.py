"""HTML output: safe whatever the translations say, valid (Nu Html Checker), accessible, linked.

The end-to-end tests build a copy of the sample project in ``tmp_path`` through
``pipeline.cli.main``; ``render_direct`` renders the same page without the build's QA
review, so hostile translations that QA would set aside still reach the renderer.
The validator tests need Java and ``vnu.jar`` (``$VNU_JAR``, else
``.ci/node_modules/vnu-jar/build/dist/vnu.jar`` as ``.ci/run`` installs it, else
``node_modules/...`` under the project): without them they skip, and under CI
(``CI=true``) they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

import lxml.html
import polib
import pytest

from pipeline import linkmap, render, site
from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.linkmap import LinkContext, html_href
from pipeline.render import finish_html, render_html_body
from pipeline.sanitize import url_scheme
from pipeline.source import load_document

from .conftest import require_shared

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "intune-2016" / "en-us" / "InTuneDocs"
SEED = "you-see-errors-while-trying-to-enroll-your-device-in-intune-ios"
CODES = ("DeviceCapReached", "APNSCertificateNotValid", "AccountNotOnboarded", "DeviceTypeNotSupported",
         "UserLicenseTypeInvalid", "MdmAuthorityNotDefined")
DESCRIPTION = "Erreurs d’inscription d’un appareil iOS dans Intune"

# Hostile msgstr values, after the OWASP XSS filter evasion cheat sheet and PortSwigger's list.
PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "<svg/onload=alert(3)>",
    "<svg><script>alert(4)</script></svg>",
    "<iframe src=\"javascript:alert(5)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(6)</script>\"></iframe>",
    "<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==\"></object>",
    "<embed src=\"javascript:alert(8)\">",
    "<a href=\"javascript:alert(9)\">clic</a>",
    "<a href=\"JaVaScRiPt:alert(10)\">clic</a>",
    "<body onload=alert(11)>",
    "<details open ontoggle=alert(12)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(13)>",
    "</td></table><script>alert(14)</script>",
    "</td></tr></tbody></table></main><iframe src=//evil.example></iframe>",
    "[x](javascript:alert(15))",
    "[x](JaVaScRiPt:alert(16))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxNyk8L3NjcmlwdD4=)",
    "[x](vbscript:msgbox(18))",
    "[x](&#106;avascript:alert(19))",
    "[x](&#x6A;&#x61;vascript:alert(20))",
    "[x](java&#9;script:alert(21))",
    "[x]( javascript:alert(22) \"t\")",
    "<javascript:alert(23)>",
    "![x](x\" onerror=\"alert(24))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMjUpPg==)",
    "&lt;script&gt;alert(26)&lt;/script&gt;",
    "&#60;script&#62;alert(27)&#60;/script&#62;",
    "<scr<script>ipt>alert(28)</scr</script>ipt>",
    "<img src=x onerror=alert(29) a=\"",
    "<!--<img src=x onerror=alert(30)>-->",
    "<style>body{background:url(javascript:alert(31))}</style>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(32)\">",
    "<base href=\"javascript:alert(33)//\">",
    "<form action=\"javascript:alert(34)\"><button>go</button></form>",
    "\"><img src=x onerror=alert(35)>",
    "'><svg onload=alert(36)>",
    "```\n<script>alert(37)</script>",
    "[x]\n\n[x]: javascript:alert(38)",
    "<a href=\"&#14;javascript:alert(39)\">x</a>",
    "<img src=\"jav&#x09;ascript:alert(40)\">",
    "<div style=\"background:url(javascript:alert(41))\">x</div>",
)
UNSAFE_ELEMENTS = {"script", "iframe", "object", "embed", "frame", "frameset", "applet", "base", "form",
                   "svg", "math", "style", "noscript", "template"}
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "poster", "background", "srcset", "xlink:href")


# -- helpers ----------------------------------------------------------------------------------


def make_project(tmp_path: Path, site_map: str = "") -> Path:
    """The sample project (its source page with a description) with fresh POT and PO files."""
    project = tmp_path / "project"
    (project / "source").mkdir(parents=True)
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    (project / "pyproject.toml").write_text(pyproject + site_map, encoding="utf-8")
    text = (REPO / "source" / f"{SEED}.md").read_bytes().decode("utf-8")
    text = re.sub(r"^description:[ \t]*$", f"description: {DESCRIPTION}", text, count=1, flags=re.MULTILINE)
    (project / "source" / f"{SEED}.md").write_bytes(text.encode("utf-8"))
    assert main(["-C", str(project), "extract"]) == 0
    assert main(["-C", str(project), "update"]) == 0
    return project


def fill_po(project: Path, locale: str, choose: Callable[[int, polib.POEntry], str]) -> dict[str, str]:
    path = project / "locales" / locale / f"{SEED}.po"
    po = polib.pofile(str(path))
    for index, entry in enumerate(e for e in po if not e.obsolete):
        entry.msgstr = choose(index, entry)
    po.save(str(path))
    return {e.msgid: e.msgstr for e in po if e.msgstr}


def build(project: Path) -> dict[str, str]:
    """Build; relative path under out/html -> page text (the pages, not the locale indexes)."""
    assert main(["-C", str(project), "build"]) in (0, 1)
    html_root = project / "out" / "html"
    return {p.relative_to(html_root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(html_root.rglob("*.html")) if p.parent.parent != html_root or p.name != "index.html"}


def render_direct(project: Path, locale: str, translations: dict[str, str]) -> str:
    """The HTML page through render.py alone: no QA review sets hostile translations aside."""
    settings = load_settings(project)
    document = load_document(f"{SEED}.md", (project / "source" / f"{SEED}.md").read_text(encoding="utf-8"),
                             settings.translate_keys)
    env = render.make_environment(None)
    translated = render.apply_translations(document, translations)
    title = render.front_matter_value(document, translations, "title")
    markdown_text = render.portable_markdown(translated[1], title, lambda _: None)
    meta = render.Page(path=document.path, locale=locale, source_locale=settings.source_locale,
                       lang=site.html_lang(locale), dir=site.text_direction(locale), title=title,
                       description=render.front_matter_value(document, translations, "description"),
                       coverage=50.0, alternates=(("x-default", f"../{settings.source_locale}/{SEED}.html"),))
    return render.render_page(env, "html", meta, document, translated, markdown_text)


def unsafe_findings(page: str) -> list[str]:
    """Everything in a page that could run script or load active content."""
    root = lxml.html.document_fromstring(page)
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag in UNSAFE_ELEMENTS:
            found.append(f"<{tag}> element")
        if tag == "meta" and (element.get("http-equiv") or element.get("name") not in (None, "viewport", "description")):
            found.append(f"meta {dict(element.attrib)}")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"<{tag} {name}=...>")
            if name.lower() in URL_ATTRIBUTES and url_scheme(value) not in ("", "http", "https", "mailto", "tel"):
                found.append(f"<{tag} {name}={value!r}>")
            if name.lower() in URL_ATTRIBUTES and re.search(r"(?i)(java|vb)script:|data:", re.sub(r"[\s\x00-\x1f]", "", value)):
                found.append(f"<{tag} {name}={value!r}>")
    return found


def assert_error_table_intact(page: str, where: str) -> None:
    root = lxml.html.document_fromstring(page)
    tables = root.xpath("//table")
    assert len(tables) == 1, where
    rows = tables[0].xpath("./tbody/tr")
    assert [r.get("id") for r in rows] == list(CODES), where
    assert all(len(r.xpath("./th|./td")) == 3 for r in rows), where
    assert [h.get("scope") for h in tables[0].xpath("./thead/tr/th")] == ["col"] * 3, where


def vnu_jar() -> Path:
    """vnu.jar and a working java, or a skip (a failure under CI)."""
    candidates = [REPO / folder / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar" for folder in (".ci", ".")]
    jar = Path(os.environ["VNU_JAR"]) if os.environ.get("VNU_JAR") else next((c for c in candidates if c.is_file()), candidates[0])
    problem = None
    if shutil.which("java") is None:
        problem = "java is not installed (apt-get install -y default-jre-headless)"
    elif not jar.is_file():
        problem = f"{jar} is missing (npm install --no-save --prefix .ci vnu-jar, or set VNU_JAR)"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    return jar


def run_vnu(files: Iterable[Path]) -> str:
    """The validator's error lines for the files (empty when they are all valid)."""
    jar = vnu_jar()
    paths = [str(p) for p in files]
    assert paths
    result = subprocess.run(["java", "-jar", str(jar), "--errors-only", "--skip-non-html", *paths],
                            capture_output=True, text=True, timeout=300)
    return (result.stderr + result.stdout).strip() if result.returncode else ""


def hostile(offset: int) -> Callable[[int, polib.POEntry], str]:
    return lambda index, entry: f"Texte {index}. {PAYLOADS[(index + offset) % len(PAYLOADS)]} fin."


# -- translations cannot inject markup ----------------------------------------------------------


def test_hostile_translations_cannot_reach_the_built_pages(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    fill_po(project, "en-US", hostile(0))
    fill_po(project, "de-DE", hostile(29))  # with en-US: every payload at least once
    pages = build(project)
    assert {p.split("/")[0] for p in pages} >= {"fr-FR", "en-US", "de-DE"}
    for path, page in pages.items():
        assert unsafe_findings(page) == [], path
        assert_error_table_intact(page, path)


@pytest.mark.parametrize("offset", [0, 29])
def test_hostile_translations_render_as_text_even_without_qa(tmp_path: Path, offset: int) -> None:
    project = make_project(tmp_path)
    translations = fill_po(project, "en-US", hostile(offset))
    page = render_direct(project, "en-US", translations)
    assert unsafe_findings(page) == []
    assert_error_table_intact(page, "en-US")
    text = lxml.html.document_fromstring(page).text_content()
    assert "onerror=alert" in text or "<script>" in text  # the payloads are there, as text
    (tmp_path / f"direct-{offset}.html").write_text(page, encoding="utf-8")


def test_hostile_title_and_description_stay_text(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    title = "<script>alert(1)</script><img src=x onerror=alert(2)> | Intune"
    translations = fill_po(project, "en-US", lambda i, e: title if e.msgid.endswith("| Microsoft Intune")
                           else "\"><svg onload=alert(3)>" if e.msgid == DESCRIPTION else "")
    page = render_direct(project, "en-US", translations)
    root = lxml.html.document_fromstring(page)
    assert unsafe_findings(page) == []
    assert root.findtext(".//title") == title
    assert root.xpath("//meta[@name='description']/@content") == ["\"><svg onload=alert(3)>"]


# -- page head: lang, dir, title, description, alternates ----------------------------------------


def test_head_comes_from_locale_data_and_translated_front_matter(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    fill_po(project, "en-US", lambda i, e: {
        DESCRIPTION: "iOS enrollment errors in Intune",
    }.get(e.msgid, "Errors enrolling your iOS device | Microsoft Intune" if e.msgid.endswith("| Microsoft Intune") else ""))
    pages = build(project)
    root = lxml.html.document_fromstring(pages[f"en-US/{SEED}.html"])
    html = root.getroottree().getroot()
    assert (html.get("lang"), html.get("dir")) == ("en-US", "ltr")
    assert root.findtext(".//title") == "Errors enrolling your iOS device | Microsoft Intune"
    assert root.xpath("//meta[@name='description']/@content") == ["iOS enrollment errors in Intune"]
    alternates = dict((l.get("hreflang"), l.get("href")) for l in root.xpath("//link[@rel='alternate']"))
    assert alternates["fr-FR"] == alternates["x-default"] == f"../fr-FR/{SEED}.html"
    assert alternates["de-DE"] == f"../de-DE/{SEED}.html"
    source = lxml.html.document_fromstring(pages[f"fr-FR/{SEED}.html"])
    assert source.getroottree().getroot().get("lang") == "fr-FR"
    assert source.findtext(".//title").startswith("Des erreurs se produisent")


def test_right_to_left_locales_get_dir_rtl() -> None:
    assert (site.html_lang("ar-SA"), site.text_direction("ar-SA")) == ("ar-SA", "rtl")
    assert (site.html_lang("he-IL"), site.text_direction("he-IL")) == ("he-IL", "rtl")
    assert site.text_direction("ja-JP") == "ltr"
    assert site.text_direction("qps-plocm") == "rtl"
    assert site.language_name("de-DE") == "Deutsch (Deutschland)"


# -- the error table ------------------------------------------------------------------------------


def test_error_table_is_accessible_and_anchored_in_every_locale(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    fill_po(project, "de-DE", lambda i, e: "" if i % 2 else f"Übersetzung {i}")
    for path, page in build(project).items():
        assert_error_table_intact(page, path)
        root = lxml.html.document_fromstring(page)
        table = root.xpath("//table")[0]
        label = table.get("aria-labelledby")
        assert label and root.xpath(f"//h1[@id='{label}']"), path
        region = table.getparent()
        assert (region.get("role"), region.get("tabindex"), region.get("aria-labelledby")) == ("region", "0", label)
        for row in table.xpath("./tbody/tr"):
            header = row[0]
            assert (header.tag, header.get("scope"), header.text_content()) == ("th", "row", row.get("id"))
            assert all(cell.get("data-label") for cell in row[1:]), path


# -- links --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("href", "expected"), [
    ("unenroll-your-device-from-intune-android.md", "unenroll-your-device-from-intune-android.html"),
    ("unenroll-your-device-from-intune-ios", "unenroll-your-device-from-intune-ios.html"),
    ("other.md#section", "other.html#section"),
    (".\\sub\\page.md", "./sub/page.html"),
    ("../media/screen.png", "../media/screen.png"),
    ("..\\media\\screen.png", "../media/screen.png"),
    ("~/GetStarted/start.md", "../GetStarted/start.html"),
    ("#DeviceCapReached", "#DeviceCapReached"),
    ("http://portal.manage.microsoft.com", "http://portal.manage.microsoft.com"),
    ("mailto:it@example.com", "mailto:it@example.com"),
    ("/Intune/Get-Started/start-with-a-paid-subscription", "../GetStarted/start-with-a-paid-subscription.html"),
    ("/intune/deploy-use/set-up-ios?view=x#top", "../DeployUse/set-up-ios.html?view=x#top"),
    ("/intune", "../index.html"),
    ("/other-site/page", "/other-site/page"),
])
def test_links_point_at_built_pages(href: str, expected: str) -> None:
    site_map = (("/intune/get-started", "GetStarted"), ("/intune/deploy-use", "DeployUse"), ("/intune", ""))
    assert html_href(href, "EndUser/page.md", site_map) == expected


def test_site_root_links_find_pages_regardless_of_letter_case() -> None:
    pages = {"DeployUse/Set-Up-iOS.md", "EndUser/page.md", "Understand/index.md"}
    site_map = (("/intune/deploy-use", "DeployUse"), ("/intune/understand-explore", "Understand"))
    assert html_href("/intune/deploy-use/set-up-ios", "EndUser/page.md", site_map, pages) == "../DeployUse/Set-Up-iOS.html"
    assert html_href("/Intune/Understand-Explore", "EndUser/page.md", site_map, pages) == "../Understand/index.html"


def test_links_to_md_files_that_are_no_pages_keep_their_target() -> None:
    """A ``.md`` file that is no page (``files.is_page``: in a hidden folder or ``node_modules``,
    or ``.MD``) is never built: a link to it keeps its target (the build copies the file there,
    under the name the link uses). A page of that name, in that letter case, wins; a link to
    no file at all, or an extension-less one (a page's), still gets ``.html``."""
    pages = {"EndUser/page.md", "EndUser/Other.md", "x.md", "Y.md"}
    files = {"EndUser/.github/CONTRIBUTING.md", "EndUser/node_modules/pkg/README.md", "NOTES.MD", "X.MD", "Y.MD"}
    site_map = (("/intune", ""),)

    def href(target: str) -> str:
        return html_href(target, "EndUser/page.md", site_map, pages, files)

    assert href(".github/CONTRIBUTING.md#rules") == ".github/CONTRIBUTING.md#rules"
    assert href("node_modules/pkg/README.md") == "node_modules/pkg/README.md"
    assert href("..\\NOTES.MD") == "../NOTES.MD"
    assert href("../notes.md") == "../notes.md"  # the file in other letter case: copied to this name
    assert href("~/NOTES.MD") == href("/intune/NOTES.MD") == "../NOTES.MD"
    assert href("../X.MD") == "../X.MD" and href("../x.md") == "../x.html"
    assert href("../Y.MD") == "../Y.MD" and href("../Y.md") == "../Y.html" and href("../y.md") == "../Y.html"
    assert href("other.md") == "Other.html" and href("gone.md") == "gone.html"
    assert href(".github/CONTRIBUTING") == ".github/CONTRIBUTING.html"


def test_render_html_body_maps_markdown_and_raw_html_links() -> None:
    body = render_html_body('[a](x.md) <a href="y.md">b</a> ![i](..\\media\\i.png) [c](/intune/z)\n',
                            (), page_path="Sub/page.md", site_map=(("/intune", ""),))
    root = lxml.html.fragment_fromstring(body, create_parent="div")
    assert [a.get("href") for a in root.iter("a")] == ["x.html", "y.html", "../z.html"]
    assert root.find(".//img").get("src") == "../media/i.png"


# -- raw HTML in source pages ---------------------------------------------------------------------


def test_raw_html_becomes_valid_html5() -> None:
    html = finish_html(
        '<h1>T</h1><h3>Skipped</h3><a name="anchor"></a><center>c</center><font color="red">f</font>'
        '<img src="a.png" align="left" border="0"><table border="1" cellpadding="2"><tr><td width="50%">x</td></tr></table>'
        '<p id="dup">1</p><p id="dup">2</p><token xmlns:xlink="http://www.w3.org/1999/xlink">cmshort</token>',
        LinkContext("page.md"),
    )
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    assert [h.tag for h in root.iter("h1", "h2", "h3")] == ["h1", "h2"]
    assert root.xpath("//a[@id='anchor' and not(@name)]")
    assert not root.xpath("//center|//font|//token|//*[@align or @border or @cellpadding or @width]")
    assert root.find(".//img").get("alt") == ""
    assert [p.get("id") for p in root.iter("p")] == ["dup", None]
    assert "cmshort" in root.text_content()


# -- Nu Html Checker --------------------------------------------------------------------------


def test_built_pages_of_every_locale_and_the_index_are_valid_html(tmp_path: Path) -> None:
    jar_check = vnu_jar()  # skip (or fail under CI) before building anything
    assert jar_check
    project = make_project(tmp_path)
    fill_po(project, "en-US", lambda i, e: "" if i % 3 == 2 else f"Translated {i}, **bold**, [a link](other.md).")
    fill_po(project, "de-DE", hostile(7))
    pages = build(project)
    html_root = project / "out" / "html"
    files = [html_root / p for p in pages]
    env = render.make_environment(None)
    meta = render.Page(path=f"{SEED}.md", locale="de-DE", source_locale="fr-FR", lang="de-DE", dir="ltr",
                       title="Fehler <b>", description="", coverage=48.3)
    index = tmp_path / "index.html"
    index.write_text(site.render_index(env, site.index_page("de-DE", "fr-FR", [meta], ["fr-FR", "en-US", "de-DE"])),
                     encoding="utf-8")
    direct = tmp_path / "direct.html"
    direct.write_text(render_direct(project, "en-US", fill_po(project, "en-US", hostile(3))), encoding="utf-8")
    assert {p.split("/")[0] for p in pages} >= {"fr-FR", "en-US", "de-DE"}
    assert 'class="notice"' in pages[f"en-US/{SEED}.html"]  # partly translated: the notice is validated too
    assert run_vnu([*files, index, direct]) == ""


CORPUS_PAGES = (
    "index.md",
    f"EndUser/{SEED}.md",
    "GetStarted/choose-how-to-manage-devices.md",
    "DeployUse/microsoft-intune-policy-reference.md",
    "DeployUse/pre-shared-key-wi-fi-profile.md",
    "DeployUse/Custom-configurations-for-VPN-profiles.md",
    "Troubleshoot/collect-device-logs.md",
    "Troubleshoot/troubleshoot-app-deployment-problems-in-microsoft-intune.md",
    "develop/intune-app-sdk-android.md",
    "includes/firstref_client_7.md",
    "includes/accessibility10.md",
)


def test_real_corpus_pages_with_raw_html_are_valid_html(tmp_path: Path) -> None:
    require_shared()
    vnu_jar()
    project = tmp_path / "corpus"
    for page in CORPUS_PAGES:
        target = project / "source" / page
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / page, target)
    (project / "pyproject.toml").write_text(
        '[tool.pipeline]\nsource_locale = "en-US"\ntarget_locales = []\n', encoding="utf-8")
    pages = build(project)
    assert len(pages) == len(CORPUS_PAGES)
    for path, page in pages.items():
        assert unsafe_findings(page) == [], path
    assert run_vnu(project / "out" / "html" / p for p in pages) == ""


def test_leading_text_of_a_fragment_stays_escaped() -> None:
    assert finish_html("&lt;img src=x onerror=alert(1)&gt; <em>a</em>") == "&lt;img src=x onerror=alert(1)&gt; <em>a</em>"


# -- site: stylesheets, index, local files ----------------------------------------------------


def test_project_stylesheet_overrides_and_can_import_the_default(tmp_path: Path) -> None:
    packaged = dict(site.stylesheets(render.make_environment(None)))
    assert packaged["style.css"] == packaged["default.css"]
    assert "http" not in re.sub(r"/\*.*?\*/", "", packaged["style.css"], flags=re.DOTALL)  # no CDN, no web font
    (tmp_path / "style.css").write_text('@import url("default.css");\n:root { --brand: #5c2d91; }\n', encoding="utf-8")
    overridden = dict(site.stylesheets(render.make_environment(tmp_path)))
    assert overridden["default.css"] == packaged["default.css"]
    assert overridden["style.css"].startswith('@import url("default.css");')


def test_index_lists_translated_titles_and_coverage() -> None:
    env = render.make_environment(None)
    env.filters["language_name"] = site.language_name
    pages = [render.Page(path="b/two.md", locale="de-DE", source_locale="fr-FR", lang="de-DE", dir="ltr",
                         title="Zwei <b>", description="", coverage=48.3),
             render.Page(path="a.md", locale="de-DE", source_locale="fr-FR", lang="de-DE", dir="ltr",
                         title="Eins", description="", coverage=100.0)]
    index = site.index_page("de-DE", "fr-FR", pages, ["fr-FR", "de-DE"], coverage=60.0)
    assert [(e.href, e.title, e.coverage_text) for e in index.entries] == [
        ("a.html", "Eins", "100\u00a0%"), ("b/two.html", "Zwei <b>", "48\u00a0%")]
    root = lxml.html.document_fromstring(site.render_index(env, index))
    assert [a.text for a in root.xpath("//ul[@class='page-list']//a")] == ["Eins", "Zwei <b>"]
    assert "60\u00a0%" in root.text_content()
    assert root.xpath("//link[@hreflang='fr-FR']/@href") == ["../fr-FR/index.html"]
    assert "Français (France)" in root.text_content()


def test_a_page_whose_name_holds_a_colon_is_not_linked_as_a_url_scheme() -> None:
    """`href="ab:c.html"` is the URL scheme `ab:` to a browser: the index's link to page
    `ab:c.md`, and a page's `~/` link to it, must read `./ab:c.html`."""
    page = render.Page(path="ab:c.md", locale="de-DE", source_locale="fr-FR", lang="de-DE", dir="ltr",
                       title="C", description="", coverage=100.0)
    index = site.index_page("de-DE", "fr-FR", [page], ["fr-FR", "de-DE"])
    assert [e.href for e in index.entries] == ["./ab:c.html"]
    context = linkmap.LinkContext("other.md", (), frozenset({"ab:c.md", "other.md"}))
    assert linkmap.map_url("~/ab:c.md#top", context, page=True) == "./ab:c.html#top"
    assert linkmap.map_url("~/x/ab:c.md", context, page=True) == "x/ab:c.html"


def test_an_index_with_no_published_page_claims_no_coverage() -> None:
    """Under --min-coverage a locale may publish no page yet: its index said "Übersetzt: 100 %"
    (the mean of no pages) above an empty list, while the build reported it 48.3% translated."""
    env = render.make_environment(None)
    index = site.index_page("de-DE", "fr-FR", [], ["fr-FR", "de-DE"])
    root = lxml.html.document_fromstring(site.render_index(env, index))
    assert root.xpath("//*[@class='coverage']") == [] and root.xpath("//ul[@class='page-list']") == []
    assert root.xpath("//h1/text()") == ["Seiten in dieser Sprache"]


def test_local_files_are_the_images_and_downloads_to_copy() -> None:
    page = ('<p><img src="../media/a.png" alt=""><img src="https://cdn.example/x.png" alt="">'
            '<a href="../media/tool.zip">zip</a><a href="other.html">page</a><a href="../../outside.png">x</a>'
            '<img src="/site/root.png" alt=""></p>')
    assert site.local_files(page, "EndUser/page.md") == ("media/a.png", "media/tool.zip")
    encoded = '<img src="my%20pic.png" alt=""><a href="r%C3%A9sum%C3%A9.pdf#p2">cv</a><img src="100%25.png" alt="">'
    assert site.local_files(encoded, "page.md") == ("100%.png", "my pic.png", "résumé.pdf")  # the files' names


def test_locale_outputs_are_the_index_the_json_and_the_mo(tmp_path: Path) -> None:
    import gettext
    import json

    project = make_project(tmp_path)
    settings = load_settings(project)
    document = load_document(f"{SEED}.md", (project / "source" / f"{SEED}.md").read_text(encoding="utf-8"))
    problem = "Vous avez trop d’appareils mobiles déjà inscrits."
    translations = {document.path: {problem: "You have too many devices."}}
    meta = render.Page(path=document.path, locale="en-US", source_locale="fr-FR", lang="en-US", dir="ltr",
                       title="Errors", description="", coverage=3.4)
    outputs = site.locale_outputs(render.make_environment(None), "en-US", "fr-FR", settings.all_locales, [document],
                                  translations, [meta], "errors")
    assert sorted(outputs) == ["catalog/en-US/LC_MESSAGES/errors.mo", "catalog/en-US/errors.json", "html/en-US/index.html"]
    data = json.loads(outputs["catalog/en-US/errors.json"])
    assert data["errors"]["DeviceCapReached"]["problem"]["text"] == "You have too many devices."
    for relative, content in outputs.items():
        target = tmp_path / "out" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    app = gettext.translation("errors", str(tmp_path / "out" / "catalog"), languages=["en-US"])
    assert app.pgettext("DeviceCapReached", "problem") == "You have too many devices."
    assert site.local_file_copies("de-DE", {"a/p.md": '<img src="../media/x.png" alt="">'}) == {
        "html/de-DE/media/x.png": "media/x.png"}


# -- text shown in the source language ----------------------------------------------------------


def _built_html(project: Path, locale: str) -> lxml.html.HtmlElement:
    name = "you-see-errors-while-trying-to-enroll-your-device-in-intune-ios.html"
    return lxml.html.document_fromstring((project / "out/html" / locale / name).read_text(encoding="utf-8"))


def test_a_block_left_in_the_source_language_says_so(sample_project: Path) -> None:
    """de-DE is 48.3% translated: its untranslated blocks are French under <html lang="de-DE">,
    which screen readers then read with German rules (WCAG 3.1.2, language of parts)."""
    assert main(["-C", str(sample_project), "build", "--format", "html"]) == 0
    root = _built_html(sample_project, "de-DE")
    def lang_of(text: str) -> str | None:
        found = [e for e in root.iter("h1", "h2", "th", "td") if " ".join(e.text_content().split()).startswith(text)]
        assert len(found) == 1, text
        return found[0].get("lang")
    assert lang_of("Voir aussi") == "fr-FR"  # msgstr ""
    assert lang_of("Vous avez peut-être tenté une inscription") == "fr-FR"  # a cell of three untranslated parts
    assert lang_of("Fehler beim Registrieren") is None  # translated
    assert lang_of("Informationen für Ihren IT-Administrator") is None
    assert root.find(".//article").get("lang") is None
    source = _built_html(sample_project, "fr-FR")
    assert source.xpath("//*[@lang][not(self::html)][not(ancestor::header)]") == []


def test_a_page_with_no_translation_is_in_the_source_language_as_a_whole(sample_project: Path) -> None:
    """An RTL locale without a catalog: the article is the source's text, left to right."""
    config = sample_project / "pyproject.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('"de-DE",', '"de-DE", "ar-SA",'), encoding="utf-8")
    assert main(["-C", str(sample_project), "build", "--format", "html", "--locale", "ar-SA"]) == 0
    root = _built_html(sample_project, "ar-SA")
    assert (root.get("lang"), root.get("dir")) == ("ar-SA", "rtl")
    article = root.find(".//article")
    assert (article.get("lang"), article.get("dir")) == ("fr-FR", "ltr")
    assert article.xpath(".//*[@lang]") == []


def test_every_built_html_file_ends_with_one_newline(sample_project: Path) -> None:
    """Pages and indexes alike, as text files do (no "No newline at end of file" in a diff of
    out/), whether the template ends with a newline or not: jinja2 drops a template's final
    newline, so an editor that adds one to a project template changes nothing."""
    packaged = (REPO / "pipeline" / "templates" / "page.html.j2").read_text(encoding="utf-8")
    assert main(["-C", str(sample_project), "build", "--format", "html"]) == 0
    built = sorted((sample_project / "out" / "html").rglob("*.html"))
    assert len(built) > 5
    for path in built:
        text = path.read_text(encoding="utf-8")
        assert text.endswith("</html>\n") and not text.endswith("\n\n"), path
    for ending in ("", "\n"):
        (sample_project / "templates" / "page.html.j2").write_text(packaged.rstrip("\n") + ending, encoding="utf-8")
        assert main(["-C", str(sample_project), "build", "--format", "html", "--locale", "de-DE"]) == 0
        page = (sample_project / "out" / "html" / "de-DE" / f"{SEED}.html").read_text(encoding="utf-8")
        assert page.endswith("</html>\n") and not page.endswith("\n\n"), repr(ending)


def test_pages_named_with_spaces_or_url_syntax_get_valid_urls_everywhere(tmp_path: Path, capsys) -> None:
    """A page 'my page.md' was named by its raw name in the hreflang alternates, the language
    switcher and the locale index ('../fr-FR/my page.html'): not a valid URL (the validator
    rejects the space), and the error catalog's URLs were the same."""
    project = tmp_path / "site"
    (project / "source").mkdir(parents=True)
    names = ("my page.md", "a(1).md", "100%.md", "x#y.md")
    for name in names:
        (project / "source" / name).write_text(
            f"# {name}\n\n|Error|Problem|\n|---|---|\n|DeviceCode{names.index(name)}|Broken.|\n"
            f"|OtherCode{names.index(name)}|Broken too.|\n", encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["fr-FR"]\n', encoding="utf-8")
    assert main(["-C", str(project), "build"]) == 0
    html = sorted((project / "out" / "html").rglob("*.html"))
    assert len(html) == 2 * (len(names) + 1)
    assert run_vnu(html) == ""
    assert main(["-C", str(project), "check"]) == 0, capsys.readouterr().err  # every href leads to its page
    catalog = (project / "out" / "catalog" / "fr-FR" / "errors.json").read_text(encoding="utf-8")
    assert '"../../html/fr-FR/my%20page.html#DeviceCode0"' in catalog and "x%23y.html#DeviceCode3" in catalog


def test_with_site_url_the_alternates_and_canonical_links_are_absolute(tmp_path: Path, capsys) -> None:
    """Search engines want the hreflang alternates as full URLs; the language switcher stays
    relative, so the site still works from disk or from another host."""
    project = tmp_path / "site"
    (project / "source" / "guide").mkdir(parents=True)
    (project / "source" / "guide" / "my page.md").write_text("# Page\n\nText.\n", encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["fr-FR"]\n'
                                           'site_url = "https://docs.example.com/intune"\n', encoding="utf-8")
    assert main(["-C", str(project), "build"]) == 0
    page = lxml.html.fromstring((project / "out/html/fr-FR/guide/my page.html").read_bytes())
    assert [(a.get("hreflang"), a.get("href")) for a in page.xpath("//link[@rel='alternate']")] == [
        ("en-US", "https://docs.example.com/intune/en-US/guide/my%20page.html"),
        ("fr-FR", "https://docs.example.com/intune/fr-FR/guide/my%20page.html"),
        ("x-default", "https://docs.example.com/intune/en-US/guide/my%20page.html")]
    assert page.xpath("//link[@rel='canonical']/@href") == ["https://docs.example.com/intune/fr-FR/guide/my%20page.html"]
    assert page.xpath("//nav//a[@hreflang='en-US']/@href") == ["../../en-US/guide/my%20page.html"]
    index = lxml.html.fromstring((project / "out/html/fr-FR/index.html").read_bytes())
    assert index.xpath("//link[@rel='canonical']/@href") == ["https://docs.example.com/intune/fr-FR/index.html"]
    assert index.xpath("//link[@rel='alternate']/@href") == ["https://docs.example.com/intune/en-US/index.html",
                                                              "https://docs.example.com/intune/fr-FR/index.html",
                                                              "https://docs.example.com/intune/en-US/index.html"]
    assert run_vnu(sorted((project / "out" / "html").rglob("*.html"))) == ""
    assert main(["-C", str(project), "check"]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("value, message", [
    ('"docs.example.com/intune"', "'site_url' must be an absolute http or https URL, not 'docs.example.com/intune'"),
    ('"https://docs.example.com/a?b"', "'site_url' must be an absolute http or https URL, not 'https://docs.example.com/a?b'"),
    ("42", "'site_url' must be a string (the URL out/html/ is published at), not an integer"),
])
def test_a_site_url_that_is_no_url_is_a_located_settings_error(tmp_path: Path, capsys, value: str, message: str) -> None:
    project = tmp_path / "site"
    (project / "source").mkdir(parents=True)
    (project / "source" / "a.md").write_text("# A\n", encoding="utf-8")
    (project / "pipeline.toml").write_text(f'source_locale = "en-US"\nsite_url = {value}\n', encoding="utf-8")
    assert main(["-C", str(project), "build"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("pipeline.toml:2:1: error: " + message), err
    assert not (project / "out").exists()


def test_the_index_leaves_out_the_site_suffix_most_titles_share(corpus) -> None:
    """The corpus's titles end with ' | Microsoft Intune' (the browser's title): 312 index
    entries repeated it. A suffix most titles share is left out of the list, as the docs
    platform's contents do; a title it would empty and the page's <title> keep it."""
    documents = [load_document(p.name, p.read_text(encoding="utf-8"))
                 for p in sorted((corpus / "en-us" / "InTuneDocs" / "DeployUse").glob("*.md"))[:40]]
    titles = [d.front_matter.get("title") or d.path for d in documents if d.front_matter is not None]
    shown = site.list_titles(titles)
    suffixed = [t for t in titles if re.search(r"\|\s*Microsoft Intune\s*$", t)]  # '...PFX |Microsoft Intune' too
    assert len(suffixed) * 2 > len(titles)
    assert not any(re.search(r"\|\s*Microsoft Intune\s*$", t) for t in shown)
    assert [s for s, t in zip(shown, titles) if s != t] == [t[:t.rindex("|")].rstrip() for t in suffixed]
    assert site.list_titles(["A | Docs", "| Docs", "B"]) == ["A", "| Docs", "B"]  # more than half, never empty
    assert site.list_titles(["A | Docs", "B | Other", "C"]) == ["A | Docs", "B | Other", "C"]  # no majority


def test_an_empty_site_url_is_the_default_and_every_head_names_its_own_version(tmp_path: Path) -> None:
    project = tmp_path / "site"
    (project / "source").mkdir(parents=True)
    (project / "source" / "a.md").write_text("# A\n", encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["fr-FR"]\nsite_url = ""\n',
                                           encoding="utf-8")
    assert main(["-C", str(project), "build"]) == 0
    for name in ("a.html", "index.html"):
        root = lxml.html.fromstring((project / "out/html/fr-FR" / name).read_bytes())
        assert root.xpath("//link[@rel='canonical']") == []
        assert root.xpath("//link[@rel='alternate']/@hreflang") == ["en-US", "fr-FR", "x-default"], name


def test_real_html_blocks_with_their_real_translations_are_valid_html(tmp_path: Path) -> None:
    """The landing page (an <article> of 260 lines) and the tip boxes, their text translated
    by importing the real French pages (htmlblocks): the French is in the built pages, and
    they still pass the checker."""
    require_shared()
    vnu_jar()
    project = tmp_path / "corpus"
    pages = ("index.md", "GetStarted/choose-how-to-manage-devices.md")
    for page in pages:
        for folder, root in (("source", CORPUS), ("fr", CORPUS.parents[1] / "fr-fr" / "InTuneDocs")):
            (project / folder / page).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / page, project / folder / page)
    (project / "pyproject.toml").write_text(
        '[tool.pipeline]\nsource_locale = "en-US"\ntarget_locales = ["fr-FR"]\n', encoding="utf-8")
    assert main(["-C", str(project), "extract"]) == 0
    assert main(["-C", str(project), "import", "--locale", "fr-FR", "--from", str(project / "fr")]) == 0
    assert main(["-C", str(project), "build"]) == 0
    built = [project / "out" / "html" / "fr-FR" / (page[:-3] + ".html") for page in pages]
    landing, tips = (path.read_text(encoding="utf-8") for path in built)
    assert "Contenu proposé" in landing and "Featured Content" not in landing
    # (levels made consecutive) the source's ids kept: links to '#tip' work in French too
    assert re.findall(r'</span> <span id="(tip[-0-9]*)"></span>Conseil</h', tips) == ["tip", "tip-1", "tip-2"]
    assert "</span> Tip</h" not in tips
    for page in (landing, tips):
        assert unsafe_findings(page) == []
    assert run_vnu(built) == ""
