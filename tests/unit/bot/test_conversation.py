"""The conversation's rules: the appeal flow (Law on Citizens' Appeals, Art. 5), menus,
commands mid-way, language, and that anything unexpected gets help rather than an error."""

from __future__ import annotations

from bot.domain.conversation import Context, step
from bot.domain.model import MENU, ChatState, Decision, Incoming

LINKED = Context("uk", linked=True, contact="olena@example.ua")
LINKED_NO_EMAIL = Context("uk", linked=True)
ANONYMOUS = Context("uk")


def text(value: str) -> Incoming:
    return Incoming("text", text=value)


def button(data: str) -> Incoming:
    return Incoming("button", text=data)


def command(name: str, arg: str = "") -> Incoming:
    return Incoming("command", text=arg, command=name)


def run(state: ChatState, context: Context, *inputs: Incoming) -> Decision:
    decision = Decision(state)
    for incoming in inputs:
        decision = step(decision.state, incoming, context)
    return decision


def test_a_linked_resident_files_an_appeal_with_a_photo_step_by_step() -> None:
    decision = run(
        MENU,
        LINKED,
        button("menu:appeal"),
        text("Яма на дорозі"),
        text("Велика яма біля будинку №5, небезпечно для пішоходів."),
        text("м. Чернівці, вул. Головна, 5"),
        Incoming("photo", photo="FILE1"),
    )
    assert decision.state.step == "appeal.confirm"
    assert "Яма на дорозі" in decision.replies[0].text
    sent = step(decision.state, button("send"), LINKED)
    assert sent.state == MENU and sent.action is not None
    assert sent.action.name == "submit_appeal"
    assert sent.action.args == {
        "contact": "olena@example.ua",
        "subject": "Яма на дорозі",
        "text": "Велика яма біля будинку №5, небезпечно для пішоходів.",
        "address": "м. Чернівці, вул. Головна, 5",
        "photo": "FILE1",
    }


def test_art5_without_an_email_from_the_cabinet_the_bot_asks_for_a_contact() -> None:
    decision = run(
        MENU,
        LINKED_NO_EMAIL,
        command("appeal"),
        text("Яма на дорозі"),
        text("Велика яма біля будинку, небезпечно."),
        text("м. Чернівці, вул. Головна, 5"),
    )
    assert decision.state.step == "appeal.contact"
    refused = step(decision.state, text("not a contact"), LINKED_NO_EMAIL)
    assert refused.state.step == "appeal.contact" and "email" in refused.replies[0].text.lower()
    accepted = step(decision.state, text("+380501234567"), LINKED_NO_EMAIL)
    assert accepted.state.step == "appeal.photo"
    assert accepted.state.draft["contact"] == "+380501234567"


def test_art5_a_too_short_subject_substance_or_address_is_asked_again() -> None:
    at_subject = run(MENU, LINKED, button("menu:appeal"))
    again = step(at_subject.state, text("Я"), LINKED)
    assert again.state == at_subject.state and "коротко" in again.replies[0].text.lower()
    at_text = step(at_subject.state, text("Яма на дорозі"), LINKED)
    assert step(at_text.state, text("яма"), LINKED).state.step == "appeal.text"
    at_address = step(at_text.state, text("Велика яма, небезпечно"), LINKED)
    assert step(at_address.state, text("тут"), LINKED).state.step == "appeal.address"


def test_a_subject_over_300_characters_is_refused_with_the_limit() -> None:
    at_subject = run(MENU, LINKED, button("menu:appeal"))
    refused = step(at_subject.state, text("я" * 301), LINKED)
    assert refused.state.step == "appeal.subject" and "300" in refused.replies[0].text


def test_the_photo_is_optional() -> None:
    at_photo = run(
        MENU, LINKED, command("appeal"), text("Яма на дорозі"), text("Велика яма, небезпечно"),
        text("м. Чернівці, вул. Головна, 5"),
    )  # fmt: skip
    assert step(at_photo.state, button("nophoto"), LINKED).state.step == "appeal.confirm"
    assert step(at_photo.state, text("без фото"), LINKED).state.draft["photo"] is None
    hint = step(at_photo.state, text("щось інше"), LINKED)
    assert hint.state.step == "appeal.photo" and "фото" in hint.replies[0].text


