"""The participatory budget's rules, pure: cycles and phases, who may vote, voter keys,
ballot seats and results. No I/O here; the tests need none."""
