"""The verified-token cache: a token verified once is not verified again until it expires, and
the cache never widens what the verifier accepts."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from chassis.auth import JwtVerifier, Principal, VerifiedTokens
from chassis.problems import Problem
from tests.unit.chassis.test_auth import AUD, ISS, KEY, claims, sign, verifier


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def counting_decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every full signature check the verifier makes."""
    calls: list[str] = []
    real_decode = jwt.decode

    def decode(token: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(str(token))
        return real_decode(token, *args, **kwargs)

    monkeypatch.setattr("chassis.auth.jwt.decode", decode)
    return calls


async def test_the_same_token_is_verified_once(monkeypatch: pytest.MonkeyPatch) -> None:
    decodes = counting_decodes(monkeypatch)
    v = verifier()
    token = sign(claims(sub="c-cache"))
    first = await v.verify(token)
    again = await v.verify(token)
    assert first == again and first.sub == "c-cache"
    assert len(decodes) == 1


async def test_another_token_of_the_same_person_is_verified_in_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    decodes = counting_decodes(monkeypatch)
    v = verifier()
    await v.verify(sign(claims(sub="c1", roles=["citizen"])))
    principal = await v.verify(sign(claims(sub="c1", roles=["official"], tenant="chernivtsi")))
    assert principal.roles == frozenset({"official"}) and len(decodes) == 2


async def test_a_tampered_copy_of_a_cached_token_is_still_401() -> None:
    v = verifier()
    token = sign(claims())
    await v.verify(token)
    head, payload, signature = token.split(".")
    forged = f"{head}.{payload}.{signature[:-4]}AAAA"
    with pytest.raises(Problem) as caught:
        await v.verify(forged)
    assert caught.value.status == 401


async def test_a_cached_token_is_never_served_past_its_exp() -> None:
    clock = Clock()
    v = JwtVerifier(
        "http://unused.invalid/jwks", ISS, AUD, verified_tokens=VerifiedTokens(clock=clock)
    )
    v.use_keys(KeySet([RSAKey.import_key(KEY.as_dict(private=False))]))
    exp = int(time.time()) + 5
    token = sign(claims(exp=exp))
    await v.verify(token)
    assert v.verified.get(token) is not None
    clock.now = exp  # the cache answers no more; a full check decides (leeway and all)
    assert v.verified.get(token) is None


def test_entries_age_out_and_the_least_recently_used_goes_first() -> None:
    clock = Clock()
    cache = VerifiedTokens(max_entries=2, max_age_s=10, clock=clock)
    far = clock.now + 3600
    for token in ("a", "b"):
        cache.put(token, Principal(sub=token), far)
    assert cache.get("a") is not None  # "b" is now the least recently used
    cache.put("c", Principal(sub="c"), far)
    assert cache.get("b") is None and cache.get("a") is not None and len(cache) == 2
    clock.now += 10
    assert cache.get("a") is None and cache.get("c") is None


async def test_new_keys_forget_what_the_old_keys_vouched_for() -> None:
    v = verifier()
    token = sign(claims())
    await v.verify(token)
    other = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    v.use_keys(KeySet([RSAKey.import_key(other.as_dict(private=False))]))
    with pytest.raises(Problem) as caught:
        await v.verify(token)
    assert caught.value.status == 401


async def test_a_jwks_refresh_that_withdraws_a_key_drops_its_tokens() -> None:
    """The issuer rotates k1 out: a token it signed is refused after the next refresh."""
    rotated = RSAKey.generate_key(2048, parameters={"kid": "k2"})
    published = [KEY]

    def jwks(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json=KeySet([RSAKey.import_key(k.as_dict(private=False)) for k in published]).as_dict(),
        )

    v = JwtVerifier(
        "http://idp.invalid/jwks",
        ISS,
        AUD,
        min_refresh_interval_s=0,
        transport=httpx.MockTransport(jwks),
    )
    old_token = sign(claims())
    await v.verify(old_token)
    published[:] = [rotated]
    await v.verify(jwt.encode({"alg": "RS256", "kid": "k2"}, claims(), rotated))  # refreshes
    with pytest.raises(Problem) as caught:
        await v.verify(old_token)
    assert caught.value.status == 401
