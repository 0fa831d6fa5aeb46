"""Who may see whose results: the one rule behind reviews, certificate downloads and trainee reports."""

from __future__ import annotations

from ..models import Role, User

#: Roles that see every trainee of every ward.
STAFF = (Role.INSTRUCTOR, Role.ADMIN)


def is_staff(viewer: User) -> bool:
    """Instructors and admins: they see every ward."""
    return viewer.has_role(*STAFF)


def can_see_trainee(viewer: User, trainee: User) -> bool:
    """The trainee themself, staff, or the manager of the trainee's ward (never another ward's)."""
    if viewer.id == trainee.id or is_staff(viewer):
        return True
    return viewer.has_role(Role.WARD_MANAGER) and viewer.ward_id is not None and viewer.ward_id == trainee.ward_id
