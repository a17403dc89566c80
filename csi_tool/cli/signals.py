"""The data command: csi signals (and --propose, which drafts a record from one)."""

from __future__ import annotations

import json

import click

from csi_tool.cli.support import option_date, register_policies, register_root, say
from csi_tool.clock import today
from csi_tool.errors import display_path
from csi_tool.progress import silence
from csi_tool.yaml.journal import register_lock

SIGNAL_FORMATS = ("text", "json", "markdown")


@click.command()
@click.option("--source", "source_name", metavar="NAME", help="Only this source of the policy.")
@click.option("--since", metavar="YYYY-MM-DD", help="Only tickets opened on or after this day.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(SIGNAL_FORMATS),
    default="text",
    show_default=True,
    help="text for people, markdown for job summaries, json for tools (always every signal; "
    "with --propose, what was written).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Signals shown per source in text and markdown; 0 shows all.",
)
@click.option(
    "--propose",
    "proposed",
    metavar="SIGNAL",
    help="Write a new record drafted from this signal (id from the list, e.g. SIG-3f9a2c1b).",
)
@click.pass_context
def signals(
    ctx: click.Context,
    source_name: str | None,
    since: str | None,
    fmt: str,
    limit: int,
    proposed: str | None,
) -> None:
    """Improvement opportunities in the ITSM exports of policies/sources.yaml, ranked by
    cost, each with its evidence and the records that already cover it."""
    from csi_tool.signals.finder import find_signals, selected_sources
    from csi_tool.signals.report import render_signals
    from csi_tool.signals.signal import read_record_evidence
    from csi_tool.tickets.sources import data_fingerprint

    root = register_root(ctx)
    first_day = option_date(since, "--since") if since else None
    if fmt == "json":
        silence()
    if proposed is None:
        policies, records = register_policies(root), read_record_evidence(root)
        unavailable: dict[str, str] = {}
        results = find_signals(
            root, policies, records, source_name, first_day, unavailable=unavailable
        )
        for why in unavailable.values():
            say(f"csi: notice: skipped, {why}", err=True)
        say(render_signals(results, fmt, limit or None))
        return
    from csi_tool.signals.propose import find_signal, propose_record  # git, ruamel: on demand

    with register_lock(root):  # the new record's id is free when it is written
        policies, records = register_policies(root), read_record_evidence(root)
        results = find_signals(root, policies, records, source_name, first_day)
        result, signal = find_signal(results, proposed, records)
        [spec] = selected_sources(policies, result.name)
        fingerprint = data_fingerprint(spec, root)
        written = propose_record(root, policies, result, signal, fingerprint, today())
    shown = display_path(written.path, root)
    if fmt == "json":
        say(json.dumps({"written": shown, "record": written.path.stem, "signal": signal.id}))
    else:
        say(shown)  # alone on stdout, for scripts; what next goes to people on stderr
        say(
            f"csi: wrote a {policies.workflow.initial} record from {signal.id} with its "
            f"baseline from the data; next: csi validate, then commit it and open a pull "
            "request",
            err=True,
        )
    if signal.covered:
        say(
            f"csi: note: {signal.id} is already covered by {', '.join(signal.covered_by)}",
            err=True,
        )
