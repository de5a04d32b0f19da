"""A page's filter bar remembers its state: chosen once, it holds for the rest of the session.

One rule for every page that remembers (the insights bar, the partner directory, the reports
queue, the name searched on a list of patients or referrals):

- `?clear` forgets the last choice; what the request itself names is shown, not remembered.
- A request naming any of the form's fields chooses. The page's form validates the choice
  (dates through core/dates.py's rule, choices against what exists) and it is remembered,
  in place of the last one, only when valid: a bad value never sticks in the session.
- Any other request restores the last valid choice (the defaults when there is none).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms


@dataclass(frozen=True)
class PageFilters:
    form: forms.Form  # bound to the choice shown; validate it with is_valid()
    restored: dict[str, str]  # the remembered choice the form holds; empty when none was used

    @property
    def query(self) -> str:
        """The restored choice as a query string ('' when nothing was restored)."""
        return urlencode(self.restored)


def page_filters(
    request,
    *,
    key: str,
    form_class: type[forms.Form],
    defaults: dict[str, str] | None = None,
    posted: bool = False,
    form_kwargs: dict | None = None,
) -> PageFilters:
    """The filters of this request, remembered in the session under `key`.

    The choice is read from the query string or, with `posted`, from the POST body (a
    patient's name never goes in an address). `defaults` fill what the choice leaves out;
    `form_kwargs` go to the form (what a user may choose from)."""
    source = request.POST if posted else request.GET

    def bound(data: dict[str, str]) -> forms.Form:
        return form_class({**(defaults or {}), **data}, **(form_kwargs or {}))

    fields = form_class.base_fields
    chosen = {name: source[name] for name in fields if source.get(name)}
    if "clear" in request.GET:
        request.session.pop(key, None)
        return PageFilters(bound(chosen), restored={})
    if any(name in source for name in fields):
        form = bound(chosen)
        if form.is_valid():
            request.session[key] = chosen
        return PageFilters(form, restored={})
    saved = request.session.get(key) or {}
    form = bound(saved)
    if saved and not form.is_valid():
        # Valid when chosen, no longer so (a location since deleted): forgotten from now on.
        request.session.pop(key, None)
    return PageFilters(form, restored=saved)
