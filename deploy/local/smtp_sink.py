"""A local SMTP sink for the Hromada dev stack: keeps every received message as a file.

Each message is written, exactly as received (raw RFC 5322 bytes, nothing added), to
``<maildir>/<UTC timestamp>-<uuid>.eml``. The file is first written under ``<maildir>/.tmp/``
and then renamed into place, so a reader listing ``*.eml`` never sees half a message.

Nothing is relayed anywhere. Any AUTH credentials are accepted (dev only), so a client
configured with a user and password works too.

Run: ``python deploy/local/smtp_sink.py --host 127.0.0.1 --port 1025 --maildir .stack/mail``
(``deploy/local/stack.py`` does this for you).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import signal
import sys
import uuid
import warnings
from pathlib import Path

try:
    from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session
except ImportError:  # pragma: no cover - depends on the environment
    sys.stderr.write(
        "smtp_sink: the 'aiosmtpd' package is missing from this Python "
        f"({sys.executable}); install the project's dev dependencies (uv sync).\n"
    )
    raise SystemExit(2) from None

# aiosmtpd warns about its own internals when an authenticator is set; not our concern.
warnings.filterwarnings("ignore", message="Session.login_data is deprecated")


class MaildirHandler:
    """aiosmtpd handler that stores each message as one .eml file."""

    def __init__(self, maildir: Path) -> None:
        self.maildir = maildir
        self.tmpdir = maildir / ".tmp"
        self.maildir.mkdir(parents=True, exist_ok=True)
        self.tmpdir.mkdir(parents=True, exist_ok=True)

    def store(self, raw: bytes) -> Path:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        name = f"{stamp}-{uuid.uuid4().hex}.eml"
        tmp = self.tmpdir / name
        with open(tmp, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        final = self.maildir / name
        os.replace(tmp, final)
        return final

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content
        if raw is None:
            content = envelope.content or b""
            raw = content.encode("utf-8") if isinstance(content, str) else content
        path = await asyncio.get_running_loop().run_in_executor(None, self.store, raw)
        print(
            f"stored {path.name}: from={envelope.mail_from} to={','.join(envelope.rcpt_tos)}"
            f" bytes={len(raw)}",
            flush=True,
        )
        return "250 Message accepted for delivery"


def accept_any_login(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: object
) -> AuthResult:
    return AuthResult(success=True)


async def serve(host: str, port: int, maildir: Path) -> None:
    handler = MaildirHandler(maildir)
    loop = asyncio.get_running_loop()

    def factory() -> SMTP:
        return SMTP(
            handler,
            hostname="hromada-smtp-sink",  # avoid a slow getfqdn() on machines without DNS
            ident="Hromada dev SMTP sink",
            enable_SMTPUTF8=True,
            data_size_limit=64 * 1024 * 1024,
            authenticator=accept_any_login,
            auth_require_tls=False,
        )

    server = await loop.create_server(factory, host=host, port=port)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"smtp sink listening on {host}:{port}, storing mail in {maildir}", flush=True)
    async with server:
        await stop.wait()
    print("smtp sink stopped", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--maildir", type=Path, default=Path(".stack/mail"))
    args = parser.parse_args(argv)
    asyncio.run(serve(args.host, args.port, args.maildir.resolve()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
