"""The public gateway API, as the bot uses it: anonymously for public reads (news, the ASC
catalogue, petitions, budget), and as a linked citizen (a token from `citizen_tokens`) for
everything personal. The bot has no other way into the services."""

from __future__ import annotations

from typing import Any

import httpx

from bot.citizen_tokens import Citizen, CitizenTokens, TokenExchangeError


class ApiError(Exception):
    """The gateway refused (status, and the problem's detail) or could not be reached (0)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


class HromadaApi:
    def __init__(self, gateway_url: str, client: httpx.AsyncClient, tokens: CitizenTokens) -> None:
        self.base = gateway_url.rstrip("/")
        self.client = client
        self.tokens = tokens

    async def _headers(self, citizen: Citizen | None, **extra: str) -> dict[str, str]:
        headers = {"accept": "application/json", **extra}
        if citizen is not None:
            try:
                headers["authorization"] = f"Bearer {await self.tokens.token_for(citizen)}"
            except TokenExchangeError as exc:
                raise ApiError(0, str(exc)) from exc
        return headers

    async def request(
        self,
        method: str,
        tenant: str,
        path: str,
        citizen: Citizen | None = None,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        url = f"{self.base}/api/v1/{tenant}/{path.lstrip('/')}"
        try:
            response = await self.client.request(
                method,
                url,
                params=params,
                json=json,
                files=files,
                headers=await self._headers(citizen, **(headers or {})),
            )
        except httpx.HTTPError as exc:
            raise ApiError(0, type(exc).__name__) from exc
        if response.is_success:
            return response.json() if response.content else None
        raise ApiError(response.status_code, _detail(response))

    async def get(
        self, tenant: str, path: str, citizen: Citizen | None = None, **params: Any
    ) -> Any:
        return await self.request("GET", tenant, path, citizen, params=params or None)

    async def post(
        self, tenant: str, path: str, citizen: Citizen, body: Any, idempotency_key: str = ""
    ) -> Any:
        headers = {"idempotency-key": idempotency_key} if idempotency_key else None
        return await self.request("POST", tenant, path, citizen, json=body, headers=headers)

    async def put(self, tenant: str, path: str, citizen: Citizen, body: Any) -> Any:
        return await self.request("PUT", tenant, path, citizen, json=body)

    async def upload(
        self, tenant: str, path: str, citizen: Citizen, filename: str, data: bytes
    ) -> Any:
        files = {"file": (filename, data, "application/octet-stream")}
        return await self.request("POST", tenant, path, citizen, files=files)


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict):
        errors = body.get("errors") or []
        fields = "; ".join(f"{e.get('field')}: {e.get('message')}" for e in errors if e)
        detail = str(body.get("detail") or body.get("title") or "")
        return f"{detail} ({fields})" if fields else detail
    return f"HTTP {response.status_code}"
