"""A small published run for the statistics pages, downloads and summary tests, made with the factories (no
computation): three municipalities, two indicators of one theme over 2019–2025, a suppressed and a secondary cell
whose hidden values are unmistakable, a non-public indicator and an unpublished run that must never show."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from edureg.classifiers.tests.factories import ClassifierItemFactory, CodeListFactory
from edureg.indicators.tests.factories import IndicatorFactory, IndicatorRunFactory, ObservationFactory, ThemeFactory

YEARS = tuple(range(2019, 2026))
MUNICIPALITIES = (("LT-57", "Vilniaus miesto savivaldybė", "Vilnius City Municipality"),
                  ("LT-19", "Kauno miesto savivaldybė", "Kaunas City Municipality"),
                  ("LT-01", "Akmenės rajono savivaldybė", "Akmenė District Municipality"))
HIDDEN_VALUE = 77.7  # LT-01, 2025 (suppressed): must appear nowhere
SECONDARY_VALUE = 66.6  # LT-19, 2024 (secondary): must appear nowhere
UNPUBLISHED_VALUE = 99.9  # the unpublished run's national value


def country_share(year: int) -> float:
    return 40.0 + (year - 2019) * 1.5


def municipality_share(code: str, year: int) -> float:
    base = {"LT-57": 45.0, "LT-19": 38.0, "LT-01": 30.0}[code]
    return base + (year - 2019) * 1.0


@dataclass
class Published:
    run: object
    share: object
    count: object
    hidden: object
    theme: object
    unpublished: object
    extra: dict = field(default_factory=dict)


def classifier_items() -> None:
    municipality_list = CodeListFactory(code="municipality")
    for code, lt, en in MUNICIPALITIES:
        ClassifierItemFactory(code_list=municipality_list, code=code, name_lt=lt, name_en=en)
    sex = CodeListFactory(code="sex")
    for i, (code, lt, en) in enumerate((("M", "Vyras", "Male"), ("F", "Moteris", "Female"))):
        ClassifierItemFactory(code_list=sex, code=code, name_lt=lt, name_en=en, sort_order=i)


def publish_sample() -> Published:
    classifier_items()
    theme = ThemeFactory(code="participation", name_lt="Dalyvavimas švietime", name_en="Participation", order=1)
    share = IndicatorFactory(code="SHARE-01", theme=theme, name_lt="Merginų dalis", name_en="Share of girls",
                             definition_lt="Merginų dalis tarp mokinių.", definition_en="Girls among learners.",
                             numerator="learners_f", denominator="learners", factor=100, decimals=1,
                             unit_lt="proc.", unit_en="%", dimensions=["municipality", "sex"],
                             source_lt="Mokinių registras", source_en="Register of learners",
                             methodology_en="Learners on 1 October.", methodology_version="2", order=1)
    count = IndicatorFactory(code="COUNT-01", theme=theme, name_lt="Mokinių skaičius", name_en="Number of learners",
                             decimals=0, unit_lt="asm.", unit_en="persons", dimensions=["municipality"], order=2)
    hidden = IndicatorFactory(code="HIDDEN-01", theme=theme, name_lt="Slaptas", name_en="Internal only",
                              is_public=False, dimensions=["municipality"])
    run = IndicatorRunFactory(number=7, published_at=timezone.make_aware(datetime.datetime(2026, 1, 15, 10, 0)))
    unpublished = IndicatorRunFactory(number=8)

    def add(indicator, year, value, *, run=run, flag="", **dims):
        ObservationFactory(run=run, indicator=indicator, year=year, value=value, numerator=value,
                           denominator=100.0, flag=flag, **dims)

    for year in YEARS:
        add(share, year, country_share(year))
        add(share, year, country_share(year) + 2, sex="F")
        add(share, year, country_share(year) - 2, sex="M")
        add(count, year, 1000.0 + year - 2019)
        add(hidden, year, 5.0)
        for code, _lt, _en in MUNICIPALITIES:
            if code == "LT-01" and year == 2025:
                add(share, year, HIDDEN_VALUE, municipality=code, flag="suppressed")
                add(share, year, HIDDEN_VALUE, municipality=code, sex="F", flag="suppressed")
            elif code == "LT-19" and year == 2024:
                add(share, year, SECONDARY_VALUE, municipality=code, flag="secondary")
            else:
                add(share, year, municipality_share(code, year), municipality=code)
            add(count, year, 300.0 + year - 2019, municipality=code)
        for sex, delta in (("F", 3.0), ("M", -3.0)):
            add(share, year, municipality_share("LT-57", year) + delta, municipality="LT-57", sex=sex)
    add(share, 2025, UNPUBLISHED_VALUE, run=unpublished)
    return Published(run=run, share=share, count=count, hidden=hidden, theme=theme, unpublished=unpublished)
