"""The hromada's messenger bot: Telegram webhooks in, answers through the Bot API, every citizen
action through the public gateway API."""
