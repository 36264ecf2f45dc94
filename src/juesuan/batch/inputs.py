"""What a batch reads: folders (recursive), globs, zips and plain files → :class:`Input` items.

A zip's documents are extracted to a temporary folder, safely: member names never leave it
(no absolute paths, no ``..``, no links), each member is read in chunks and stopped at the
reading limits' file size (:attr:`juesuan.limits.Limits.file_bytes`, whatever its header claims),
the whole archive at :data:`ZIP_TOTAL_FACTOR` times that, and a member that inflates more than
:data:`ZIP_MAX_RATIO` times is refused as a zip bomb. A member refused is an input that failed,
with its reason; the rest of the archive is still read.
"""

from __future__ import annotations

import glob
import hashlib
import os
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterator

from ..limits import current

# What a batch takes from a folder or a zip (the same as ``juesuan ingest FOLDER``).
DOCUMENT_SUFFIXES = frozenset(
    {".pdf", ".docx", ".xlsx", ".xlsm", ".xls", ".html", ".htm", ".txt", ".md", ".markdown", ".text"}
)
ZIP_TOTAL_FACTOR = 4  # a zip may hold at most this many times Limits.file_bytes, uncompressed
ZIP_MAX_RATIO = 200  # a member inflating more than this (and past 1 MiB) is a zip bomb
ZIP_MAX_MEMBERS = 100_000
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Input:
    """A file to process (``path``), the name shown for it, or why it cannot be (``problem``)."""

    path: str
    shown: str
    problem: str = ""


def is_document(name: str) -> bool:
    base = os.path.basename(name)
    return Path(base).suffix.lower() in DOCUMENT_SUFFIXES and not base.startswith((".", "~$"))


def discover(paths: list[str], workdir: Path) -> tuple[list[Input], list[str]]:
    """The inputs named by ``paths`` (folders, globs, zips, files) and the notes about them
    (a folder or glob with nothing in it). Zips are extracted under ``workdir``."""
    found: list[Input] = []
    notes: list[str] = []
    seen: set[str] = set()

    def add(item: Input) -> None:
        key = item.shown
        if key not in seen:
            seen.add(key)
            found.append(item)

    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and is_document(f.name))
            zips = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() == ".zip")
            if not files and not zips:
                notes.append(f"{raw}：文件夹中没有可读取的文件")
            for f in files:
                add(Input(str(f), str(f)))
            for z in zips:
                for item in extract_zip(z, workdir):
                    add(item)
        elif p.suffix.lower() == ".zip" and p.exists():
            for item in extract_zip(p, workdir):
                add(item)
        elif p.exists() or p.is_symlink():
            add(Input(str(p), str(p)))
        elif glob.has_magic(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                notes.append(f"{raw}：没有匹配的文件")
            for m in matches:
                mp = Path(m)
                if mp.is_dir():
                    continue
                if mp.suffix.lower() == ".zip":
                    found.extend(x for x in extract_zip(mp, workdir) if x.shown not in seen)
                elif is_document(m):
                    add(Input(m, m))
        else:
            add(Input(raw, raw, problem=f"{raw}：文件不存在"))
    return found, notes


def _safe_member_path(name: str) -> PurePosixPath | None:
    """The member's path inside the extraction folder, or None when it would leave it."""
    name = name.replace("\\", "/")
    pure = PurePosixPath(name)
    if pure.is_absolute() or any(part in ("..", "") for part in pure.parts) or ":" in pure.parts[0]:
        return None
    return pure


def extract_zip(archive: Path, workdir: Path) -> list[Input]:
    """The documents of ``archive``, extracted under ``workdir`` (see the module's doc)."""
    limits = current()
    per_member = limits.file_bytes or 0
    total_cap = per_member * ZIP_TOTAL_FACTOR if per_member else 0
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        return [Input(str(archive), str(archive), problem=f"{archive}：不是可读取的 zip 文件（{exc}）")]
    out: list[Input] = []
    target = Path(tempfile.mkdtemp(prefix="zip-", dir=workdir))
    total = 0
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        if len(members) > ZIP_MAX_MEMBERS:
            return [Input(str(archive), str(archive), problem=f"{archive}：zip 中文件过多（{len(members)} 个）")]
        for m in members:
            shown = f"{archive}!{m.filename}"
            if not is_document(m.filename):
                continue
            rel = _safe_member_path(m.filename)
            mode = (m.external_attr >> 16) & 0o170000
            if rel is None or mode == stat.S_IFLNK:
                out.append(Input(shown, shown, problem=f"{shown}：zip 成员路径不安全，已拒绝"))
                continue
            if per_member and m.file_size > per_member:
                out.append(Input(shown, shown, problem=f"{shown}：解压后大小超过上限 {per_member:,} 字节"))
                continue
            dest = target.joinpath(*rel.parts)
            reason = _copy_member(zf, m, dest, per_member, total_cap - total if total_cap else 0)
            if isinstance(reason, str):
                dest.unlink(missing_ok=True)
                out.append(Input(shown, shown, problem=f"{shown}：{reason}"))
                if "总大小" in reason:
                    break
                continue
            total += reason
            out.append(Input(str(dest), shown))
    return out


def _copy_member(zf: zipfile.ZipFile, m: zipfile.ZipInfo, dest: Path, cap: int, room: int) -> int | str:
    """Extract one member in chunks; its size, or why it was refused."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with zf.open(m) as src, open(dest, "wb") as fh:
            while True:
                chunk = src.read(_CHUNK)
                if not chunk:
                    break
                written += len(chunk)
                if cap and written > cap:
                    return f"解压后大小超过上限 {cap:,} 字节"
                if room and written > room:
                    return "zip 解压后总大小超过上限"
                if written > _CHUNK and m.compress_size and written / m.compress_size > ZIP_MAX_RATIO:
                    return f"压缩比超过 {ZIP_MAX_RATIO} 倍，疑似压缩炸弹，已拒绝"
                fh.write(chunk)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
        return f"无法解压（{exc}）"
    return written


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def hashed(items: list[Input]) -> Iterator[tuple[Input, str | None, str]]:
    """Each input with its content hash, or None and why it cannot be read."""
    for item in items:
        if item.problem:
            yield item, None, item.problem
            continue
        try:
            st = os.stat(item.path)
            if not stat.S_ISREG(st.st_mode):
                yield item, None, f"{item.shown}：不是普通文件"
                continue
            yield item, file_sha256(item.path), ""
        except OSError as exc:
            yield item, None, f"{item.shown}：无法读取（{exc.strerror or exc}）"


__all__ = ["DOCUMENT_SUFFIXES", "Input", "discover", "extract_zip", "file_sha256", "hashed", "is_document"]
