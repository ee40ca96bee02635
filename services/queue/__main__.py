"""`python -m services.queue`: serve the queue API."""

from chassis.runner import serve
from services.queue.app import create_app
from services.queue.settings import QueueSettings

if __name__ == "__main__":
    serve(create_app, QueueSettings())
