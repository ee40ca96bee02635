"""The signed session cookie: what was signed comes back, anything else is a fresh visitor."""

from __future__ import annotations

from dataclasses import replace

from web.session import csrf_matches, decode_session, encode_session, new_session

SECRET = b"test-secret"
NOW = 1_800_000_000


def test_a_signed_session_comes_back_as_it_was() -> None:
    session = new_session(NOW, 3600).signed_in_as(
        "tok", {"sub": "c1", "name": "Олена", "roles": ["citizen"]}, "chernivtsi", NOW + 60
    )

    assert decode_session(encode_session(session, SECRET), SECRET, NOW) == session


def test_an_edited_or_foreign_cookie_is_refused() -> None:
    value = encode_session(new_session(NOW, 3600), SECRET)
    payload, mac = value.split(".")
    forged = encode_session(replace(new_session(NOW, 3600), roles=("platform_admin",)), b"other")

    assert decode_session(f"{payload}x.{mac}", SECRET, NOW) is None
    assert decode_session(forged, SECRET, NOW) is None
    assert decode_session("garbage", SECRET, NOW) is None
    assert decode_session(None, SECRET, NOW) is None


def test_an_expired_session_is_refused() -> None:
    value = encode_session(new_session(NOW, 60), SECRET)

    assert decode_session(value, SECRET, NOW + 61) is None


def test_signing_in_starts_a_new_session_with_a_new_form_token() -> None:
    anonymous = new_session(NOW, 3600)
    person = anonymous.signed_in_as("tok", {"sub": "c1", "roles": ["citizen"]}, None, NOW + 60)

    assert person.sid != anonymous.sid and person.csrf != anonymous.csrf
    assert person.signed_in and not anonymous.signed_in


def test_the_council_is_the_chosen_one_else_the_staff_tenant_else_the_residence() -> None:
    base = new_session(NOW, 3600)
    official = base.signed_in_as("t", {"roles": ["official"], "tenant": "uzhhorod"}, None, NOW)
    resident = base.signed_in_as("t", {"roles": ["citizen"], "residence": "kamianske"}, None, NOW)

    assert official.council == "uzhhorod" and official.is_staff_of("uzhhorod")
    assert not official.is_staff_of("chernivtsi")
    assert resident.council == "kamianske" and not resident.is_staff_of("kamianske")


def test_the_form_token_must_match_exactly() -> None:
    session = new_session(NOW, 3600)

    assert csrf_matches(session, session.csrf)
    assert not csrf_matches(session, session.csrf + "x")
    assert not csrf_matches(session, None)
    assert not csrf_matches(session, "")
