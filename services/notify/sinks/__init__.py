"""Local stand-ins for notify's outside providers (SMS gateways, the Telegram Bot API)."""
