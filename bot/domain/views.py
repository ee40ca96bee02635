"""What the bot shows for the API's answers: short lists with buttons, dates on the council's
clock. Pure functions of the JSON the gateway returned."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.model import Button, Reply
from bot.domain.texts import say, status_label

KYIV = ZoneInfo("Europe/Kyiv")
LIST_LENGTH = 5


def local_time(value: str, with_time: bool = True) -> str:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(KYIV)
    except (ValueError, AttributeError):
        return str(value)
    return moment.strftime("%d.%m.%Y %H:%M" if with_time else "%d.%m.%Y")


def _name(value: Any, locale: str) -> str:
    if isinstance(value, dict):
        return str(value.get(locale) or value.get("uk") or next(iter(value.values()), ""))
    return str(value or "")


def _excerpt(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def registered(appeal: dict[str, Any], locale: str) -> Reply:
    due = local_time(str(appeal.get("due_at", "")), with_time=False)
    return Reply(say("appeal.registered", locale, number=appeal.get("number"), due=due))


def my_appeals(items: list[dict[str, Any]], locale: str) -> Reply:
    if not items:
        return Reply(say("my_appeals.none", locale))
    lines = [say("my_appeals.title", locale)]
    for item in items[:LIST_LENGTH]:
        status = status_label(str(item.get("status")), locale)
        lines.append(f"№ {item.get('number')} — {_excerpt(item.get('subject', ''), 80)}: {status}")
    return Reply("\n".join(lines))


def news(items: list[dict[str, Any]], locale: str) -> Reply:
    if not items:
        return Reply(say("news.none", locale))
    lines = [say("news.title", locale)]
    for item in items[:LIST_LENGTH]:
        when = local_time(str(item.get("published_at", "")), with_time=False)
        lines.append(f"\n{when} · {item.get('title')}\n{_excerpt(item.get('body', ''))}")
    return Reply("\n".join(lines))


def services(items: list[dict[str, Any]], locale: str) -> Reply:
    if not items:
        return Reply(say("services.none", locale))
    buttons = tuple(
        (Button(_excerpt(_name(s.get("name"), locale), 60), f"svc:{s['code']}"[:64]),)
        for s in items
        if s.get("code")
    )
    return Reply(say("services.title", locale), buttons)


def fee_text(service: dict[str, Any], locale: str) -> str:
    fee = service.get("fee")
    if not service.get("paid") or not isinstance(fee, dict):
        return say("service.free", locale)
    amount = int(fee.get("amount") or 0)  # kopiyky
    return f"{amount // 100}.{amount % 100:02d} {fee.get('currency', 'UAH')}"


def service_detail(service: dict[str, Any], locale: str) -> Reply:
    documents = "\n".join(f"• {d}" for d in service.get("documents") or []) or "—"
    text = say(
        "service.detail",
        locale,
        name=_name(service.get("name"), locale),
        fee=fee_text(service, locale),
        documents=documents,
    )
    book = Button(say("service.book", locale), f"book:{service['code']}"[:64])
    return Reply(text, ((book,),))


def slot_choices(options: list[dict[str, Any]], office: str, locale: str) -> Reply:
    if not options:
        return Reply(say("slots.none", locale))
    times = [(Button(local_time(o["start"]), f"slot:{i}"),) for i, o in enumerate(options)]
    buttons = (*times, (Button(say("cancel", locale), "cancel"),))
    return Reply(say("slots.title", locale, office=office), buttons)


def booked(booking: dict[str, Any], office: str, locale: str) -> tuple[Reply, ...]:
    start = local_time(str(booking.get("start", "")))
    replies = [Reply(say("booked", locale, start=start, office=office, id=booking.get("id")))]
    if booking.get("status") == "awaiting_payment":
        until = local_time(str(booking.get("hold_expires_at", "")))
        replies.append(Reply(say("booked.pay", locale, until=until)))
    return tuple(replies)


def petitions(items: list[dict[str, Any]], cabinet: str, locale: str) -> Reply:
    if not items:
        return Reply(say("petitions.none", locale))
    lines = [say("petitions.title", locale)]
    links = []
    for item in items[:LIST_LENGTH]:
        count, threshold = item.get("signature_count", 0), item.get("threshold", "?")
        lines.append(f"\n{_excerpt(item.get('title', ''), 120)} — {count}/{threshold}")
        links.append((_excerpt(item.get("title", ""), 40), f"{cabinet}/petitions/{item['id']}"))
    return Reply("\n".join(lines), links=tuple(links))


def budget(
    cycle: dict[str, Any] | None, projects: list[dict[str, Any]], cabinet: str, locale: str
) -> Reply:
    if cycle is None:
        return Reply(say("budget.none", locale))
    lines = [say("budget.title", locale), f"\n{cycle.get('title')} ({cycle.get('phase')})"]
    page = f"{cabinet}/budget/{cycle['id']}"  # the cycle's page lists its projects
    links = [(say("sign_in_cabinet", locale), page)]
    for project in projects[:LIST_LENGTH]:
        lines.append(f"• {_excerpt(project.get('title', ''), 100)} — {project.get('cost', '')}")
        links.append((_excerpt(project.get("title", ""), 40), f"{page}#{project['id']}"))
    return Reply("\n".join(lines), links=tuple(links))


def inbox(items: list[dict[str, Any]], locale: str) -> Reply:
    if not items:
        return Reply(say("inbox.none", locale))
    lines = [say("inbox.title", locale)]
    for item in items[:LIST_LENGTH]:
        when = local_time(str(item.get("created_at", "")))
        mark = "" if item.get("read") else "🔵 "
        lines.append(f"{mark}{when} · {_excerpt(item.get('subject') or '', 120)}")
    return Reply("\n".join(lines))
