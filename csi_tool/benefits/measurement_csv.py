"""Reading `csi measure --import FILE`: measurements as real exports write them, or a finding.

Exports from spreadsheets and ITSM tools differ in small ways that must not stop a user:
header names in any case and with spaces around them, a semicolon delimiter (Excel in much of
Europe), a byte order mark, columns that are not measurements. What would silently change the
data is refused at its row instead: a row with more fields than the header (an unquoted comma
in a note), a field longer than any real one, text that is not UTF-8 (the message says what it
looks like), and anything but a plain file of a sane size (a device or a pipe never ends).
"""

from __future__ import annotations

import csv
import io
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from csi_tool.errors import ConfigError, Finding

REQUIRED = ("id", "metric", "date", "value")
OPTIONAL = ("source", "note")
MAX_BYTES = 20 * 1024 * 1024  # a year of daily measurements for every metric is far less
MAX_FIELD = 20_000  # the longest text a record accepts
_DELIMITERS = ",;\t"


@dataclass(frozen=True)
class CsvRow:
    """One data row: its line in the file and its cells by canonical column name."""

    line: int
    cells: dict[str, str]


def read_rows(
    path: Path, shown: str, delimiter: str | None = None, ignore: Sequence[str] = ()
) -> tuple[list[CsvRow], list[Finding]]:
    """The rows of a measurements CSV, or findings at `shown:row` for what cannot be read."""
    text, problem = _text_of(path, shown)
    if problem is not None:
        return [], [problem]
    delimiter = delimiter or _sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [name.strip().lower() for name in next(reader, [])]
    except csv.Error as e:
        return [], [Finding(shown, 1, 1, "", f"the header cannot be read: {e}")]
    ignored = {name.strip().lower() for name in ignore}
    header_problem = _header_problem(header, ignored, delimiter)
    if header_problem:
        return [], [Finding(shown, 1, 1, "", header_problem)]
    rows: list[CsvRow] = []
    problems: list[Finding] = []
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as e:  # an unclosed quote, a field past the csv module's limit
            problems.append(Finding(shown, reader.line_num, 1, "", f"row cannot be read: {e}"))
            break  # the reader's position after a broken row is unreliable
        if not any(field.strip() for field in fields):
            continue  # a blank line, as spreadsheets leave at the end
        line = reader.line_num
        if len(fields) != len(header):
            problems.append(
                Finding(
                    shown,
                    line,
                    1,
                    "",
                    f"{len(fields)} fields where the header has {len(header)}: quote a field "
                    f"that contains the delimiter {delimiter!r}",
                )
            )
            continue
        long = next((n for n, f in zip(header, fields, strict=True) if len(f) > MAX_FIELD), None)
        if long is not None:
            message = f"the {long} field is longer than {MAX_FIELD} characters"
            problems.append(Finding(shown, line, 1, "", message))
            continue
        cells = {
            name: field.strip()
            for name, field in zip(header, fields, strict=True)
            if name not in ignored
        }
        rows.append(CsvRow(line, cells))
    if not rows and not problems:
        problems.append(Finding(shown, 1, 1, "", "no rows to import"))
    return rows, problems


def _text_of(path: Path, shown: str) -> tuple[str, Finding | None]:
    try:
        mode = path.stat().st_mode
    except OSError as e:
        raise ConfigError(f"{shown}: {e.strerror}") from e
    if not stat.S_ISREG(mode):
        return "", Finding(shown, 1, 1, "", "not a plain file: csi reads only plain files")
    with path.open("rb") as stream:
        data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return "", Finding(shown, 1, 1, "", f"file is larger than {MAX_BYTES} bytes")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "", Finding(shown, 1, 1, "", "file is UTF-16: save it as UTF-8 (CSV UTF-8)")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        guess = _guess_encoding(data)
        return "", Finding(
            shown,
            line,
            1,
            "",
            f"file is not UTF-8 (byte 0x{data[e.start]:02x}); it looks like {guess}: save it "
            "as UTF-8 (in Excel: CSV UTF-8)",
        )


def _guess_encoding(data: bytes) -> str:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "Latin-1 or another single-byte encoding"
    return "Windows-1252 (Excel's default on Windows)"


def _sniff(text: str) -> str:
    """The delimiter of the header line: the candidate it holds most of (comma on a tie)."""
    first = text.split("\n", 1)[0]
    counts = {candidate: first.count(candidate) for candidate in _DELIMITERS}
    best = max(counts, key=lambda candidate: (counts[candidate], candidate == ","))
    return best if counts[best] else ","


def _header_problem(header: list[str], ignored: set[str], delimiter: str) -> str | None:
    required_ignored = sorted(ignored & set(REQUIRED))
    if required_ignored:
        return f"--ignore-columns names {', '.join(required_ignored)}, which every row needs"
    absent = sorted(ignored - set(header))
    if absent:
        return f"--ignore-columns names {', '.join(absent)}, which the header does not have"
    missing = [column for column in REQUIRED if column not in header]
    known = set(REQUIRED + OPTIONAL) | ignored
    unknown = [column for column in header if column not in known]
    repeated = sorted({column for column in header if header.count(column) > 1})
    wanted = f"{', '.join(REQUIRED)} (and optionally {', '.join(OPTIONAL)})"
    if missing:
        return (
            f"the header must name the columns {wanted}; missing: {', '.join(missing)} "
            f"(delimiter {delimiter!r}; use --delimiter if that is wrong)"
        )
    if unknown:
        return (
            f"unknown column(s) {', '.join(unknown)}: name them with --ignore-columns to "
            f"leave them out, or use only {wanted}"
        )
    if repeated:
        return f"column(s) named twice: {', '.join(repeated)}"
    return None
