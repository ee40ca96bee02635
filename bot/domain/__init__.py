"""The bot's pure rules: conversation steps, texts, link codes, per-chat rate limits."""
