"""The upload queue in the server: a small pool of worker threads, the /jobs page and /api/jobs.

Each thread claims the oldest queued job from the database (:func:`juesuan.store.jobs.claim_next`,
so two threads — or two servers — never run the same job), runs it through
:func:`juesuan.web.uploads.process` (the child-process reader with its memory and time caps) and
records the outcome. ``settings.max_workers`` threads at most (``JUESUAN_WEB_WORKERS``); a thread
with nothing to do for a while ends, and :meth:`JobPool.notify` (called after every enqueue)
starts threads again. Jobs are rows of ``jobs``: a server that stops loses none — when the next
one starts, the jobs left ``running`` are queued again and the pool starts on them.

A department user sees only the jobs it queued itself (the page, the counts and the API); every
other role sees all.

A request that waits (``?wait=1``) blocks on :meth:`JobPool.wait`, which a finishing job wakes.
``WebContext.after_job`` (when set, e.g. by the workbench) is called with ``(job, outcome)`` after
each stored upload, in the worker thread.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Optional

from fastapi import FastAPI, Path as PathParam, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..store import jobs as J
from .context import WebContext, http_error, log
from .settings import MAX_ID

IDLE_SECONDS = 2.0  # a worker thread with nothing to do ends after this long
REFRESH_SECONDS = 2  # the /jobs page reloads itself this often while a job is unfinished


class JobPool:
    def __init__(self, ctx: WebContext, workers: int) -> None:
        self.ctx = ctx
        self.workers = max(1, workers)
        self.cond = threading.Condition()
        self.threads: list[threading.Thread] = []
        self.generation = 0  # bumped by notify(): a thread never sleeps through a new job
        self.stopping = False
        self.idle_seconds = IDLE_SECONDS

    # ---------------------------------------------------------------- control

    def start(self) -> int:
        """At server start: queue again what a stopped server left running; start on the queue."""
        again = J.requeue_running(self.ctx.store)
        if again:
            log.info("requeued %d upload job(s) left running", again)
        if again or J.queued_exists(self.ctx.store):
            self.notify()
        return again

    def notify(self) -> None:
        """New work may be queued: wake the threads, start more up to the pool size."""
        with self.cond:
            if self.stopping:
                return
            self.generation += 1
            self.threads = [t for t in self.threads if t.is_alive()]
            while len(self.threads) < self.workers:
                t = threading.Thread(target=self._loop, name=f"juesuan-job-{len(self.threads) + 1}", daemon=True)
                self.threads.append(t)
                t.start()
            self.cond.notify_all()

    def stop(self, timeout: float = 5.0) -> None:
        with self.cond:
            self.stopping = True
            self.cond.notify_all()
            threads = list(self.threads)
        for t in threads:
            t.join(timeout)

    def wait(self, job_id: int, timeout: float | None) -> J.Job:
        """The job once finished (or as it is when ``timeout`` seconds passed)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            job = J.job(self.ctx.store, job_id)
            if job is None:
                raise http_error(404, f"没有编号为 {job_id} 的上传任务。")
            if job.finished or (deadline is not None and time.monotonic() >= deadline):
                return job
            with self.cond:
                self.cond.wait(0.25)

    # ---------------------------------------------------------------- threads

    def _loop(self) -> None:
        me = threading.current_thread()
        while True:
            with self.cond:
                if self.stopping:
                    return
                seen = self.generation
            try:
                job = J.claim_next(self.ctx.store)
            except Exception:  # the database went away (server stopping): end quietly
                log.exception("claiming an upload job failed")
                job = None
                time.sleep(self.idle_seconds)
            if job is not None:
                self._run(job)
                continue
            with self.cond:
                if self.stopping:
                    return
                if self.generation == seen:
                    self.cond.wait(self.idle_seconds)
                    if self.generation == seen and not self.stopping:
                        if me in self.threads:
                            self.threads.remove(me)
                        return

    def _run(self, job: J.Job) -> None:
        from .uploads import process

        st = self.ctx.store
        slots = self.ctx.reading_slots  # reads at once: at most max_workers (the memory cap × this)
        slots.acquire()
        try:
            J.set_progress(st, job.id, 10)
            outcome = process(self.ctx, Path(job.path), job.sha256, job.file_name,
                              progress=lambda p: J.set_progress(st, job.id, p))  # fmt: skip
            J.finish(st, job.id, document_id=outcome.document_id, outcome=outcome.status,
                     http_status=201 if outcome.created else 200, warnings=outcome.warnings)  # fmt: skip
            hook = getattr(self.ctx, "after_job", None)
            if hook is not None:
                hook(J.job(st, job.id), outcome)
        except StarletteHTTPException as exc:
            J.fail(st, job.id, reason=str(exc.detail), http_status=exc.status_code)
        except Exception as exc:  # a bug: the job fails with a reason, the thread goes on
            log.exception("upload job %s (%s) failed", job.id, job.file_name)
            try:
                J.fail(st, job.id, reason=f"处理时出现内部错误（{type(exc).__name__}），已记录在服务器日志中。", http_status=500)
            except Exception:  # noqa: BLE001 - the database is gone too
                log.exception("recording the failure of job %s failed", job.id)
        finally:
            slots.release()
            with self.cond:
                self.cond.notify_all()


