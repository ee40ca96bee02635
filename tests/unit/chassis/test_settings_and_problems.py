import msgspec
from litestar import Litestar, post
from litestar.params import JSONBody
from litestar.testing import TestClient

from chassis.problems import EXCEPTION_HANDLERS, Problem, invalid
from services.appeals.settings import AppealsSettings


def test_service_prefix_wins_over_the_shared_prefix(monkeypatch) -> None:
    monkeypatch.setenv("HROMADA_MONGO_URL", "mongodb://shared:27017/")
    monkeypatch.setenv("HROMADA_KAFKA_BOOTSTRAP", "shared:9092")
    monkeypatch.setenv("HROMADA_APPEALS_KAFKA_BOOTSTRAP", "own:9092")
    settings = AppealsSettings()
    assert settings.mongo_url == "mongodb://shared:27017/"
    assert settings.kafka_bootstrap == "own:9092"
    assert settings.database_name == "hromada_appeals"


class Thing(msgspec.Struct):
    name: str
    size: int


@post("/things")
async def create_thing(data: JSONBody[Thing]) -> Thing:
    if data.size < 0:
        raise invalid("size", "must not be negative")
    if data.name == "boom":
        raise RuntimeError("secret internals")
    return data


def client() -> TestClient:
    return TestClient(Litestar([create_thing], exception_handlers=EXCEPTION_HANDLERS))


def test_domain_problem_names_the_field() -> None:
    with client() as c:
        r = c.post("/things", json={"name": "a", "size": -1})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"] == [{"field": "size", "message": "must not be negative"}]


def test_missing_and_mistyped_fields_are_named() -> None:
    with client() as c:
        missing = c.post("/things", json={"name": "a"})
        mistyped = c.post("/things", json={"name": "a", "size": "big"})
    assert missing.status_code in (400, 422)
    assert [e["field"] for e in missing.json()["errors"]] == ["size"]
    assert [e["field"] for e in mistyped.json()["errors"]] == ["size"]


def test_malformed_json_is_400_problem() -> None:
    with client() as c:
        r = c.post("/things", content=b"{nope", headers={"content-type": "application/json"})
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")


def test_unexpected_error_is_500_without_internals() -> None:
    with client() as c:
        r = c.post("/things", json={"name": "boom", "size": 1})
    assert r.status_code == 500
    assert "secret internals" not in r.text and "Traceback" not in r.text
    assert r.json()["title"] == "Internal error"


def test_problem_serialises_rfc9457_members() -> None:
    body = Problem(409, "taken").to_dict("/x")
    assert body == {
        "type": "about:blank",
        "title": "Conflict",
        "status": 409,
        "detail": "taken",
        "instance": "/x",
    }
