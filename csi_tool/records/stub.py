"""The commented sections `csi new` writes below a new record: what its next states need.

A new record is a few lines; what makes it move on (evidence, an assessment, metrics with
baselines and targets) is easy to forget. The states reachable in the next three steps of the
workflow name their requirements; each becomes a commented example with a one-line hint.
Comments change nothing: the record is valid as written, and uncommenting is the next step.
"""

from __future__ import annotations

from csi_tool.policies.workflow import Requirement, WorkflowPolicy

# The YAML each requirement asks for, with its hint; requirements that share a section are
# merged under the first one of that section that the states name.
_SECTIONS: dict[str, tuple[tuple[Requirement, ...], str]] = {
    "source": (
        (Requirement.SOURCE_REFERENCES,),
        "# source:                   # where the opportunity shows: the data, not an opinion\n"
        "#   kind: incident_trend\n"
        "#   references: {incidents: [INC0000000], problems: [], links: []}\n",
    ),
    "current_state": (
        (Requirement.CURRENT_STATE_SUMMARY,),
        "# current_state:            # where we are now, in a sentence or two, with evidence\n"
        "#   summary: …\n"
        '#   evidence: ["…"]\n',
    ),
    "vision": (
        (Requirement.VISION,),
        "# vision:                   # what better looks like, and why it matters\n"
        "#   statement: …\n"
        "#   business_value: …\n",
    ),
    "assessment": (
        (Requirement.ASSESSMENT,),
        "# assessment: {impact: 3, urgency: 3, effort: 3, risk: 3}   # 1 (low) to 5 (high)\n",
    ),
    "options": (
        (Requirement.OPTION, Requirement.CHOSEN_OPTION),
        "# options:                  # what could be done; mark the one chosen\n"
        "#   - {summary: …, expected_outcome: …, chosen: true}\n",
    ),
    "owner": (
        (Requirement.OWNER,),
        '# owner: "@team"             # who is accountable for the improvement\n',
    ),
    "metrics": (
        (Requirement.METRICS, Requirement.METRIC_BASELINES, Requirement.METRIC_TARGETS),
        "# metrics:                  # how success is measured: a baseline, a target by a date\n"
        "#   - key: reopen_rate\n"
        "#     name: Incidents reopened within 7 days\n"
        "#     kind: lagging\n"
        '#     unit: "%"\n'
        "#     direction: decrease\n"
        "#     baseline: {value: 14.2, date: YYYY-MM-DD, source: ITSM report}\n"
        "#     target: {value: 8, by: YYYY-MM-DD}\n",
    ),
}


_STEPS = 3


def next_steps_comment(workflow: WorkflowPolicy) -> str:
    """Commented example sections for what the next three steps from the initial state need
    (with the default workflow: validated, assessed, approved)."""
    states: list[str] = []
    frontier = [workflow.initial]
    for _ in range(_STEPS):
        frontier = [
            s for state in frontier for s in workflow.transitions.get(state, []) if s not in states
        ]
        states += list(dict.fromkeys(frontier))
    needed: dict[Requirement, str] = {}
    for state in states:
        spec = workflow.states.get(state)
        for requirement in spec.requires if spec else []:
            needed.setdefault(requirement, state)
    blocks, heading = [], None
    for requirements, text in _SECTIONS.values():
        first = next((needed[r] for r in requirements if r in needed), None)
        if first is not None:
            blocks.append(text if first == heading else f"# — needed to become {first} —\n{text}")
            heading = first
    if not blocks:
        return ""
    return (
        "\n# What the next states need: uncomment and fill in as the improvement moves on\n"
        "# (`csi validate` names anything missing, and the schema describes every field).\n"
        + "".join(blocks)
    )
