"""The rules engine on its own: plain facts and rules in, findings out (no database)."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edureg.programmes.engine.rules import (
    METRICS,
    KindFacts,
    ModuleFacts,
    ProgrammeFacts,
    Rule,
    check,
    evaluate,
    number,
    required_fields,
)

VET_TYPES = ("introductory", "general", "competence", "final")


def modules(*spec):
    return tuple(ModuleFacts(code=f"M{n}", type=t, credits=D(c)) for n, (t, c) in enumerate(spec))


def test_every_metric_is_known_to_the_engine():
    from edureg.programmes.choices import RuleMetric

    assert set(METRICS) == set(RuleMetric.values)


def test_one_finding_per_missing_module_type():
    facts = ProgrammeFacts(credits=D(10), modules=modules(("competence", 10)))
    findings = evaluate(facts, [Rule("types", "module_types", values=VET_TYPES)])
    assert [f.message for f in findings] == [
        "The programme has no introductory module.",
        "The programme has no general module.",
        "The programme has no final module.",
    ]
    assert {f.code for f in findings} == {"types"} and {f.field for f in findings} == {"modules"}


def test_module_credits_sum_message_has_the_numbers():
    facts = ProgrammeFacts(credits=D(90), modules=modules(("competence", 80), ("final", 5)))
    [finding] = evaluate(facts, [Rule("sum", "module_credits_sum")])
    assert finding.message == "Module credits add up to 85, the programme has 90."
    assert finding.params["actual"] == "85" and finding.params["expected"] == "90"


def test_messages_in_lithuanian_use_a_decimal_comma():
    facts = ProgrammeFacts(credits=D("90"), modules=modules(("competence", "84.5")))
    [finding] = evaluate(facts, [Rule("sum", "module_credits_sum")], language="lt")
    assert finding.message == "Modulių kreditų suma yra 84,5, o programos apimtis – 90 kreditų."


def test_credits_that_add_up_give_no_finding():
    facts = ProgrammeFacts(credits=D(90), modules=modules(("competence", 85), ("final", 5)))
    assert evaluate(facts, [Rule("sum", "module_credits_sum")]) == []


def test_elective_share_at_most_the_rules_maximum():
    rule = Rule("electives", "elective_share", maximum=D(15))
    at_limit = ProgrammeFacts(credits=D(100), modules=modules(("competence", 85), ("elective", 15)))
    over = ProgrammeFacts(credits=D(100), modules=modules(("competence", 84), ("elective", 16)))
    assert evaluate(at_limit, [rule]) == []
    [finding] = evaluate(over, [rule])
    assert finding.message == "Elective modules make up 16% of the credits; they may make up at most 15%."


def test_a_non_mandatory_module_counts_as_elective():
    facts = ProgrammeFacts(credits=D(10), modules=(ModuleFacts("A", "competence", D(5), mandatory=False),
                                                    ModuleFacts("B", "final", D(5))))
    assert evaluate(facts, [Rule("electives", "elective_share", maximum=D(15))])[0].params["actual"] == "50"


def test_hours_range_for_a_subtype_only():
    rule = Rule("national-hours", "total_hours", minimum=D(135), maximum=D(270), subtype="national")
    national = ProgrammeFacts(subtype="national", hours=100)
    institutional = ProgrammeFacts(subtype="institutional", hours=100)
    [finding] = evaluate(national, [rule])
    assert finding.message == "The programme has 100 hours; it must have 135 to 270."
    assert finding.field == "hours"
    assert evaluate(institutional, [rule]) == []


@pytest.mark.parametrize(("hours", "broken"), [(134, True), (135, False), (270, False), (271, True)])
def test_hours_bounds_are_inclusive(hours, broken):
    rule = Rule("h", "total_hours", minimum=D(135), maximum=D(270))
    assert bool(evaluate(ProgrammeFacts(hours=hours), [rule])) is broken


@pytest.mark.parametrize(("practice", "broken"), [(0, True), (53, True), (54, False), (90, False), (91, True)])
def test_practice_share(practice, broken):
    rule = Rule("practice", "practice_share", minimum=D(30), maximum=D(50))
    facts = ProgrammeFacts(hours=180, practice_hours=practice, total_hours=D(180))
    findings = evaluate(facts, [rule])
    assert bool(findings) is broken
    if findings:
        assert findings[0].field == "practice_hours"
        assert "it must make up 30 to 50%" in findings[0].message


def test_missing_practice_counts_as_none():
    rule = Rule("practice", "practice_share", minimum=D(30))
    [finding] = evaluate(ProgrammeFacts(hours=100, total_hours=D(100)), [rule])
    assert finding.message == "Practice makes up 0% of the hours; it must make up at least 30%."


def test_total_credits_missing_and_bounds():
    rule = Rule("c", "total_credits", minimum=D(60))
    assert evaluate(ProgrammeFacts(), [rule])[0].message == "The programme's credits are not given."
    assert evaluate(ProgrammeFacts(credits=D(30)), [rule])[0].message == \
        "The programme has 30 credits; it must have at least 60."


def test_module_count_qualification_and_level():
    rules = [Rule("count", "module_count", minimum=D(2)), Rule("q", "has_qualification"),
             Rule("level", "ltks_level", minimum=D(2), maximum=D(4))]
    findings = evaluate(ProgrammeFacts(ltks_level=5, modules=modules(("final", 5))), rules)
    assert [f.message for f in findings] == [
        "The programme has 1 modules; it must have at least 2.",
        "The qualification awarded is not given.",
        "The LTKS level is 5; it must be 2 to 4.",
    ]
    assert evaluate(ProgrammeFacts(), [rules[2]])[0].message == "The LTKS level is not given."


def test_hours_sum_skipped_without_modules():
    rule = Rule("hsum", "module_hours_sum")
    assert evaluate(ProgrammeFacts(hours=40), [rule]) == []
    facts = ProgrammeFacts(hours=40, modules=(ModuleFacts("A", "general", hours=30),))
    assert evaluate(facts, [rule])[0].message == "Module hours add up to 30, the programme has 40."


def test_the_rules_own_message_wins_in_its_language():
    rule = Rule("sum", "module_credits_sum", message_lt="Kreditai: {actual} iš {expected}.",
                message_en="Credits: {actual} of {expected}.")
    facts = ProgrammeFacts(credits=D(90), modules=modules(("final", 5)))
    assert evaluate(facts, [rule], language="lt")[0].message == "Kreditai: 5 iš 90."
    assert evaluate(facts, [rule], language="en")[0].message == "Credits: 5 of 90."
    only_lt = Rule("sum", "module_credits_sum", message_lt="Tik lietuviškai {actual}.")
    assert evaluate(facts, [only_lt], language="en")[0].message == "Tik lietuviškai 5."


def test_an_administrators_message_with_stray_braces_is_shown_as_written():
    rule = Rule("sum", "module_credits_sum", message_en="Credits {do not} add up {")
    facts = ProgrammeFacts(credits=D(90), modules=modules(("final", 5)))
    assert evaluate(facts, [rule])[0].message == "Credits {do not} add up {"


def test_warning_severity_is_kept():
    [finding] = evaluate(ProgrammeFacts(ltks_level=5), [Rule("l", "ltks_level", maximum=D(4), severity="warning")])
    assert finding.severity == "warning" and not finding.blocking


def test_unknown_metric_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown rule metric"):
        evaluate(ProgrammeFacts(), [Rule("x", "no_such_metric")])


def test_required_fields_by_kind_flags():
    vet = KindFacts(unit="credits", requires_qualification=True, requires_ltks_level=True)
    findings = required_fields(ProgrammeFacts(), vet)
    assert [(f.code, f.field) for f in findings] == [
        ("required-qualification", "qualification"), ("required-ltks-level", "ltks_level"),
        ("required-credits", "credits")]
    assert [f.field for f in required_fields(ProgrammeFacts(), KindFacts(unit="hours"))] == ["hours"]
    assert required_fields(ProgrammeFacts(hours=10), KindFacts(unit="hours")) == []


def test_check_puts_required_fields_first():
    findings = check(ProgrammeFacts(), KindFacts(unit="hours"), [Rule("t", "total_hours", minimum=D(1))], "lt")
    assert [f.code for f in findings] == ["required-hours", "t"]
    assert findings[0].message.startswith("Šios rūšies programų trukmė")


def test_finding_as_dict_is_json_ready():
    import json

    [finding] = evaluate(ProgrammeFacts(hours=1), [Rule("h", "total_hours", minimum=D(2))])
    data = json.loads(json.dumps(finding.as_dict()))
    assert data["code"] == "h" and data["field"] == "hours" and data["severity"] == "error"


def test_number_formatting():
    assert number(D("90.0")) == "90"
    assert number(D("12.25")) == "12.3"
    assert number(D("12.25"), "lt") == "12,3"
    assert number(None) == "–"


# Property tests ----------------------------------------------------------------------------------------------------

module_types = st.sampled_from(("introductory", "general", "competence", "elective", "final"))
module_lists = st.lists(st.tuples(module_types, st.integers(min_value=0, max_value=60)), max_size=12)


@given(module_lists, st.integers(min_value=1, max_value=300))
def test_credits_sum_finding_iff_sums_differ(spec, credits):
    facts = ProgrammeFacts(credits=D(credits), modules=modules(*spec))
    findings = evaluate(facts, [Rule("sum", "module_credits_sum")])
    total = sum(c for _t, c in spec)
    assert bool(findings) == (bool(spec) and total != credits)


@given(module_lists)
def test_missing_types_each_reported_once(spec):
    facts = ProgrammeFacts(credits=D(1), modules=modules(*spec))
    findings = evaluate(facts, [Rule("types", "module_types", values=VET_TYPES)])
    present = {t for t, _c in spec}
    assert len(findings) == len([t for t in VET_TYPES if t not in present])


@given(module_lists, st.integers(min_value=0, max_value=100))
def test_elective_share_monotone_in_the_maximum(spec, maximum):
    facts = ProgrammeFacts(modules=modules(*spec))
    strict = evaluate(facts, [Rule("e", "elective_share", maximum=D(maximum))])
    looser = evaluate(facts, [Rule("e", "elective_share", maximum=D(maximum + 10))])
    assert len(looser) <= len(strict)


@given(st.integers(min_value=0, max_value=1000), st.integers(min_value=0, max_value=500),
       st.integers(min_value=0, max_value=500))
def test_bounds_agree_with_plain_comparison(value, low, width):
    rule = Rule("h", "total_hours", minimum=D(low), maximum=D(low + width))
    broken = bool(evaluate(ProgrammeFacts(hours=value), [rule]))
    assert broken == (not low <= value <= low + width)


@given(module_lists, st.sampled_from(("en", "lt")))
def test_evaluation_is_deterministic(spec, language):
    facts = ProgrammeFacts(credits=D(90), modules=modules(*spec))
    rules = [Rule("types", "module_types", values=VET_TYPES), Rule("sum", "module_credits_sum"),
             Rule("e", "elective_share", maximum=D(15))]
    assert evaluate(facts, rules, language) == evaluate(facts, rules, language)
