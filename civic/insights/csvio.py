"""Reading answer CSV files: encoding detection, columns, preview (pure, no Flask).

Encodings tried: UTF-16 with BOM (Excel's 「Unicode テキスト」), UTF-8 with BOM, UTF-8, then CP932
(Shift_JIS as written by Excel on Windows). Fields are separated by commas, or by tabs when the
header row has more tabs than commas (「Unicode テキスト」 and 「テキスト (タブ区切り)」 are tab
separated). Any problem -- undecodable bytes, a quote left open, a row with more fields than
the header -- raises :class:`CsvImportError` naming the line and the kind of problem (``reason``,
one of :data:`REASONS`, for pages to say in the reader's language); nothing partial is returned.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass

MAX_FIELD = 1_000_000  # characters; pasted long texts are fine, runaway quotes are not
TEXT_COLUMN_HINTS = ("text", "本文", "意見", "回答", "内容", "コメント", "comment", "answer", "body")


# Each kind of problem (``CsvImportError.reason``) and how the command line says it.
REASONS = {
    "invalid_utf8": "invalid UTF-8 byte",
    "invalid_utf16": "invalid UTF-16 text",
    "undecodable": "cannot decode as UTF-8 or CP932 (Shift_JIS)",
    "binary": "NUL byte (is this a binary file?)",
    "empty": "the file is empty",
    "empty_header": "the header row is empty",
    "no_rows": "the file has a header but no rows",
    "open_quote": "a quoted field is never closed",
    "bad_quote": "a quotation mark inside a field is not doubled",
    "field_too_long": f"a field is longer than {MAX_FIELD:,} characters",
    "too_many_fields": "{fields} fields but the header has {columns}",
    "no_column": "no column {column!r}; columns are {columns}",
}


class CsvImportError(ValueError):
    """A CSV file could not be read.  ``line`` is 1-based (``None`` if unknown); ``reason`` is
    a key of :data:`REASONS` and ``details`` fill its placeholders."""

    def __init__(self, reason: str, line: int | None = None, **details):
        self.reason, self.line, self.details = reason, line, details
        message = REASONS[reason].format(**details)
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass
class CsvTable:
    columns: list[str]
    rows: list[dict[str, str]]
    encoding: str  # "utf-16" | "utf-8-sig" | "utf-8" | "cp932"
    delimiter: str = ","

    def column(self, name: str) -> list[str]:
        if name not in self.columns:
            raise CsvImportError("no_column", column=name, columns=self.columns)
        return [r.get(name) or "" for r in self.rows]


def _read_bytes(source: str | os.PathLike | bytes) -> bytes:
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    with open(source, "rb") as f:
        return f.read()


def decode(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes; return ``(text, encoding)``.  Raises CsvImportError on failure."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as e:
            line = data[:e.start].decode("utf-16", "replace").count("\n") + 1
            raise CsvImportError("invalid_utf16", line) from None
        return text, "utf-16"
    if data.startswith(b"\xef\xbb\xbf"):
        enc = "utf-8-sig"
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError as e:
            # The decoder's positions start after the 3-byte BOM.
            raise CsvImportError("invalid_utf8", _line_of(data, e.start + 3)) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e_utf8:
        try:
            return data.decode("cp932"), "cp932"
        except UnicodeDecodeError as e:
            # The decoder that got further is most likely the file's real encoding.
            pos = max(e_utf8.start, e.start)
            raise CsvImportError("undecodable", _line_of(data, pos)) from None


def _line_of(data: bytes, pos: int) -> int:
    return data.count(b"\n", 0, pos) + 1


def _csv_problem(error: csv.Error) -> str:
    """The kind of problem behind one of the csv module's (English-only) messages."""
    message = str(error)
    if "field larger than field limit" in message:
        return "field_too_long"
    if "unexpected end of data" in message:
        return "open_quote"
    return "bad_quote"


def delimiter_of(text: str) -> str:
    """Tabs when the header row has more tabs than commas, else commas."""
    header = text.split("\n", 1)[0]
    return "\t" if header.count("\t") > header.count(",") else ","


def read_csv(source: str | os.PathLike | bytes, limit: int | None = None) -> CsvTable:
    """Read a whole CSV file (header row required).  ``limit`` stops after that many rows."""
    text, enc = decode(_read_bytes(source))
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise CsvImportError("binary", line)
    delimiter = delimiter_of(text)
    old = csv.field_size_limit()
    csv.field_size_limit(MAX_FIELD)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            raise CsvImportError("empty", 1) from None
        except csv.Error as e:
            raise CsvImportError(_csv_problem(e), reader.line_num or 1) from None
        columns = [h.strip() for h in header]
        if not any(columns):
            raise CsvImportError("empty_header", 1)
        seen = set()
        for i, c in enumerate(columns):
            if c in seen or not c:
                columns[i] = f"{c or 'column'}_{i + 1}"
            seen.add(columns[i])
        rows: list[dict[str, str]] = []
        while True:
            start = reader.line_num + 1
            try:
                rec = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                raise CsvImportError(_csv_problem(e), start) from None
            if not rec or not any(x.strip() for x in rec):
                continue  # blank line
            if len(rec) > len(columns):
                raise CsvImportError("too_many_fields", start, fields=len(rec),
                                     columns=len(columns))
            rows.append(dict(zip(columns, rec + [""] * (len(columns) - len(rec)), strict=True)))
            if limit is not None and len(rows) >= limit:
                break
    finally:
        csv.field_size_limit(old)
    return CsvTable(columns, rows, enc, delimiter)


def list_columns(source: str | os.PathLike | bytes) -> list[str]:
    return read_csv(source, limit=1).columns


def preview(source: str | os.PathLike | bytes, n: int = 5) -> CsvTable:
    """The header and the first ``n`` rows."""
    return read_csv(source, limit=n)


def guess_text_column(table: CsvTable) -> str:
    """A column named like a free-text field, else the one with the longest average value."""
    low = {c.casefold(): c for c in table.columns}
    for h in TEXT_COLUMN_HINTS:
        if h in low:
            return low[h]
    sample = table.rows[:500]

    def avg_len(c: str) -> float:
        return sum(len(r.get(c) or "") for r in sample) / max(1, len(sample))

    return max(table.columns, key=avg_len)


def read_texts(
    source: str | os.PathLike | bytes, text_column: str | None = None
) -> tuple[list[str], CsvTable]:
    """Texts of ``text_column`` (guessed if ``None``) in file order, plus the table."""
    table = read_csv(source)
    col = text_column or guess_text_column(table)
    return table.column(col), table
