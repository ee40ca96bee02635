"""A LiqPay stand-in for the local stack and tests: checkout page, signed callbacks, status,
refunds and a daily statement, with a way for tests to inject statement mismatches."""
