"""The round file (the documented JSON format): validation messages, the result, cut-offs, determinism."""

import copy
import hashlib
import json
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edureg.admission.engine.allocation import allocate
from edureg.admission.engine.reference import allocate_reference
from edureg.admission.engine.roundfile import RoundFileError, allocate_file, canonical_hash, load, parse, result


def example():
    return {
        "offers": [{"id": "OF-1", "capacity": 1}, {"id": "OF-2", "capacity": 2}, {"id": "OF-3", "capacity": 0},
                   {"id": "OF-4", "capacity": 5}],
        "applicants": [
            {"id": "AP-1", "lottery": 0.42, "preferences": [{"offer": "OF-1", "score": [8.6, 1]},
                                                            {"offer": "OF-2", "score": [7]}]},
            {"id": "AP-2", "lottery": 0.17, "preferences": [{"offer": "OF-1", "score": [8.6, 1]}]},
            {"id": "AP-3", "lottery": 0.9, "preferences": [{"offer": "OF-3", "score": [10]},
                                                           {"offer": "OF-2", "score": [7, 0]}]},
            {"id": "AP-4", "lottery": 0.5, "preferences": []},
            {"id": "AP-5", "lottery": 0.05, "preferences": [{"offer": "OF-2", "score": [6.5, 1]},
                                                            {"offer": "OF-4", "score": [3]}]},
        ],
    }


def run(data):
    parsed = parse(data)
    return result(parsed, allocate(parsed.instance))


def test_result_of_the_documented_example():
    # OF-1 (1 place): AP-1 and AP-2 tie on [8.6, 1]; AP-2 has the lower lottery. AP-1 falls back to OF-2
    # (2 places) where AP-3's [7, 0] ranks above AP-1's [7] (equal start, longer) and both rank above AP-5's
    # [6.5, 1]. OF-3 has no places. AP-5 goes to OF-4, which is not full. AP-4 listed nothing.
    assert run(example()) == {
        "assignments": {"AP-1": "OF-2", "AP-2": "OF-1", "AP-3": "OF-2", "AP-4": None, "AP-5": "OF-4"},
        "cutoffs": {"OF-1": {"score": [8.6, 1.0], "lottery": 0.17}, "OF-2": {"score": [7.0], "lottery": 0.42},
                    "OF-3": None, "OF-4": None},
    }


def test_keys_keep_the_input_order():
    data = example()
    data["offers"].reverse()
    data["applicants"].reverse()
    out = run(data)
    assert list(out["assignments"]) == ["AP-5", "AP-4", "AP-3", "AP-2", "AP-1"]
    assert list(out["cutoffs"]) == ["OF-4", "OF-3", "OF-2", "OF-1"]


def test_parse_builds_the_instance():
    parsed = parse(example())
    assert parsed.applicant_ids == ["AP-1", "AP-2", "AP-3", "AP-4", "AP-5"]
    assert parsed.offer_ids == ["OF-1", "OF-2", "OF-3", "OF-4"]
    assert parsed.score_len.tolist() == [2, 1, 2, 1, 2, 2, 1]
    instance = parsed.instance
    assert instance.capacity.tolist() == [1, 2, 0, 5]
    assert instance.pref_ptr.tolist() == [0, 2, 3, 5, 5, 7]
    assert instance.pref_offer.tolist() == [0, 1, 0, 2, 1, 1, 3]
    assert instance.pref_score[1].tolist() == [7.0, -np.inf]
    assert instance.lottery.tolist() == [0.42, 0.17, 0.9, 0.5, 0.05]


def test_other_keys_are_ignored():
    data = example()
    data["round"] = "2026-main"
    data["offers"][0]["name"] = "Virėjas"
    data["applicants"][0]["preferences"][0]["rank"] = 1
    assert run(data) == run(example())


def test_cutoff_when_full_with_exactly_capacity_applicants():
    data = {"offers": [{"id": "A", "capacity": 2}],
            "applicants": [{"id": "x", "lottery": 1, "preferences": [{"offer": "A", "score": [5, 2, 1]}]},
                           {"id": "y", "lottery": 2, "preferences": [{"offer": "A", "score": [5, 2]}]}]}
    assert run(data)["cutoffs"] == {"A": {"score": [5.0, 2.0], "lottery": 2.0}}
    data["offers"][0]["capacity"] = 3
    assert run(data)["cutoffs"] == {"A": None}


# --- random rounds: cut-offs explain every result; order of the file does not matter ---------------------------


