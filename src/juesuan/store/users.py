"""Users, roles, API tokens and browser sessions of the web workbench.

Roles: ``admin`` (everything), ``reviewer`` (decides on findings, sets a document's status),
``department`` (sees and uploads its own department's documents, replies 部门回复, decides
nothing), ``viewer`` (reads). Passwords are argon2id hashes (argon2-cffi); API tokens and session
ids are random (``secrets``) and only their sha256 is stored, so a stolen database yields neither.

    store.add_user("张三", "reviewer", password="…")          # -> User
    token = store.create_token("张三")                        # shown once, stored hashed
    store.user_by_token(token)                                # -> User | None
    sid = store.create_session(user.id)                       # the cookie value
    store.user_by_session(sid); store.end_session(sid)
    store.authenticate("张三", "…")                           # -> User | None
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import insert, select

from . import schema as S

ROLES = ("admin", "reviewer", "department", "viewer")
ROLE_NAMES = {"admin": "管理员", "reviewer": "审核人", "department": "部门", "viewer": "只读"}
SESSION_DAYS = 7

# What each role may do (web.auth.require checks an action against this).
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"read", "upload", "reply", "review", "status", "admin"}),
    "reviewer": frozenset({"read", "upload", "review", "status"}),
    "department": frozenset({"read", "upload", "reply"}),
    "viewer": frozenset({"read"}),
}


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:  # SQLite keeps no zone; we wrote UTC
        return value.replace(tzinfo=timezone.utc)
    return value


def secret_hash(value: str) -> str:
    """sha256 of a token or session id (they are random and long: no salt or slow hash needed)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _hasher():  # type: ignore[no-untyped-def]
    from argon2 import PasswordHasher

    return PasswordHasher()


@dataclass(slots=True)
class User:
    id: int
    name: str
    role: str
    department_id: int | None
    department: str | None = None  # the department's name
    active: bool = True

    def can(self, action: str) -> bool:
        return self.active and action in PERMISSIONS.get(self.role, frozenset())

    def sees_department(self, department_id: int | None) -> bool:
        """A department user sees only its own department; every other role sees all."""
        return self.role != "department" or (department_id is not None and department_id == self.department_id)

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "department_id": self.department_id,
            "department": self.department,
            "active": self.active,
        }


