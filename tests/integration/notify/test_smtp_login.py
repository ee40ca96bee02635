"""Email through a relay that wants a login (SMTP AUTH), over a real socket: the channel logs
in with the configured account and delivers; a wrong password is a channel error (so the
delivery is retried or fails over), never a silent loss."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from email import message_from_bytes, policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from services.notify.channels import ChannelError, EmailChannel, OutgoingMessage

pytestmark = pytest.mark.integration


class Relay:
    """Accepts mail only from an authenticated session, as a real relay does."""

    def __init__(self) -> None:
        self.received: list[tuple[str, bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((session.auth_data.decode(), envelope.content))
        return "250 OK"


def accept_hromada(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"hromada", b"pw")
    return AuthResult(success=ok, auth_data=data.login if ok else None)


@pytest.fixture
def relay() -> Iterator[tuple[Relay, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Relay()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=accept_hromada,
        auth_required=True,
        auth_require_tls=False,  # the test relay has no certificate; production uses TLS
    )
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def message() -> OutgoingMessage:
    return OutgoingMessage(
        channel="email",
        tenant="chernivtsi",
        to="resident@example.ua",
        subject="Звернення зареєстровано / Appeal registered",
        text="Ваше звернення зареєстровано.",
        html="<p>Ваше звернення зареєстровано.</p>",
        message_id=f"<{uuid.uuid4().hex}@hromada.local>",
    )


async def test_the_channel_logs_in_and_the_relay_delivers(relay: tuple[Relay, int]) -> None:
    handler, port = relay
    channel = EmailChannel(
        "127.0.0.1", port, "noreply@hromada.local", login=("hromada", "pw"), timeout_s=5
    )
    await channel.send(message())
    assert [who for who, _ in handler.received] == ["hromada"]
    delivered = message_from_bytes(handler.received[0][1], policy=policy.default)
    assert delivered["Subject"] == "Звернення зареєстровано / Appeal registered"


async def test_a_wrong_password_is_a_channel_error(relay: tuple[Relay, int]) -> None:
    handler, port = relay
    channel = EmailChannel(
        "127.0.0.1", port, "noreply@hromada.local", login=("hromada", "wrong"), timeout_s=5
    )
    with pytest.raises(ChannelError):
        await channel.send(message())
    assert handler.received == []


async def test_without_a_login_the_relay_refuses(relay: tuple[Relay, int]) -> None:
    handler, port = relay
    channel = EmailChannel("127.0.0.1", port, "noreply@hromada.local", timeout_s=5)
    with pytest.raises(ChannelError):
        await channel.send(message())
    assert handler.received == []
