"""Which writes the edge lets through without a bearer token: only those that authenticate
themselves another way (Open311's api_key, a payment provider's signed callback)."""

import pytest

from gateway.edge_auth import is_api_key_route


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/bucha/open311/v2/requests.json",
        "/api/v1/bucha/open311/v2/requests.xml",
        "/api/v1/bucha/payments/callbacks/liqpay",
        "/api/v1/bucha/queue/alerts/webhook",
    ],
)
def test_self_authenticating_posts_need_no_bearer_token(path: str) -> None:
    assert is_api_key_route("POST", path)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/bucha/payments"),
        ("POST", "/api/v1/bucha/payments/callbacks/liqpay/extra"),
        ("POST", "/api/v1/bucha/payments/p-1/refund"),
        ("DELETE", "/api/v1/bucha/payments/callbacks/liqpay"),
        ("POST", "/api/v1/bucha/appeals"),
        ("POST", "/api/v1/bucha/queue/alerts"),
    ],
)
def test_every_other_write_needs_a_bearer_token(method: str, path: str) -> None:
    assert not is_api_key_route(method, path)
