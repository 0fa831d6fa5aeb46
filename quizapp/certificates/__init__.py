"""Completion certificates: issuance, the PDF, public verification and the admin register.

The blueprint is in ``views``; the admin pages are a nested blueprint in ``admin``
(``certificates.admin.*``); ``commands`` holds `flask certificates …`.
"""
