"""Templates' ``_()``: the page's catalogue bound once (i18n._page_gettext), with Jinja's newstyle rules.

Jinja's own newstyle gettext marks the translation safe when the template autoescapes and always
fills it in as a format string, so the variables are escaped and ``%%`` reads ``%``. The bound
one must do exactly that, or a name typed by a user would reach a page unescaped.
"""

from __future__ import annotations

from flask import render_template_string

PAGE = (
    '{{ _("Topic %(n)d", n=3) }}|{{ _("Question %(n)d", n=2) }}|{{ gettext("Attempt %(n)d of %(max)d", n=1, max=3) }}'
)


def test_the_page_gets_the_bound_gettext_and_its_translations(app):
    with app.test_request_context("/?lang=vi"):
        assert render_template_string("{{ _ is sameas gettext }}") == "True"
        assert render_template_string(PAGE) == "Chuyên đề 3|Câu 2|Lượt 1/3"
    with app.test_request_context("/?lang=en"):
        assert render_template_string(PAGE) == "Topic 3|Question 2|Attempt 1 of 3"


def test_variables_are_escaped_and_the_format_always_applies(app):
    with app.test_request_context("/?lang=vi"):
        # An untranslated msgid comes back as it is: the catalogue's text is trusted, the variable is not.
        html = render_template_string('{{ _("<em>%(name)s</em>", name=name) }}', name="<script>x</script>")
        assert html == "<em>&lt;script&gt;x&lt;/script&gt;</em>"
        assert render_template_string('{{ _("100%% sure") }}') == "100% sure"


def test_a_template_that_does_not_autoescape_fills_in_as_is(app):
    with app.test_request_context("/"):
        text = render_template_string(
            '{% autoescape false %}{{ _("<%(name)s>", name=name) }}{% endautoescape %}', name="<b>"
        )
        assert text == "<<b>>"


def test_it_matches_jinjas_own_gettext_on_a_real_page(app):
    """The same strings through Jinja's installed gettext (the one imported macros use) read the same."""
    source = '{{ _("Time left") }}|{{ _("until %(t)s", t="<b>") }}|{{ _("Submit") }}'
    with app.test_request_context("/?lang=vi"):
        bound = render_template_string(source)
        jinjas = app.jinja_env.from_string(source).render()  # no context processors: the extension's gettext
        assert bound == jinjas and "&lt;b&gt;" in bound


def test_fixed_texts_are_kept_per_language(app):
    """A text without variables is kept once rendered: each language keeps its own, force_locale included."""
    from flask_babel import force_locale

    source = '{{ _("Time left") }}|{{ _("Submit") }}|{{ _("100%% sure") }}'
    with app.test_request_context("/?lang=vi"):
        first = render_template_string(source)
        assert first == render_template_string(source) == "Thời gian còn lại|Nộp bài|100% sure"
        with force_locale("en"):
            assert render_template_string(source) == "Time left|Submit|100% sure"
        assert render_template_string(source) == first
    with app.test_request_context("/?lang=en"):
        assert render_template_string(source) == "Time left|Submit|100% sure"
    with app.test_request_context("/"):  # kept as Markup: not escaped again when put in a page
        assert render_template_string('{{ _("Time left") }}') == "Thời gian còn lại"
        assert render_template_string('{% autoescape false %}{{ _("a < b") }}{% endautoescape %}') == "a < b"
        assert render_template_string('{{ _("a < b") }}') == "a < b"
