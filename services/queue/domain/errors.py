"""How a rule says no: the edge turns a `Refused` into a problem+json answer."""

from __future__ import annotations


class Refused(Exception):
    """A request the rules refuse: `status` 4xx, a detail for people, the field at fault."""

    def __init__(self, status: int, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.field = field


def invalid(field: str, detail: str) -> Refused:
    return Refused(422, detail, field)


def conflict(detail: str, field: str | None = None) -> Refused:
    return Refused(409, detail, field)


def not_found(detail: str) -> Refused:
    return Refused(404, detail)
