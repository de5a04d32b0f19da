"""Fixtures for the reports' tests: a real SMTP server on loopback, and reports ready to go."""

import email
import io
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfReader

from liaison.factories import PartnerFactory
from liaison.reports.tests.builders import evaluated, measure, referral_seen


class Inbox:
    """An aiosmtpd handler keeping what it receives; it can refuse the next few messages."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.refuse_next = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_next:
            self.refuse_next -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"

    def attachments(self, index: int = -1) -> list[tuple[str, bytes]]:
        return [
            (part.get_filename(), part.get_content())
            for part in self.messages[index].iter_attachments()
        ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 10
    settings.LIAISON_FAX_GATEWAY = "{fax}@fax.example.net"
    yield inbox
    controller.stop()


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdf_pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def evaluated_episode(location_a):
    """A referral seen on Monday Jan 12, 2026, evaluated in full, with ODI 46 at the start."""
    location_a.address = "12 River Street"
    location_a.city = "Cambridge"
    location_a.state = "MA"
    location_a.phone = "617-555-0199"
    location_a.fax = "617-555-0198"
    location_a.save()
    partner = PartnerFactory(
        first_name="Ana",
        last_name="Silva",
        credentials="MD",
        email="silva@clinic.example",
        fax="(617) 555-0100",
        address="1 Main St",
        city="Cambridge",
        state="MA",
        zip="02139",
    )
    referral, episode = referral_seen(
        location=location_a,
        visits=["2026-01-12", "2026-01-15"],
        partner=partner,
        clinician_name="Sam Staff",
    )
    referral.reason = "Low back pain with right leg pain for 6 weeks"
    referral.save()
    evaluated(episode)
    measure(episode, ("2026-01-12", "46"))
    return episode
