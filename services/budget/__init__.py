"""Budget service: the participatory budget (issue #6) — cycles and phases, projects, supports,
review, votes that cannot be stuffed, results, implementation tracking, open data."""
