"""`python -m services.payments.sandbox`: serve the LiqPay sandbox (port 8107 in the stack)."""

from chassis.runner import serve
from services.payments.sandbox.app import create_app
from services.payments.sandbox.settings import SandboxSettings

if __name__ == "__main__":
    serve(create_app, SandboxSettings())
