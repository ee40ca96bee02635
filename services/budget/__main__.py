"""`python -m services.budget`: serve the budget API."""

from chassis.runner import serve
from services.budget.app import create_app
from services.budget.settings import BudgetSettings

if __name__ == "__main__":
    serve(create_app, BudgetSettings())
