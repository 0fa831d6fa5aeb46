"""Accounts as plain services: create, edit, deactivate, reset a password, unlock (CLI and admin pages).

Every change is written in the caller's transaction together with its audit entry. Messages of
:class:`AccountError` are translated (the web shows them; the CLI prints the default language).
"""

from __future__ import annotations

from dataclasses import dataclass

from slugify import slugify
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..audit import record
from ..auth.login_throttle import forget_account
from ..auth.passwords import generate_password, hash_password
from ..auth.sessions import end_all
from ..i18n import gettext as _
from ..models import Cohort, Role, User, Ward


class AccountError(ValueError):
    """An account change that cannot be made as asked; the message says why."""


def username_taken(session: Session, username: str) -> bool:
    return (
        session.scalar(select(func.count()).select_from(User).where(func.lower(User.username) == username.lower())) > 0
    )


def suggest_username(full_name: str, taken: set[str]) -> str:
    """The Vietnamese habit: given name + initials of the rest, "Nguyễn Văn An" -> "annv"."""
    words = slugify(full_name, separator=" ").split()
    base = (words[-1] + "".join(w[0] for w in words[:-1])) if words else "user"
    base = base[:30] or "user"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    taken.add(candidate)
    return candidate


def free_username(session: Session, full_name: str) -> str:
    """A generated username that no account holds yet."""
    base = suggest_username(full_name, set())
    taken = set(session.scalars(select(func.lower(User.username)).where(User.username.startswith(base))))
    return suggest_username(full_name, taken)


def valid_username(username: str) -> bool:
    return bool(username) and len(username) <= 80 and all(c.isalnum() or c in "._-" for c in username)


def _check_role_ward(role: str, ward: Ward | None) -> None:
    if role not in set(Role):
        raise AccountError(_("Unknown role '%(role)s': one of %(roles)s.", role=role, roles=", ".join(Role)))
    if role == Role.WARD_MANAGER and ward is None:
        raise AccountError(_("A ward manager needs a ward."))


