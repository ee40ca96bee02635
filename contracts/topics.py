"""Kafka topic names. One topic per aggregate, so an aggregate's events keep their order;
consumers dispatch on the envelope's `type`. A topic's dead letters go to `<topic>.dlq`."""

APPEALS_APPEAL = "hromada.appeals.appeal"
PLATFORM_TENANT = "hromada.platform.tenant"


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"
