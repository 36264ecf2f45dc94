"""Engines: run :func:`~juesuan.batch.process.process` over many tasks, yielding results as they come.

- :class:`LocalEngine`: a :class:`concurrent.futures.ProcessPoolExecutor` (``spawn``: no fork of
  the parent's threads) whose workers cap their address space when they start. At most
  ``2 × workers`` tasks are in flight; a task's wall time is counted from when a worker begins it
  (workers say so on a queue, so a slow pool start is never a timeout); one still running
  ``grace`` seconds after its time limit (stuck where the time limit's
  alarm cannot reach, in C code) is ended by killing the pool: it fails with the time limit as
  its reason, the others in flight are handed to a new pool. A worker that dies (a crash, the
  kernel's OOM killer) breaks the pool the same way; the tasks then in flight are rerun one at
  a time, and one that breaks the pool alone fails as the cause (tasks still queued are innocent).
- :class:`RayEngine`: the same function as Ray tasks (``max_retries=0``), at most
  ``2 × workers`` in flight (``ray.wait``); ``RAY_ADDRESS`` selects a cluster, else a local
  instance with ``num_cpus=workers``. A task past its deadline is cancelled (``force=True``).
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from .process import DocResult, ProcessOptions, Task, cap_worker, failed, internal_reason, process

RUNTIME_ENV = "JUESUAN_RAY_RUNTIME_ENV"  # JSON runtime_env for ray.init (a cluster)
RECYCLE_AFTER = 500  # a local worker is replaced after this many documents (memory fragmentation)


@dataclass(frozen=True, slots=True)
class EngineOptions:
    workers: int
    seconds: int = 300  # time limit per document (0 = none)
    memory_bytes: int = 2048 * 1024 * 1024  # address space of a local worker (0 = no cap)
    keep_objects: bool = False
    grace: float = 5.0  # seconds past the time limit before a local worker is killed

    @property
    def process_options(self) -> ProcessOptions:
        return ProcessOptions(seconds=self.seconds, keep_objects=self.keep_objects)

    @property
    def deadline(self) -> float | None:
        """Wall seconds after which a task in flight is ended from outside."""
        return None if not self.seconds else self.seconds + max(self.grace, self.seconds * 0.5)


def timeout_reason(seconds: int) -> str:
    return f"处理时间超过 {seconds} 秒"


CRASH_REASON = "处理进程异常退出（崩溃或内存超出限制）"


class WorkerStartError(RuntimeError):
    """The local pool's workers die before they take any task (a broken install, a cap too low)."""


class LocalEngine:
    name = "local"

    def __init__(self, options: EngineOptions, fn: Callable[[Task, ProcessOptions], DocResult] = process) -> None:
        self.options = options
        self.fn = fn  # the per-document function (a module-level function: it is pickled by name)
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self) -> ProcessPoolExecutor:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self._starts = ctx.SimpleQueue()  # workers say when they begin a task
        return ProcessPoolExecutor(
            max_workers=self.options.workers,
            mp_context=ctx,
            initializer=_start_local_worker,
            initargs=(self.options.memory_bytes, self._starts),
            max_tasks_per_child=RECYCLE_AFTER,
        )

    def _drain_starts(self, started: dict[str, tuple[float, int]]) -> None:
        while self._pool is not None and not self._starts.empty():
            shown, pid = self._starts.get()
            started[shown] = (time.monotonic(), pid)

    def _kill_pool(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        for proc in list(getattr(pool, "_processes", {}).values()):
            try:
                os.kill(proc.pid, signal.SIGKILL)
            except (OSError, AttributeError):
                pass
        pool.shutdown(wait=True, cancel_futures=True)

    def run(self, tasks: Iterable[Task]) -> Iterator[DocResult]:
        pending: deque[Task] = deque(tasks)
        suspects: deque[Task] = deque()  # in flight when a worker died: rerun one at a time
        breaks: dict[str, int] = {}  # task.shown → pools broken or killed while it was in flight
        barren = 0  # pools in a row that broke before any task began: the workers cannot start
        in_flight: dict[Future[DocResult], Task] = {}
        started: dict[str, tuple[float, int]] = {}  # task.shown → (when, pid) a worker began it
        opts = self.options.process_options
        deadline = self.options.deadline
        try:
            while pending or suspects or in_flight:
                if self._pool is None:
                    self._pool = self._new_pool()
                if suspects:  # alone in the pool: if it breaks the pool, it is the cause
                    if not in_flight:
                        task = suspects.popleft()
                        in_flight[self._pool.submit(_run_local, self.fn, task, opts)] = task
                else:
                    while pending and len(in_flight) < 2 * self.options.workers:  # one queued per worker
                        task = pending.popleft()
                        in_flight[self._pool.submit(_run_local, self.fn, task, opts)] = task
                done, _ = wait(list(in_flight), timeout=0.25, return_when=FIRST_COMPLETED)
                self._drain_starts(started)
                broken = False
                for fut in done:
                    try:
                        result = fut.result()
                    except BrokenProcessPool:
                        broken = True
                        continue
                    except Exception as exc:  # noqa: BLE001 - e.g. a result that did not unpickle
                        result = failed(in_flight[fut], internal_reason(exc, in_flight[fut]))
                    del in_flight[fut]
                    barren = 0
                    yield result
                now = time.monotonic()
                dead = {t.shown for t in in_flight.values() if t.shown in started and not self._alive(started[t.shown][1])}
                overdue = [
                    f for f, t in in_flight.items()
                    if deadline and t.shown in started and t.shown not in dead and now - started[t.shown][0] > deadline
                ]  # fmt: skip
                if not (broken or dead or overdue):
                    continue
                # the pool is broken or must be killed: everything still in flight is affected
                barren = barren + 1 if not any(t.shown in started for t in in_flight.values()) else 0
                if barren >= 3:
                    raise WorkerStartError("本机工作进程无法启动（worker processes cannot start）")
                alone = sum(t.shown in started for t in in_flight.values()) == 1
                for fut in overdue:
                    task = in_flight.pop(fut)
                    yield failed(task, timeout_reason(self.options.seconds), now - started[task.shown][0])
                self._kill_pool()
                for task in in_flight.values():
                    began = started.pop(task.shown, None) is not None
                    breaks[task.shown] = breaks.get(task.shown, 0) + 1
                    if breaks[task.shown] >= 3:  # whatever the reason, never retried forever
                        yield failed(task, CRASH_REASON)
                    elif not began:
                        pending.appendleft(task)  # still queued: innocent
                    elif alone and (broken or task.shown in dead):
                        yield failed(task, CRASH_REASON)
                    elif overdue and not dead and not broken:
                        pending.appendleft(task)  # innocent: only a stuck neighbour was killed
                    else:
                        suspects.append(task)
                in_flight.clear()
        finally:
            self._kill_pool() if in_flight else self.close()

    def _alive(self, pid: int) -> bool:
        proc = getattr(self._pool, "_processes", {}).get(pid) if self._pool is not None else None
        return proc is None or proc.exitcode is None  # unknown (retired normally): not ours to judge

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)