class UserMethods:
    """Store methods for users, tokens and sessions (mixed into :class:`~juesuan.store.Store`)."""

    engine: Any

    def _user_query(self):  # type: ignore[no-untyped-def]
        u, dep = S.users, S.departments
        return select(u, dep.c.name.label("department_name")).select_from(
            u.outerjoin(dep, dep.c.id == u.c.department_id)
        )

    @staticmethod
    def _user(r: Any) -> User:
        return User(r.id, r.name, r.role, r.department_id, r.department_name, bool(r.active))

    def has_users(self) -> bool:
        """Whether any user exists (False too for a database not yet migrated to have users)."""
        from sqlalchemy.exc import OperationalError, ProgrammingError

        try:
            with self.engine.connect() as conn:
                return conn.execute(select(S.users.c.id).limit(1)).first() is not None
        except (OperationalError, ProgrammingError):
            return False

    def users(self) -> list[User]:
        with self.engine.connect() as conn:
            return [self._user(r) for r in conn.execute(self._user_query().order_by(S.users.c.id))]

    def user(self, user: int | str) -> User | None:
        """A user by id or name."""
        cond = S.users.c.id == user if isinstance(user, int) else S.users.c.name == user
        with self.engine.connect() as conn:
            r = conn.execute(self._user_query().where(cond)).first()
        return None if r is None else self._user(r)

    def add_user(
        self,
        name: str,
        role: str,
        *,
        password: str | None = None,
        department: int | str | None = None,
    ) -> User:
        """Create a user. ``department`` (id or name) is required for, and only for, role
        ``department``. ValueError for a bad role, a missing department or a taken name."""
        name = (name or "").strip()
        if not name or len(name) > 100:
            raise ValueError("用户名须为 1 到 100 个字符")
        if role not in ROLES:
            raise ValueError(f"未知角色 {role!r}：须为 {' / '.join(ROLES)}")
        dept_id: int | None = None
        if department is not None and str(department).strip():
            dept_id = self._department_key(department)
        if role == "department" and dept_id is None:
            raise ValueError("部门用户须指定 --department（部门编号或全称）")
        if password is not None and len(password) < 8:
            raise ValueError("密码至少 8 个字符")
        hashed = _hasher().hash(password) if password else None
        if self.user(name) is not None:
            raise ValueError(f"用户 {name} 已存在")
        with self.engine.begin() as conn:
            res = conn.execute(
                insert(S.users).values(
                    name=name, role=role, department_id=dept_id, password_hash=hashed,
                    created_at=_now(), active=True,
                )  # fmt: skip
            )
            uid = int(res.inserted_primary_key[0])
        found = self.user(uid)
        assert found is not None
        return found

    def _department_key(self, department: int | str) -> int:
        dep = S.departments
        key = str(department).strip()
        with self.engine.begin() as conn:
            if key.isdigit():
                found = conn.execute(select(dep.c.id).where(dep.c.id == int(key))).scalar_one_or_none()
                if found is None:
                    raise ValueError(f"没有编号为 {key} 的部门")
                return int(found)
            found = conn.execute(select(dep.c.id).where(dep.c.name == key)).scalar_one_or_none()
            if found is not None:
                return int(found)
        # a department not yet seen: registered by its full name, so its first upload joins it
        return int(self._department_id_for(key))

    def _department_id_for(self, name: str) -> int:
        with self.engine.begin() as conn:
            return self._department_id(conn, name)  # type: ignore[attr-defined]

    def set_password(self, user: int | str, password: str) -> None:
        if len(password) < 8:
            raise ValueError("密码至少 8 个字符")
        found = self.user(user)
        if found is None:
            raise KeyError(user)
        with self.engine.begin() as conn:
            conn.execute(
                S.users.update().where(S.users.c.id == found.id).values(password_hash=_hasher().hash(password))
            )

    def authenticate(self, name: str, password: str) -> User | None:
        """The user if ``password`` is theirs (and they are active), else None."""
        from argon2.exceptions import InvalidHashError, VerificationError

        with self.engine.connect() as conn:
            r = conn.execute(self._user_query().where(S.users.c.name == (name or "").strip())).first()
        hasher = _hasher()
        if r is None or not r.password_hash or not r.active:
            try:  # the same work as a real check, so timing does not tell which names exist
                hasher.verify(_DUMMY_HASH, password or "x")
            except VerificationError:
                pass
            return None
        try:
            hasher.verify(r.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            return None
        if hasher.check_needs_rehash(r.password_hash):
            with self.engine.begin() as conn:
                conn.execute(S.users.update().where(S.users.c.id == r.id).values(password_hash=hasher.hash(password)))
        return self._user(r)

    # -- API tokens

    def create_token(self, user: int | str, *, label: str | None = None) -> str:
        """A new API token for ``user`` (returned once; only its sha256 is stored)."""
        found = self.user(user)
        if found is None:
            raise KeyError(user)
        token = "js_" + secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(
                insert(S.api_tokens).values(
                    user_id=found.id, token_hash=secret_hash(token), label=label, created_at=_now()
                )
            )
        return token

    def user_by_token(self, token: str | None) -> User | None:
        if not token or len(token) > 200:
            return None
        t = S.api_tokens
        with self.engine.begin() as conn:
            uid = conn.execute(select(t.c.user_id).where(t.c.token_hash == secret_hash(token))).scalar_one_or_none()
            if uid is None:
                return None
            conn.execute(t.update().where(t.c.token_hash == secret_hash(token)).values(last_used_at=_now()))
        found = self.user(int(uid))
        return found if found is not None and found.active else None

    # -- browser sessions

    def create_session(self, user_id: int, *, days: int = SESSION_DAYS) -> str:
        """A new session for ``user_id``; returns the random id the cookie carries."""
        sid = secrets.token_urlsafe(32)
        now = _now()
        with self.engine.begin() as conn:
            conn.execute(
                insert(S.sessions).values(
                    id_hash=secret_hash(sid), user_id=user_id, created_at=now, expires_at=now + timedelta(days=days)
                )
            )
            conn.execute(S.sessions.delete().where(S.sessions.c.expires_at < now))  # old ones go
        return sid

    def user_by_session(self, sid: str | None) -> User | None:
        if not sid or len(sid) > 200:
            return None
        s = S.sessions
        with self.engine.connect() as conn:
            r = conn.execute(select(s.c.user_id, s.c.expires_at).where(s.c.id_hash == secret_hash(sid))).first()
        if r is None or (_aware(r.expires_at) or _now()) <= _now():
            return None
        found = self.user(int(r.user_id))
        return found if found is not None and found.active else None

    def end_session(self, sid: str | None) -> None:
        if not sid:
            return
        with self.engine.begin() as conn:
            conn.execute(S.sessions.delete().where(S.sessions.c.id_hash == secret_hash(sid)))


# a hash of a random password, verified against when the name is unknown (constant work)
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$Jc1Hp0mxvLz2F1B0Yg0pN4VvV7z8qJm5Ww3F1m6a0Zk"

__all__ = ["PERMISSIONS", "ROLES", "ROLE_NAMES", "User", "UserMethods", "secret_hash"]
