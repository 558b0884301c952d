"""Regenerates the classifier files derived from pycountry: county.csv, municipality.csv, country.csv and
language.csv (run by hand after upgrading pycountry: ``python -m edureg.classifiers.data.build``).

pycountry gives the codes, the county of each municipality and the Lithuanian names of countries and
languages (its own gettext catalogues). The official Lithuanian and English names of counties and
municipalities and their approximate populations are kept in the tables below, because ISO 3166-2
names them inconsistently ("Akmenė", "Alytaus miestas"). The script uses no Django.

A changed file is a new version of its list only when its entry in lists.json gets a later valid_from;
with the same valid_from the loader treats the change as a correction of the current version.
"""

import csv
import gettext
import sys
from pathlib import Path

import pycountry

DATA_DIR = Path(__file__).resolve().parent
COLUMNS = ["code", "name_lt", "name_en", "parent", "valid_from", "valid_to", "sort_order"]

# County: (Lithuanian name, English name).
COUNTIES = {
    "LT-AL": ("Alytaus apskritis", "Alytus County"),
    "LT-KL": ("Klaipėdos apskritis", "Klaipėda County"),
    "LT-KU": ("Kauno apskritis", "Kaunas County"),
    "LT-MR": ("Marijampolės apskritis", "Marijampolė County"),
    "LT-PN": ("Panevėžio apskritis", "Panevėžys County"),
    "LT-SA": ("Šiaulių apskritis", "Šiauliai County"),
    "LT-TA": ("Tauragės apskritis", "Tauragė County"),
    "LT-TE": ("Telšių apskritis", "Telšiai County"),
    "LT-UT": ("Utenos apskritis", "Utena County"),
    "LT-VL": ("Vilniaus apskritis", "Vilnius County"),
}

# Municipality: (Lithuanian genitive of the place name, English place name, approximate resident
# population about 1 January 2024, rounded to the thousand; Lithuania ~2.89 million in all).
MUNICIPALITIES = {
    "LT-01": ("Akmenės", "Akmenė", 19_000),
    "LT-02": ("Alytaus", "Alytus", 50_000),
    "LT-03": ("Alytaus", "Alytus", 26_000),
    "LT-04": ("Anykščių", "Anykščiai", 23_000),
    "LT-05": ("Birštono", "Birštonas", 4_000),
    "LT-06": ("Biržų", "Biržai", 23_000),
    "LT-07": ("Druskininkų", "Druskininkai", 21_000),
    "LT-08": ("Elektrėnų", "Elektrėnai", 24_000),
    "LT-09": ("Ignalinos", "Ignalina", 15_000),
    "LT-10": ("Jonavos", "Jonava", 40_000),
    "LT-11": ("Joniškio", "Joniškis", 21_000),
    "LT-12": ("Jurbarko", "Jurbarkas", 25_000),
    "LT-13": ("Kaišiadorių", "Kaišiadorys", 29_000),
    "LT-14": ("Kalvarijos", "Kalvarija", 11_000),
    "LT-15": ("Kauno", "Kaunas", 305_000),
    "LT-16": ("Kauno", "Kaunas", 100_000),
    "LT-17": ("Kazlų Rūdos", "Kazlų Rūda", 12_000),
    "LT-18": ("Kėdainių", "Kėdainiai", 47_000),
    "LT-19": ("Kelmės", "Kelmė", 25_000),
    "LT-20": ("Klaipėdos", "Klaipėda", 159_000),
    "LT-21": ("Klaipėdos", "Klaipėda", 68_000),
    "LT-22": ("Kretingos", "Kretinga", 39_000),
    "LT-23": ("Kupiškio", "Kupiškis", 16_000),
    "LT-24": ("Lazdijų", "Lazdijai", 18_000),
    "LT-25": ("Marijampolės", "Marijampolė", 57_000),
    "LT-26": ("Mažeikių", "Mažeikiai", 52_000),
    "LT-27": ("Molėtų", "Molėtai", 18_000),
    "LT-28": ("Neringos", "Neringa", 3_000),
    "LT-29": ("Pagėgių", "Pagėgiai", 7_000),
    "LT-30": ("Pakruojo", "Pakruojis", 20_000),
    "LT-31": ("Palangos", "Palanga", 18_000),
    "LT-32": ("Panevėžio", "Panevėžys", 86_000),
    "LT-33": ("Panevėžio", "Panevėžys", 35_000),
    "LT-34": ("Pasvalio", "Pasvalys", 23_000),
    "LT-35": ("Plungės", "Plungė", 33_000),
    "LT-36": ("Prienų", "Prienai", 25_000),
    "LT-37": ("Radviliškio", "Radviliškis", 35_000),
    "LT-38": ("Raseinių", "Raseiniai", 30_000),
    "LT-39": ("Rietavo", "Rietavas", 7_000),
    "LT-40": ("Rokiškio", "Rokiškis", 27_000),
    "LT-41": ("Šakių", "Šakiai", 26_000),
    "LT-42": ("Šalčininkų", "Šalčininkai", 30_000),
    "LT-43": ("Šiaulių", "Šiauliai", 108_000),
    "LT-44": ("Šiaulių", "Šiauliai", 39_000),
    "LT-45": ("Šilalės", "Šilalė", 21_000),
    "LT-46": ("Šilutės", "Šilutė", 37_000),
    "LT-47": ("Širvintų", "Širvintos", 15_000),
    "LT-48": ("Skuodo", "Skuodas", 16_000),
    "LT-49": ("Švenčionių", "Švenčionys", 23_000),
    "LT-50": ("Tauragės", "Tauragė", 37_000),
    "LT-51": ("Telšių", "Telšiai", 40_000),
    "LT-52": ("Trakų", "Trakai", 33_000),
    "LT-53": ("Ukmergės", "Ukmergė", 35_000),
    "LT-54": ("Utenos", "Utena", 38_000),
    "LT-55": ("Varėnos", "Varėna", 20_000),
    "LT-56": ("Vilkaviškio", "Vilkaviškis", 34_000),
    "LT-57": ("Vilniaus", "Vilnius", 605_000),
    "LT-58": ("Vilniaus", "Vilnius", 107_000),
    "LT-59": ("Visagino", "Visaginas", 18_000),
    "LT-60": ("Zarasų", "Zarasai", 15_000),
}