_starts: Any = None  # in a local worker: the queue to say when a task begins


def _start_local_worker(memory_bytes: int, starts: Any) -> None:
    global _starts
    _starts = starts
    cap_worker(memory_bytes)


def _run_local(fn: Callable[[Task, ProcessOptions], DocResult], task: Task, options: ProcessOptions) -> DocResult:
    """A local worker's task: say it began (the parent's clock for the deadline starts), run it."""
    if _starts is not None:
        _starts.put((task.shown, os.getpid()))
    return fn(task, options)


class RayEngine:
    name = "ray"

    def __init__(self, options: EngineOptions) -> None:
        import ray

        self.ray = ray
        self.options = options
        self._started_here = False
        if not ray.is_initialized():
            address = os.environ.get("RAY_ADDRESS")
            extra: dict[str, Any] = {"log_to_driver": False}
            if os.environ.get(RUNTIME_ENV):  # e.g. {"pip": ["juesuan[ray]"]}: the package on every node
                extra["runtime_env"] = json.loads(os.environ[RUNTIME_ENV])
            if address:
                ray.init(address=address, **extra)
            else:
                ray.init(num_cpus=options.workers, include_dashboard=False, **extra)
            self._started_here = True
        self._remote = ray.remote(max_retries=0, num_cpus=1)(_ray_process)

    def run(self, tasks: Iterable[Task]) -> Iterator[DocResult]:
        ray = self.ray
        pending: deque[Task] = deque(tasks)
        in_flight: dict[Any, tuple[Task, float]] = {}
        opts = self.options.process_options
        limit = max(1, self.options.workers) * 2
        deadline = self.options.deadline
        while pending or in_flight:
            while pending and len(in_flight) < limit:
                task = pending.popleft()
                in_flight[self._remote.remote(task, opts, self.options.memory_bytes)] = (task, time.monotonic())
            done, _ = ray.wait(list(in_flight), num_returns=1, timeout=0.5)
            for ref in done:
                task, _start = in_flight.pop(ref)
                try:
                    yield ray.get(ref)
                except Exception:  # noqa: BLE001 - the worker died (OOM kill, crash)
                    yield failed(task, CRASH_REASON)
            if deadline:
                now = time.monotonic()
                # a task's clock starts when it is handed over; at most `limit` are, so a
                # queued one waits for at most one other
                for ref, (task, start) in list(in_flight.items()):
                    if now - start > deadline * 2:
                        ray.cancel(ref, force=True)
                        del in_flight[ref]
                        yield failed(task, timeout_reason(self.options.seconds), now - start)

    def close(self) -> None:
        if self._started_here:
            self.ray.shutdown()


def _ray_process(task: Task, options: ProcessOptions, memory_bytes: int) -> DocResult:
    """A Ray task: :func:`process` in a Ray worker. Its memory is watched by Ray's memory
    monitor (an address-space cap would break the worker's shared object store)."""
    return process(task, options)


def make_engine(name: str, options: EngineOptions) -> LocalEngine | RayEngine:
    if name == "ray":
        return RayEngine(options)
    return LocalEngine(options)


__all__ = ["CRASH_REASON", "EngineOptions", "LocalEngine", "RayEngine", "make_engine", "timeout_reason"]
