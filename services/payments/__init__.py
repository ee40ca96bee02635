"""Payments service: skeleton wired into the suite; its domain arrives with issue #8."""
