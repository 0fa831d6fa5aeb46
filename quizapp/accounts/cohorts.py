"""Classes (cohorts): create, rename, set the study dates, move trainees between them.

Plain functions inside the caller's transaction; each change writes one audit entry. The study
dates are printed on certificates issued afterwards (see certificates/issuance.snapshot_for).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from slugify import slugify
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from ..audit import record
from ..exports import Table
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..models import Cohort, User
from ..web import role_label


class CohortError(ValueError):
    """A class change refused as asked; ``message`` says what and where."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


@dataclass(frozen=True)
class CohortInfo:
    """A class with its number of members, for the list."""

    cohort: Cohort
    members: int


def list_cohorts(session: Session) -> list[CohortInfo]:
    """Every class, earliest first, with how many accounts belong to it (two queries)."""
    counts = dict(
        session.execute(
            select(User.cohort_id, func.count()).where(User.cohort_id.is_not(None)).group_by(User.cohort_id)
        ).all()
    )
    cohorts = session.scalars(select(Cohort).order_by(Cohort.starts_on.is_(None), Cohort.starts_on, Cohort.name))
    return [CohortInfo(c, counts.get(c.id, 0)) for c in cohorts]


def _check(session: Session, name: str, starts_on: date | None, ends_on: date | None, own_id: int | None) -> str:
    """The cleaned name, or CohortError for an empty or duplicate name or reversed dates."""
    name = " ".join((name or "").split())
    if not name:
        raise CohortError(_l("Enter the name of the class."), "name")
    if len(name) > 200:
        raise CohortError(_l("The name of the class is too long (at most %(n)d characters).", n=200), "name")
    same = select(Cohort.id).where(func.lower(Cohort.name) == name.lower())
    if own_id is not None:
        same = same.where(Cohort.id != own_id)
    if session.scalar(same) is not None:
        raise CohortError(_l("A class named “%(name)s” already exists.", name=name), "name")
    if starts_on and ends_on and ends_on < starts_on:
        raise CohortError(_l("The end date is before the start date."), "ends_on")
    return name


def _free_code(session: Session, name: str) -> str:
    """A unique ASCII code from the name ("Lớp 1 - 2026" -> "lop-1-2026"), numbered if taken."""
    base = slugify(name)[:34] or "lop"
    taken = set(session.scalars(select(Cohort.code).where(Cohort.code.startswith(base))))
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    return code


def _dates(starts_on: date | None, ends_on: date | None) -> dict:
    return {
        "starts_on": starts_on.isoformat() if starts_on else None,
        "ends_on": ends_on.isoformat() if ends_on else None,
    }


def create_cohort(
    session: Session,
    name: str,
    starts_on: date | None = None,
    ends_on: date | None = None,
    actor_id: int | None = None,
) -> Cohort:
    """Add a class; its code is derived from the name (rosters accept either)."""
    name = _check(session, name, starts_on, ends_on, None)
    cohort = Cohort(code=_free_code(session, name), name=name, starts_on=starts_on, ends_on=ends_on)
    session.add(cohort)
    session.flush()
    record(
        session,
        "cohort.create",
        actor_id=actor_id,
        target_type="cohort",
        target_id=cohort.id,
        detail={"name": name, **_dates(starts_on, ends_on)},
    )
    return cohort


def update_cohort(
    session: Session,
    cohort: Cohort,
    name: str,
    starts_on: date | None,
    ends_on: date | None,
    actor_id: int | None = None,
) -> bool:
    """Rename a class and set its study dates; False (and no audit entry) when nothing changed.

    The code stays: rosters and links may already use it.
    """
    name = _check(session, name, starts_on, ends_on, cohort.id)
    before = {"name": cohort.name, **_dates(cohort.starts_on, cohort.ends_on)}
    after = {"name": name, **_dates(starts_on, ends_on)}
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if not changed:
        return False
    cohort.name, cohort.starts_on, cohort.ends_on = name, starts_on, ends_on
    action = "cohort.rename" if set(changed) == {"name"} else "cohort.update"
    record(session, action, actor_id=actor_id, target_type="cohort", target_id=cohort.id, detail=changed)
    return True


def move_members(
    session: Session,
    user_ids: Sequence[int],
    source: Cohort,
    target: Cohort | None,
    actor_id: int | None = None,
) -> int:
    """Move the chosen members of ``source`` to ``target`` (None: no class); return how many moved.

    Ids that are not members of ``source`` refuse the whole move, so a stale page changes nothing.
    """
    ids = sorted(set(user_ids))
    if not ids:
        raise CohortError(_l("Choose at least one trainee to move."), "users")
    if target is not None and target.id == source.id:
        raise CohortError(_l("Choose a different class to move them to."), "target")
    members = set(session.scalars(select(User.id).where(User.id.in_(ids), User.cohort_id == source.id)))
    if members != set(ids):
        raise CohortError(_l("Some of the chosen accounts are no longer in this class; reload the page."), "users")
    session.execute(
        update(User)
        .where(User.id.in_(ids))
        .values(cohort_id=target.id if target else None)
        .execution_options(synchronize_session=False)
    )
    record(
        session,
        "cohort.move",
        actor_id=actor_id,
        target_type="cohort",
        target_id=source.id,
        detail={"to": target.id if target else None, "to_name": target.name if target else None, "users": ids},
    )
    return len(ids)


def members_table(users: Sequence[User]) -> Table:
    """A class's members as one export sheet."""
    headers = [_("Full name"), _("Username"), _("Role"), _("Ward or commune"), _("Position"), _("Active")]
    rows = [
        [
            u.full_name,
            u.username,
            role_label(u.role),
            u.ward.full_name if u.ward else "",
            u.position or "",
            _("yes") if u.active else _("no"),
        ]
        for u in users
    ]
    return Table(_("Members"), headers, rows, widths={0: 30, 1: 16, 3: 24, 4: 30})


def members(session: Session, cohort_id: int) -> list[User]:
    """The accounts in a class, by name (a class is ~125 people: no pagination needed)."""
    return list(
        session.scalars(
            select(User).where(User.cohort_id == cohort_id).options(selectinload(User.ward)).order_by(User.full_name)
        )
    )