def create_user(
    session: Session,
    username: str,
    full_name: str,
    password: str,
    role: str = Role.TRAINEE,
    ward: Ward | None = None,
    cohort: Cohort | None = None,
    position: str | None = None,
    must_change_password: bool = False,
    actor_id: int | None = None,
) -> User:
    """Add a user inside the caller's transaction and log it; AccountError if not possible."""
    username = username.strip().lower()
    if not valid_username(username):
        raise AccountError(
            _("Invalid username '%(username)s': use letters, digits, '.', '_' or '-'.", username=username)
        )
    _check_role_ward(role, ward)
    if username_taken(session, username):
        raise AccountError(_("The username '%(username)s' is already taken.", username=username))
    user = User(
        username=username,
        full_name=full_name.strip(),
        # An account made with must_change_password gets a generated one-time password.
        password_hash=hash_password(password, one_time=must_change_password),
        role=role,
        ward=ward,
        cohort=cohort,
        position=position,
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    record(
        session,
        "user.create",
        actor_id=actor_id,
        target_type="user",
        target_id=user.id,
        detail={"username": username, "role": role, "ward": ward.code if ward else None},
    )
    return user


def _guard_admins(session: Session, user: User, actor_id: int | None) -> None:
    """Refuse to take admin rights from oneself or from the last active admin."""
    if user.id == actor_id:
        raise AccountError(_("You cannot deactivate or demote your own account."))
    # Locking the other admins' rows makes two admins demoting each other at once queue up
    # (PostgreSQL); SQLite's write transactions are serial anyway.
    others = session.scalars(
        select(User.id).where(User.role == Role.ADMIN, User.active.is_(True), User.id != user.id).with_for_update()
    ).all()
    if not others:
        raise AccountError(_("This is the last active administrator; make another administrator first."))


@dataclass
class AccountFields:
    """What an admin edits on an account page."""

    full_name: str
    position: str | None
    ward: Ward | None
    cohort: Cohort | None
    role: str


def _shown(value) -> str | None:
    if isinstance(value, Ward):
        return value.code
    if isinstance(value, Cohort):
        return value.name
    return value


def update_user(
    session: Session, user: User, fields: AccountFields, actor_id: int | None, reason: str | None = None
) -> dict[str, list]:
    """Apply ``fields`` to ``user``; return what changed as {field: [before, after]} (audited)."""
    _check_role_ward(fields.role, fields.ward)
    if user.role == Role.ADMIN and fields.role != Role.ADMIN and user.active:
        _guard_admins(session, user, actor_id)
    fields.full_name = fields.full_name.strip()
    fields.position = (fields.position or "").strip() or None
    changes = {}
    for name in ("full_name", "position", "ward", "cohort", "role"):
        before, after = getattr(user, name), getattr(fields, name)
        if before != after:
            changes[name] = [_shown(before), _shown(after)]
            setattr(user, name, after)
    if changes:
        record(
            session,
            "user.update",
            actor_id=actor_id,
            target_type="user",
            target_id=user.id,
            reason=reason,
            detail={"username": user.username, "changes": changes},
        )
    return changes


def set_active(session: Session, user: User, active: bool, actor_id: int | None, reason: str) -> None:
    """Deactivate (cannot log in; results stay in the reports) or reactivate an account."""
    if user.active == active:
        return
    if not active and user.role == Role.ADMIN:
        _guard_admins(session, user, actor_id)
    elif not active and user.id == actor_id:
        raise AccountError(_("You cannot deactivate or demote your own account."))
    user.active = active
    end_all(user)  # a deactivated account's sessions end, and stay ended if it is reactivated
    record(
        session,
        "user.reactivate" if active else "user.deactivate",
        actor_id=actor_id,
        target_type="user",
        target_id=user.id,
        reason=reason,
        detail={"username": user.username},
    )


def reset_password(session: Session, user: User, actor_id: int | None, reason: str | None = None) -> str:
    """Give ``user`` a new one-time password (returned once, never stored) to change at next login."""
    password = generate_password()
    user.password_hash = hash_password(password, one_time=True)
    user.must_change_password = True
    end_all(user)
    forget_account(session, user.username)  # a fresh password deserves fresh tries
    record(
        session,
        "user.password_reset",
        actor_id=actor_id,
        target_type="user",
        target_id=user.id,
        reason=reason,
        detail={"username": user.username},
    )
    return password


def unlock(session: Session, user: User, actor_id: int | None) -> None:
    """Forget the failed logins that make the throttle hold ``user``'s account."""
    forget_account(session, user.username)
    record(
        session,
        "user.unlock",
        actor_id=actor_id,
        target_type="user",
        target_id=user.id,
        detail={"username": user.username},
    )


def fresh_passwords(
    session: Session, users: list[User], actor_id: int | None, reason: str | None = None
) -> list[tuple[User, str]]:
    """New one-time passwords for accounts that never logged in (login slips for a class or ward)."""
    made = []
    for user in users:
        user.password_hash = hash_password(password := generate_password(), one_time=True)
        user.must_change_password = True
        end_all(user)
        made.append((user, password))
    record(
        session,
        "user.password_reset",
        actor_id=actor_id,
        target_type="users",
        reason=reason,
        detail={"usernames": [u.username for u in users]},
    )
    return made


def never_logged_in(session: Session, ward_id: int | None, cohort_id: int | None) -> list[User]:
    """Active accounts of a ward and/or class that have not logged in yet, by name."""
    query = select(User).where(User.active.is_(True), User.last_login_at.is_(None))
    if ward_id:
        query = query.where(User.ward_id == ward_id)
    if cohort_id:
        query = query.where(User.cohort_id == cohort_id)
    return list(session.scalars(query.order_by(User.search_name, User.id)))