@st.composite
def round_files(draw):
    n_offers = draw(st.integers(1, 5))
    offers = [{"id": f"OF-{i}", "capacity": draw(st.integers(0, 3))} for i in range(n_offers)]
    n_applicants = draw(st.integers(0, 12))
    lotteries = draw(st.permutations(range(n_applicants)))
    applicants = []
    for i in range(n_applicants):
        chosen = draw(st.permutations(range(n_offers)))[: draw(st.integers(0, n_offers))]
        applicants.append({"id": f"AP-{i}", "lottery": lotteries[i] / 10, "preferences": [
            {"offer": f"OF-{o}", "score": draw(st.lists(st.sampled_from([0, 1, 2.5]), min_size=1, max_size=3))}
            for o in chosen]})
    return {"offers": offers, "applicants": applicants}


def key(preference, lottery):
    return (list(preference["score"]), -lottery)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(round_files())
def test_cutoffs_explain_every_result(data):
    """The cut-off is the key of the lowest invited applicant of a full offer: every invited applicant is at or
    above it, and every offer an applicant preferred to their invitation is full with a cut-off above them."""
    out = run(data)
    capacity = {offer["id"]: offer["capacity"] for offer in data["offers"]}
    invited = {o: [a for a, x in out["assignments"].items() if x == o] for o in capacity}
    for o, cutoff in out["cutoffs"].items():
        if cutoff is None:
            assert len(invited[o]) < capacity[o] or capacity[o] == 0
            continue
        assert len(invited[o]) == capacity[o]
        keys = [key(next(p for p in applicant["preferences"] if p["offer"] == o), applicant["lottery"])
                for applicant in data["applicants"] if applicant["id"] in invited[o]]
        assert (cutoff["score"], -cutoff["lottery"]) == min(keys)
    for applicant in data["applicants"]:
        for preference in applicant["preferences"]:
            if preference["offer"] == out["assignments"][applicant["id"]]:
                break
            cutoff = out["cutoffs"][preference["offer"]]
            assert cutoff is not None or capacity[preference["offer"]] == 0
            if cutoff is not None:
                assert key(preference, applicant["lottery"]) < (cutoff["score"], -cutoff["lottery"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(round_files(), st.randoms(use_true_random=False))
def test_same_result_when_the_file_lists_applicants_and_offers_in_another_order(data, random_):
    out = run(data)
    assert run(copy.deepcopy(data)) == out
    shuffled = copy.deepcopy(data)
    random_.shuffle(shuffled["offers"])
    random_.shuffle(shuffled["applicants"])
    again = run(shuffled)
    assert again == out  # dict equality ignores the key order
    assert canonical_hash(again) == canonical_hash(out)
    assert list(again["assignments"]) == [applicant["id"] for applicant in shuffled["applicants"]]


# --- malformed input -----------------------------------------------------------------------------------------


def applicant(data, n):
    return data["applicants"][n]


MALFORMED = [
    (lambda d: d.pop("offers"), 'round file: missing "offers"'),
    (lambda d: d.pop("applicants"), 'round file: missing "applicants"'),
    (lambda d: d.update(offers={"OF-1": 1}), 'round file: "offers" must be a list, got an object'),
    (lambda d: d.update(applicants="AP-1"), 'round file: "applicants" must be a list, got "AP-1"'),
    (lambda d: d["offers"].append("OF-9"), 'offer 5: expected an object'),
    (lambda d: d["offers"][1].pop("id"), 'offer 2: missing "id"'),
    (lambda d: d["offers"][1].update(id=2), 'offer 2: id must be a non-empty string, got 2'),
    (lambda d: d["offers"][1].update(id=""), 'offer 2: id must be a non-empty string, got ""'),
    (lambda d: d["offers"][3].update(id="OF-1"), 'offer "OF-1": duplicate id (offers 1 and 4)'),
    (lambda d: d["offers"][0].pop("capacity"), 'offer "OF-1": missing "capacity"'),
    (lambda d: d["offers"][0].update(capacity=-1), 'offer "OF-1": capacity must be a non-negative integer, got -1'),
    (lambda d: d["offers"][0].update(capacity=2.5),
     'offer "OF-1": capacity must be a non-negative integer, got 2.5'),
    (lambda d: d["offers"][0].update(capacity=2.0),
     'offer "OF-1": capacity must be a non-negative integer, got 2.0'),
    (lambda d: d["offers"][0].update(capacity="25"),
     'offer "OF-1": capacity must be a non-negative integer, got "25"'),
    (lambda d: d["offers"][0].update(capacity=True),
     'offer "OF-1": capacity must be a non-negative integer, got true'),
    (lambda d: d["offers"][0].update(capacity=None),
     'offer "OF-1": capacity must be a non-negative integer, got null'),
    (lambda d: d["applicants"].insert(1, None), "applicant 2: expected an object"),
    (lambda d: applicant(d, 2).pop("id"), 'applicant 3: missing "id"'),
    (lambda d: applicant(d, 2).update(id=["AP-3"]), "applicant 3: id must be a non-empty string, got a list"),
    (lambda d: applicant(d, 3).update(id="AP-1"), 'applicant "AP-1": duplicate id (applicants 1 and 4)'),
    (lambda d: applicant(d, 0).pop("lottery"), 'applicant "AP-1": missing "lottery"'),
    (lambda d: applicant(d, 0).update(lottery="0.42"), 'applicant "AP-1": lottery must be a finite number, got "0.42"'),
    (lambda d: applicant(d, 0).update(lottery=False), 'applicant "AP-1": lottery must be a finite number, got false'),
    (lambda d: applicant(d, 0).update(lottery=float("nan")),
     'applicant "AP-1": lottery must be a finite number, got NaN'),
    (lambda d: applicant(d, 0).update(lottery=float("inf")),
     'applicant "AP-1": lottery must be a finite number, got Infinity'),
    (lambda d: applicant(d, 0).update(lottery=10**400),
     'applicant "AP-1": lottery must be a finite number, got a number too large'),
    (lambda d: applicant(d, 4).update(lottery=0.17),
     """applicant "AP-5": lottery 0.17 is the same as applicant "AP-2"'s"""),
    (lambda d: applicant(d, 1).update(lottery=0.5),
     """applicant "AP-4": lottery 0.5 is the same as applicant "AP-2"'s"""),
    (lambda d: applicant(d, 0).pop("preferences"), 'applicant "AP-1": missing "preferences"'),
    (lambda d: applicant(d, 0).update(preferences={"OF-1": [1]}),
     'applicant "AP-1": "preferences" must be a list, got an object'),
    (lambda d: applicant(d, 0)["preferences"].append("OF-4"), 'applicant "AP-1", preference 3: expected an object'),
    (lambda d: applicant(d, 0)["preferences"][1].pop("offer"), 'applicant "AP-1", preference 2: missing "offer"'),
    (lambda d: applicant(d, 0)["preferences"][1].update(offer=2),
     'applicant "AP-1", preference 2: offer must be a string, got 2'),
    (lambda d: applicant(d, 0)["preferences"][1].update(offer="OF-9"),
     'applicant "AP-1", preference 2: unknown offer "OF-9"'),
    (lambda d: applicant(d, 0)["preferences"].append({"offer": "OF-1", "score": [1]}),
     'applicant "AP-1", preference 3: offer "OF-1" is already preference 1'),
    (lambda d: applicant(d, 0)["preferences"][1].pop("score"), 'applicant "AP-1", preference 2: missing "score"'),
    (lambda d: applicant(d, 0)["preferences"][1].update(score=7),
     'applicant "AP-1", preference 2: score must be a list of numbers, got 7'),
    (lambda d: applicant(d, 0)["preferences"][1].update(score=[]),
     'applicant "AP-1", preference 2: score must not be empty'),
    (lambda d: applicant(d, 0)["preferences"][1].update(score=[7, float("nan")]),
     'applicant "AP-1", preference 2: score[2] must be a finite number, got NaN'),
    (lambda d: applicant(d, 0)["preferences"][1].update(score=[float("-inf")]),
     'applicant "AP-1", preference 2: score[1] must be a finite number, got -Infinity'),
    (lambda d: applicant(d, 0)["preferences"][1].update(score=[7, True]),
     'applicant "AP-1", preference 2: score[2] must be a finite number, got true'),
    (lambda d: applicant(d, 0)["preferences"][1].update(score=["7"]),
     'applicant "AP-1", preference 2: score[1] must be a finite number, got "7"'),
    (lambda d: applicant(d, 0)["preferences"][1].update(score=[None]),
     'applicant "AP-1", preference 2: score[1] must be a finite number, got null'),
]


@pytest.mark.parametrize(("mutate", "message"), MALFORMED, ids=[message for _, message in MALFORMED])
def test_malformed_input_names_the_item(mutate, message):
    data = example()
    mutate(data)
    with pytest.raises(RoundFileError) as caught:
        parse(data)
    assert str(caught.value) == message


@pytest.mark.parametrize("data", [[], "round", None, 3])
def test_a_round_file_is_an_object(data):
    with pytest.raises(RoundFileError) as caught:
        parse(data)
    assert str(caught.value) == 'round file: expected a JSON object with "offers" and "applicants"'


def test_round_file_error_is_a_value_error():
    assert issubclass(RoundFileError, ValueError)


def test_an_applicant_with_the_same_lottery_as_a_later_one_is_named_at_the_later_one():
    data = example()
    data["applicants"][0]["lottery"] = 0.05
    with pytest.raises(RoundFileError, match='^applicant "AP-5": lottery 0.05 is the same as applicant "AP-1"'):
        parse(data)


def test_lotteries_equal_as_numbers_are_duplicates():
    data = example()
    data["applicants"][0]["lottery"] = 1
    data["applicants"][1]["lottery"] = 1.0
    with pytest.raises(RoundFileError, match="lottery 1.0 is the same as applicant"):
        parse(data)


# --- files ---------------------------------------------------------------------------------------------------


def test_allocate_file_writes_the_result(tmp_path):
    data = example()
    data["applicants"][0]["id"] = "AP-Šarūnas"
    source, target = tmp_path / "round.json", tmp_path / "result.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    returned = allocate_file(source, target)
    text = target.read_text(encoding="utf-8")
    assert json.loads(text) == returned == run(data)
    assert text.startswith('{\n "assignments": {\n  "AP-Šarūnas": "OF-2",\n')  # indent 1, not escaped
    assert text.endswith("}\n")
    assert allocate_file(str(source), str(tmp_path / "again.json")) == returned
    assert (tmp_path / "again.json").read_text(encoding="utf-8") == text


def test_load_reports_unreadable_files(tmp_path):
    missing = tmp_path / "missing.json"
    with pytest.raises(RoundFileError, match=f"^{missing}: cannot read: No such file or directory$"):
        load(missing)
    bad = tmp_path / "bad.json"
    bad.write_text('{"offers": [', encoding="utf-8")
    with pytest.raises(RoundFileError, match=rf"^{bad}: not valid JSON: Expecting value \(line 1, column 13\)$"):
        load(bad)
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"offers": [], "applicants": [{"id": "Šarūnas"}]}'.encode("cp1257"))
    with pytest.raises(RoundFileError, match=f"^{latin}: not UTF-8 text"):
        load(latin)
    nan = tmp_path / "nan.json"
    nan.write_text('{"offers": [{"id": "A", "capacity": 1}], "applicants": [{"id": "x", "lottery": NaN, '
                   '"preferences": []}]}', encoding="utf-8")
    with pytest.raises(RoundFileError, match='^applicant "x": lottery must be a finite number, got NaN$'):
        load(nan)


def test_allocate_file_reports_an_unwritable_output(tmp_path):
    source = tmp_path / "round.json"
    source.write_text(json.dumps(example()), encoding="utf-8")
    target = tmp_path / "no-such-dir" / "result.json"
    with pytest.raises(RoundFileError, match=f"^{target}: cannot write: No such file or directory$"):
        allocate_file(source, target)


def test_canonical_hash():
    data = {"b": [1, 2.5, None], "a": {"z": "Šiauliai", "y": True}}
    canonical = '{"a":{"y":true,"z":"Šiauliai"},"b":[1,2.5,null]}'
    assert canonical_hash(data) == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert canonical_hash(dict(reversed(list(data.items())))) == canonical_hash(data)
    assert canonical_hash({**data, "b": [1, 2.5]}) != canonical_hash(data)


def test_a_larger_round_gives_the_reference_result():
    rng = random.Random(3)
    offers = [{"id": f"OF-{i}", "capacity": rng.randint(0, 30)} for i in range(200)]
    lotteries = rng.sample(range(5000), 5000)
    applicants = [{"id": f"AP-{i}", "lottery": lotteries[i] / 5000, "preferences": [
        {"offer": f"OF-{o}", "score": [rng.randint(0, 40) / 4, rng.randint(0, 1)]}
        for o in rng.sample(range(200), rng.randint(0, 5))]} for i in range(5000)]
    parsed = parse({"offers": offers, "applicants": applicants})
    out = result(parsed, allocate(parsed.instance))
    assert out == result(parsed, allocate_reference(parsed.instance))
    assert sum(c is not None for c in out["cutoffs"].values()) > 50  # a real competition
