"""`python -m services.notify.sinks`: serve the SMS and messenger sinks (port 8108 in the stack)."""

from chassis.runner import serve
from services.notify.sinks.app import SinkSettings, create_app

if __name__ == "__main__":
    serve(create_app, SinkSettings())
