"""`hromada`: the command line for running the local stack and administering the platform."""