# ISO 3166-2 subdivision type -> x_kind.
KINDS = {"City municipality": "city", "District municipality": "district", "Municipality": "other"}
# ISO 3166-2 calls Marijampolė a district municipality; its official name is "Marijampolės savivaldybė",
# one of the ten municipalities that are neither city nor district ones.
KIND_OVERRIDES = {"LT-25": "other"}
NAME_FORMS = {
    "city": ("{} miesto savivaldybė", "{} City Municipality"),
    "district": ("{} rajono savivaldybė", "{} District Municipality"),
    "other": ("{} savivaldybė", "{} Municipality"),
}

# Lithuanian alphabetical order: y between i and j; č, š, ž after c, s, z; nasal and long vowels as
# their plain letters.
_LT_ORDER = str.maketrans({"ą": "a", "ę": "e", "ė": "e", "į": "i", "ų": "u", "ū": "u",
                           "č": "c~", "š": "s~", "ž": "z~", "y": "i~"})


def lt_sort_key(text: str) -> str:
    return text.lower().translate(_LT_ORDER)


def write_csv(name: str, rows: list[dict], extra_columns: list[str]) -> Path:
    path = DATA_DIR / name
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS + extra_columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: row.get(key, "") for key in COLUMNS + extra_columns})
    return path


def municipality_rows() -> tuple[list[dict], list[dict]]:
    subdivisions = sorted(pycountry.subdivisions.get(country_code="LT"), key=lambda s: s.code)
    counties = [s for s in subdivisions if s.type == "County"]
    municipalities = [s for s in subdivisions if s.type != "County"]
    if {s.code for s in counties} != set(COUNTIES):
        raise SystemExit(f"county codes differ from pycountry: {sorted({s.code for s in counties} ^ set(COUNTIES))}")
    if {s.code for s in municipalities} != set(MUNICIPALITIES):
        raise SystemExit("municipality codes differ from pycountry: "
                         f"{sorted({s.code for s in municipalities} ^ set(MUNICIPALITIES))}")
    county_population = dict.fromkeys(COUNTIES, 0)
    mun_rows = []
    for sub in municipalities:
        genitive, english, population = MUNICIPALITIES[sub.code]
        kind = KIND_OVERRIDES.get(sub.code) or KINDS[sub.type]
        form_lt, form_en = NAME_FORMS[kind]
        county_population[sub.parent_code] += population
        mun_rows.append({"code": sub.code, "name_lt": form_lt.format(genitive), "name_en": form_en.format(english),
                         "parent": sub.parent_code, "x_population": population, "x_kind": kind})
    county_rows = [{"code": s.code, "name_lt": COUNTIES[s.code][0], "name_en": COUNTIES[s.code][1],
                    "x_population": county_population[s.code]} for s in counties]
    return _by_lithuanian_name(county_rows), _by_lithuanian_name(mun_rows)


def _by_lithuanian_name(rows: list[dict]) -> list[dict]:
    """Rows in Lithuanian alphabetical order (the file order is the display order)."""
    return sorted(rows, key=lambda r: (lt_sort_key(r["name_lt"]), r["code"]))


def country_rows() -> list[dict]:
    lt = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["lt"])
    rows = []
    for country in pycountry.countries:
        # The common name ("Bolivia", "South Korea") where ISO has one, else the short name.
        name_en = getattr(country, "common_name", None) or country.name
        name_lt = lt.gettext(name_en)
        if name_lt == name_en:
            name_lt = lt.gettext(country.name)
        rows.append({"code": country.alpha_2, "name_lt": name_lt, "name_en": name_en, "x_alpha3": country.alpha_3})
    return _by_lithuanian_name(rows)


def language_rows() -> list[dict]:
    lt = gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=["lt"])
    rows = []
    for language in pycountry.languages:
        if not hasattr(language, "alpha_2"):
            continue
        # gettext returns the English name itself when the catalogue has no Lithuanian one.
        rows.append({"code": language.alpha_2, "name_lt": lt.gettext(language.name), "name_en": language.name,
                     "x_alpha3": language.alpha_3})
    return _by_lithuanian_name(rows)


def main() -> int:
    county, municipality = municipality_rows()
    countries = country_rows()
    languages = language_rows()
    written = [
        (write_csv("county.csv", county, ["x_population"]), len(county)),
        (write_csv("municipality.csv", municipality, ["x_population", "x_kind"]), len(municipality)),
        (write_csv("country.csv", countries, ["x_alpha3"]), len(countries)),
        (write_csv("language.csv", languages, ["x_alpha3"]), len(languages)),
    ]
    for path, count in written:
        print(f"{path.name}: {count} rows")
    print(f"Lithuania: {sum(r['x_population'] for r in municipality):,} residents (approximate)")
    print(f"pycountry {getattr(pycountry, '__version__', '')}: if names changed, give the lists a new "
          "valid_from (and version) in lists.json before loading")
    return 0


if __name__ == "__main__":
    sys.exit(main())
