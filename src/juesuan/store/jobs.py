"""The upload queue's table (``jobs``, migration 0003): enqueue, claim, finish, list.

    from juesuan.store.jobs import enqueue, claim_next, finish, fail, job, jobs, requeue_running

A job is one uploaded file: ``queued`` → ``running`` (claimed by one worker thread, atomically:
an ``UPDATE … WHERE status = 'queued'`` that only one claimer wins) → ``done`` (with the document
id, and ``outcome`` ingested | exists) or ``failed`` (with the reason a reviewer reads and the
HTTP status a waiting request answers with). Jobs live in the database, so they survive a
restart: :func:`requeue_running` puts back what a stopped server left running.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, insert, select, update

from . import schema as S

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUSES = (QUEUED, RUNNING, DONE, FAILED)
STATUS_NAMES = {QUEUED: "排队中", RUNNING: "处理中", DONE: "完成", FAILED: "失败"}


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _utc(at: datetime | None) -> datetime | None:
    if at is not None and at.tzinfo is None:  # SQLite keeps no zone; we wrote UTC
        return at.replace(tzinfo=timezone.utc)
    return at


@dataclass(slots=True)
class Job:
    id: int
    status: str
    file_name: str
    sha256: str
    path: str
    batch: str | None
    reason: str | None
    http_status: int | None
    outcome: str | None
    document_id: int | None
    progress: int
    attempts: int
    warnings: list[str] = field(default_factory=list)
    user_id: int | None = None
    user_name: str | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def finished(self) -> bool:
        return self.status in (DONE, FAILED)

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)

    @property
    def seconds(self) -> float | None:
        if self.started_at is None:
            return None
        end = self.finished_at or _now()
        return max(0.0, (end - self.started_at).total_seconds())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (no server path)."""
        return {
            "id": self.id,
            "status": self.status,
            "file_name": self.file_name,
            "sha256": self.sha256,
            "batch": self.batch,
            "reason": self.reason,
            "outcome": self.outcome,
            "document_id": self.document_id,
            "progress": self.progress,
            "attempts": self.attempts,
            "warnings": list(self.warnings),
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }


def _job(r: Any) -> Job:
    return Job(
        r.id, r.status, r.file_name, r.sha256, r.path, r.batch, r.reason, r.http_status, r.outcome,
        r.document_id, r.progress or 0, r.attempts or 0, list(r.warnings or []), r.user_id, r.user_name,
        _utc(r.created_at), _utc(r.started_at), _utc(r.finished_at),
    )  # fmt: skip


def enqueue(
    store: Any, *, file_name: str, sha256: str, path: str, batch: str | None = None,
    user_id: int | None = None, user_name: str | None = None,
) -> Job:  # fmt: skip
    with store.engine.begin() as conn:
        res = conn.execute(
            insert(S.jobs).values(
                status=QUEUED, file_name=file_name[:500], sha256=sha256, path=path, batch=batch,
                progress=0, attempts=0, created_at=_now(), user_id=user_id, user_name=user_name,
            )  # fmt: skip
        )
        job_id = int(res.inserted_primary_key[0])
    found = job(store, job_id)
    assert found is not None
    return found


def finished_job(
    store: Any, *, file_name: str, sha256: str, path: str, document_id: int, batch: str | None = None,
    user_id: int | None = None, user_name: str | None = None,
) -> Job:  # fmt: skip
    """A job recorded as done at once (the file was stored already: nothing to read)."""
    now = _now()
    with store.engine.begin() as conn:
        res = conn.execute(
            insert(S.jobs).values(
                status=DONE, file_name=file_name[:500], sha256=sha256, path=path, batch=batch, progress=100,
                attempts=0, created_at=now, started_at=now, finished_at=now, outcome="exists",
                document_id=document_id, http_status=200, user_id=user_id, user_name=user_name,
            )  # fmt: skip
        )
        job_id = int(res.inserted_primary_key[0])
    found = job(store, job_id)
    assert found is not None
    return found


