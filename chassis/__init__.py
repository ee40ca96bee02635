"""Shared plumbing for every Hromada service: settings, logging, tracing, storage clients,
events, auth, errors and health. No business rules live here."""
