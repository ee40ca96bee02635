"""`python -m services.payments`: serve the payments API."""

from chassis.runner import serve
from services.payments.app import create_app
from services.payments.settings import PaymentsSettings

if __name__ == "__main__":
    serve(create_app, PaymentsSettings())
