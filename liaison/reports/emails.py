"""Emails as subject/text/HTML triplets rendered from templates (templates/reports/emails/ by
default; the portal keeps its own in templates/portal/emails/)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def email_message(
    *,
    name: str,
    context: dict,
    to: list[str],
    attachments: list[tuple[str, bytes, str]] = (),
    folder: str = "reports/emails",
) -> EmailMultiAlternatives:
    prefix = f"{folder}/{name}"
    subject = " ".join(render_to_string(f"{prefix}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{prefix}_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    message.attach_alternative(render_to_string(f"{prefix}_body.html", context), "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message
