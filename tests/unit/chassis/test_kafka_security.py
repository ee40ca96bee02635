"""Kafka connection security from settings: the local stack's PLAINTEXT, and the TLS and SASL
logins of a production cluster, as aiokafka receives them (no broker here)."""

from __future__ import annotations

import pytest
from faststream.kafka.security import parse_security
from pydantic import SecretStr

from chassis.kafka import kafka_security
from chassis.settings import ServiceSettings


def test_the_local_stack_connects_in_plaintext() -> None:
    assert kafka_security(ServiceSettings()) is None


def test_sasl_over_tls_passes_mechanism_login_and_a_verifying_tls_context() -> None:
    settings = ServiceSettings(
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="appeals",
        kafka_sasl_password=SecretStr("s3cret"),
    )
    params = parse_security(kafka_security(settings))
    assert params["security_protocol"] == "SASL_SSL"
    assert params["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (params["sasl_plain_username"], params["sasl_plain_password"]) == ("appeals", "s3cret")
    assert params["ssl_context"].check_hostname  # the server's certificate is checked


def test_plain_sasl_without_tls_and_tls_alone() -> None:
    plain = ServiceSettings(
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_mechanism="PLAIN",
        kafka_sasl_username="queue",
        kafka_sasl_password=SecretStr("pw"),
    )
    params = parse_security(kafka_security(plain))
    assert (params["security_protocol"], params["sasl_mechanism"]) == ("SASL_PLAINTEXT", "PLAIN")
    tls = parse_security(kafka_security(ServiceSettings(kafka_security_protocol="SSL")))
    assert tls["security_protocol"] == "SSL"


def test_sasl_without_a_username_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError, match="kafka_sasl_username"):
        kafka_security(ServiceSettings(kafka_security_protocol="SASL_SSL"))


def test_the_shared_environment_configures_every_service(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HROMADA_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("HROMADA_KAFKA_SASL_USERNAME", "hromada")
    monkeypatch.setenv("HROMADA_KAFKA_SASL_PASSWORD", "from-a-secret")
    settings = ServiceSettings()
    assert settings.kafka_sasl_password.get_secret_value() == "from-a-secret"
    assert "from-a-secret" not in repr(settings)  # never in a log line
