"""Logging in and out, and changing one's password (forced after a generated one): views, forms, passwords, access."""
