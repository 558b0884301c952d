"""Eligibility rules on their own (no database): every rule at its boundaries, every configuration error, and
properties over random applicants and offers."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edureg.admission.engine.eligibility import (
    EDUCATIONS,
    FUNDINGS,
    PRIOR_QUALIFICATIONS,
    ApplicantFacts,
    OfferFacts,
    Reason,
    RulesError,
    age_in_years,
    check,
    parse_rules,
)

DEFAULTS = {
    "min_age": 14,
    "min_age_without_general_education": 16,
    "entry_levels": {"none": 2, "basic": 3, "secondary": 4},
    "funding_rules": {"none": ["*:*"], "one_state": ["continuing_vet:state", "*:paid"], "two_or_more": ["*:paid"]},
    "state_funded_only": False,
}
KINDS = ("initial_vet", "continuing_vet")


def rules(**changes):
    return parse_rules(**{**DEFAULTS, **changes})


def applicant(age=17, education="secondary", prior="none"):
    return ApplicantFacts(age=age, education=education, prior_qualifications=prior)


def offer(level=4, with_ge=False, kind="initial_vet", funding="state"):
    return OfferFacts(ltks_level=level, with_general_education=with_ge, programme_kind=kind, funding=funding)


def codes(reasons):
    return [r.code for r in reasons]


# --- ages ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("age", "with_ge", "expected"), [
    (13, True, ["too_young"]),
    (13, False, ["too_young", "too_young_without_general_education"]),
    (14, True, []),
    (14, False, ["too_young_without_general_education"]),
    (15, True, []),
    (15, False, ["too_young_without_general_education"]),
    (16, True, []),
    (16, False, []),
    (50, False, []),
])
def test_age_boundaries(age, with_ge, expected):
    assert codes(check(rules(), applicant(age=age, education="basic"), offer(level=3, with_ge=with_ge))) == expected


def test_age_reasons_carry_the_ages():
    reasons = check(rules(), applicant(age=13, education="basic"), offer(level=3))
    assert reasons[0] == Reason("too_young", {"age": 13, "min_age": 14})
    assert reasons[1] == Reason("too_young_without_general_education", {"age": 13, "min_age": 16})


def test_ages_follow_the_round_configuration():
    custom = rules(min_age=15, min_age_without_general_education=18)
    assert codes(check(custom, applicant(age=14), offer(with_ge=True))) == ["too_young"]
    assert codes(check(custom, applicant(age=17), offer())) == ["too_young_without_general_education"]
    assert check(custom, applicant(age=18), offer()) == []


@pytest.mark.parametrize(("birth", "on", "age"), [
    (datetime.date(2010, 9, 1), datetime.date(2026, 9, 1), 16),  # birthday on the day: counted
    (datetime.date(2010, 9, 2), datetime.date(2026, 9, 1), 15),  # a day later: not yet
    (datetime.date(2012, 8, 31), datetime.date(2026, 9, 1), 14),
    (datetime.date(2012, 2, 29), datetime.date(2026, 2, 28), 13),  # 29 February: reached on 1 March
    (datetime.date(2012, 2, 29), datetime.date(2026, 3, 1), 14),
    (datetime.date(2012, 2, 29), datetime.date(2028, 2, 29), 16),
])
def test_age_in_full_years(birth, on, age):
    assert age_in_years(birth, on) == age


@given(st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2020, 12, 31)),
       st.integers(min_value=0, max_value=20000))
def test_age_counts_birthdays_passed(birth, days):
    on = birth + datetime.timedelta(days=days)
    age = age_in_years(birth, on)
    assert age >= 0
    # The age-th birthday has been reached and the next one has not (29 February → 1 March).
    def birthday(years):
        try:
            return birth.replace(year=birth.year + years)
        except ValueError:
            return datetime.date(birth.year + years, 3, 1)
    assert birthday(age) <= on < birthday(age + 1)


# --- entry education ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("education", EDUCATIONS)
@pytest.mark.parametrize("level", range(1, 9))
def test_entry_education_for_every_level(education, level):
    max_level = DEFAULTS["entry_levels"][education]
    reasons = check(rules(), applicant(age=20, education=education), offer(level=level))
    if level <= max_level:
        assert reasons == []
    else:
        needed = next((e for e in EDUCATIONS if DEFAULTS["entry_levels"][e] >= level), None)
        assert reasons == [Reason("entry_education", {"level": level, "max_level": max_level,
                                                      "education": education, "needed": needed})]


def test_entry_education_names_the_education_needed():
    (reason,) = check(rules(), applicant(education="none"), offer(level=4))
    assert reason.params["needed"] == "secondary"
    (reason,) = check(rules(), applicant(education="none"), offer(level=3))
    assert reason.params["needed"] == "basic"
    (reason,) = check(rules(), applicant(education="secondary"), offer(level=5))
    assert reason.params["needed"] is None


def test_offer_without_a_level_has_no_entry_check():
    assert check(rules(), applicant(education="none"), offer(level=None)) == []


def test_entry_levels_follow_the_round_configuration():
    custom = rules(entry_levels={"none": 3, "basic": 3, "secondary": 5})
    assert check(custom, applicant(education="none"), offer(level=3)) == []
    assert check(custom, applicant(education="secondary"), offer(level=5)) == []
    assert codes(check(custom, applicant(education="basic"), offer(level=4))) == ["entry_education"]


# --- funding -------------------------------------------------------------------------------------------------------

ALLOWED = {  # Lithuanian practice: (prior qualifications, programme kind, funding) → allowed
    ("none", "initial_vet", "state"): True,
    ("none", "initial_vet", "paid"): True,
    ("none", "continuing_vet", "state"): True,
    ("none", "continuing_vet", "paid"): True,
    ("one_state", "initial_vet", "state"): False,
    ("one_state", "initial_vet", "paid"): True,
    ("one_state", "continuing_vet", "state"): True,
    ("one_state", "continuing_vet", "paid"): True,
    ("two_or_more", "initial_vet", "state"): False,
    ("two_or_more", "initial_vet", "paid"): True,
    ("two_or_more", "continuing_vet", "state"): False,
    ("two_or_more", "continuing_vet", "paid"): True,
}


@pytest.mark.parametrize(("prior", "kind", "funding"), list(ALLOWED))
def test_funding_by_qualifications_held(prior, kind, funding):
    reasons = check(rules(), applicant(prior=prior), offer(kind=kind, funding=funding))
    if ALLOWED[prior, kind, funding]:
        assert reasons == []
    else:
        other = "paid" if funding == "state" else "state"
        alternative = other if ALLOWED[prior, kind, other] else None
        assert reasons == [Reason("funding", {"prior_qualifications": prior, "programme_kind": kind,
                                              "funding": funding, "alternative": alternative})]


def test_funding_alternative_is_paid_for_one_state_qualification_in_initial_vet():
    (reason,) = check(rules(), applicant(prior="one_state"), offer(kind="initial_vet", funding="state"))
    assert reason.params["alternative"] == "paid"


def test_funding_patterns_match_kind_and_funding_exactly():
    custom = rules(funding_rules={"none": ["initial_vet:*"], "one_state": ["*:state"], "two_or_more": []})
    assert check(custom, applicant(), offer(kind="initial_vet", funding="paid")) == []
    assert codes(check(custom, applicant(), offer(kind="continuing_vet", funding="state"))) == ["funding"]
    assert codes(check(custom, applicant(), offer(kind="initial_vet_x", funding="state"))) == ["funding"]
    assert check(custom, applicant(prior="one_state"), offer(kind="cpd", funding="state")) == []
    assert codes(check(custom, applicant(prior="one_state"), offer(funding="paid"))) == ["funding"]
    for funding in FUNDINGS:  # an empty list: no place is open
        (reason,) = check(custom, applicant(prior="two_or_more"), offer(funding=funding))
        assert reason.params["alternative"] is None


# --- state-funded only rounds -------------------------------------------------------------------------------------

def test_state_funded_only_round_refuses_paid_places():
    winter = rules(state_funded_only=True)
    assert check(winter, applicant(), offer(funding="state")) == []
    assert check(winter, applicant(), offer(funding="paid")) == [Reason("state_funded_only", {"funding": "paid"})]
    assert check(rules(), applicant(), offer(funding="paid")) == []


def test_state_funded_only_with_two_qualifications_leaves_nothing():
    winter = rules(state_funded_only=True)
    assert codes(check(winter, applicant(prior="two_or_more"), offer(funding="state"))) == ["funding"]
    assert codes(check(winter, applicant(prior="two_or_more"), offer(funding="paid"))) == ["state_funded_only"]


def test_every_reason_at_once():
    winter = rules(state_funded_only=True)
    reasons = check(winter, applicant(age=13, education="none", prior="two_or_more"),
                    offer(level=4, with_ge=False, kind="initial_vet", funding="paid"))
    assert codes(reasons) == ["too_young", "too_young_without_general_education", "entry_education",
                              "state_funded_only"]
    reasons = check(winter, applicant(age=13, education="none", prior="two_or_more"), offer(level=4))
    assert codes(reasons) == ["too_young", "too_young_without_general_education", "entry_education", "funding"]


# --- configuration errors ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("changes", "field", "code"), [
    ({"min_age": -1}, "min_age", "age_range"),
    ({"min_age": 101}, "min_age", "age_range"),
    ({"min_age": 14.0}, "min_age", "not_integer"),
    ({"min_age": True}, "min_age", "not_integer"),
    ({"min_age": None}, "min_age", "not_integer"),
    ({"min_age_without_general_education": "16"}, "min_age_without_general_education", "not_integer"),
    ({"min_age_without_general_education": 101}, "min_age_without_general_education", "age_range"),
    ({"min_age_without_general_education": 13}, "min_age_without_general_education", "below_min_age"),
    ({"entry_levels": [2, 3, 4]}, "entry_levels", "not_object"),
    ({"entry_levels": {"none": 2, "basic": 3}}, "entry_levels", "keys"),
    ({"entry_levels": {"none": 2, "basic": 3, "secondary": 4, "higher": 5}}, "entry_levels", "keys"),
    ({"entry_levels": {"none": 0, "basic": 3, "secondary": 4}}, "entry_levels", "level"),
    ({"entry_levels": {"none": 2, "basic": 3, "secondary": 9}}, "entry_levels", "level"),
    ({"entry_levels": {"none": 2, "basic": "3", "secondary": 4}}, "entry_levels", "level"),
    ({"entry_levels": {"none": 2, "basic": 3.5, "secondary": 4}}, "entry_levels", "level"),
    ({"entry_levels": {"none": 3, "basic": 2, "secondary": 4}}, "entry_levels", "decreasing"),
    ({"entry_levels": {"none": 2, "basic": 4, "secondary": 3}}, "entry_levels", "decreasing"),
    ({"funding_rules": "*:*"}, "funding_rules", "not_object"),
    ({"funding_rules": {"none": ["*:*"], "one_state": []}}, "funding_rules", "keys"),
    ({"funding_rules": {**DEFAULTS["funding_rules"], "three": []}}, "funding_rules", "keys"),
    ({"funding_rules": {**DEFAULTS["funding_rules"], "none": "*:*"}}, "funding_rules", "not_list"),
    ({"funding_rules": {**DEFAULTS["funding_rules"], "none": ["*"]}}, "funding_rules", "pattern"),
    ({"funding_rules": {**DEFAULTS["funding_rules"], "none": ["*:free"]}}, "funding_rules", "pattern"),
    ({"funding_rules": {**DEFAULTS["funding_rules"], "none": ["Initial VET:state"]}}, "funding_rules", "pattern"),
    ({"funding_rules": {**DEFAULTS["funding_rules"], "none": ["a:b:c"]}}, "funding_rules", "pattern"),
    ({"funding_rules": {**DEFAULTS["funding_rules"], "none": [3]}}, "funding_rules", "pattern"),
    ({"funding_rules": {**DEFAULTS["funding_rules"], "none": [":state"]}}, "funding_rules", "pattern"),
    ({"state_funded_only": 1}, "state_funded_only", "not_boolean"),
])
def test_configuration_errors(changes, field, code):
    with pytest.raises(RulesError) as caught:
        rules(**changes)
    assert (caught.value.field, caught.value.code) == (field, code)


def test_configuration_error_details():
    with pytest.raises(RulesError) as caught:
        rules(entry_levels={"none": 2, "basic": 3, "higher": 5})
    assert caught.value.params["missing"] == ["secondary"]
    assert caught.value.params["unknown"] == ["higher"]
    with pytest.raises(RulesError) as caught:
        rules(funding_rules={**DEFAULTS["funding_rules"], "one_state": ["*:paid", "vet:gratis"]})
    assert caught.value.params == {"group": "one_state", "pattern": "vet:gratis"}


def test_edge_configurations_are_accepted():
    parsed = rules(min_age=0, min_age_without_general_education=0, entry_levels={"none": 1, "basic": 1, "secondary": 8},
                   funding_rules={"none": ["*:*"], "one_state": ["cpd:paid", "continuing-vet_2:state"],
                                  "two_or_more": []}, state_funded_only=True)
    assert parsed.entry_levels == {"none": 1, "basic": 1, "secondary": 8}
    assert parsed.funding_rules["two_or_more"] == ()
    assert rules(min_age=100, min_age_without_general_education=100).min_age == 100


def test_applicant_facts_refuse_unknown_values():
    with pytest.raises(ValueError):
        ApplicantFacts(age=16, education="higher", prior_qualifications="none")
    with pytest.raises(ValueError):
        ApplicantFacts(age=16, education="basic", prior_qualifications="one")


# --- properties -----------------------------------------------------------------------------------------------------

applicants = st.builds(ApplicantFacts, age=st.integers(0, 60), education=st.sampled_from(EDUCATIONS),
                       prior_qualifications=st.sampled_from(PRIOR_QUALIFICATIONS))
offers = st.builds(OfferFacts, ltks_level=st.one_of(st.none(), st.integers(1, 8)), with_general_education=st.booleans(),
                   programme_kind=st.sampled_from(KINDS + ("cpd",)), funding=st.sampled_from(FUNDINGS))
round_rules = st.builds(
    lambda a, b, levels, winter: rules(min_age=a, min_age_without_general_education=a + b,
                                       entry_levels=dict(zip(EDUCATIONS, sorted(levels), strict=True)),
                                       state_funded_only=winter),
    st.integers(0, 30), st.integers(0, 10), st.lists(st.integers(1, 8), min_size=3, max_size=3), st.booleans())


@given(round_rules, applicants, offers, st.integers(0, 30))
def test_eligibility_is_monotone_in_age(parsed, person, place, years):
    """Growing older never adds a reason."""
    younger = set(codes(check(parsed, person, place)))
    older = ApplicantFacts(age=person.age + years, education=person.education,
                           prior_qualifications=person.prior_qualifications)
    assert set(codes(check(parsed, older, place))) <= younger


@given(round_rules, applicants, offers)
def test_eligibility_is_monotone_in_education(parsed, person, place):
    """More education never adds a reason."""
    before = set(codes(check(parsed, person, place)))
    for education in EDUCATIONS[EDUCATIONS.index(person.education):]:
        more = ApplicantFacts(age=person.age, education=education, prior_qualifications=person.prior_qualifications)
        assert set(codes(check(parsed, more, place))) <= before


@given(round_rules, applicants, offers)
def test_general_education_never_hurts(parsed, person, place):
    without = OfferFacts(place.ltks_level, False, place.programme_kind, place.funding)
    with_ge = OfferFacts(place.ltks_level, True, place.programme_kind, place.funding)
    assert set(codes(check(parsed, person, with_ge))) <= set(codes(check(parsed, person, without)))


@given(round_rules, applicants, offers)
def test_each_reason_matches_its_rule(parsed, person, place):
    found = set(codes(check(parsed, person, place)))
    assert ("too_young" in found) == (person.age < parsed.min_age)
    assert ("too_young_without_general_education" in found) == (
        person.age < parsed.min_age_without_general_education and not place.with_general_education)
    assert ("entry_education" in found) == (
        place.ltks_level is not None and place.ltks_level > parsed.entry_levels[person.education])
    assert ("funding" in found) == (not ALLOWED.get((person.prior_qualifications, place.programme_kind,
                                                      place.funding),
                                                     person.prior_qualifications == "none"
                                                     or place.funding == "paid"))
    assert ("state_funded_only" in found) == (parsed.state_funded_only and place.funding == "paid")


# --- programmes combined with general education ---------------------------------------------------------------------

GENERAL = {"none": 2, "basic": 4, "secondary": 4}


def test_basic_education_opens_level_iv_only_with_general_education():
    parsed = rules(entry_levels_with_general_education=GENERAL)
    basic_leaver = applicant(age=16, education="basic")
    assert check(parsed, basic_leaver, offer(level=4, with_ge=True)) == []
    assert check(parsed, basic_leaver, offer(level=4, with_ge=False)) == [Reason("entry_education", {
        "level": 4, "max_level": 3, "education": "basic", "needed": "secondary"})]
    assert check(parsed, applicant(age=16, education="none"), offer(level=4, with_ge=True)) == [Reason(
        "entry_education", {"level": 4, "max_level": 2, "education": "none", "needed": "basic"})]
    assert codes(check(parsed, basic_leaver, offer(level=5, with_ge=True))) == ["entry_education"]


def test_without_a_general_education_map_the_entry_levels_apply_to_every_programme():
    assert codes(check(rules(), applicant(education="basic"), offer(level=4, with_ge=True))) == ["entry_education"]


@pytest.mark.parametrize(("value", "code"), [
    ({"none": 2, "basic": 4}, "keys"),
    ({"none": 2, "basic": 9, "secondary": 9}, "level"),
    ({"none": 4, "basic": 3, "secondary": 4}, "decreasing"),
    ([2, 4, 4], "not_object"),
])
def test_general_education_levels_are_checked(value, code):
    with pytest.raises(RulesError) as caught:
        rules(entry_levels_with_general_education=value)
    assert (caught.value.field, caught.value.code) == ("entry_levels_with_general_education", code)


@given(applicants, offers, st.lists(st.integers(1, 8), min_size=3, max_size=3),
       st.lists(st.integers(0, 3), min_size=3, max_size=3))
def test_general_education_never_hurts_when_its_limits_are_not_lower(person, place, levels, extra):
    base = dict(zip(EDUCATIONS, sorted(levels), strict=True))
    general = {e: min(8, base[e] + bump) for e, bump in zip(EDUCATIONS, sorted(extra), strict=True)}
    parsed = rules(entry_levels=base, entry_levels_with_general_education=general)
    without = OfferFacts(place.ltks_level, False, place.programme_kind, place.funding)
    with_ge = OfferFacts(place.ltks_level, True, place.programme_kind, place.funding)
    assert set(codes(check(parsed, person, with_ge))) <= set(codes(check(parsed, person, without)))
