"""People and where they belong: wards and communes, classes (cohorts) and user accounts."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..accounts.search import fold
from .base import Base, utcnow


class Role(StrEnum):
    """What a user may do; see DESIGN §1."""

    TRAINEE = "trainee"
    WARD_MANAGER = "ward_manager"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


class Ward(Base):
    """One of the city's 34 wards (phường) and communes (xã)."""

    __tablename__ = "ward"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable ASCII slug of the name without its kind ("dong-ve"); used in URLs and rosters.
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    #: The name without its kind ("Đông Vệ").
    name: Mapped[str] = mapped_column(sa.String(100))
    #: "phuong" or "xa".
    kind: Mapped[str] = mapped_column(sa.String(10))
    #: Order in official lists.
    position: Mapped[int] = mapped_column(default=0)

    users: Mapped[list[User]] = relationship(back_populates="ward")

    @property
    def full_name(self) -> str:
        """The name with its kind, as printed ("Phường Đông Vệ", "Xã Thiệu Vân")."""
        return ("Phường " if self.kind == "phuong" else "Xã ") + self.name


class Cohort(Base):
    """A class (lớp) of trainees taught together."""

    __tablename__ = "cohort"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]

    users: Mapped[list[User]] = relationship(back_populates="cohort")


class User(UserMixin, Base):
    """An account: a trainee, a ward manager, an instructor or an admin."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    full_name: Mapped[str] = mapped_column(sa.String(200))
    #: The full name folded for search (no tone marks, "đ" -> "d", lower case); kept by ``_fold_name``.
    search_name: Mapped[str] = mapped_column(sa.String(200), default="", server_default="", index=True)
    role: Mapped[str] = mapped_column(sa.String(20), default=Role.TRAINEE)
    #: Position held in the ward (chức vụ), free text from the roster.
    position: Mapped[str | None] = mapped_column(sa.String(200))
    ward_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ward.id"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cohort.id"), index=True)
    #: Set for generated passwords: the next login must choose a new one.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    #: Part of every session's login id: raising it ends all of the user's sessions at once
    #: (password change or reset, deactivation, "log out everywhere"); see auth/sessions.py.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    ward: Mapped[Ward | None] = relationship(back_populates="users")
    cohort: Mapped[Cohort | None] = relationship(back_populates="users")

    @validates("full_name")
    def _fold_name(self, _key: str, value: str) -> str:
        self.search_name = fold(value)
        return value

    def get_id(self) -> str:
        """The login id kept in the session cookie: the user's id and their session version ("12.3")."""
        return f"{self.id}.{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def has_role(self, *roles: str) -> bool:
        """True when the user holds one of ``roles``."""
        return self.role in roles


class RevokedSession(Base):
    """A logged-out session, refused until it would have expired anyway (then pruned)."""

    __tablename__ = "revoked_session"

    #: The random id the session cookie carries (auth/sessions.py).
    sid: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class KnownAddress(Base):
    """An address a user has logged in from: the login throttle lets its right password through."""

    __tablename__ = "known_address"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    address: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    last_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
