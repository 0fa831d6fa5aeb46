"""Administration (admin role): accounts, rosters, classes, quiz settings, the audit log.

``views`` holds the ``admin`` blueprint (/admin, the dashboard); each area is a nested blueprint in a module of its
own (``users``, ``audit``, …) registered there. Certificate administration lives with the certificates blueprint
(/admin/certificates).
"""
