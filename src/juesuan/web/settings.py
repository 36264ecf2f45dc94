"""The web app's settings: upload and worker limits, token, proxies, CSRF secret.

Reading limits (pages, sheets, cells, decompressed bytes, time per document, …) are those of
:mod:`juesuan.limits` (``JUESUAN_MAX_*``); the web adds what only a server needs:

=============================  ===============================  =================================
setting                        environment                      default
=============================  ===============================  =================================
``max_upload_bytes``           ``JUESUAN_WEB_MAX_UPLOAD_MB``    50 MiB
``max_pages``                  ``JUESUAN_WEB_MAX_PAGES``        500 (PDF pages of one upload)
``worker_memory_bytes``        ``JUESUAN_WEB_WORKER_MEMORY_MB`` 1024 MiB address space per read
``worker_seconds``             ``JUESUAN_WEB_WORKER_SECONDS``   300 s wall time per read (at most
                                                                ``JUESUAN_MAX_SECONDS``)
``max_workers``                ``JUESUAN_WEB_WORKERS``          reads at once: the CPU count, 1-4
                                                                (more uploads wait their turn)
``forwarded_allow_ips``        ``JUESUAN_FORWARDED_ALLOW_IPS``  none: proxy headers are not trusted
``secret``                     ``JUESUAN_SECRET``               random per process (signs CSRF
                                                                tokens)
=============================  ===============================  =================================

``0`` for a size, memory or time setting means "no limit".
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from typing import Mapping

MIB = 1024 * 1024
# The largest record id a path or query may name: the store's id columns are INTEGER, 32-bit on
# PostgreSQL (SQLite's are 64-bit, but ids count up from 1). Offsets may be any signed 64-bit value.
MAX_ID = 2**31 - 1
MAX_OFFSET = 2**63 - 1

DEFAULT_UPLOAD_BYTES = 50 * MIB
DEFAULT_PAGES = 500
DEFAULT_WORKER_MEMORY = 1024 * MIB
DEFAULT_WORKER_SECONDS = 300.0


def _env_number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw.strip().replace("_", ""))
    except ValueError:
        return default
    return value if value >= 0 else default


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def parse_networks(spec: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """``"127.0.0.1, 10.0.0.0/8"`` → ("127.0.0.1", "10.0.0.0/8"); "*" trusts every peer.
    Invalid entries raise ValueError (a typo must not silently trust nobody or everybody)."""
    if spec is None:
        return ()
    parts = spec.split(",") if isinstance(spec, str) else list(spec)
    out: list[str] = []
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if p != "*":
            ipaddress.ip_network(p, strict=False)  # raises ValueError
        out.append(p)
    return tuple(out)


@dataclass(frozen=True)
class WebSettings:
    max_upload_bytes: int = DEFAULT_UPLOAD_BYTES
    max_pages: int = DEFAULT_PAGES
    worker_memory_bytes: int = DEFAULT_WORKER_MEMORY
    worker_seconds: float = DEFAULT_WORKER_SECONDS
    max_workers: int = field(default_factory=lambda: default_workers())
    forwarded_allow_ips: tuple[str, ...] = ()
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "WebSettings":
        env = os.environ if environ is None else environ
        from .. import limits

        seconds = _env_number(env, "JUESUAN_WEB_WORKER_SECONDS", DEFAULT_WORKER_SECONDS)
        per_document = limits.current().seconds
        if per_document and (not seconds or seconds > per_document):
            seconds = float(per_document)
        secret = env.get("JUESUAN_SECRET")
        return cls(
            max_upload_bytes=int(_env_number(env, "JUESUAN_WEB_MAX_UPLOAD_MB", DEFAULT_UPLOAD_BYTES / MIB) * MIB),
            max_pages=int(_env_number(env, "JUESUAN_WEB_MAX_PAGES", DEFAULT_PAGES)),
            worker_memory_bytes=int(
                _env_number(env, "JUESUAN_WEB_WORKER_MEMORY_MB", DEFAULT_WORKER_MEMORY / MIB) * MIB
            ),
            worker_seconds=seconds,
            max_workers=max(1, int(_env_number(env, "JUESUAN_WEB_WORKERS", default_workers()))),
            forwarded_allow_ips=parse_networks(env.get("JUESUAN_FORWARDED_ALLOW_IPS")),
            secret=secret.encode() if secret else secrets.token_bytes(32),
        )

    def trusts(self, peer: str | None) -> bool:
        """Whether proxy headers from ``peer`` (the TCP peer address) are believed."""
        if not peer or not self.forwarded_allow_ips:
            return False
        if "*" in self.forwarded_allow_ips:
            return True
        try:
            addr = ipaddress.ip_address(peer.strip("[]"))
        except ValueError:
            return False
        return any(addr in ipaddress.ip_network(n, strict=False) for n in self.forwarded_allow_ips)


__all__ = ["MAX_ID", "MAX_OFFSET", "WebSettings", "parse_networks"]
