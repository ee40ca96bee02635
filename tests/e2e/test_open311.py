"""Open311 GeoReport v2 through the gateway: a council registers a client app, the client files
a request as an appeal with its api_key, and the public lists show it without personal data;
keys are per council."""

from __future__ import annotations

import uuid
from typing import Any
from xml.etree import ElementTree as ET

import httpx
import pytest

from tests.e2e.test_attachments import onboard_council, retrying
from tests.stack import Gateway

pytestmark = pytest.mark.e2e

CITIZEN_FORM = {
    "service_code": "roads",
    "description": "Глибока яма біля будинку 5, небезпечно для велосипедистів.",
    "address_string": "м. Чернівці, вул. Шевченка, 5",
    "lat": "48.2921",
    "long": "25.9352",
    "first_name": "Тарас",
    "last_name": "Мельник",
    "email": "taras.melnyk@example.ua",
    "phone": "+380501112233",
    "jurisdiction_id": "chernivtsi.example.ua",
}


@pytest.fixture(scope="module")
def council(gateway: Gateway) -> dict[str, Any]:
    """A fresh council with a `roads` category and a registered client app."""
    slug = onboard_council(gateway, "o311")
    admin = gateway.staff(f"admin-{slug}", slug, role="tenant_admin")
    category = {"code": "roads", "name": {"uk": "Дороги і тротуари", "en": "Roads"}}
    made = retrying(
        lambda: gateway.http.post(
            f"/api/v1/{slug}/appeals/categories", json=category, headers=admin
        )
    )
    assert made.status_code == 201, made.text
    client = retrying(
        lambda: gateway.http.post(
            f"/api/v1/{slug}/open311/clients", json={"name": "Міський застосунок"}, headers=admin
        )
    )
    assert client.status_code == 201, client.text
    return {"slug": slug, "admin": admin, "api_key": client.json()["api_key"]}


def post_request(gateway: Gateway, tenant: str, form: dict[str, str], **kw: Any) -> httpx.Response:
    url = f"/api/v1/{tenant}/open311/v2/requests.json"
    return retrying(lambda: gateway.http.post(url, data=form, **kw))


