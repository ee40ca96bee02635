"""`python -m services.appeals`: serve the appeals API."""

from chassis.runner import serve
from services.appeals.app import create_app
from services.appeals.settings import AppealsSettings

if __name__ == "__main__":
    serve(create_app, AppealsSettings())
