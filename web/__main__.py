"""`python -m web`: serve the web frontend (port 8110 in the stack)."""

from chassis.runner import serve
from web.app import create_app
from web.settings import WebSettings

if __name__ == "__main__":
    serve(create_app, WebSettings())
