"""Notify service: tells citizens and officials what happened."""
