"""Open311 GeoReport v2 as the e-Reception speaks it: the council's categories are the services,
appeals are the service requests. Pure mapping, no I/O.

What a public list shows is deliberately thin: appeals are personal (Law on Citizens' Appeals,
Law on Personal Data Protection), so only categorised appeals are listed, with their number,
category, status, subject and dates; the address only where the council allows it; never the
text, the name or a contact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chassis.problems import FieldError
from services.appeals.domain import OPEN_STATUSES

# Status notes in Ukrainian with English, for whoever follows the request in an Open311 app.
STATUS_NOTES: dict[str, str] = {
    "registered": "Зареєстровано / Registered",
    "assigned": "Передано на розгляд виконавцю / Assigned for consideration",
    "reopened": "Розгляд поновлено / Reopened",
    "answered": "Надано відповідь / Answered",
    "closed": "Розгляд завершено / Closed",
    "forwarded": "Надіслано за належністю / Forwarded to the competent body",
    "returned": "Повернуто авторові / Returned to the author",
}
# Tenant setting that lets the public list show the address (default: it does not).
PUBLIC_ADDRESS_SETTING = "open311_public_address"
# Appeal fields the public views are built from; nothing else is ever read for them.
PUBLIC_FIELDS = (
    "number",
    "status",
    "category",
    "subject",
    "received_at",
    "due_at",
    "history",
    "location",
    "address",
)
# Our field names -> the Open311 parameter a client sent them in.
OPEN311_FIELD = {
    "address": "address_string",
    "text": "description",
    "category": "service_code",
    "location.lat": "lat",
    "location.lon": "long",
}


def open311_status(status: str) -> str:
    """open while the council still owes an answer, closed once it is answered or finished."""
    return "open" if status in OPEN_STATUSES else "closed"


def service_view(category: Mapping[str, Any]) -> dict[str, Any]:
    name = category.get("name") or {}
    return {
        "service_code": category["code"],
        "service_name": name.get("uk") or name.get("en") or category["code"],
        "description": category.get("description") or "",
        "metadata": False,  # no extra attributes: the appeal form is the same for every service
        "type": "realtime",
        "keywords": "",
        "group": "",
    }


def service_definition(code: str) -> dict[str, Any]:
    return {"service_code": code, "attributes": []}


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if isinstance(moment, datetime) else None


def _updated_at(appeal: Mapping[str, Any]) -> Any:
    history = [h.get("at") for h in appeal.get("history") or [] if isinstance(h, Mapping)]
    stamps: list[datetime] = [s for s in history if isinstance(s, datetime)]
    return max(stamps) if stamps else appeal.get("received_at")


def request_view(
    appeal: Mapping[str, Any], service_names: Mapping[str, str], show_address: bool
) -> dict[str, Any]:
    """One appeal as a GeoReport service request, with no personal data."""
    status = str(appeal.get("status") or "registered")
    code = appeal.get("category") or ""
    location = appeal.get("location") or {}
    return {
        "service_request_id": appeal["number"],
        "status": open311_status(status),
        "status_notes": STATUS_NOTES.get(status, status),
        "service_name": service_names.get(code, code),
        "service_code": code,
        "description": appeal.get("subject") or "",
        "agency_responsible": "",
        "service_notice": "",
        "requested_datetime": _iso(appeal.get("received_at")),
        "updated_datetime": _iso(_updated_at(appeal)),
        "expected_datetime": _iso(appeal.get("due_at")),
        "address": (appeal.get("address") or "") if show_address else "",
        "address_id": "",
        "zipcode": "",
        "lat": location.get("lat"),
        "long": location.get("lon"),
        "media_url": "",
    }


@dataclass(frozen=True)
class RequestForm:
    """A POST requests.json body as the spec names its fields (form-encoded)."""

    service_code: str = ""
    description: str = ""
    address_string: str = ""
    lat: str = ""
    long: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""

    @classmethod
    def from_form(cls, form: Mapping[str, Any]) -> RequestForm:
        def text(name: str) -> str:
            value = form.get(name)
            return value.strip() if isinstance(value, str) else ""

        return cls(**{name: text(name) for name in cls.__dataclass_fields__})

    def location(self) -> tuple[tuple[float, float] | None, list[FieldError]]:
        if not self.lat and not self.long:
            return None, []
        try:
            return (float(self.lat), float(self.long)), []
        except ValueError:
            return None, [FieldError("lat", "lat and long must both be decimal degrees")]

    def check(self, *, needs_person: bool) -> list[FieldError]:
        """The spec's required fields, and what the law adds for an appeal (Art. 5, 8): with an
        api_key the client must pass the citizen's full name, an address and a contact."""
        errors = []
        if not self.service_code:
            errors.append(FieldError("service_code", "is required"))
        if not self.description:
            errors.append(FieldError("description", "is required (the substance, Art. 5)"))
        if not self.address_string:
            errors.append(
                FieldError("address_string", "is required (the citizen's address, Art. 5)")
            )
        if needs_person:
            for name in ("first_name", "last_name"):
                if not getattr(self, name):
                    errors.append(FieldError(name, "is required (no anonymous appeals, Art. 8)"))
            if not self.email and not self.phone:
                errors.append(FieldError("email", "an email or a phone is required (Art. 5)"))
        return errors + self.location()[1]


def open311_errors(errors: list[FieldError], status: int) -> list[dict[str, Any]]:
    """Field errors as GeoReport errors, named by the parameter the client sent."""
    return [
        {"code": status, "description": f"{OPEN311_FIELD.get(e.field, e.field)}: {e.message}"}
        for e in errors
    ]
