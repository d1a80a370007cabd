"""Hints after a build: what the data lacks for the rules, said in terms of what to do.

Shown when a scoring model gives (nearly) every lead the same score, or when
rules read columns or event types the data does not have. Everything is read
with aggregate queries; no seed value becomes SQL text.
"""

from .warehouse import read_sql

# Attributes the models derive, and the raw column each is derived from.
DERIVED_FROM = {
    "seniority": "job_title", "email_domain": "email", "email_local_part": "email", "is_personal_email": "email",
    "is_competitor": "email", "is_gibberish": "first_name, last_name or email", "is_in_territory": "country",
}
SHOWN = 8


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:SHOWN])
    return shown + (f" and {len(names) - SHOWN} more" if len(names) > SHOWN else "")


def build_hints(target: str) -> list[str]:
    spread = read_sql(
        "select scoring_model, count(*) as leads, min(score) as low, max(score) as high "
        "from marts.lead_scores group by scoring_model order by scoring_model", target)
    attributes = read_sql(
        "select rules.scoring_model, rules.attribute, count(values_read.attribute_value) as leads_with_value "
        "from staging.stg_rules__fit_rules as rules "
        "left join intermediate.int_lead_attributes_unpivoted as values_read "
        "on rules.attribute = values_read.attribute_name "
        "group by rules.scoring_model, rules.attribute", target)
    event_types = read_sql(
        "select distinct rules.scoring_model, rules.event_type from intermediate.int_engagement_rules_active as rules "
        "left join (select distinct event_type from intermediate.int_events_deduplicated) as seen "
        "on rules.event_type = seen.event_type where rules.event_type is not null and seen.event_type is null "
        # 'session' rules read sessions built from page views, not an event type.
        "and rules.event_type <> 'session'",
        target)
    unmatched = read_sql(
        "select rules.scoring_model, rules.rule_id from ("
        "select scoring_model, rule_id from staging.stg_rules__fit_rules union all "
        "select scoring_model, rule_id from intermediate.int_engagement_rules_active) as rules "
        "left join (select distinct scoring_model, rule_id from marts.lead_score_components) as matched "
        "on rules.scoring_model = matched.scoring_model and rules.rule_id = matched.rule_id "
        "where matched.rule_id is null order by 1, 2", target)
    hints = []
    for row in spread.itertuples():
        model = row.scoring_model
        empty = sorted({DERIVED_FROM.get(a, a) for a in
                        attributes[(attributes.scoring_model == model) & (attributes.leads_with_value == 0)].attribute})
        absent = sorted(event_types[event_types.scoring_model == model].event_type)
        flat = row.leads >= 10 and float(row.high) - float(row.low) < 1.0
        if not (flat or empty or absent):
            continue
        lines = []
        if flat:
            lines.append(f"{model} gives all {row.leads:,} leads the same score ({float(row.low):.1f}): "
                         "its rules find nothing to score in this data")
        if empty:
            lines.append(f"{model} reads lead column(s) your data does not fill: {_listed(empty)} "
                         "(load them, mapping your names with --rename yours:theirs)")
        if absent:
            lines.append(f"{model} scores event type(s) no loaded event has: {_listed(absent)}")
        rules = list(unmatched[unmatched.scoring_model == model].rule_id)
        if rules:
            lines.append(f"{len(rules)} rule(s) of {model} match no lead: {_listed(rules)}")
        hints += ["hint: " + lines[0], *("  " + line for line in lines[1:])]
    if hints:
        read = (set(attributes.attribute) | set(DERIVED_FROM)
                | {c.strip() for v in DERIVED_FROM.values() for c in v.replace(" or ", ",").split(",")})
        available = [c for c in columns_with_values(target) if c not in read and c not in IDENTITY_COLUMNS]
        have = f" ({_listed(available)})" if available else ""
        hints.append(f"  or write rules for the columns you have{have} (README: Write your own rules), and try them "
                     "with `python scripts/leadscore.py diff --rules DIR`")
    return hints


# Columns that name or date a lead rather than describe it: no rule should score them.
IDENTITY_COLUMNS = {"lead_id", "first_name", "last_name", "email", "phone", "created_at", "updated_at",
                    "loaded_at", "email_local_part", "source_row", "is_current_version", "lead_version"}


def columns_with_values(target: str) -> list[str]:
    """Lead columns with a value in a sample of current leads, in table order."""
    sample = read_sql("select * from staging.stg_crm__leads limit 1000", target)
    return [c for c in sample.columns if sample[c].notna().any()]
