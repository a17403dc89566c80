"""From a source of policies/sources.yaml to files the engine may read, and their profile.

A source's location is a glob under the register root or an environment variable naming a
path outside the repository. What DuckDB cannot read natively is prepared in a private
temporary folder first: XLSX sheets and CSV in encodings other than UTF-8, UTF-16 and
Latin-1 become UTF-8 CSV. The header is read here, so a mapping is checked against it before
any query runs, and an empty export is named as such.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import glob
import hashlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from csi_tool.errors import ConfigError, Finding, FindingsError
from csi_tool.policies.sources import ExportFormat, SourceSpec
from csi_tool.tickets.profiles import PROFILES, Profile

NATIVE_ENCODINGS = {"utf-8": "utf-8", "utf-16": "utf-16", "latin-1": "latin-1"}
# A typed cell (Parquet timestamp, XLSX date) reaches csi as ISO text.
ISO_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")


@dataclass(frozen=True)
class PreparedSource:
    """Files the engine reads for one source, how they are written, and the profile."""

    name: str
    files: tuple[Path, ...]
    shown: str  # how findings name the export
    format: ExportFormat
    delimiter: str
    encoding: str
    header: tuple[str, ...]  # CSV only: typed formats name their columns in the engine
    profile: Profile
    named_columns: tuple[str, ...]  # columns the source itself names: they must exist
    names: dict[str, str]  # each file the engine reads → how findings name it


def source_files(spec: SourceSpec, root: Path, environ: Mapping[str, str]) -> list[Path]:
    """The export files a source declares, sorted; a clear error when there are none."""
    if spec.env is not None:
        if spec.env not in environ:
            raise ConfigError(
                f"source {spec.name!r}: the environment variable {spec.env} is not set; "
                "set it to the export's path"
            )
        location = environ[spec.env].strip()
        if not location:
            raise ConfigError(
                f"source {spec.name!r}: the environment variable {spec.env} is empty; "
                "set it to the export's path"
            )
        # the variable's value is never shown: it is the machine's business, and a policy
        # naming the wrong variable must not print it
        pattern, where = str(Path(location).expanduser()), f"the path in ${spec.env}"
    else:
        assert spec.path is not None  # the policy's own check
        pattern, where = str(root / spec.path), spec.path
    # glob.glob, not Path.glob: the pattern may be absolute (an environment variable's path)
    found = glob.glob(pattern, recursive=True)  # noqa: PTH207
    matches = sorted(Path(p) for p in found if Path(p).is_file())
    if not matches and found and all(Path(p).is_dir() for p in found):
        raise ConfigError(
            f"source {spec.name!r}: {where} is a folder; name the export file in it, or a "
            "glob such as …/*.csv"
        )
    if not matches:
        raise ConfigError(f"source {spec.name!r}: {where} matches no file")
    if spec.path is not None:  # the export is the repository's: a link out is a finding
        inside = root.resolve()
        for path in matches:
            if not path.resolve().is_relative_to(inside):
                shown = (
                    path.relative_to(root).as_posix() if path.is_relative_to(root) else spec.path
                )
                raise FindingsError(
                    [
                        Finding(
                            shown,
                            1,
                            1,
                            "",
                            f"source {spec.name!r}: leads outside the register (a link?); "
                            "declare exports outside the repository with env",
                        )
                    ]
                )
    return matches


@contextmanager
def prepared_source(
    spec: SourceSpec, root: Path, environ: Mapping[str, str] = os.environ
) -> Iterator[PreparedSource]:
    """The source ready for the engine; converted copies live until the block ends."""
    originals = source_files(spec, root, environ)
    shown = {path: _shown(path, spec, root) for path in originals}
    with tempfile.TemporaryDirectory(prefix="csi-source-") as scratch:
        fmt, encoding = spec.format, spec.encoding.lower().replace("_", "-")
        files = list(originals)
        if fmt is ExportFormat.XLSX:
            files = [_xlsx_as_csv(path, Path(scratch), shown[path]) for path in originals]
            fmt, encoding = ExportFormat.CSV, "utf-8"
        elif fmt is ExportFormat.CSV and encoding not in NATIVE_ENCODINGS:
            files = [_transcoded(p, Path(scratch), encoding, shown[p]) for p in originals]
            encoding = "utf-8"
        # findings name the export as the user knows it, also when csi reads a converted copy
        names = {str(f): shown[o] for f, o in zip(files, originals, strict=True)}
        header = _header(files, fmt, spec.delimiter, encoding, names)
        profile = _profile(spec, typed=spec.format in (ExportFormat.PARQUET, ExportFormat.XLSX))
        named = [*spec.columns.values()]
        if spec.event_log:
            named.append(spec.event_log.latest_by)
        yield PreparedSource(
            spec.name,
            tuple(files),
            shown[originals[0]],
            fmt,
            spec.delimiter,
            encoding,
            tuple(header),
            profile,
            tuple(named),
            names,
        )


def _shown(path: Path, spec: SourceSpec, root: Path) -> str:
    """How output names an export file: relative to the register, or by its variable (the
    machine's own path stays private)."""
    return path.relative_to(root).as_posix() if spec.path else f"${spec.env}/{path.name}"


def _profile(spec: SourceSpec, typed: bool) -> Profile:
    base = PROFILES[spec.profile.value]
    formats = tuple(spec.date_formats) or base.date_formats
    if typed:
        formats += tuple(f for f in ISO_FORMATS if f not in formats)
    if spec.event_log is None:
        order = base.event_order
    else:
        order = spec.event_log.latest_by if spec.event_log else None
    return replace(
        base,
        columns={**base.columns, **{str(k): v for k, v in spec.columns.items()}},
        date_formats=formats,
        null_tokens=tuple(spec.null_tokens) if spec.null_tokens is not None else base.null_tokens,
        event_order=order,
    )


def _header(
    files: list[Path], fmt: ExportFormat, delimiter: str, encoding: str, names: dict[str, str]
) -> list[str]:
    """The first file's column names; every other file must have the same."""
    headers = [_one_header(p, fmt, delimiter, encoding, names[str(p)]) for p in files]
    for path, header in zip(files[1:], headers[1:], strict=True):
        if header != headers[0]:
            first = names[str(files[0])]
            raise FindingsError(
                [Finding(names[str(path)], 1, 1, "", f"its header differs from {first}'s")]
            )
    return headers[0]


def _one_header(
    path: Path, fmt: ExportFormat, delimiter: str, encoding: str, shown: str
) -> list[str]:
    if fmt is not ExportFormat.CSV:
        return []  # typed formats carry their own names; the engine reads them
    try:
        if encoding == "utf-16":  # its line ends are two bytes: read it as text
            with path.open(encoding=encoding, newline="") as stream:
                line = stream.readline()
        else:  # the first line only, so a bad byte further down is not blamed on line 1
            with path.open("rb") as stream:
                line = stream.readline().decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as e:
        raise FindingsError(
            [Finding(shown, 1, 1, "", f"is not {encoding} text ({e.reason}); set its encoding")]
        ) from e
    try:
        first = next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), None)
    except csv.Error as e:  # a carriage return inside the header, say
        raise FindingsError([Finding(shown, 1, 1, "", f"its header cannot be read: {e}")]) from e
    if not first or not any(name.strip() for name in first):
        raise FindingsError([Finding(shown, 1, 1, "", "is empty: no header, no tickets")])
    return first


