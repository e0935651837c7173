"""A real SMTP server on loopback for the portal's mail tests (aiosmtpd), not a mock: Django's
SMTP backend connects, speaks SMTP and the server keeps what it received."""

import email
import socket
from contextlib import closing
from dataclasses import dataclass, field
from email.message import Message

from aiosmtpd.controller import Controller


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Inbox:
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content)
        message["X-Rcpt-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def bodies(self) -> list[str]:
        out = []
        for m in self.messages:
            part = (
                m.get_payload(decode=True)
                if not m.is_multipart()
                else m.get_payload(0).get_payload(decode=True)
            )
            out.append(part.decode(m.get_content_charset() or "utf-8"))
        return out

    def subjects(self) -> list[str]:
        from email.header import decode_header, make_header

        return [str(make_header(decode_header(m["Subject"]))) for m in self.messages]


def start(settings) -> tuple[Controller, Inbox]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return controller, inbox
