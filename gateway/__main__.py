"""`python -m gateway`: serve the gateway on settings.host:settings.port (127.0.0.1:8000)."""

from chassis.runner import serve
from gateway.app import create_app
from gateway.settings import GatewaySettings

if __name__ == "__main__":
    serve(create_app, GatewaySettings())
