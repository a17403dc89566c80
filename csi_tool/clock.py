"""Today's date for every check that depends on it, settable for tests and reproducible runs.

`CSI_TODAY=YYYY-MM-DD` fixes the date (a test of "not in the future", a re-run of yesterday's
CI job); otherwise it is the machine's local date.
"""

from __future__ import annotations

import datetime as dt
import os


def today() -> dt.date:
    """The date checks treat as today."""
    fixed = os.environ.get("CSI_TODAY", "").strip()
    if fixed:
        try:
            return dt.date.fromisoformat(fixed)
        except ValueError:
            pass  # a malformed override is ignored rather than trusted
    return dt.date.today()
