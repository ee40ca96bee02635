"""The participatory budget on the real stack, through the gateway: a full cycle from ideas to
built projects (images, supports, review, online and paper votes, results on Kafka, open data,
the dashboard, implementation with photos), and another council's staff kept out."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.retrying import send
from tests.e2e.test_budget_helpers import (
    PNG,
    TENANT,
    admin_of,
    advance,
    assert_problem,
    create_cycle,
    cycle_events,
    cycle_in_voting,
    official_of,
    offline_vote,
    provisional_counts,
    review,
    submit,
    vote,
    voter,
)
from tests.stack import Gateway, wait_for

pytestmark = pytest.mark.e2e


def test_a_full_cycle_from_ideas_to_built_projects(gateway: Gateway) -> None:
    created = create_cycle(gateway, rules={"votes_per_voter": 2, "support_threshold": 1})
    cycle_id = created["id"]
    assert created["phase"] == "scheduled" and created["rules"]["min_age"] == 16
    base = f"/api/v1/{TENANT}/budget"
    advance(gateway, cycle_id, "submission")

    author = voter(gateway, name="Автор Проєкту")
    costs = {"a": 600, "b": 500, "c": 300, "d": 200}
    ids = {}
    for name, cost in costs.items():
        made = submit(gateway, cycle_id, author, cost, title=f"Проєкт {name}")
        assert made.status_code == 201, made.text
        ids[name] = made.json()["id"]
    assert_problem(submit(gateway, cycle_id, author, 601), 422)  # over the category's maximum
    retried = {**author, "Idempotency-Key": uuid.uuid4().hex}
    once = submit(gateway, cycle_id, retried, 900, category="large", title="Спортмайданчик")
    twice = submit(gateway, cycle_id, retried, 900, category="large", title="Спортмайданчик")
    assert once.status_code == twice.status_code == 201, twice.text
    assert twice.json()["id"] == once.json()["id"]
    assert twice.headers.get("Idempotent-Replayed") == "true"

    image = send(
        gateway,
        "POST",
        f"{base}/projects/{ids['a']}/files",
        headers=author,
        files={"data": ("sketch.png", PNG, "image/png")},
    )
    assert image.status_code == 201, image.text
    forged = send(
        gateway,
        "POST",
        f"{base}/projects/{ids['a']}/files",
        headers=author,
        files={"data": ("sketch.png", b"<html>not an image</html>", "image/png")},
    )
    assert_problem(forged, 415)
    stored = send(gateway, "GET", f"{base}/projects/{ids['a']}/files/{image.json()['id']}")
    assert stored.status_code == 200 and stored.content == PNG

    listed = send(gateway, "GET", f"{base}/cycles").json()["items"]
    assert next(c for c in listed if c["id"] == cycle_id)["open"]["submit"] is True
    advance(gateway, cycle_id, "support")
    for name in ("a", "b", "c"):
        supported = send(gateway, "POST", f"{base}/projects/{ids[name]}/supports", headers=author)
        assert supported.status_code == 201, supported.text
    again = send(gateway, "POST", f"{base}/projects/{ids['a']}/supports", headers=author)
    assert_problem(again, 409, "already supported")

    projects = send(gateway, "GET", f"{base}/cycles/{cycle_id}/projects").json()["items"]
    supports = {p["id"]: p["supports"] for p in projects}
    assert [supports[ids[n]] for n in "abcd"] == [1, 1, 1, 0]
    advance(gateway, cycle_id, "review")
    assert_problem(review(gateway, ids["d"]), 409, "0 of the 1 supports")  # below the threshold
    assert review(gateway, ids["d"], eligible=False).json()["status"] == "ineligible"
    for name in ("a", "b", "c"):
        assert review(gateway, ids[name]).json()["status"] == "eligible"
    assert_problem(review(gateway, ids["a"]), 409, "already reviewed")

    advance(gateway, cycle_id, "voting")
    assert_problem(vote(gateway, cycle_id, ids["d"], voter(gateway)), 409, "not on the ballot")
    # Votes: a 3 (two online, one on paper), b 2, c 2.
    first, second = voter(gateway), voter(gateway)
    for headers, names in ((first, "ab"), (second, "ac")):
        for name in names:
            assert vote(gateway, cycle_id, ids[name], headers).status_code == 201
    assert (
        offline_vote(gateway, cycle_id, ids["a"], f"AB{uuid.uuid4().int % 10**6:06d}").status_code
        == 201
    )
    third = voter(gateway)
    assert vote(gateway, cycle_id, ids["b"], third).status_code == 201
    assert vote(gateway, cycle_id, ids["c"], third).status_code == 201
    assert_problem(vote(gateway, cycle_id, ids["a"], third), 409, "no votes left")
    mine = send(gateway, "GET", f"{base}/cycles/{cycle_id}/votes/mine", headers=third)
    assert sorted(mine.json()["project_ids"]) == sorted([ids["b"], ids["c"]])
    assert_problem(send(gateway, "GET", f"{base}/cycles/{cycle_id}/results"), 409, "not published")

    advance(gateway, cycle_id, "results")
    results = send(gateway, "GET", f"{base}/cycles/{cycle_id}/results")
    assert results.status_code == 200, results.text
    small = next(c for c in results.json()["categories"] if c["code"] == "small")
    # a (3 votes, 600) funded; b (2, 500) no longer fits in 400; c (2, 300, later) funded.
    assert [(p["id"], p["votes"], p["funded"]) for p in small["ranking"]] == [
        (ids["a"], 3, True),
        (ids["b"], 2, False),
        (ids["c"], 2, True),
    ]
    assert small["allocated"] == 900

    events = cycle_events(
        cycle_id, {"budget.cycle.results_published.v1", "budget.cycle.phase_changed.v1"}
    )
    published = events["budget.cycle.results_published.v1"]
    assert published["tenant"] == TENANT and published["data"]["votes"] == 7
    funded = next(c for c in published["data"]["categories"] if c["code"] == "small")["funded"]
    assert [p["project_id"] for p in funded] == [ids["a"], ids["c"]]

    official = official_of(gateway)
    assert_problem(
        send(
            gateway,
            "POST",
            f"{base}/projects/{ids['b']}/implementation",
            json={"status": "in_progress", "progress": 10},
            headers=official,
        ),
        409,
        "funded",
    )
    built = send(
        gateway,
        "POST",
        f"{base}/projects/{ids['a']}/implementation",
        json={"status": "in_progress", "progress": 40, "note": "Висаджено дерева"},
        headers=official,
    )
    assert built.status_code == 200, built.text
    photo = send(
        gateway,
        "POST",
        f"{base}/projects/{ids['a']}/files",
        headers=official,
        files={"data": ("works.png", PNG, "image/png")},
    )
    assert photo.status_code == 201, photo.text
    public = send(gateway, "GET", f"{base}/projects/{ids['a']}").json()
    assert public["implementation"]["progress"] == 40
    assert [p["id"] for p in public["photos"]] == [photo.json()["id"]]
    assert "email" not in public and "author_sub" not in public

    data = send(gateway, "GET", f"{base}/open-data/budget-projects.json").json()
    rows = {r["project_id"]: r for r in data["items"] if r["cycle_id"] == cycle_id}
    assert rows[ids["a"]]["votes"] == 3 and rows[ids["a"]]["funded"] is True
    assert rows[ids["a"]]["implementation_status"] == "in_progress"
    assert rows[ids["d"]]["status"] == "ineligible" and rows[ids["d"]]["funded"] is None
    csv_text = send(gateway, "GET", f"{base}/open-data/budget-projects.csv").text
    assert ids["c"] in csv_text and "voter" not in csv_text and "person" not in csv_text

    # The figures are tallies recounted every few seconds by the phase job.
    def tallied() -> dict[str, Any] | None:
        stats = send(gateway, "GET", f"{base}/stats", headers=official)
        assert stats.status_code == 200, stats.text
        return stats.json() if stats.json()["funded_projects"] >= 2 else None

    figures = wait_for(tallied, timeout_s=90, interval_s=2, what="the cycle's tally")
    assert figures["offline_votes"] >= 1 and figures["votes"] >= 7
    cdto = gateway.token(sub=f"cdto-{uuid.uuid4().hex[:8]}", roles=["platform_admin"])
    board = send(
        gateway, "GET", "/api/v1/platform/dashboard", headers={"Authorization": f"Bearer {cdto}"}
    ).json()
    assert board["availability"]["budget"] == "ok"
    ours = next(t for t in board["tenants"] if t["slug"] == TENANT)["services"]["budget"]
    assert ours["funded_projects"] >= 2 and ours["votes"] >= 7


def test_another_councils_staff_cannot_touch_this_councils_budget(gateway: Gateway) -> None:
    cycle_id, (project_id,) = cycle_in_voting(gateway, 1)
    other = "uzhhorod"
    foreign_official, foreign_admin = official_of(gateway, other), admin_of(gateway, other)
    # Through their own council's path the cycle and project do not exist...
    assert_problem(send(gateway, "GET", f"/api/v1/{other}/budget/cycles/{cycle_id}"), 404)
    assert_problem(review(gateway, project_id, tenant=other, headers=foreign_official), 404)
    assert_problem(
        offline_vote(
            gateway, cycle_id, project_id, "AB123456", tenant=other, headers=foreign_official
        ),
        404,
    )
    # ...and through this council's path they are not its staff.
    base = f"/api/v1/{TENANT}/budget/cycles/{cycle_id}"
    assert_problem(send(gateway, "POST", f"{base}/pause", headers=foreign_admin), 403)
    assert_problem(
        offline_vote(gateway, cycle_id, project_id, "AB123456", headers=foreign_official), 403
    )
    assert_problem(
        send(gateway, "GET", f"{base}/results", headers=foreign_official), 409, "not published"
    )
    assert_problem(
        send(gateway, "GET", f"/api/v1/{TENANT}/budget/stats", headers=foreign_official), 403
    )
    assert provisional_counts(gateway, cycle_id) == {project_id: 0}