def _transcoded(path: Path, scratch: Path, encoding: str, shown: str) -> Path:
    """A UTF-8 copy of a CSV in an encoding DuckDB does not read itself (cp1252, say).

    Read line by line as bytes (the encodings this serves never put a newline byte inside a
    character), so a byte the encoding cannot decode is named at its own line.
    """
    try:
        codecs.lookup(encoding)
    except LookupError as e:
        raise ConfigError(f"{shown}: {encoding!r} is not a text encoding Python knows") from e
    target = scratch / f"{len(list(scratch.iterdir()))}-{path.stem}.csv"
    line = 0
    try:
        with path.open("rb") as source, target.open("w", encoding="utf-8", newline="") as out:
            for line, raw in enumerate(source, start=1):  # noqa: B007 (kept for the finding)
                out.write(raw.decode(encoding))
    except UnicodeDecodeError as e:
        raise FindingsError(
            [Finding(shown, line, 1, "", f"is not {encoding} text ({e.reason})")]
        ) from e
    return target


def _xlsx_as_csv(path: Path, scratch: Path, shown: str) -> Path:
    """The first sheet of a workbook as UTF-8 CSV; dates as ISO text."""
    from openpyxl import load_workbook  # only sources in XLSX pay for importing it

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises zipfile, KeyError and XML errors on bad files
        raise FindingsError(
            [Finding(shown, 1, 1, "", f"cannot be read as XLSX: {type(e).__name__}: {e}")]
        ) from e
    target = scratch / f"{len(list(scratch.iterdir()))}-{path.stem}.csv"
    try:
        sheet = book.worksheets[0]
        with target.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            for row in sheet.iter_rows(values_only=True):
                writer.writerow([_cell_text(value) for value in row])
    finally:
        book.close()
    return target


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def data_fingerprint(spec: SourceSpec, root: Path, environ: Mapping[str, str] = os.environ) -> str:
    """A fingerprint of the export's bytes, to pin a baseline to its data: of one file, the
    start of its sha256 (what `sha256sum` prints); of several, the sha256 of their sorted
    sha256s. Names do not count: the same export saved as `incident (1).csv` still matches."""
    digests = []
    for path in source_files(spec, root, environ):
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
        digests.append(digest.hexdigest())
    combined = (
        digests[0]
        if len(digests) == 1
        else hashlib.sha256("\n".join(sorted(digests)).encode()).hexdigest()
    )
    return f"sha256:{combined[:16]}"
