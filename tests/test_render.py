"""Rendering details met on the real corpus: old-style comments and DocFX 2016 heading ids."""

from __future__ import annotations

from pipeline.render import apply_translations, normalize_comments, render_html_body
from pipeline.source import load_document


def test_a_commented_out_link_is_not_rendered_as_a_link():
    # InTuneDocs/GetStarted/application-rollout.md, line 53: `<!---` ... `--->` (CommonMark 0.31 comment)
    html = render_html_body("Ensure x. <!---, as described in [Plan](plan.md--->).\n", ())
    assert "<a " not in html and "plan" not in html
    assert normalize_comments("`<!--- [a](b.md) --->`") == "`<!--- [a](b.md) --->`"  # code is left alone


def test_headings_answer_to_docfx_2016_ids_too():
    html = render_html_body("## Windows Phone 8.1\n\n[x](#windows-phone-8-1)\n", ())
    assert 'id="windows-phone-81"' in html and 'id="windows-phone-8-1"' in html


def test_a_translated_heading_keeps_both_source_ids():
    doc = load_document("p.md", "# Title\n\n## Windows Phone 8.1\n\nText.\n")
    _, body = apply_translations(doc, {"Windows Phone 8.1": "Windows Phone 8.1 (Japanese)"})
    assert '## <a name="windows-phone-81"></a><a name="windows-phone-8-1"></a>Windows Phone 8.1 (Japanese)' in body
    _, same = apply_translations(doc, {"Title": "Titel"})
    assert "## Windows Phone 8.1\n" in same  # untranslated headings are untouched


def test_a_translated_heading_keeps_every_id_the_source_page_has():
    # headings with markup from the corpus (GetStarted/choose-how-to-enroll-devices.md:57,
    # PlanDesign/TOC.md:20, DeployUse/add-apps.md:41): the source page's HTML gives each a
    # DocFX 2016 id of its visible text, which links into the translated page use too
    import lxml.html

    text = ("# Title\n\n## **Are your company-owned devices shared or do they have dedicated users?**\n\n"
            "# [Develop & Customize Apps](/intune/develop/intune-app-sdk)\n\n"
            "### **App Package for Android (&#42;.apk file)**\n\nText.\n")
    doc = load_document("p.md", text)
    translations = {
        "**Are your company-owned devices shared or do they have dedicated users?**":
            "**Vos appareils d’entreprise sont-ils partagés ou dédiés ?**",
        "[Develop & Customize Apps](/intune/develop/intune-app-sdk)":
            "[Développer et personnaliser des applications](/intune/develop/intune-app-sdk)",
        "**App Package for Android (&#42;.apk file)**": "**Package d’application pour Android (fichier &#42;.apk)**",
    }

    def ids(html: str) -> set[str]:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
        return {e.get("id") for e in root.iter() if e.get("id")}

    source = ids(render_html_body(text, ()))
    translated = ids(render_html_body(apply_translations(doc, translations)[1], ()))
    assert "are-your-company-owned-devices-shared-or-do-they-have-dedicated-users-" in source
    assert source - translated == set()
