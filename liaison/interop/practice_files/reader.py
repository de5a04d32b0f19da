"""Streaming CSV reading that knows the physical line each record starts on.

The file is read in binary, one physical line at a time, so that a byte that is not UTF-8
is pinned to its line (a text-mode reader would fail somewhere in a buffer with no line to
show). Bad bytes are decoded with `surrogateescape`: valid UTF-8 never decodes to a lone
surrogate, so a value holding one is exactly a value that was not UTF-8.
"""

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

BOM = b"\xef\xbb\xbf"
# A byte that was not UTF-8 (as a surrogate escape), or NUL, which no database text holds.
BAD_BYTE = re.compile("[\x00\udc80-\udcff]")


def bad_byte(value: str) -> int | None:
    """The first byte of `value` that cannot be text: not UTF-8, or NUL; None when none."""
    match = BAD_BYTE.search(value)
    if not match:
        return None
    return 0 if match.group() == "\x00" else ord(match.group()) - 0xDC00


def has_nul(path: Path) -> bool:
    """Whether the file holds a NUL byte anywhere (read in blocks: memory stays flat)."""
    with open(path, "rb") as binary:
        while block := binary.read(1 << 20):
            if b"\x00" in block:
                return True
    return False


class MalformedCSV(Exception):
    """The CSV itself cannot be read on from `line` (e.g. a quote that never closes)."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


class NotUTF8(Exception):
    """Raised by a fast reader meeting a byte that is not UTF-8: read again, carefully."""


class PracticeFileReader:
    """Yields (line, values) for each record of one CSV file; line 1 is the header.

    The fast reader decodes in C and stops with NotUTF8 at the first bad byte; the careful
    one decodes line by line, marks bad bytes (NUL among them), and reads on.
    """

    def __init__(self, path: Path, *, careful: bool = False):
        self.path = path
        self.careful = careful
        self.header: list[str] = []
        self.had_bad_bytes = False  # set while reading; the caller checks values then
        self._binary = None

    @property
    def bytes_read(self) -> int:
        return self._binary.tell() if self._binary else 0

    def _careful_lines(self, binary) -> Iterator[str]:
        first = True
        for raw in binary:
            if first:
                raw = raw.removeprefix(BOM)
                first = False
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                line = raw.decode("utf-8", "surrogateescape")
                self.had_bad_bytes = True
            if "\x00" in line:
                self.had_bad_bytes = True
            yield line

    def records(self) -> Iterator[tuple[int, list[str]]]:
        with open(self.path, "rb") as binary:
            self._binary = binary
            if self.careful:
                lines = self._careful_lines(binary)
            else:
                lines = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
            try:
                yield from self._records(csv.reader(lines, strict=True))
            except UnicodeDecodeError as error:
                raise NotUTF8(str(error)) from error
            finally:
                self._binary = None

    def _records(self, reader) -> Iterator[tuple[int, list[str]]]:
        previous_end = 0
        while True:
            start = previous_end + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise MalformedCSV(start, str(error)) from error
            previous_end = reader.line_num
            if start == 1:
                self.header = [name.strip() for name in values]
            # A blank line, or a spreadsheet's row of empty cells, holds no record.
            elif not values or (not values[0].strip() and not any(v.strip() for v in values)):
                continue
            yield start, values
