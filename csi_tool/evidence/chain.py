"""The chain an auditor follows for each improvement decided or closed in a window.

Trigger (where the opportunity came from) → decision (who, when, why) → change (the plan,
its change and release references, its dates) → measured result (each metric against its
baseline and target) → lessons (and the knowledge articles they updated). Each link is
backed by the commits that recorded it, with their pull requests, from the register's git
history. A link with nothing behind it is a gap, listed as such: an evidence pack that hid
its holes would be worth nothing to an auditor.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from csi_tool import clock
from csi_tool.benefits.earlier import earlier_values
from csi_tool.benefits.report import verdict_words
from csi_tool.benefits.review import MetricReview, review_records
from csi_tool.errors import ConfigError, FindingsError
from csi_tool.git.revisions import GitRevision
from csi_tool.git.sources import blob_id
from csi_tool.history.trail import Event, LeadTimeStats, RecordTrail, build_trails, lead_time_stats
from csi_tool.layout import REGISTER_DIR
from csi_tool.policies.policy_set import Policies
from csi_tool.records.models import Record
from csi_tool.records.register import load_work_tree

STEPS = ("trigger", "decision", "change", "result", "lessons")


@dataclass(frozen=True)
class Link:
    """One step of the chain: what the record says, the commits behind it, or the gap (or,
    for work not yet closed, what is still to come: no gap, but said)."""

    step: str
    statements: list[str]
    commits: list[Event]
    gap: str | None = None
    pending: str | None = None


@dataclass(frozen=True)
class Chain:
    record_id: str
    title: str
    status: str
    owner: str | None
    service: str | None
    in_window: list[str]  # why the record is in the pack: "decided 2026-02-01", "closed …"
    links: list[Link]

    @property
    def gaps(self) -> list[str]:
        return [f"{link.step}: {link.gap}" for link in self.links if link.gap]


@dataclass(frozen=True)
class EvidencePack:
    since: dt.date
    until: dt.date
    chains: list[Chain]
    outcomes: dict[str, int]  # review outcomes dated in the window
    lead_times: list[LeadTimeStats]  # of the records in the pack
    overdue_reviews: list[str]  # "CSI-0001 repeat_rate (due 2026-10-30)" on the window's end
    history_note: str | None = None
    repository: str | None = field(default=None)  # web address for commit and PR links


def evidence_pack(
    root: Path, since: dt.date, until: dt.date, repository: str | None = None
) -> EvidencePack:
    """The pack of the register in `root` for the window [since, until]."""
    register = load_work_tree(root)
    if register.policies is None or register.findings:
        raise FindingsError(register.findings)
    policies = register.policies
    try:
        trails, note = build_trails(root), None
        committed = GitRevision(root, "HEAD").fingerprints(REGISTER_DIR)
    except ConfigError:  # outside git: the chains stand, without their commits (gaps)
        trails, note = {}, "No git history: no statement could be linked to its commit."
        committed = {}
    # a record changed since its last commit says things no commit has recorded yet
    uncommitted = {
        rid
        for rid, item in register.records.items()
        if committed
        and committed.get(item.document.path)
        != (item.document.content_id or blob_id(item.document.text.encode()))
    }
    order = list(policies.workflow.states)
    records = [item.record for _, item in sorted(register.records.items())]
    # reviews are judged on the window's last day, or today if that is still to come
    try:  # the same charts as `csi review` and the site: with bound measures' history
        earlier = earlier_values(root, policies, records)[0]
    except FindingsError:  # data here that cannot be measured: `csi validate --data` says why
        earlier = {}
    reviews = review_records(records, policies.review, min(until, clock.today()), earlier)
    chains = []
    for record in records:
        reasons = _in_window(record, trails.get(record.id), policies, since, until)
        if reasons:
            trail = trails.get(record.id) or RecordTrail(record.id)
            mine = [r for r in reviews if r.record_id == record.id]
            closed = record.status in policies.review.sustained_states
            chain = _chain(record, trail, mine, reasons, closed, _Reached(order, policies))
            if record.id in uncommitted:
                chain = dataclasses.replace(
                    chain,
                    links=[
                        Link("record", [], [], "uncommitted changes: commit them first"),
                        *chain.links,
                    ],
                )
            chains.append(chain)
    outcomes = Counter(
        r.review.outcome.value for r in records if r.review and since <= r.review.date <= until
    )
    in_pack = {chain.record_id for chain in chains}
    overdue = [
        f"{r.record_id} {r.metric} (due {r.next_review})" for r in reviews if r.review == "overdue"
    ]
    return EvidencePack(
        since,
        until,
        chains,
        dict(sorted(outcomes.items())),
        lead_time_stats({rid: t for rid, t in trails.items() if rid in in_pack}),
        overdue,
        note,
        repository,
    )


def _in_window(
    record: Record, trail: RecordTrail | None, policies: Policies, since: dt.date, until: dt.date
) -> list[str]:
    found = [f"{d.outcome.value} {d.date}" for d in record.decisions if since <= d.date <= until]
    if record.status in policies.review.sustained_states:
        closed = (trail.reached.get(record.status) if trail else None) or (
            record.review.date if record.review else None
        )
        if closed is not None and since <= closed <= until:
            found.append(f"closed {closed}")
    return found


def _chain(
    record: Record,
    trail: RecordTrail,
    reviews: list[MetricReview],
    reasons: list[str],
    closed: bool,
    reached: _Reached,
) -> Chain:
    created = [event for event in trail.events if event.what.startswith("created")]

    def events(
        test: Callable[[str], bool], state: str | None, claimed: dt.date | None
    ) -> list[Event]:
        """The commits that changed this part; else the one that added the record, if it
        arrived already this far (an imported register's records arrive whole) and not
        before the date of what it would back."""
        found = [event for event in trail.events if test(event.what)]
        if found:
            return found
        return [
            event
            for event in created
            if reached.at_least(event.what, state) and (claimed is None or event.date >= claimed)
        ]

    source = record.source
    trigger: list[str] = []
    if source is not None:
        refs = source.references
        trigger.append(f"source: {source.kind.value.replace('_', ' ')}")
        for label, values in (
            ("incidents", refs.incidents),
            ("problems", refs.problems),
            ("surveys", refs.surveys),
            ("links", refs.links),
        ):
            if values:
                trigger.append(f"{label}: {', '.join(values)}")
        if source.signal:
            trigger.append(f"signal: {source.signal}")
        if source.note:
            trigger.append(f"note: {' '.join(source.note.split())}")
    if record.corrective_action is not None:
        trigger.append(f"corrective action for {record.corrective_action.nonconformity}")
    decision = [
        f"{d.outcome.value} on {d.date} by {d.by}"
        + (f": {' '.join(d.rationale.split())}" if d.rationale else "")
        for d in record.decisions
    ]
    plan = record.plan
    change: list[str] = []
    if plan is not None:
        change.append(f"plan: start {plan.start or '—'}, due {plan.due or '—'}")
        for label, values in (
            ("changes", plan.changes),
            ("problems", plan.problems),
            ("releases", plan.releases),
        ):
            if values:
                change.append(f"{label}: {', '.join(values)}")
        done = sum(m.done for m in plan.milestones)
        if plan.milestones:
            change.append(f"milestones: {done} of {len(plan.milestones)} done")
    result = [
        f"{r.name} ({r.unit}): baseline {_n(r.baseline)} → latest {_n(r.latest)} "
        f"({r.latest_date or 'not measured'}) → target {_n(r.target)} by {r.target_by or '—'}; "
        f"{verdict_words(r)}" + (f"; regressed: {r.regression}" if r.regression else "")
        for r in reviews
    ]
    if record.review is not None:
        effective = {True: ", effective", False: ", not effective", None: ""}[
            record.review.effective
        ]
        result.append(
            f"review {record.review.outcome.value} on {record.review.date}{effective}: "
            f"{' '.join(record.review.summary.split())}"
        )
    lessons = [
        " ".join(lesson.text.split()) + (f" (updated {lesson.kb_ref})" if lesson.kb_ref else "")
        for lesson in record.lessons
    ]
    decided = record.decisions[-1].date if record.decisions else None
    reviewed = record.review.date if record.review else None
    started = plan.start if plan else None
    links = [
        _link(
            "trigger",
            trigger,
            events(lambda w: w.startswith("created"), None, record.created),
            "no source recorded",
        ),
        _link(
            "decision",
            decision,
            events(
                lambda w: w.startswith("decision") or w.endswith("→ approved"),
                reached.decided,
                decided,
            ),
            "no decision recorded",
        ),
        _link(
            "change",
            # a closed improvement names the changes or releases it went through
            change if not closed or (plan and (plan.changes or plan.releases)) else [],
            events(
                lambda w: "→ in_progress" in w or "→ measuring" in w, reached.delivering, started
            ),
            "no change or release reference in the plan",
            closed,
        ),
        _link(
            "result",
            result,
            events(
                lambda w: w.startswith(("baseline", "target", "review", "revision")),
                reached.decided,
                reviewed,
            ),
            "no measured result",
            closed,
        ),
        _link(
            "lessons",
            lessons,
            events(lambda w: "→ closed" in w, reached.closed, reviewed),
            "no lesson recorded",
            closed,
        ),
    ]
    return Chain(
        record.id,
        " ".join(record.title.split()),
        record.status,
        record.owner,
        record.service,
        reasons,
        links,
    )


class _Reached:
    """Whether a record created in some state had got as far as a step (workflow order)."""

    def __init__(self, order: list[str], policies: Policies) -> None:
        self._order = order
        self.decided = next((s for s in ("approved", "deferred", "rejected") if s in order), None)
        self.delivering = next(iter(policies.review.delivery_states), None)
        self.closed = next(iter(policies.review.sustained_states), None)

    def at_least(self, created: str, state: str | None) -> bool:
        """`created (closed)` is at least as far as `approved`."""
        if state is None:
            return True
        now = created.partition("(")[2].rstrip(")")
        if now not in self._order or state not in self._order:
            return False
        return self._order.index(now) >= self._order.index(state)


def _link(
    step: str, statements: list[str], commits: list[Event], missing: str, closed: bool = True
) -> Link:
    if not statements and not closed:
        return Link(step, statements, [], pending="to come: the improvement is not closed yet")
    if not statements:
        return Link(step, statements, commits, missing)
    if not commits:
        return Link(step, statements, commits, "no commit in the history records it")
    return Link(step, statements, commits)


def _n(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"
