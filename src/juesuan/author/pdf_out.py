"""PDF through LibreOffice headless, from the DOCX (``soffice --headless --convert-to pdf``)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .docx_out import write_docx
from .parts import Part


class OfficeUnavailable(RuntimeError):
    """LibreOffice (soffice) is not installed."""


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise OfficeUnavailable("未找到 LibreOffice（soffice）：请运行 make system-deps 或安装 libreoffice-writer-nogui")
    return exe


def convert(src: Path, fmt: str, outdir: Path, timeout: int = 180) -> Path:
    """Convert ``src`` with LibreOffice into ``outdir`` (a private profile, so runs never clash)."""
    exe = soffice()
    with tempfile.TemporaryDirectory(prefix="juesuan-lo-") as profile:
        cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
               "--outdir", str(outdir), str(src)]
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
    out = outdir / (src.stem + "." + fmt.split(":")[0])
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"LibreOffice 转换失败：{proc.stderr.decode('utf-8', 'replace')[:300]}")
    return out


def write_pdf(parts: list[Part], path: str | Path) -> None:
    path = Path(path)
    soffice()
    with tempfile.TemporaryDirectory(prefix="juesuan-author-") as tmp:
        docx = Path(tmp) / (path.stem + ".docx")
        write_docx(parts, docx)
        pdf = convert(docx, "pdf", Path(tmp))
        shutil.move(str(pdf), path)
