"""Everything the bot says, in Ukrainian (the default) and English (`/lang en`)."""

from __future__ import annotations

from typing import Any

LOCALES = ("uk", "en")

TEXTS: dict[str, tuple[str, str]] = {
    "welcome": (
        "Вітаємо! Я бот вашої громади. Оберіть, що потрібно:",
        "Welcome! I am your hromada's bot. Choose what you need:",
    ),
    "help": (
        "Я вмію: подати звернення, показати ваші звернення, новини громади, послуги ЦНАП і "
        "запис на прийом, петиції, бюджет участі та ваші сповіщення. Натисніть кнопку нижче "
        "або напишіть /menu. Мова: /lang en.",
        "I can: file an appeal, show your appeals, the hromada's news, ASC services and "
        "booking a visit, petitions, the participatory budget and your notifications. Press a "
        "button below or type /menu. Language: /lang uk.",
    ),
    "menu.appeal": ("📝 Подати звернення", "📝 File an appeal"),
    "menu.my_appeals": ("📋 Мої звернення", "📋 My appeals"),
    "menu.news": ("📰 Новини", "📰 News"),
    "menu.services": ("🏛 Послуги ЦНАП", "🏛 ASC services"),
    "menu.petitions": ("✍️ Петиції", "✍️ Petitions"),
    "menu.budget": ("💡 Бюджет участі", "💡 Participatory budget"),
    "menu.inbox": ("🔔 Мої сповіщення", "🔔 My notifications"),
    "menu.lang": ("🌐 English", "🌐 Українська"),
    "lang.set": ("Мову змінено на українську.", "The language is now English."),
    "lang.unknown": ("Доступні мови: /lang uk, /lang en.", "Languages: /lang uk, /lang en."),
    "cancelled": ("Скасовано.", "Cancelled."),
    "slow_down": (
        "Забагато повідомлень. Зачекайте хвилину, будь ласка.",
        "Too many messages. Please wait a minute.",
    ),
    "need_link": (
        "Для цього потрібно пов'язати чат з вашим кабінетом: увійдіть у кабінет і натисніть "
        "«Підключити Telegram».",
        "This needs your chat linked to your cabinet: sign in to the cabinet and press "
        "'Connect Telegram'.",
    ),
    "open_cabinet": ("Відкрити кабінет", "Open the cabinet"),
    "linked": (
        "Готово, {name}! Чат пов'язано з вашим кабінетом. Сповіщення надходитимуть сюди.",
        "Done, {name}! The chat is linked to your cabinet. Notifications will come here.",
    ),
    "link.invalid": (
        "Код недійсний або застарів. Отримайте новий у кабінеті.",
        "The code is invalid or has expired. Get a new one in the cabinet.",
    ),
    "link.used": (
        "Цей код уже використано. Отримайте новий у кабінеті.",
        "This code has already been used. Get a new one in the cabinet.",
    ),
    "appeal.subject": (
        "Звернення. Коротко: про що воно? (тема, до 300 символів; /cancel — скасувати)",
        "Appeal. In short, what is it about? (subject, up to 300 characters; /cancel to stop)",
    ),
    "appeal.text": ("Опишіть суть звернення.", "Describe your appeal."),
    "appeal.address": (
        "Ваша адреса (місце проживання), як того вимагає закон:",
        "Your address (place of residence), as the law requires:",
    ),
    "appeal.contact": (
        "Email або телефон для відповіді:",
        "An email or phone number for the answer:",
    ),
    "appeal.photo": (
        "Додайте фото (необов'язково) або натисніть «Без фото».",
        "Add a photo (optional) or press 'No photo'.",
    ),
    "appeal.no_photo": ("Без фото", "No photo"),
    "appeal.confirm": (
        "Перевірте звернення:\nТема: {subject}\nТекст: {text}\nАдреса: {address}\nФото: {photo}"
        "\nНадіслати?",
        "Check your appeal:\nSubject: {subject}\nText: {text}\nAddress: {address}\nPhoto: "
        "{photo}\nSend it?",
    ),
    "yes": ("Так", "Yes"),
    "no": ("Ні", "No"),
    "send": ("✅ Надіслати", "✅ Send"),
    "cancel": ("❌ Скасувати", "❌ Cancel"),
    "too_short": ("Занадто коротко, напишіть докладніше.", "Too short, please say more."),
    "too_long": ("Занадто довго: не більше {limit} символів.", "Too long: at most {limit}."),
    "bad_contact": (
        "Це не схоже на email або телефон. Спробуйте ще раз.",
        "That does not look like an email or a phone number. Try again.",
    ),
    "expect_text": ("Напишіть, будь ласка, текстом.", "Please answer in text."),
    "expect_photo": (
        "Надішліть фото або натисніть «Без фото».",
        "Send a photo or press 'No photo'.",
    ),
    "expect_button": ("Оберіть кнопкою нижче.", "Choose with a button below."),
    "appeal.registered": (
        "Звернення зареєстровано: № {number}. Відповідь — до {due}.",
        "Your appeal is registered: No. {number}. The answer is due by {due}.",
    ),
    "appeal.photo_failed": (
        "Фото не вдалося додати: {reason}",
        "The photo could not be attached: {reason}",
    ),
    "appeal.failed": (
        "Звернення не прийнято: {reason}",
        "The appeal was not accepted: {reason}",
    ),
    "my_appeals.none": ("У вас ще немає звернень.", "You have no appeals yet."),
    "my_appeals.title": ("Ваші звернення:", "Your appeals:"),
    "news.none": ("Новин поки немає.", "No news yet."),
    "news.title": ("Новини громади:", "The hromada's news:"),
    "services.title": (
        "Послуги ЦНАП — оберіть послугу:",
        "ASC services — choose one:",
    ),
    "services.none": ("Послуг у каталозі немає.", "The catalogue is empty."),
    "service.detail": (
        "{name}\nВартість: {fee}\nДокументи:\n{documents}",
        "{name}\nFee: {fee}\nDocuments:\n{documents}",
    ),
    "service.free": ("безоплатно", "free of charge"),
    "service.book": ("🗓 Записатися", "🗓 Book a visit"),
    "slots.title": ("Вільний час ({office}):", "Free times ({office}):"),
    "slots.none": (
        "Найближчим часом вільного часу немає.",
        "There are no free times soon.",
    ),
    "booked": (
        "Вас записано: {start}, {office}. Номер запису: {id}.",
        "You are booked: {start}, {office}. Booking: {id}.",
    ),
    "booked.pay": (
        "Послуга платна: оплатіть у кабінеті до {until}, інакше запис скасується.",
        "This service is paid: pay in the cabinet by {until}, or the booking lapses.",
    ),
    "booking.failed": ("Записатися не вдалося: {reason}", "Booking failed: {reason}"),
    "petitions.title": (
        "Петиції, що збирають підписи (підписати можна в кабінеті, з BankID або Дія.Підписом):",
        "Petitions collecting signatures (sign in the cabinet, with BankID or Diia.Signature):",
    ),
    "petitions.none": ("Зараз немає петицій на підписі.", "No petitions are collecting now."),
    "budget.title": (
        "Бюджет участі (підтримати чи проголосувати можна в кабінеті, з BankID):",
        "Participatory budget (support or vote in the cabinet, with BankID):",
    ),
    "budget.none": ("Зараз немає циклів бюджету участі.", "No participatory budget now."),
    "inbox.none": ("Сповіщень немає.", "No notifications."),
    "inbox.title": ("Ваші сповіщення:", "Your notifications:"),
    "sign_in_cabinet": ("Відкрити в кабінеті", "Open in the cabinet"),
    "unavailable": (
        "Сервіс тимчасово недоступний. Спробуйте пізніше.",
        "The service is unavailable right now. Please try later.",
    ),
    "refused": ("Не вдалося: {reason}", "That did not work: {reason}"),
    "photo.none": ("немає", "none"),
    "photo.attached": ("додано", "attached"),
}


def say(key: str, locale: str, **values: Any) -> str:
    uk, en = TEXTS[key]
    text = en if locale == "en" else uk
    return text.format(**values) if values else text


STATUSES: dict[str, tuple[str, str]] = {
    "registered": ("зареєстровано", "registered"),
    "assigned": ("на розгляді", "being considered"),
    "answered": ("надано відповідь", "answered"),
    "forwarded": ("переслано за належністю", "forwarded"),
    "returned": ("повернуто", "returned"),
    "closed": ("закрито", "closed"),
    "reopened": ("розглядається повторно", "reopened"),
}


def status_label(status: str, locale: str) -> str:
    uk, en = STATUSES.get(status, (status, status))
    return en if locale == "en" else uk
