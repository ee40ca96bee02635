"""Hromada's public edge: tenant resolution, auth at the edge, routing to the services."""
