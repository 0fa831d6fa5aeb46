"""Translation helpers used across the package (Vietnamese UI, English msgids)."""

from flask_babel import gettext, lazy_gettext, ngettext

__all__ = ["gettext", "lazy_gettext", "ngettext"]
