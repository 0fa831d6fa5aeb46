"""Accounts as plain services: creating users, importing rosters, seeding wards."""
