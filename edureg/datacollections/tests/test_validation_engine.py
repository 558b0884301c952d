"""The validation engine on its own (no database): every operator in both severities, prev(), skipped rules, field
checks (required, type, lowest value, whole numbers) and number parsing."""

from decimal import Decimal

import pytest

from edureg.datacollections.engine.validation import (
    FieldSpec,
    RuleSpec,
    check_rules,
    clean_value,
    clean_values,
    compare,
    parse_number,
    validate,
)

FIELDS = [FieldSpec("users", "Registered users", "integer", True, Decimal(0)),
          FieldSpec("visits", "Visits", "integer", True, Decimal(0)),
          FieldSpec("fte", "Staff", "decimal", True, Decimal(0)),
          FieldSpec("note", "Comments", "text", False, None)]


def rule(operator, severity="error", left="visits", right="users", code="r"):
    return RuleSpec(code, left, operator, right, severity, f"visits {operator} users")


# (operator, visits, users, holds)
CASES = [
    ("eq", 10, 10, True), ("eq", 11, 10, False),
    ("ne", 11, 10, True), ("ne", 10, 10, False),
    ("lt", 9, 10, True), ("lt", 10, 10, False), ("lt", 11, 10, False),
    ("le", 10, 10, True), ("le", 9, 10, True), ("le", 11, 10, False),
    ("gt", 11, 10, True), ("gt", 10, 10, False), ("gt", 9, 10, False),
    ("ge", 10, 10, True), ("ge", 11, 10, True), ("ge", 9, 10, False),
]


@pytest.mark.parametrize("severity", ["error", "warning"])
@pytest.mark.parametrize(("operator", "visits", "users", "holds"), CASES)
def test_every_operator_in_both_severities(operator, visits, users, holds, severity):
    findings, skipped = check_rules([rule(operator, severity)], {"visits": visits, "users": users})
    assert skipped == []
    if holds:
        assert findings == []
    else:
        [finding] = findings
        assert (finding.severity, finding.rule, finding.operator) == (severity, "r", operator)
        assert (finding.left, finding.right) == (visits, users)
        assert finding.fields == ("visits", "users")
        assert finding.message == f"visits {operator} users"


def test_report_splits_errors_and_warnings():
    rules = [rule("ge", "error", code="e"), rule("le", "warning", left="users", right="visits * 0", code="w")]
    report = validate(FIELDS, rules, {"users": "10", "visits": "5", "fte": "1"})
    assert [f.rule for f in report.errors] == ["e"]
    assert [f.rule for f in report.warnings] == ["w"]
    assert not report.ok
    assert [f.rule for f in report.uncommented({"w": "  "})] == ["w"]
    assert report.uncommented({"w": "A new branch opened."}) == []
    data = report.as_dict({"w": "A new branch opened."})
    assert data["warnings"][0]["comment"] == "A new branch opened."
    assert data["errors"][0]["left"] == 5.0 and data["errors"][0]["right"] == 10.0


def test_equality_is_within_rounding():
    assert compare(0.1 + 0.2, "eq", 0.3)
    assert not compare(0.1 + 0.2, "lt", 0.3)
    assert compare(0.1 + 0.2, "le", 0.3)
    assert not compare(0.3000001, "le", 0.3)


CHANGE = RuleSpec("change", "abs(users - prev(users))", "le", "0.5 * prev(users)", "warning", "Changed a lot")


def test_prev_reads_last_periods_value():
    findings, skipped = check_rules([CHANGE], {"users": 160}, {"users": 100})
    [finding] = findings
    assert (finding.rule, finding.left, finding.right, finding.fields) == ("change", 60.0, 50.0, ("users",))
    assert check_rules([CHANGE], {"users": 150}, {"users": 100}) == ([], [])
    assert check_rules([CHANGE], {"users": 40}, {"users": 100})[0][0].left == 60.0


def test_rule_without_prev_or_with_an_empty_field_is_skipped_not_failed():
    findings, skipped = check_rules([CHANGE], {"users": 1000}, {})
    assert findings == [] and [(s.rule, s.previous_missing) for s in skipped] == [("change", ("users",))]
    findings, skipped = check_rules([rule("ge")], {"users": 10, "visits": None})
    assert findings == [] and [(s.rule, s.missing) for s in skipped] == [("r", ("visits",))]


def test_division_by_zero_skips_the_rule():
    findings, skipped = check_rules([rule("le", left="visits / users", right="1")], {"visits": 3, "users": 0})
    assert findings == [] and skipped[0].reason == "undefined"


def test_min_max_functions():
    limit = RuleSpec("m", "max(users, visits)", "le", "min(users, visits) * 2", "error", "spread")
    assert check_rules([limit], {"users": 10, "visits": 20}) == ([], [])
    assert check_rules([limit], {"users": 10, "visits": 21})[0][0].left == 21.0


def test_field_checks_required_minimum_and_whole():
    report = validate(FIELDS, [], {"users": "", "visits": "-1", "fte": "0.5"})
    messages = [f.message for f in report.errors]
    assert "Registered users (users): enter a value." in messages
    assert "Visits (visits): the value cannot be below 0 (it is -1)." in messages
    assert all(f.check in ("required", "minimum") for f in report.errors)
    assert validate(FIELDS, [], {"users": "3", "visits": "4", "fte": "0.5"}).findings == []


def test_text_in_a_number_field_names_the_field():
    value, problem = clean_value(FIELDS[0], "many")
    assert value is None
    assert problem.message == "Registered users (users): “many” is not a number."
    assert problem.fields == ("users",) and problem.check == "not_a_number"


def test_whole_numbers_and_precision():
    assert clean_value(FIELDS[0], "12.5")[1].check == "not_whole"
    assert clean_value(FIELDS[0], "12.0") == (Decimal(12), None)
    assert clean_value(FIELDS[2], "0.12345")[1].check == "too_precise"
    assert clean_value(FIELDS[2], "0.12340") == (Decimal("0.1234"), None)
    assert clean_value(FIELDS[2], "1" + "0" * 14)[1].check == "too_large"
    assert clean_value(FIELDS[3], "x" * 6000)[1].check == "too_long"
    assert clean_value(FIELDS[3], " ok ") == ("ok", None)


@pytest.mark.parametrize(("raw", "expected"), [
    ("12", Decimal(12)), (" 1 234 ", Decimal(1234)), ("1\u00a0234,5", Decimal("1234.5")), ("0,75", Decimal("0.75")),
    (7, Decimal(7)), (2.5, Decimal("2.5")), (Decimal("3.1"), Decimal("3.1")),
    ("1,234.5", None), ("abc", None), ("NaN", None), ("Infinity", None), ("1e5", None), (True, None),
    (float("nan"), None), ("", None), (None, None),
])
def test_parse_number(raw, expected):
    assert parse_number(raw) == expected


def test_clean_values_reports_every_problem_and_unknown_codes():
    cleaned, problems = clean_values(FIELDS, {"users": "x", "visits": "2.5", "fte": "1,5", "nope": "1"})
    assert cleaned == {"fte": Decimal("1.5")}
    assert [(p.fields, p.check) for p in problems] == [(("users",), "not_a_number"), (("visits",), "not_whole"),
                                                       (("nope",), "unknown")]


def test_messages_come_in_the_callers_language():
    texts = {"required": "%(field)s: įrašykite reikšmę."}
    report = validate(FIELDS[:1], [], {}, texts=texts)
    assert report.errors[0].message == "Registered users (users): įrašykite reikšmę."
