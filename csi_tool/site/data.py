"""Everything the site shows, computed once: records, backlog, review, history."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from csi_tool.backlog.delivery import Delivery, deliveries
from csi_tool.backlog.findings import backlog_findings
from csi_tool.backlog.prioritize import last_changed_dates
from csi_tool.backlog.ranking import Backlog, RankedRecord, rank_records
from csi_tool.benefits.earlier import earlier_values
from csi_tool.benefits.review import EarlierValues, MetricReview, review_records
from csi_tool.errors import ConfigError, Finding, FindingsError
from csi_tool.git.sources import blob_id
from csi_tool.history.trail import RecordTrail, build_trails
from csi_tool.parallel import Background
from csi_tool.policies.policy_set import Policies
from csi_tool.records.models import Record
from csi_tool.records.register import Register, load_work_tree
from csi_tool.signals.finder import SourceSignals, find_signals
from csi_tool.signals.signal import Signal, evidence_of


@dataclass(frozen=True)
class SiteSignals:
    """Signals of every source the build could read, and why the others were left out."""

    sources: list[SourceSignals]
    unavailable: list[tuple[str, str]]  # (source, why): exports often live off the build machine

    @cached_property
    def by_id(self) -> dict[str, Signal]:
        """Every signal by its id."""
        return {s.id: s for source in self.sources for s in source.signals}


@dataclass(frozen=True)
class SiteData:  # frozen, yet cached_property works: it writes to the instance __dict__
    """The register and what csi computes from it, as of one date."""

    register: Register
    policies: Policies
    backlog: Backlog
    reviews: list[MetricReview]
    trails: dict[str, RecordTrail]
    findings: list[Finding]  # capacity, staleness and revisit findings of the backlog
    as_of: dt.date
    history_note: str | None  # why there is no history, when there is none
    signals: SiteSignals

    def ranked(self, record_id: str) -> RankedRecord | None:
        """The record's place in the backlog, if it is ranked."""
        return self._ranked_by_id.get(record_id)

    def reviews_of(self, record_id: str) -> list[MetricReview]:
        """The review of each metric of one record."""
        return self._reviews_by_id.get(record_id, [])

    @cached_property
    def deliveries(self) -> list[Delivery]:
        """Every record's delivery (plan dates, milestones, lateness, roadmap phase)."""
        records = (item.record for item in self.register.records.values())
        return deliveries(records, self.policies, self.backlog, self.as_of)

    def delivery_of(self, record_id: str) -> Delivery:
        """One record's delivery."""
        return self._deliveries_by_id[record_id]

    @cached_property
    def _deliveries_by_id(self) -> dict[str, Delivery]:
        return {d.record_id: d for d in self.deliveries}

    def closed_on(self, record: Record) -> dt.date | None:
        """When a record in a sustained state (closed) got there: from git history, else
        its review's date (a register without history still has its reviews)."""
        if record.status not in self.policies.review.sustained_states:
            return None
        trail = self.trails.get(record.id)
        reached = trail.reached.get(record.status) if trail else None
        return reached or (record.review.date if record.review else None)

    @cached_property
    def _ranked_by_id(self) -> dict[str, RankedRecord]:
        return {item.record_id: item for item in self.backlog.ranked}

    @cached_property
    def _reviews_by_id(self) -> dict[str, list[MetricReview]]:
        grouped: dict[str, list[MetricReview]] = defaultdict(list)
        for review in self.reviews:
            grouped[review.record_id].append(review)
        return grouped

    def prepare_lookups(self) -> None:
        """Make now the lookups record pages use (each is made on first use): before the
        pages are shared with a forked process, so that the two do not each make them."""
        _ = self._ranked_by_id, self._reviews_by_id, self._deliveries_by_id, self.signals.by_id

    def needed_by(self) -> dict[str, list[str]]:
        """For each record, the records that depend on it."""
        dependents: dict[str, list[str]] = defaultdict(list)
        for rid, item in sorted(self.register.records.items()):
            for dependency in item.record.depends_on:
                dependents[dependency].append(rid)
        return dependents


def collect_site_data(root: Path, as_of: dt.date) -> SiteData:
    """Load the register (which must validate) and compute what every page needs."""
    register = load_work_tree(root)
    if register.policies is None or register.findings:
        raise FindingsError(register.findings)
    policies = register.policies
    records = [item.record for item in register.records.values()]
    # The backlog's findings (each placed on its line by parsing its file again, with the
    # last change of every file from git) and the sources' signals run in a second process
    # (where one can) while this one reads the history, ranks and reviews: about as long.
    elsewhere = Background(functools.partial(_findings_and_signals, root, register, as_of))
    try:
        on_disk = {
            i.document.content_id or blob_id(i.document.text.encode()): i.record
            for i in register.records.values()
        }
        trails, note = build_trails(root, known=on_disk), None
    except ConfigError:  # outside git, or without git: the site still builds
        trails, note = {}, "No git history was available when this site was built."
    earlier, data_note = _earlier(root, policies, records)
    backlog = rank_records(records, policies.scoring)
    reviews = review_records(records, policies.review, as_of, earlier)
    findings, signals = elsewhere.result()
    return SiteData(
        register=register,
        policies=policies,
        backlog=backlog,
        reviews=reviews,
        trails=trails,
        findings=findings,
        as_of=as_of,
        history_note=note,
        signals=SiteSignals(signals.sources, data_note + signals.unavailable),
    )


def _findings_and_signals(
    root: Path, register: Register, as_of: dt.date
) -> tuple[list[Finding], SiteSignals]:
    """The backlog's findings and the sources' signals (what the second process does)."""
    policies = register.policies
    assert policies is not None
    last_changed = last_changed_dates(root, register)
    records = [item.record for item in register.records.values()]
    return (
        backlog_findings(register.records, policies, as_of, last_changed),
        _signals(root, policies, records),
    )


def _earlier(
    root: Path, policies: Policies, records: list[Record]
) -> tuple[EarlierValues, list[tuple[str, str]]]:
    """Bound measures' values before their baselines, for the process charts. Without
    their source (named by the signals already) the charts start at the baselines; data
    here that cannot be measured is named too."""
    try:
        return earlier_values(root, policies, records)[0], []
    except FindingsError as e:
        first = e.findings[0]
        return {}, [("measures", f"{first.path}:{first.line}: {first.message}")]


def _signals(root: Path, policies: Policies, records: list[Record]) -> SiteSignals:
    """Each declared source's signals; a source that cannot be read is named, not fatal."""
    found: list[SourceSignals] = []
    unavailable: list[tuple[str, str]] = []
    for spec in policies.sources.sources:
        try:
            found += find_signals(root, policies, map(evidence_of, records), spec.name)
        except FindingsError as e:
            first = e.findings[0]
            unavailable.append((spec.name, f"{first.path}:{first.line}: {first.message}"))
        except ConfigError as e:
            unavailable.append((spec.name, str(e)))
    return SiteSignals(found, unavailable)