def assert_open311_error(response: httpx.Response, status: int, needle: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    errors = response.json()
    assert isinstance(errors, list) and errors[0]["code"] == status
    assert any(needle in e["description"] for e in errors), errors


def test_services_list_the_councils_categories_in_json_and_xml(
    gateway: Gateway, council: dict[str, Any]
) -> None:
    base = f"/api/v1/{council['slug']}/open311/v2"
    services = retrying(lambda: gateway.http.get(f"{base}/services.json")).json()
    assert {"service_code": "roads", "service_name": "Дороги і тротуари"}.items() <= services[
        0
    ].items()
    assert services[0]["metadata"] is False and services[0]["type"] == "realtime"
    xml = retrying(lambda: gateway.http.get(f"{base}/services.xml"))
    assert xml.headers["content-type"].startswith("application/xml")
    assert ET.fromstring(xml.content).findtext("service/service_code") == "roads"
    definition = retrying(lambda: gateway.http.get(f"{base}/services/roads.json")).json()
    assert definition == {"service_code": "roads", "attributes": []}
    missing = retrying(lambda: gateway.http.get(f"{base}/services/nothing.json"))
    assert_open311_error(missing, 404, "service_code")


def test_a_client_files_with_its_api_key_and_the_public_list_shows_no_personal_data(
    gateway: Gateway, council: dict[str, Any], appeals_db: Any
) -> None:
    tenant = council["slug"]
    filed = post_request(gateway, tenant, {**CITIZEN_FORM, "api_key": council["api_key"]})
    assert filed.status_code == 201, filed.text
    number = filed.json()[0]["service_request_id"]
    assert filed.json()[0]["service_notice"]

    # The council's staff see it as an ordinary appeal of the named citizen.
    doc = appeals_db["appeals"].find_one({"tenant": tenant, "number": number})
    official = gateway.staff(f"off-{uuid.uuid4().hex[:6]}", tenant)
    seen = retrying(
        lambda: gateway.http.get(f"/api/v1/{tenant}/appeals/{doc['_id']}", headers=official)
    )
    assert seen.status_code == 200, seen.text
    assert seen.json()["category"] == "roads"
    assert doc["citizen_name"] == "Тарас Мельник" and doc["citizen_sub"].startswith("open311:")
    assert doc["location"] == {"lat": 48.2921, "lon": 25.9352}

    base = f"/api/v1/{tenant}/open311/v2"
    listed = retrying(lambda: gateway.http.get(f"{base}/requests.json"))
    assert listed.status_code == 200
    mine = [r for r in listed.json() if r["service_request_id"] == number]
    assert len(mine) == 1 and mine[0]["status"] == "open"
    assert (mine[0]["lat"], mine[0]["long"]) == (48.2921, 25.9352)
    for personal in ("Тарас", "Мельник", "taras", "+380", "Шевченка", "Глибока яма"):
        assert personal not in listed.text

    one = retrying(lambda: gateway.http.get(f"{base}/requests/{number}.xml"))
    assert one.status_code == 200 and one.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(one.content)
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == number
    assert root.findtext("request/status") == "open"
    assert root.findtext("request/service_name") == "Дороги і тротуари"
    listed_xml = ET.fromstring(retrying(lambda: gateway.http.get(f"{base}/requests.xml")).content)
    assert number in [r.findtext("service_request_id") for r in listed_xml.findall("request")]


def test_a_citizen_files_with_a_bearer_token_instead_of_a_key(
    gateway: Gateway, council: dict[str, Any]
) -> None:
    citizen = gateway.citizen(f"o311-citizen-{uuid.uuid4().hex[:8]}", name="Ірина Бойко")
    form = {k: v for k, v in CITIZEN_FORM.items() if k not in ("first_name", "last_name")}
    filed = post_request(gateway, council["slug"], form, headers=citizen)
    assert filed.status_code == 201, filed.text


def test_a_wrong_key_and_another_councils_key_are_403(
    gateway: Gateway, council: dict[str, Any]
) -> None:
    wrong = post_request(gateway, council["slug"], {**CITIZEN_FORM, "api_key": "o311_forged"})
    assert_open311_error(wrong, 403, "api_key")
    # The demo council has a `roads`-less catalogue, but the key is refused before that.
    foreign = post_request(gateway, "uzhhorod", {**CITIZEN_FORM, "api_key": council["api_key"]})
    assert_open311_error(foreign, 403, "api_key")
    missing = post_request(gateway, council["slug"], dict(CITIZEN_FORM))
    assert_open311_error(missing, 403, "api_key")


def test_a_filing_without_the_citizens_name_is_400_naming_it_art5_art8(
    gateway: Gateway, council: dict[str, Any], appeals_db: Any
) -> None:
    before = appeals_db["appeals"].count_documents({"tenant": council["slug"]})
    form = {k: v for k, v in CITIZEN_FORM.items() if k != "last_name"}
    refused = post_request(gateway, council["slug"], {**form, "api_key": council["api_key"]})
    assert_open311_error(refused, 400, "last_name")
    xml = retrying(
        lambda: gateway.http.post(
            f"/api/v1/{council['slug']}/open311/v2/requests.xml",
            data={**form, "api_key": council["api_key"]},
        )
    )
    assert xml.status_code == 400
    assert ET.fromstring(xml.content).findtext("error/code") == "400"
    assert appeals_db["appeals"].count_documents({"tenant": council["slug"]}) == before


def test_only_the_councils_tenant_admin_registers_clients(
    gateway: Gateway, council: dict[str, Any]
) -> None:
    url = f"/api/v1/{council['slug']}/open311/clients"
    for caller in (
        gateway.staff("o311-official", council["slug"], role="official"),
        gateway.staff("o311-foreign-admin", "uzhhorod", role="tenant_admin"),
        gateway.citizen("o311-citizen"),
    ):
        refused = retrying(lambda h=caller: gateway.http.post(url, json={"name": "x"}, headers=h))
        assert refused.status_code == 403, refused.text
    listed = retrying(lambda: gateway.http.get(url, headers=council["admin"]))
    assert listed.status_code == 200
    assert "api_key" not in listed.text and "key_hash" not in listed.text