def pool_of(ctx: WebContext) -> JobPool:
    pool = getattr(ctx, "job_pool", None)
    if pool is None:
        pool = JobPool(ctx, ctx.settings.max_workers)
        setattr(ctx, "job_pool", pool)
    return pool


# --------------------------------------------------------------------------- routes


def _batch_param(batch: str | None) -> str | None:
    if batch is None or batch == "":
        return None
    if not (len(batch) <= 40 and batch.isalnum() and batch.isascii()):
        raise http_error(422, "参数 batch 无效")
    return batch


def own_jobs_of(request: Request) -> int | None:
    """The user whose jobs alone a request may see: a department user's own; None: everyone's."""
    from .auth import current_user

    user = current_user(request)
    return user.id if user is not None and user.role == "department" else None


def _stop_with(app: FastAPI, pool: JobPool) -> None:
    """Stop the pool when the app's lifespan ends (wrapping whatever lifespan it has)."""
    from contextlib import asynccontextmanager

    import anyio

    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: Any):  # type: ignore[no-untyped-def]
        async with inner(a) as state:
            yield state
        await anyio.to_thread.run_sync(pool.stop)

    app.router.lifespan_context = lifespan


def register(app: FastAPI, ctx: WebContext) -> None:
    """/jobs, /api/jobs, /api/jobs/{id}; the pool starts now (requeueing) and stops with the app."""
    st = ctx.store
    pool = pool_of(ctx)
    pool.start()
    _stop_with(app, pool)

    @app.get("/jobs", response_class=HTMLResponse, include_in_schema=False)
    def jobs_page(
        request: Request,
        batch: Optional[str] = Query(None, max_length=40),
        status: Optional[str] = Query(None, pattern="^(queued|running|done|failed)$"),
    ) -> Response:
        b = _batch_param(batch)
        own = own_jobs_of(request)
        shown = J.jobs(st, batch=b, status=status, limit=500 if b else 200, user_id=own)
        if b and not shown:
            raise http_error(404, "没有这次上传的任务。")
        if b and len(shown) == 1 and shown[0].status == J.DONE and shown[0].document_id:
            one = shown[0]  # one file, done: straight to its findings
            url = f"/documents/{one.document_id}" + ("?existing=1" if one.outcome == "exists" else "")
            return RedirectResponse(url, status_code=303)
        busy = any(not j.finished for j in shown)
        return ctx.page(
            request, "jobs.html.j2", title="上传任务", jobs=shown, batch=b, busy=busy,
            refresh=REFRESH_SECONDS if busy else 0, counts=J.counts(st, user_id=own), names=J.STATUS_NAMES, only=status,
        )  # fmt: skip

    @app.get("/api/jobs", tags=["documents"], summary="上传任务列表")
    def api_jobs(
        request: Request,
        batch: Optional[str] = Query(None, max_length=40, description="一次上传的批次号"),
        status: Optional[str] = Query(None, pattern="^(queued|running|done|failed)$", description="queued / running / done / failed"),
        limit: int = Query(200, ge=1, le=1000),
        offset: int = Query(0, ge=0, le=2**31 - 1),
    ) -> Any:
        """Upload jobs, newest first: status, file name, reason of a failure, document id when done."""
        own = own_jobs_of(request)  # a department user: the jobs it queued
        shown = J.jobs(st, batch=_batch_param(batch), status=status, limit=limit, offset=offset, user_id=own)
        return [j.to_dict() for j in shown]

    @app.get("/api/jobs/{job_id}", tags=["documents"], summary="一个上传任务")
    def api_job(request: Request, job_id: int = PathParam(ge=1, le=MAX_ID, description="任务编号")) -> Any:
        j = J.job(st, job_id)
        own = own_jobs_of(request)
        if j is None or (own is not None and j.user_id != own):
            raise http_error(404, f"没有编号为 {job_id} 的上传任务。")
        return JSONResponse(j.to_dict())


__all__ = ["JobPool", "own_jobs_of", "pool_of", "register"]
