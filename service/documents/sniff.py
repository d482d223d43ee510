"""What a file is, from its bytes alone: PDF, JPEG or PNG, by magic number and a cheap look at its structure.

The name a client gives and the ``Content-Type`` it sends are not looked at: a renamed executable, an
HTML page or a truncated upload is refused. The structural check is bounded (the first and last few
hundred bytes, and PNG's first chunk), not a parse of the whole file.
"""

from __future__ import annotations

import struct

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"
TAIL = 1024  # how much of the end of the file the checks look at


def _pdf(head: bytes, tail: bytes) -> str | None:
    if not head.startswith(b"%PDF-") or head[5:8] not in (b"1.0", b"1.1", b"1.2", b"1.3", b"1.4", b"1.5", b"1.6", b"1.7", b"2.0"):
        return "not a PDF header"
    return None if b"%%EOF" in tail else "the PDF has no end-of-file marker (truncated?)"


def _jpeg(head: bytes, tail: bytes) -> str | None:
    if not head.startswith(b"\xff\xd8\xff") or len(head) < 4 or head[3] not in (0xE0, 0xE1, 0xDB, 0xEE, 0xC0, 0xC2, 0xFE, 0xE2):
        return "not a JPEG start of image"
    return None if b"\xff\xd9" in tail[-64:] else "the JPEG has no end-of-image marker (truncated?)"


def _png(head: bytes, tail: bytes) -> str | None:
    if not head.startswith(_PNG_SIGNATURE) or len(head) < 33:
        return "not a PNG signature"
    length, chunk = struct.unpack(">I4s", head[8:16])
    width, height = struct.unpack(">II", head[16:24])
    if length != 13 or chunk != b"IHDR" or not 0 < width <= 100_000 or not 0 < height <= 100_000:
        return "the PNG does not start with a valid IHDR chunk"
    return None if tail.endswith(_PNG_END) else "the PNG does not end with IEND (truncated?)"


_CHECKS = ((b"%PDF-", PDF, _pdf), (b"\xff\xd8\xff", JPEG, _jpeg), (_PNG_SIGNATURE, PNG, _png))


def sniff(head: bytes, tail: bytes) -> tuple[str | None, str]:
    """(content type, "") for an accepted file, or (None, why not) from its first and last bytes."""
    for magic, content_type, check in _CHECKS:
        if head.startswith(magic[:3]):
            problem = check(head, tail)
            return (None, problem) if problem else (content_type, "")
    return None, "only PDF, JPEG and PNG files are accepted (the type is read from the content, not the name)"
