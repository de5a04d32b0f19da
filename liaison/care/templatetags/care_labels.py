from django import template

from liaison.care.queries import Progress

register = template.Library()


@register.filter
def progress_label(progress: str) -> str:
    """The words for a referral's progress (`with_progress`)."""
    return Progress.LABELS.get(progress, "")
