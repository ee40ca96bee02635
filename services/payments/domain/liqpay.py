"""LiqPay's signing scheme (Checkout API v3): `data` is base64 of the JSON parameters and
`signature` = base64(sha1(private_key + data + private_key)). Pure functions, shared by the
payments service and the provider sandbox."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

API_VERSION = 3


class BadSignature(Exception):
    """The callback was not signed with our private key (forged or corrupted)."""


def encode_data(params: dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(params, ensure_ascii=False).encode()).decode()


def sign(private_key: str, data: str) -> str:
    digest = hashlib.sha1(f"{private_key}{data}{private_key}".encode()).digest()  # noqa: S324 - LiqPay's scheme
    return base64.b64encode(digest).decode()


def signed_form(private_key: str, params: dict[str, Any]) -> dict[str, str]:
    data = encode_data(params)
    return {"data": data, "signature": sign(private_key, data)}


def verify_and_decode(private_key: str, data: str, signature: str) -> dict[str, Any]:
    """The parameters of a signed message; BadSignature unless it is ours and well formed."""
    if not hmac.compare_digest(sign(private_key, data).encode(), signature.encode()):
        raise BadSignature("signature does not match")
    try:
        params = json.loads(base64.b64decode(data, validate=True))
    except (binascii.Error, ValueError) as exc:
        raise BadSignature("data is not base64 JSON") from exc
    if not isinstance(params, dict):
        raise BadSignature("data is not a JSON object")
    return params


# LiqPay's statuses, as Hromada's. Others (e.g. "subscribed") are not ours and are ignored.
STATUS_MAP = {
    "success": "success",
    "sandbox": "success",  # LiqPay's test-mode success
    "failure": "failed",
    "error": "failed",
    "reversed": "refunded",
    "processing": "started",
    "prepared": "started",
    "wait_secure": "started",
    "wait_accept": "started",
    "3ds_verify": "started",
    "otp_verify": "started",
    "cvv_verify": "started",
}
