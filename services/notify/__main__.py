"""`python -m services.notify`: consume events and deliver notices."""

from chassis.runner import serve
from services.notify.app import create_app
from services.notify.settings import NotifySettings

if __name__ == "__main__":
    serve(create_app, NotifySettings())
