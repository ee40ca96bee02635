"""Session and CSRF glue for Litestar: every visitor gets a signed session cookie; every
unsafe request must carry that session's form token."""

from __future__ import annotations

import time
from typing import Any

from litestar import Request, Response
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from web.session import (
    COOKIE_NAME,
    Session,
    csrf_matches,
    decode_session,
    encode_session,
    new_session,
)
from web.settings import WebSettings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf"


class SignInRequired(Exception):
    """Raised by a page that needs a signed-in person; answered with a redirect to sign-in."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class SessionCookies:
    """Loads the session into the request's state and writes it back when a page changed it."""

    def __init__(self, settings: WebSettings) -> None:
        self.secret = settings.signing_secret()
        self.max_age_s = settings.session_max_age_s
        self.secure = settings.cookie_secure

    def middleware(self, app: ASGIApp) -> ASGIApp:
        async def with_session(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            state = scope.setdefault("state", {})
            found = decode_session(_cookie(scope, COOKIE_NAME), self.secret, int(time.time()))
            state["session"] = found or new_session(int(time.time()), self.max_age_s)
            state["session_changed"] = found is None

            async def send_with_cookie(message: Message) -> None:
                if message["type"] == "http.response.start" and state.get("session_changed"):
                    headers = MutableScopeHeaders.from_message(message)
                    headers.add("set-cookie", self.cookie_header(state["session"]))
                await send(message)

            await app(scope, receive, send_with_cookie)

        return with_session

    def cookie_header(self, session: Session) -> str:
        cookie = Cookie(
            key=COOKIE_NAME,
            value=encode_session(session, self.secret),
            path="/",
            max_age=max(0, session.expires_at - int(time.time())),
            httponly=True,
            samesite="lax",
            secure=self.secure,
        )
        return cookie.to_header(header="")


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name:
                    return v
    return None


def session_of(request: Request[Any, Any, Any]) -> Session:
    return request.scope["state"]["session"]  # type: ignore[no-any-return]


def set_session(request: Request[Any, Any, Any], session: Session) -> None:
    request.scope["state"]["session"] = session
    request.scope["state"]["session_changed"] = True


def signed_in(request: Request[Any, Any, Any]) -> Session:
    """The signed-in person's session, or a redirect to sign-in (back here afterwards)."""
    session = session_of(request)
    if not session.signed_in:
        raise SignInRequired(request.url.path)
    return session


async def check_csrf(request: Request[Any, Any, Any]) -> Response[str] | None:
    """`before_request`: a form post without this session's token is refused (403)."""
    if request.method in SAFE_METHODS:
        return None
    form = await request.form()
    if csrf_matches(session_of(request), form.get(CSRF_FIELD)):
        return None
    return Response(
        "Форма застаріла, оновіть сторінку / The form has expired, reload the page",
        status_code=403,
        media_type="text/plain",
    )
