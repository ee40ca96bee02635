"""Budget service: skeleton wired into the suite; its domain arrives with issue #6."""
