"""Open311 GeoReport v2 mapping: services from categories, appeals as requests without
personal data, the law's required fields for filings, and the XML form of each document."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

import pytest

from gateway.edge_auth import is_api_key_route
from services.appeals.open311 import (
    RequestForm,
    open311_errors,
    open311_status,
    request_view,
    service_definition,
    service_view,
)
from services.appeals.open311_xml import ERRORS, REQUESTS, SERVICES, render_list, render_one

RECEIVED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
APPEAL = {
    "_id": "a1",
    "tenant": "chernivtsi",
    "number": "CHERNIVTSI-2026-17",
    "status": "assigned",
    "category": "roads",
    "subject": "Яма на дорозі",
    "text": "Я, Олена Коваль, прошу ... мій телефон +380501234567",
    "address": "вул. Головна, 1",
    "email": "olena@example.ua",
    "citizen_name": "Олена Коваль",
    "citizen_sub": "c1",
    "received_at": RECEIVED,
    "due_at": datetime(2026, 12, 2, 9, 30, tzinfo=UTC),
    "location": {"lat": 48.29, "lon": 25.94},
    "history": [
        {"status": "registered", "at": RECEIVED},
        {"status": "assigned", "at": datetime(2026, 11, 3, 8, 0, tzinfo=UTC)},
    ],
}
CATEGORY = {
    "code": "roads",
    "name": {"uk": "Дороги", "en": "Roads"},
    "description": "Ремонт доріг",
    "active": True,
}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("registered", "open"),
        ("assigned", "open"),
        ("reopened", "open"),
        ("answered", "closed"),
        ("closed", "closed"),
        ("forwarded", "closed"),
        ("returned", "closed"),
    ],
)
def test_statuses_map_to_open_while_an_answer_is_owed(status: str, expected: str) -> None:
    assert open311_status(status) == expected


def test_a_category_is_a_realtime_service_named_in_ukrainian() -> None:
    assert service_view(CATEGORY) == {
        "service_code": "roads",
        "service_name": "Дороги",
        "description": "Ремонт доріг",
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": "",
    }
    assert service_definition("roads") == {"service_code": "roads", "attributes": []}


def test_a_public_request_carries_no_personal_data() -> None:
    view = request_view(APPEAL, {"roads": "Дороги"}, show_address=False)
    assert view["service_request_id"] == "CHERNIVTSI-2026-17"
    assert (view["status"], view["service_name"]) == ("open", "Дороги")
    assert view["description"] == "Яма на дорозі"  # the subject, never the text
    assert view["address"] == ""
    assert (view["lat"], view["long"]) == (48.29, 25.94)
    assert view["requested_datetime"] == "2026-11-02T09:30:00+00:00"
    assert view["updated_datetime"] == "2026-11-03T08:00:00+00:00"
    rendered = repr(view)
    for personal in ("Олена", "olena@", "+380", "c1", "Головна"):
        assert personal not in rendered


def test_the_address_is_shown_only_where_the_council_allows_it() -> None:
    assert request_view(APPEAL, {}, show_address=True)["address"] == "вул. Головна, 1"


def test_open311_filing_without_names_is_refused_naming_them_art5_art8() -> None:
    form = RequestForm.from_form(
        {"service_code": "roads", "description": "Яма", "address_string": "вул. Головна, 1"}
    )
    fields = [e.field for e in form.check(needs_person=True)]
    assert fields == ["first_name", "last_name", "email"]
    assert form.check(needs_person=False) == []  # a citizen's token names them


def test_open311_filing_needs_the_address_and_substance_art5() -> None:
    form = RequestForm.from_form({"service_code": "roads", "lat": "48.3", "long": "x"})
    fields = [e.field for e in form.check(needs_person=False)]
    assert fields == ["description", "address_string", "lat"]


def test_lat_long_become_the_location() -> None:
    form = RequestForm.from_form({"lat": "48.29", "long": "25.94"})
    assert form.location() == ((48.29, 25.94), [])


def test_errors_name_the_parameter_the_client_sent() -> None:
    from chassis.problems import FieldError

    errors = open311_errors([FieldError("address", "is required")], 400)
    assert errors == [{"code": 400, "description": "address_string: is required"}]


def test_xml_forms_parse_back_to_the_same_documents() -> None:
    services = ET.fromstring(render_list(SERVICES, [service_view(CATEGORY)]))
    assert services.tag == "services"
    assert services.findtext("service/service_name") == "Дороги"
    assert services.findtext("service/metadata") == "false"

    view = request_view(APPEAL, {"roads": "Дороги"}, show_address=False)
    requests = ET.fromstring(render_list(REQUESTS, [view]))
    assert requests.tag == "service_requests"
    assert requests.findtext("request/service_request_id") == "CHERNIVTSI-2026-17"
    assert requests.findtext("request/lat") == "48.29"
    assert requests.findtext("request/address") == ""

    definition = ET.fromstring(render_one("service_definition", service_definition("roads")))
    assert definition.findtext("service_code") == "roads"
    assert definition.find("attributes") is not None

    errors = ET.fromstring(render_list(ERRORS, [{"code": 403, "description": "api_key: bad"}]))
    assert (errors.tag, errors.findtext("error/code")) == ("errors", "403")


def test_xml_escapes_what_a_citizen_typed() -> None:
    doc = render_list(REQUESTS, [{"description": "<script>&</script>"}])
    assert b"<script>" not in doc
    assert ET.fromstring(doc).findtext("request/description") == "<script>&</script>"


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("POST", "/api/v1/chernivtsi/open311/v2/requests.json", True),
        ("POST", "/api/v1/chernivtsi/open311/v2/requests.xml", True),
        ("POST", "/api/v1/chernivtsi/open311/clients", False),
        ("POST", "/api/v1/chernivtsi/appeals", False),
        ("DELETE", "/api/v1/chernivtsi/open311/v2/requests.json", False),
        ("POST", "/api/v1/chernivtsi/open311/v2/requests.json/../../appeals", False),
    ],
)
def test_only_open311_filing_passes_the_edge_without_a_bearer_token(
    method: str, path: str, expected: bool
) -> None:
    assert is_api_key_route(method, path) is expected
