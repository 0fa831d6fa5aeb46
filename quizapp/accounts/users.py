"""Creating accounts, one at a time (CLI, admin) or generated usernames for rosters."""

from __future__ import annotations

from slugify import slugify
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..audit import record
from ..auth.passwords import hash_password
from ..models import Cohort, Role, User, Ward


class AccountError(ValueError):
    """An account that cannot be created as asked; the message says why."""


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
    if not username or len(username) > 80 or not all(c.isalnum() or c in "._-" for c in username):
        raise AccountError(f"invalid username '{username}': use letters, digits, '.', '_' or '-'")
    if role not in set(Role):
        raise AccountError(f"unknown role '{role}': one of {', '.join(Role)}")
    if role == Role.WARD_MANAGER and ward is None:
        raise AccountError("a ward manager needs a ward")
    if username_taken(session, username):
        raise AccountError(f"username '{username}' is already taken")
    user = User(
        username=username,
        full_name=full_name.strip(),
        password_hash=hash_password(password),
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
