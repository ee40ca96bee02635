"""`python -m services.petitions`: serve the petitions API."""

from chassis.runner import serve
from services.petitions.app import create_app
from services.petitions.settings import PetitionsSettings

if __name__ == "__main__":
    serve(create_app, PetitionsSettings())