def claim_next(store: Any) -> Job | None:
    """The oldest queued job, now ``running`` and owned by the caller (None when none is queued).
    Claiming is a compare-and-set on the status: two workers never get the same job."""
    j = S.jobs
    for _ in range(20):
        with store.engine.begin() as conn:
            job_id = conn.execute(
                select(j.c.id).where(j.c.status == QUEUED).order_by(j.c.id).limit(1)
            ).scalar_one_or_none()
            if job_id is None:
                return None
            res = conn.execute(
                update(j)
                .where(j.c.id == job_id, j.c.status == QUEUED)
                .values(status=RUNNING, started_at=_now(), progress=5, attempts=j.c.attempts + 1)
            )
            if res.rowcount != 1:
                continue  # someone else claimed it first
        return job(store, job_id)
    return None


def set_progress(store: Any, job_id: int, percent: int) -> None:
    with store.engine.begin() as conn:
        conn.execute(update(S.jobs).where(S.jobs.c.id == job_id).values(progress=max(0, min(100, int(percent)))))


def finish(
    store: Any, job_id: int, *, document_id: int, outcome: str, http_status: int, warnings: list[str] | None = None
) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            update(S.jobs).where(S.jobs.c.id == job_id).values(
                status=DONE, document_id=document_id, outcome=outcome, http_status=http_status,
                warnings=list(warnings or []), progress=100, finished_at=_now(), reason=None,
            )  # fmt: skip
        )


def fail(store: Any, job_id: int, *, reason: str, http_status: int) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            update(S.jobs).where(S.jobs.c.id == job_id).values(
                status=FAILED, reason=reason, http_status=http_status, progress=100, finished_at=_now()
            )
        )


def requeue_running(store: Any) -> int:
    """Put back every ``running`` job (a server that stopped mid-job); returns how many."""
    with store.engine.begin() as conn:
        res = conn.execute(
            update(S.jobs).where(S.jobs.c.status == RUNNING).values(status=QUEUED, progress=0, started_at=None)
        )
        return int(res.rowcount or 0)


def job(store: Any, job_id: int) -> Job | None:
    with store.engine.connect() as conn:
        r = conn.execute(select(S.jobs).where(S.jobs.c.id == job_id)).first()
    return None if r is None else _job(r)


def jobs(
    store: Any, *, batch: str | None = None, status: str | None = None, limit: int = 200, offset: int = 0,
    user_id: int | None = None,
) -> list[Job]:  # fmt: skip
    """Jobs, newest first."""
    q = select(S.jobs)
    if batch is not None:
        q = q.where(S.jobs.c.batch == batch)
    if status is not None:
        q = q.where(S.jobs.c.status == status)
    if user_id is not None:
        q = q.where(S.jobs.c.user_id == user_id)
    q = q.order_by(S.jobs.c.id.desc()).limit(limit).offset(offset)
    with store.engine.connect() as conn:
        return [_job(r) for r in conn.execute(q)]


def counts(store: Any, *, user_id: int | None = None) -> dict[str, int]:
    """Jobs per status; only those ``user_id`` queued when given."""
    q = select(S.jobs.c.status, func.count())
    if user_id is not None:
        q = q.where(S.jobs.c.user_id == user_id)
    with store.engine.connect() as conn:
        got = dict(conn.execute(q.group_by(S.jobs.c.status)).all())
    return {s: int(got.get(s, 0)) for s in STATUSES}


def queued_exists(store: Any) -> bool:
    with store.engine.connect() as conn:
        return conn.execute(select(S.jobs.c.id).where(S.jobs.c.status == QUEUED).limit(1)).first() is not None


__all__ = [
    "DONE", "FAILED", "Job", "QUEUED", "RUNNING", "STATUSES", "STATUS_NAMES", "claim_next", "counts", "enqueue",
    "fail", "finish", "finished_job", "job", "jobs", "queued_exists", "requeue_running", "set_progress",
]  # fmt: skip
