"""`key=value` arguments of `hromada tenant create --setting` and `tenant settings`."""

from __future__ import annotations

import pytest

from hromada_cli.settings_args import BadSetting, flatten, parse_settings


def test_values_are_json_when_they_parse_and_strings_otherwise() -> None:
    assert parse_settings(
        [
            "petition_threshold=300",
            "show_official_names=true",
            "locale=uk",
            'cors_origins=["https://a.example"]',
            "note=  spaced  ",
        ]
    ) == {
        "petition_threshold": 300,
        "show_official_names": True,
        "locale": "uk",
        "cors_origins": ["https://a.example"],
        "note": "spaced",
    }


def test_dotted_keys_nest() -> None:
    assert parse_settings(
        ["rate_limits.requests_per_minute=100", "rate_limits.sensitive_writes_per_minute=5"]
    ) == {"rate_limits": {"requests_per_minute": 100, "sensitive_writes_per_minute": 5}}


@pytest.mark.parametrize("bad", ["no-equals-sign", "=5", "a..b=1", "a.=1"])
def test_malformed_pairs_are_refused(bad: str) -> None:
    with pytest.raises(BadSetting):
        parse_settings([bad])


def test_a_key_cannot_be_both_a_value_and_a_group() -> None:
    with pytest.raises(BadSetting):
        parse_settings(["rate_limits=1", "rate_limits.requests_per_minute=2"])


def test_flatten_gives_dotted_rows() -> None:
    assert flatten({"a": 1, "b": {"c": 2}, "d": {}}) == [("a", 1), ("b.c", 2), ("d", {})]
