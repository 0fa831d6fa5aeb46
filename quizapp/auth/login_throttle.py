"""The login throttle: growing delays instead of lockouts, and a door kept open for the owner.

Failed logins are counted, over LOGIN_THROTTLE_WINDOW_SECONDS, under three keys:

* the account, whatever the address: after LOGIN_MAX_FAILURES_PER_ACCOUNT failures each further
  try must wait LOGIN_FIRST_DELAY_SECONDS, doubling with each failure up to
  LOGIN_MAX_DELAY_SECONDS. Tries from an address that has logged this user in before skip this
  delay, so a stranger guessing at an admin's account slows down the stranger, not the admin;
* the address and the account together: the same delays, for every address. A guesser on a
  ward office's shared address slows only their own guesses at that account;
* the address alone: a hard ceiling (LOGIN_MAX_FAILURES_PER_ADDRESS) against one address trying
  many accounts, high enough for a whole ward office behind one NAT address.

A try is counted as a failure *before* its password is checked and forgotten if it was right,
and the count and the reservation happen under one lock per account (throttle.lock), so parallel
requests cannot all slip past the limit while their passwords are being checked.

Failures are written to the audit log ("login.failed"), and so is the failure that starts an
account's delays ("login.held"); a refused try writes nothing, so waiting it out costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from .. import throttle
from ..audit import record
from ..models import KnownAddress, ThrottleEvent


@dataclass(frozen=True)
class Policy:
    """The throttle's numbers, from the configuration."""

    free_failures: int
    first_delay: int
    max_delay: int
    address_ceiling: int
    window: int

    @classmethod
    def from_config(cls, config) -> Policy:
        return cls(
            free_failures=int(config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]),
            first_delay=int(config["LOGIN_FIRST_DELAY_SECONDS"]),
            max_delay=int(config["LOGIN_MAX_DELAY_SECONDS"]),
            address_ceiling=int(config["LOGIN_MAX_FAILURES_PER_ADDRESS"]),
            window=int(config["LOGIN_THROTTLE_WINDOW_SECONDS"]),
        )

    def delay(self, failures: int) -> int:
        """Seconds a try must wait after the last of ``failures`` recent failures."""
        if failures < self.free_failures:
            return 0
        return min(self.max_delay, self.first_delay * 2 ** min(failures - self.free_failures, 30))


def account_key(username: str) -> str:
    return f"login:user:{username.strip().lower()}"


def pair_key(address: str, username: str) -> str:
    return f"login:pair:{address}:{username.strip().lower()}"


def address_key(address: str) -> str:
    return f"login:addr:{address}"


@dataclass
class Try:
    """One login try after the throttle's check: how long it must wait, or the failures it reserved."""

    wait: int = 0
    reserved: list[int] = field(default_factory=list)
    #: Failures under the account and pair keys before this try.
    before: dict[str, int] = field(default_factory=dict)


def _wait(recent: throttle.Recent, delay: int, now: datetime) -> int:
    if not delay or recent.last is None:
        return 0
    return max(0, int((recent.last + timedelta(seconds=delay) - now).total_seconds()) + 1)


def reserve(session: Session, username: str, user_id: int | None, address: str, now: datetime, policy: Policy) -> Try:
    """Check the throttle for one try and, when it may go ahead, count it as a failure until proven right."""
    keys = [account_key(username), pair_key(address, username), address_key(address)]
    throttle.lock(session, keys[0])
    seen = throttle.recent(session, keys, policy.window, now)
    account, pair, by_address = (seen[k] for k in keys)
    known = user_id is not None and session.get(KnownAddress, (user_id, address)) is not None
    waits = [_wait(pair, policy.delay(pair.count), now)]
    if not known:
        waits.append(_wait(account, policy.delay(account.count), now))
    if by_address.count >= policy.address_ceiling and by_address.first is not None:
        waits.append(max(1, int((by_address.first + timedelta(seconds=policy.window) - now).total_seconds())))
    attempt = Try(wait=max(waits), before={keys[0]: account.count, keys[1]: pair.count})
    if not attempt.wait:
        events = [throttle.hit(session, key, now) for key in keys]
        session.flush()
        attempt.reserved = [e.id for e in events]
    return attempt


def succeeded(session: Session, attempt: Try, username: str, user_id: int, address: str, now: datetime) -> None:
    """A right password: forget this try and the account's failures, and remember the address."""
    throttle.forget(session, attempt.reserved)
    throttle.clear(session, account_key(username))
    throttle.clear(session, pair_key(address, username))
    known = session.get(KnownAddress, (user_id, address))
    if known is None:
        session.add(KnownAddress(user_id=user_id, address=address, last_at=now))
    else:
        known.last_at = now


def failed(session: Session, attempt: Try, username: str, user_id: int | None, address: str, policy: Policy) -> None:
    """A wrong password (or an unknown or deactivated account): the reserved failure stays; audit it."""
    target = {"target_type": "user", "target_id": user_id} if user_id is not None else {}
    detail = {"username": username[:80], "address": address}
    record(session, "login.failed", detail=detail, **target)
    for key, kind in ((account_key(username), "account"), (pair_key(address, username), "address_and_account")):
        if attempt.before.get(key, 0) + 1 == policy.free_failures:
            record(session, "login.held", detail={**detail, "kind": kind}, **target)


def forget_account(session: Session, username: str) -> None:
    """Forget every failed login against ``username`` (an admin's unlock, a new password)."""
    name = username.strip().lower()
    pattern = "login:pair:%:" + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    session.execute(
        delete(ThrottleEvent).where(
            (ThrottleEvent.key == account_key(name)) | ThrottleEvent.key.like(pattern, escape="\\")
        )
    )


def held_usernames(session: Session, usernames: list[str], now: datetime, policy: Policy) -> set[str]:
    """Which of ``usernames`` must wait now before a try from a new address (the admin's "held" badge)."""
    keys = {account_key(u): u for u in usernames}
    seen = throttle.recent(session, list(keys), policy.window, now)
    return {keys[k] for k, r in seen.items() if _wait(r, policy.delay(r.count), now)}


def prune_addresses(session: Session, now: datetime, keep_days: int = 180) -> int:
    """Forget login addresses not used for ``keep_days`` (the cron command)."""
    cutoff = now - timedelta(days=keep_days)
    return session.execute(delete(KnownAddress).where(KnownAddress.last_at < cutoff)).rowcount
