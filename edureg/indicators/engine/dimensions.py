"""The dimensions an observation can be broken down by, keyed by stable codes. Each is a column of the observation
table ("" = all). A dimension may have a parent (a municipality lies in a county): a breakdown never holds both,
and disclosure control treats the parent's cell as the total of its children's."""

DIMENSIONS: tuple[str, ...] = (
    "county", "municipality", "institution_type", "ownership", "sex", "age_group", "isced_level", "education",
    "programme_kind",
)

PARENTS: dict[str, str] = {"municipality": "county"}

# Age groups on the reference date: (code, lowest age, highest age or None).
AGE_GROUPS: tuple[tuple[str, int, int | None], ...] = (
    ("0-6", 0, 6), ("7-10", 7, 10), ("11-14", 11, 14), ("15-19", 15, 19), ("20-24", 20, 24), ("25-29", 25, 29),
    ("30-39", 30, 39), ("40-49", 40, 49), ("50-59", 50, 59), ("60+", 60, None),
)


def age_group(age: int) -> str:
    for code, low, high in AGE_GROUPS:
        if age >= low and (high is None or age <= high):
            return code
    return ""
