"""`hromada init [--service X]`: prepare a component's storage and exit — the Helm chart's
pre-install/pre-upgrade Job runs it.

It creates the Kafka topics the component publishes and consumes (and `<topic>.dlq` of each
topic it consumes) with the given partitions and replication factor, then runs the
component's own start-up steps — the same ones a server runs before it serves: MongoDB
indexes, its S3 bucket — without serving, and stops. Topics come from the component's broker
declarations (what its AsyncAPI document says), so a new subscriber or publisher is covered
without editing this file. Running it again changes nothing that exists.
"""

from __future__ import annotations

import asyncio
import importlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from faststream.specification import AsyncAPI

from contracts.topics import dead_letter_topic

# Kafka answers CreateTopics with this code for a topic created meanwhile by another caller.
TOPIC_ALREADY_EXISTS = 36


@dataclass(frozen=True)
class Component:
    """Where a component's app factory and settings class live."""

    app_module: str
    settings_module: str
    settings_class: str


COMPONENTS: dict[str, Component] = {
    "gateway": Component("gateway.app", "gateway.settings", "GatewaySettings"),
    "appeals": Component("services.appeals.app", "services.appeals.settings", "AppealsSettings"),
    "petitions": Component(
        "services.petitions.app", "services.petitions.settings", "PetitionsSettings"
    ),
    "budget": Component("services.budget.app", "services.budget.settings", "BudgetSettings"),
    "queue": Component("services.queue.app", "services.queue.settings", "QueueSettings"),
    "payments": Component(
        "services.payments.app", "services.payments.settings", "PaymentsSettings"
    ),
    "notify": Component("services.notify.app", "services.notify.settings", "NotifySettings"),
}


def topics_of_spec(spec: dict[str, Any]) -> list[str]:
    """Every topic an AsyncAPI 3 document names, plus the dead-letter topic of each topic the
    component receives from (chassis/consumer.py parks failures there), sorted."""
    channels = spec.get("channels", {})
    topics: set[str] = set()
    for operation in spec.get("operations", {}).values():
        ref = operation["channel"]["$ref"].rsplit("/", 1)[-1]
        topic = channels[ref]["address"]
        topics.add(topic)
        if operation["action"] == "receive":
            topics.add(dead_letter_topic(topic))
    return sorted(topics)


def build_app(name: str) -> tuple[Any, Any]:
    """The component's settings (from the environment) and its app; connects nothing."""
    component = COMPONENTS[name]
    settings_module = importlib.import_module(component.settings_module)
    settings = getattr(settings_module, component.settings_class)()
    create_app: Callable[[Any], Any] = importlib.import_module(component.app_module).create_app
    return settings, create_app(settings)


def topics_of_app(app_: Any, name: str) -> list[str]:
    broker = app_.state.get("broker")
    if broker is None:
        return []
    spec = AsyncAPI(broker, title=name, version="1.0.0").to_specification()
    return topics_of_spec(json.loads(spec.to_json()))


def missing(wanted: Iterable[str], existing: Iterable[str]) -> list[str]:
    have = set(existing)
    return [topic for topic in wanted if topic not in have]


async def create_topics(
    bootstrap: str, topics: list[str], partitions: int, replication_factor: int
) -> list[str]:
    """Create the topics that do not exist yet; returns the ones created."""
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=30_000)
    await admin.start()
    try:
        todo = missing(topics, await admin.list_topics())
        if not todo:
            return []
        answer = await admin.create_topics(
            [NewTopic(t, partitions, replication_factor) for t in todo], timeout_ms=30_000
        )
        for topic, code, *rest in answer.topic_errors:
            if code not in (0, TOPIC_ALREADY_EXISTS):
                message = rest[0] if rest else ""
                raise RuntimeError(f"creating Kafka topic {topic} failed: error {code} {message}")
        return todo
    finally:
        await admin.close()


async def run_start_up(app_: Any) -> None:
    """The app's lifespan up to serving (its start-up steps: indexes, bucket), then its
    shutdown. Background jobs are cancelled before they get to run."""
    async with app_.lifespan():
        pass


async def init_component(name: str, partitions: int, replication_factor: int) -> None:
    settings, app_ = build_app(name)
    topics = topics_of_app(app_, name)
    if topics:
        created = await create_topics(
            settings.kafka_bootstrap, topics, partitions, replication_factor
        )
        made = ", ".join(created) or "none"
        typer.echo(f"{name}: {len(topics)} topics ok; created now: {made}")
    await run_start_up(app_)
    typer.echo(f"{name}: start-up steps done")


def init_command(
    service: Annotated[
        list[str] | None,
        typer.Option(help="Component to prepare, repeatable (default: every component)."),
    ] = None,
    partitions: Annotated[int, typer.Option(min=1, help="Partitions of a new topic.")] = 6,
    replication_factor: Annotated[
        int, typer.Option(min=1, help="Replication factor of a new topic (3 in production).")
    ] = 1,
) -> None:
    """Create the Kafka topics, MongoDB indexes and S3 bucket of a component, then exit."""
    names = service or list(COMPONENTS)
    unknown = [n for n in names if n not in COMPONENTS]
    if unknown:
        raise typer.BadParameter(
            f"unknown component(s) {', '.join(unknown)}; known: {', '.join(COMPONENTS)}",
            param_hint="--service",
        )
    for name in names:
        asyncio.run(init_component(name, partitions, replication_factor))
