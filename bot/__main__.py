"""`python -m bot`: serve the messenger bot."""

from bot.app import create_app
from bot.settings import BotSettings
from chassis.runner import serve

if __name__ == "__main__":
    serve(create_app, BotSettings())
