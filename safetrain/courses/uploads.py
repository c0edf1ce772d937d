"""Lesson files: type and size limits, checked before anything is stored.

PDF lessons take .pdf files that start with %PDF-; video lessons take .mp4 (an ISO BMFF 'ftyp'
box) or .webm (an EBML header). Sizes: settings COURSES_MAX_PDF_BYTES (default 50 MB) and
COURSES_MAX_VIDEO_BYTES (default 500 MB). The file goes to Django's default storage (local
MEDIA_ROOT unless configured otherwise, see docs/courses.md)."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import IO, Any

from django.conf import settings

MB = 1024 * 1024
EXTENSIONS = {"pdf": (".pdf",), "video": (".mp4", ".webm")}
CONTENT_TYPES = {".pdf": "application/pdf", ".mp4": "video/mp4", ".webm": "video/webm"}


def max_bytes(kind: str) -> int:
    if kind == "pdf":
        return int(getattr(settings, "COURSES_MAX_PDF_BYTES", 50 * MB))
    return int(getattr(settings, "COURSES_MAX_VIDEO_BYTES", 500 * MB))


def _head(file: IO[bytes] | Any) -> bytes:
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    return bytes(head)


def _looks_like(ext: str, head: bytes) -> bool:
    if ext == ".pdf":
        return head.startswith(b"%PDF-")
    if ext == ".mp4":
        return head[4:8] == b"ftyp"
    if ext == ".webm":
        return head.startswith(b"\x1a\x45\xdf\xa3")
    return False


def check_upload(kind: str, file: Any) -> str | None:
    """None when the file is acceptable for a lesson of this kind, else the reason (Chinese)."""
    if kind not in EXTENSIONS:
        return "图文课时不能上传文件，请选择视频或 PDF 类型。"
    name = str(getattr(file, "name", "") or "")
    ext = PurePosixPath(name.lower()).suffix
    allowed = EXTENSIONS[kind]
    if ext not in allowed:
        return (
            f"不支持的文件类型“{ext or '无扩展名'}”：{kind} 课时只接受 {'、'.join(allowed)} 文件。"
        )
    size = int(getattr(file, "size", 0) or 0)
    if size <= 0:
        return "文件为空。"
    limit = max_bytes(kind)
    if size > limit:
        return f"文件过大：{size / MB:.1f} MB，上限 {limit / MB:.0f} MB。"
    if not _looks_like(ext, _head(file)):
        return f"文件内容与扩展名 {ext} 不符（不是有效的 {ext[1:].upper()} 文件）。"
    return None
