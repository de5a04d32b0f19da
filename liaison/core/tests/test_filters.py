"""The one rule by which a page's filter bar remembers its state in the session."""

from django import forms
from django.test import RequestFactory

from liaison.core.filters import page_filters
from liaison.core.forms import DateField

KEY = "example_filters"


class ExampleForm(forms.Form):
    as_of = DateField(required=False)
    size = forms.ChoiceField(choices=[("", "Any"), ("s", "Small"), ("l", "Large")], required=False)


def visit(session: dict, query: dict | None = None, *, post: dict | None = None, **options):
    factory = RequestFactory()
    request = factory.post("/", post) if post is not None else factory.get("/", query or {})
    request.session = session
    return page_filters(request, key=KEY, form_class=ExampleForm, **options)


def test_a_choice_is_remembered_and_restored_on_a_bare_visit():
    session = {}
    visit(session, {"as_of": "2026-06-30", "size": "l"})
    restored = visit(session)
    assert restored.form.is_valid()
    assert restored.form.cleaned_data["size"] == "l"
    assert restored.query == "as_of=2026-06-30&size=l"


def test_a_request_naming_any_field_replaces_the_whole_choice():
    session = {}
    visit(session, {"as_of": "2026-06-30", "size": "l"})
    visit(session, {"size": ""})
    assert session[KEY] == {}
    assert visit(session).restored == {}


def test_a_bad_value_is_shown_with_its_error_and_never_remembered():
    session = {}
    visit(session, {"size": "s"})
    for bad in ({"as_of": "2026-13-45"}, {"as_of": "1899-12-31"}, {"size": "huge"}):
        shown = visit(session, bad)
        assert not shown.form.is_valid()
        assert session[KEY] == {"size": "s"}


def test_a_remembered_choice_no_longer_valid_is_forgotten():
    session = {KEY: {"size": "medium"}}
    assert not visit(session).form.is_valid()
    assert KEY not in session


def test_clear_forgets_the_choice_and_remembers_nothing_new():
    session = {}
    visit(session, {"size": "s"})
    cleared = visit(session, {"clear": "1", "size": "l"})
    assert cleared.form.is_valid() and cleared.form.cleaned_data["size"] == "l"
    assert KEY not in session


def test_other_parameters_leave_the_choice_alone():
    session = {}
    visit(session, {"size": "s"})
    assert visit(session, {"page": "2", "csv": "table"}).restored == {"size": "s"}


def test_defaults_fill_what_the_choice_leaves_out():
    shown = visit({}, defaults={"size": "s"})
    assert shown.form.is_valid() and shown.form.cleaned_data["size"] == "s"


def test_a_posted_choice_ignores_the_query_string():
    session = {}
    visit(session, post={"size": "l"}, posted=True)
    assert session[KEY] == {"size": "l"}
    shown = visit(session, {"size": "s"}, posted=True)
    assert shown.form.cleaned_data["size"] == "l"
