"""Kafka topic names. One topic per aggregate, so an aggregate's events keep their order;
consumers dispatch on the envelope's `type`. A topic's dead letters go to `<topic>.dlq`."""

APPEALS_APPEAL = "hromada.appeals.appeal"
PETITIONS_PETITION = "hromada.petitions.petition"
BUDGET_CYCLE = "hromada.budget.cycle"
BUDGET_PROJECT = "hromada.budget.project"
QUEUE_BOOKING = "hromada.queue.booking"
QUEUE_HALL = "hromada.queue.hall"
PAYMENTS_PAYMENT = "hromada.payments.payment"
PLATFORM_TENANT = "hromada.platform.tenant"


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"
