"""Administration (admin role): the overview of accounts and the audit log; the blueprint is in ``views``."""
