"""Local e-petitions through the gateway, beyond the lifecycle: who may sign a residents-only
petition, what another council's staff and paths reach (nothing), what the public sees (lists,
search, cursors, open data; never the signers) and what the council's staff export, the
council's settings and figures. Each test works in a council of its own."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.retrying import send
from tests.e2e.test_petitions_lifecycle import Council, assert_problem
from tests.stack import Gateway, wait_for

pytestmark = pytest.mark.e2e


@pytest.fixture
def council(gateway: Gateway) -> Council:
    return Council(gateway)


def test_residents_only_petitions_refuse_other_residences(council: Council) -> None:
    council.configure(signers="residents")
    petition_id = council.published(council.citizen())
    elsewhere = council.citizen(residence="uzhhorod")
    problem = assert_problem(
        council.call("POST", f"/{petition_id}/signatures", headers=elsewhere), 403
    )
    assert "residents" in problem["detail"]
    resident = council.citizen(residence=council.slug)
    assert council.call("POST", f"/{petition_id}/signatures", headers=resident).status_code == 201


def test_another_councils_staff_and_paths_reach_nothing(council: Council) -> None:
    author = council.citizen("Авторка Петиції")
    petition_id = council.published(author)
    signer = council.citizen("Тарас Підписант")
    assert council.call("POST", f"/{petition_id}/signatures", headers=signer).status_code == 201
    other = Council(council.gateway)

    # Staff of another council: refused on every staff action and on the signers list.
    for action in ("publish", "reject", "response"):
        body = {"reason": "x"} if action == "reject" else {"decision": "supported", "text": "x"}
        assert_problem(
            council.call("POST", f"/{petition_id}/{action}", json=body, headers=other.official), 403
        )
    assert_problem(
        council.call("GET", f"/{petition_id}/signatures.csv", headers=other.official), 403
    )
    assert_problem(council.call("GET", f"/{petition_id}/signatures.csv", headers=signer), 403)
    # The petition does not exist under the other council's path, for anyone.
    for headers in ({}, other.official, author):
        assert_problem(other.call("GET", f"/{petition_id}", headers=headers), 404)
    assert_problem(other.call("POST", f"/{petition_id}/signatures", headers=other.citizen()), 404)
    assert_problem(other.call("POST", f"/{petition_id}/publish", headers=other.official), 404)

    # Signers' names are never public; the council's own staff export them.
    public = council.call("GET", f"/{petition_id}").text + council.call("GET", "?status=all").text
    assert "Тарас Підписант" not in public
    csv = council.call("GET", f"/{petition_id}/signatures.csv", headers=council.official)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "Тарас Підписант" in csv.text and "Авторка Петиції" in csv.text


def test_public_list_filters_sorts_searches_and_pages(council: Council) -> None:
    word = uuid.uuid4().hex[:8]
    ids = [council.published(council.citizen(), f"Петиція {word} №{i}") for i in range(3)]
    council.file(council.citizen(), f"Петиція {word} у модерації")  # never public
    for _ in range(2):  # the last petition gets two more signatures
        assert (
            council.call("POST", f"/{ids[2]}/signatures", headers=council.citizen()).status_code
            == 201
        )

    def sorted_by_signatures() -> list[str] | None:
        items = council.call("GET", f"?status=all&sort=signatures&q={word.upper()}").json()["items"]
        return [p["id"] for p in items] if items and items[0]["signature_count"] == 3 else None

    assert wait_for(sorted_by_signatures, 30, what="the count")[0] == ids[2]
    newest = council.call("GET", f"?sort=newest&q={word}").json()["items"]
    assert [p["id"] for p in newest] == ids[::-1]
    ending = council.call("GET", f"?sort=ending_soon&q={word}").json()["items"]
    assert [p["id"] for p in ending] == ids
    assert council.call("GET", f"?status=answered&q={word}").json()["items"] == []

    seen: list[str] = []
    cursor = None
    while True:
        query = f"?sort=newest&q={word}&limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = council.call("GET", query).json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ids[::-1]
    assert_problem(council.call("GET", "?cursor=bogus"), 422, "cursor")

    dataset = council.call("GET", "/open-data/petitions.json")
    assert dataset.status_code == 200, dataset.text
    assert [p["id"] for p in dataset.json()["items"]] == ids  # published ones, oldest first
    assert "author" not in dataset.text and "Олена" not in dataset.text
    as_csv = council.call("GET", "/open-data/petitions.csv")
    assert as_csv.text.splitlines()[0].startswith("id,title,status,signature_count")
    assert_problem(council.call("GET", "?sort=loudest"), 422, "sort")


def test_settings_figures_and_bad_input(council: Council) -> None:
    assert council.call("GET", "/settings").json() == {
        "threshold": 250,
        "collection_days": 60,
        "signers": "any",
    }
    assert_problem(
        council.call("PUT", "/settings", json={"threshold": 5}, headers=council.official), 403
    )
    assert_problem(
        council.call("PUT", "/settings", json={"threshold": 0}, headers=council.admin),
        422,
        "threshold",
    )
    assert_problem(
        council.call("PUT", "/settings", json={"signers": "aliens"}, headers=council.admin),
        422,
        "signers",
    )
    council.configure(threshold=300, collection_days=90)
    assert council.call("GET", "/settings").json()["threshold"] == 300
    assert_problem(
        council.call("POST", json={"title": "", "text": "y"}, headers=council.citizen()),
        422,
        "title",
    )
    assert_problem(
        council.call("POST", json={"title": "x"}, headers=council.citizen()), 422, "text"
    )

    council.published(council.citizen())
    council.file(council.citizen())
    figures = council.call("GET", "/stats", headers=council.official)
    assert figures.status_code == 200, figures.text
    assert figures.json()["petitions_filed"] == 2
    assert figures.json()["collecting"] == 1 and figures.json()["in_moderation"] == 1
    assert_problem(council.call("GET", "/stats", headers=council.citizen()), 403)
    dashboard = send(
        council.gateway, "GET", "/api/v1/platform/dashboard", headers=council.platform_admin
    )
    assert dashboard.status_code == 200, dashboard.text
    row = next(t for t in dashboard.json()["tenants"] if t["slug"] == council.slug)
    assert row["services"]["petitions"]["petitions_filed"] == 2
    assert_problem(council.call("GET", "/stats", headers=Council(council.gateway).official), 403)


def test_the_councils_platform_settings_are_the_defaults(gateway: Gateway) -> None:
    """Onboarding with `petition_threshold` / `petition_collection_days` reaches the service by
    the tenant event; the council admin's own settings then win field by field."""
    council = Council(gateway, petition_threshold=7, petition_collection_days=14)

    def from_platform() -> dict[str, object] | None:
        rules: dict[str, object] = council.call("GET", "/settings").json()
        return rules if rules["threshold"] == 7 else None

    assert wait_for(from_platform, 60, what="the tenant event") == {
        "threshold": 7,
        "collection_days": 14,
        "signers": "any",
    }
    council.configure(collection_days=30)
    assert council.call("GET", "/settings").json() == {
        "threshold": 7,
        "collection_days": 30,
        "signers": "any",
    }
