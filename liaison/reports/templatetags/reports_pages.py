"""Presentation helpers for the reports' pages."""

import datetime as dt

from django import template

register = template.Library()


@register.filter
def days_late(due_on: dt.date, today: dt.date) -> int:
    return (today - due_on).days


@register.filter
def field_invalid(bound_field) -> str:
    """aria-invalid for a field with errors, so that screen readers announce it."""
    return "true" if bound_field.errors else "false"
