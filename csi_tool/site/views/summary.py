"""The summary at the top of a record page: what a stakeholder asks before reading on.

Status, owner, due date, the benefit of each metric, the review's outcome and every flag
(late plan or milestone, overdue review, breach, regression). When the review said
`achieved` and a metric regressed since, both are said side by side: neither hides the other.
"""

from __future__ import annotations

from csi_tool.records.models import Record
from csi_tool.site.data import SiteData
from csi_tool.site.markup import label, text
from csi_tool.site.tables import badge


def record_summary(record: Record, data: SiteData) -> str:
    """The summary block's HTML."""
    delivery = data.delivery_of(record.id)
    reviews = data.reviews_of(record.id)
    rows = [
        ("Status", text(label(record.status))),
        ("Owner", text(record.owner) if record.owner else "&mdash;"),
    ]
    if delivery.due is not None:
        late = f" ({delivery.days_late} days late)" if delivery.days_late else ""
        rows.append(("Due", f"{delivery.due}{late}"))
    if delivery.milestones_total:
        rows.append(
            ("Milestones", f"{delivery.milestones_done} of {delivery.milestones_total} done")
        )
    for review in reviews:
        values = " &rarr; ".join(
            "&mdash;" if v is None else f"{v:g}"
            for v in (review.baseline, review.latest, review.target)
        )
        rows.append(
            (
                text(review.name),
                f"{badge(review.benefit)} {values} {text(review.unit)} "
                "(baseline &rarr; latest &rarr; target)",
            )
        )
    action = record.corrective_action
    if action is not None:
        found = f", found {action.found}" if action.found else ""
        audit = f" ({text(action.audit)}{found})" if action.audit else found
        rows.append(("Corrective action for", f"{text(action.nonconformity)}{audit}"))
    if record.review is not None:
        outcome = label(record.review.outcome.value)
        effective = {True: "; effective", False: "; not effective", None: ""}
        shown = f"{text(outcome)} on {record.review.date}{effective[record.review.effective]}"
        rows.append(("Review", shown))
    flags = _flags(record, data)
    if flags:
        rows.append(("Flags", "<br>".join(flags)))
    items = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    return f'<section class="csi-summary" aria-label="Summary"><dl>{items}</dl></section>'


def _flags(record: Record, data: SiteData) -> list[str]:
    delivery = data.delivery_of(record.id)
    flags = [f"plan {delivery.days_late} days late"] if delivery.days_late else []
    flags += [
        f"milestone &ldquo;{text(m.name)}&rdquo; (due {m.due}): {m.flag.value}"
        for m in delivery.flagged
    ]
    for review in data.reviews_of(record.id):
        name = text(review.name)
        if review.review == "overdue":
            flags.append(f"{name}: review overdue since {review.overdue_since}")
        if review.breach:
            flags.append(f"{name}: past its action threshold")
        if review.regression:
            said = record.review.outcome.value if record.review else None
            prefix = "the review said achieved, and since then " if said == "achieved" else ""
            flags.append(f"{prefix}{name} regressed: {text(review.regression or '')}")
    return flags
