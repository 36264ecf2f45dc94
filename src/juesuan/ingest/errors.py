"""The one error type for input that cannot be used (CLI exit code 2), and its limit variant."""

from __future__ import annotations

import os
import stat
from pathlib import Path


class InputError(Exception):
    """The input is unusable: empty, binary, unreadable, or holds no recognisable table."""


class LimitExceeded(InputError):
    """The input is past a resource limit (:mod:`juesuan.limits`); the message names the limit and
    the environment variable that raises it."""

    def __init__(self, name: str, limit: int, value: int | None = None, source: str = "") -> None:
        from ..limits import LIMIT_LABELS, env_name

        self.name, self.limit, self.value, self.source = name, limit, value, source
        label = LIMIT_LABELS.get(name, name)
        seen = f"（{value:,}）" if value is not None else ""
        where = f"{source}: " if source else ""
        super().__init__(
            f"{where}超过上限：{label}{seen}超过 {limit:,} "
            f"(limit {name} exceeded; raise it with {env_name(name)}=<n>, 0 = no limit)"
        )


def unreadable(what: object, exc: OSError) -> InputError:
    """The one-line error for a file that cannot be opened (``what``: its name or path)."""
    if isinstance(exc, FileNotFoundError):
        return InputError(f"{what}: 文件不存在 (no such file)")
    if isinstance(exc, IsADirectoryError):
        return InputError(f"{what}: 是目录而不是文件 (is a directory)")
    if isinstance(exc, PermissionError):
        return InputError(f"{what}: 没有读取权限 (permission denied)")
    reason = exc.strerror or "I/O error"
    return InputError(f"{what}: 无法读取 ({reason})")


_KINDS = (
    (stat.S_ISDIR, "是目录而不是文件 (is a directory)"),
    (stat.S_ISFIFO, "是管道而不是普通文件 (a FIFO, not a regular file)"),
    (stat.S_ISCHR, "是设备而不是普通文件 (a character device, not a regular file)"),
    (stat.S_ISBLK, "是设备而不是普通文件 (a block device, not a regular file)"),
    (stat.S_ISSOCK, "是套接字而不是普通文件 (a socket, not a regular file)"),
)


def require_regular_file(path: str | os.PathLike[str], name: str | None = None) -> int:
    """The size of ``path`` when it is a regular file (symlinks followed); else the one-line
    :class:`InputError` — before anything opens it (a FIFO would block, a device never ends)."""
    p = Path(path)
    what = name if name is not None else p.name or str(p)
    try:
        st = os.stat(p)
    except OSError as exc:
        raise unreadable(what, exc) from None
    if not stat.S_ISREG(st.st_mode):
        for test, message in _KINDS:
            if test(st.st_mode):
                raise InputError(f"{what}: {message}")
        raise InputError(f"{what}: 不是普通文件 (not a regular file)")
    return st.st_size


def read_bounded(path: str | os.PathLike[str], limit_name: str, name: str | None = None) -> bytes:
    """The bytes of a regular file, reading at most the limit + 1 bytes (a file that grows, or an
    endless one, is never read whole); past the limit, :class:`LimitExceeded`."""
    from ..limits import current

    p = Path(path)
    what = name if name is not None else p.name
    require_regular_file(p, what)
    limits = current()
    cap = getattr(limits, limit_name) or 0
    try:
        with p.open("rb") as fh:
            data = fh.read(cap + 1) if cap else fh.read()
    except OSError as exc:
        raise unreadable(what, exc) from None
    if cap and len(data) > cap:
        raise LimitExceeded(limit_name, cap, None, what)
    return data