def test_a_photo_where_text_is_expected_gets_a_hint_not_an_error() -> None:
    at_subject = run(MENU, LINKED, command("appeal"))
    hint = step(at_subject.state, Incoming("photo", photo="F"), LINKED)
    assert hint.state == at_subject.state and "текстом" in hint.replies[0].text


def test_cancel_and_menu_leave_a_half_written_appeal() -> None:
    at_text = run(MENU, LINKED, command("appeal"), text("Яма на дорозі"))
    assert step(at_text.state, command("cancel"), LINKED).state == MENU
    assert step(at_text.state, button("cancel"), LINKED).state == MENU
    assert step(at_text.state, command("menu"), LINKED).state == MENU
    news = step(at_text.state, button("menu:news"), LINKED)
    assert news.state == MENU and news.action is not None and news.action.name == "news"


def test_confirm_waits_for_a_button() -> None:
    at_photo = run(
        MENU, LINKED, command("appeal"), text("Яма на дорозі"), text("Велика яма, небезпечно"),
        text("м. Чернівці, вул. Головна, 5"), button("nophoto"),
    )  # fmt: skip
    waiting = step(at_photo.state, text("так"), LINKED)
    assert waiting.state.step == "appeal.confirm" and waiting.action is None


def test_personal_items_need_a_linked_chat_public_ones_do_not() -> None:
    for item in ("appeal", "my_appeals", "inbox"):
        refused = step(MENU, button(f"menu:{item}"), ANONYMOUS)
        assert refused.state == MENU and refused.action is None
        assert "кабінет" in refused.replies[0].text
    for item in ("news", "services", "petitions", "budget"):
        decision = step(MENU, button(f"menu:{item}"), ANONYMOUS)
        assert decision.action is not None and decision.action.name == item
    assert step(MENU, button("book:passport-id"), ANONYMOUS).action is None
    booking = step(MENU, button("book:passport-id"), LINKED)
    assert booking.action is not None and booking.action.args == {"code": "passport-id"}


def test_start_with_a_code_asks_to_link_and_without_one_shows_the_menu() -> None:
    linking = step(MENU, command("start", "AbCdEfGhIjKlMnOpQrSt"), ANONYMOUS)
    assert linking.action is not None and linking.action.name == "link"
    assert linking.action.args == {"code": "AbCdEfGhIjKlMnOpQrSt"}
    plain = step(MENU, command("start"), ANONYMOUS)
    assert plain.action is None and plain.replies[-1].buttons


def test_the_language_switches_to_english_and_back() -> None:
    english = step(MENU, command("lang", "en"), ANONYMOUS)
    assert english.locale == "en" and english.replies[0].text == "The language is now English."
    assert english.replies[1].buttons[-1][-1].data == "lang:uk"
    ukrainian = step(MENU, button("lang:uk"), Context("en"))
    assert ukrainian.locale == "uk"
    unknown = step(MENU, command("lang", "de"), ANONYMOUS)
    assert unknown.locale is None


def test_unknown_input_gets_the_help_text_in_every_step() -> None:
    for state in (MENU, ChatState("nonsense.step"), ChatState("booking.slot", {"options": []})):
        for incoming in (
            text("абракадабра"),
            command("whatever"),
            button("zzz"),
            Incoming("other"),
        ):
            decision = step(state, incoming, ANONYMOUS)
            assert decision.replies, (state, incoming)


def test_a_free_time_is_chosen_only_from_the_offered_ones() -> None:
    options = [{"office_id": "o1", "office": "ЦНАП", "code": "c", "start": "2026-11-24T09:00:00Z"}]
    choosing = ChatState("booking.slot", {"options": options})
    chosen = step(choosing, button("slot:0"), LINKED)
    assert chosen.action is not None and chosen.action.name == "book"
    assert chosen.action.args == options[0]
    for wrong in ("slot:1", "slot:x", "slot:-1"):
        assert step(choosing, button(wrong), LINKED).action is None


def test_the_link_hint_opens_the_councils_cabinet() -> None:
    context = Context("uk", cabinet="https://hromada.example/app/chernivtsi")
    refused = step(MENU, button("menu:inbox"), context)
    assert refused.replies[0].links == (
        ("Відкрити кабінет", "https://hromada.example/app/chernivtsi/me"),
    )
