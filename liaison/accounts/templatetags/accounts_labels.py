from django import template

from liaison.accounts.models import Role

register = template.Library()


@register.filter
def role_label(user) -> str:
    role = getattr(user, "role", None)
    return Role(role).label if role else "No role"
