"""Names of people and institutions.

Person names start from Faker's lt_LT vocabulary (its first names are split by sex from their
endings; its surnames are male forms) widened with common Lithuanian names; female surnames are
derived from the male forms as Lithuanian grammar does (Kazlauskas: Kazlauskienė when married,
Kazlauskaitė when not). Sampling is done with the engine's numpy generator, so names follow the seed.
"""

import unicodedata

import numpy as np
from faker.providers.person.lt_LT import Provider as _FakerLt

_EXTRA_MALE = (
    "Gintaras", "Vidmantas", "Rimantas", "Algimantas", "Valdas", "Raimondas", "Sigitas", "Vytenis", "Žilvinas",
    "Tomas", "Ugnius", "Motiejus", "Jonas", "Herkus", "Ąžuolas", "Liudas", "Feliksas", "Vincentas", "Stasys",
    "Kazimieras", "Bronius", "Leonas", "Alfonsas", "Vladas", "Gražvydas", "Darius", "Remigijus", "Virgilijus",
)
_EXTRA_FEMALE = (
    "Rūta", "Daiva", "Dalia", "Asta", "Loreta", "Vilma", "Lina", "Inga", "Jūratė", "Birutė", "Regina", "Danutė",
    "Aldona", "Irena", "Nijolė", "Genovaitė", "Vida", "Audronė", "Daiva", "Gražina", "Janina", "Violeta",
    "Nomeda", "Renata", "Austėja", "Gabija", "Urtė", "Emilija", "Lukrecija", "Saulė", "Luka", "Augustė",
)
_EXTRA_SURNAMES = (
    "Vasiliauskas", "Rimkus", "Navickas", "Ramanauskas", "Savickas", "Baranauskas", "Žilinskas", "Jonaitis",
    "Mockus", "Lukoševičius", "Kazlauskas", "Šimkus", "Vaitkus", "Bagdonas", "Rutkauskas", "Adomaitis",
    "Marcinkevičius", "Jakštas", "Petrauskas", "Kairys", "Norkus", "Balčiūnas", "Urbonavičius", "Tamošiūnas",
    "Juškevičius", "Račkauskas", "Kriaučiūnas", "Žemaitis", "Sabaliauskas", "Mikalauskas", "Kaminskas",
    "Gudaitis", "Vaičiulis", "Grigas", "Vitkus", "Stankus", "Kazakevičius", "Lukšas", "Jurkus", "Valančius",
    "Butkevičius", "Mažeika", "Bernotas", "Šukys", "Dapkus", "Ambrazevičius", "Daukšas", "Barauskas",
    "Čepulis", "Dambrauskas", "Gedvilas", "Jasiūnas", "Kondrotas", "Lapinskas", "Meškauskas", "Navikas",
    "Olšauskas", "Pranckevičius", "Rudzevičius", "Stonys", "Tamulis", "Venckus", "Zubavičius", "Žukas",
)
_SURNAME_TYPOS = {"Vsiliauskas"}  # a misspelling in Faker's list


def _unique(names) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def _is_male_first_name(name: str) -> bool:
    return name.endswith(("as", "is", "ys", "us", "ius"))


MALE_FIRST_NAMES = _unique([n for n in _FakerLt.first_names if _is_male_first_name(n)] + list(_EXTRA_MALE))
FEMALE_FIRST_NAMES = _unique([n for n in _FakerLt.first_names if not _is_male_first_name(n)] + list(_EXTRA_FEMALE))
MALE_SURNAMES = _unique([n for n in _FakerLt.last_names if n not in _SURNAME_TYPOS] + list(_EXTRA_SURNAMES))


def female_surnames(male: str) -> tuple[str, str]:
    """(married, maiden) forms of a surname given in its male form."""
    for ending, stem_cut, maiden in (("ius", 3, "iūtė"), ("as", 2, "aitė"), ("is", 2, "ytė"), ("ys", 2, "ytė"),
                                     ("us", 2, "utė"), ("a", 1, "aitė"), ("ė", 1, "ytė")):
        if male.endswith(ending):
            stem = male[:-stem_cut]
            return stem + "ienė", stem + maiden
    return male, male


MARRIED_SURNAMES = tuple(female_surnames(n)[0] for n in MALE_SURNAMES)
MAIDEN_SURNAMES = tuple(female_surnames(n)[1] for n in MALE_SURNAMES)


def person_names(rng: np.random.Generator, male: np.ndarray, age: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last names for people of the given sex (bool array) and age in years (int array)."""
    n = len(male)
    first = np.empty(n, dtype=object)
    last = np.empty(n, dtype=object)
    m_first = np.array(MALE_FIRST_NAMES, dtype=object)
    f_first = np.array(FEMALE_FIRST_NAMES, dtype=object)
    surname_index = rng.integers(0, len(MALE_SURNAMES), n)
    first_m = m_first[rng.integers(0, len(m_first), n)]
    first_f = f_first[rng.integers(0, len(f_first), n)]
    first[:] = np.where(male, first_m, first_f)
    married = (age >= 24) & (rng.random(n) < 0.7)
    last[:] = np.where(male, np.array(MALE_SURNAMES, dtype=object)[surname_index],
                       np.where(married, np.array(MARRIED_SURNAMES, dtype=object)[surname_index],
                                np.array(MAIDEN_SURNAMES, dtype=object)[surname_index]))
    return first, last


# --- institutions -------------------------------------------------------------------------------

EPONYMS = (
    "Vytauto Didžiojo", "Maironio", "Jono Basanavičiaus", "Vinco Kudirkos", "Simono Daukanto",
    "Motiejaus Valančiaus", "Kristijono Donelaičio", "Salomėjos Nėries", "Antano Baranausko", "Žemaitės",
    "Jono Biliūno", "Vydūno", "Martyno Mažvydo", "Juozo Tumo-Vaižganto", "Lauryno Stuokos-Gucevičiaus",
    "Sofijos Kymantaitės-Čiurlionienės", "Mikalojaus Konstantino Čiurlionio", "Vinco Krėvės",
    "Justino Marcinkevičiaus", "Stasio Šalkauskio", "Antano Vienuolio", "Jurgio Baltrušaičio", "Igno Šeiniaus",
    "Kazio Borutos", "Petro Vileišio", "Adolfo Ramanausko-Vanago", "Juozo Lukšos-Daumanto", "Juozo Miltinio",
    "Simono Stanevičiaus", "Povilo Višinskio", "Jono Jablonskio", "Aleksandro Stulginskio", "Kazio Griniaus",
    "Dariaus ir Girėno", "Mykolo Biržiškos", "Vinco Mykolaičio-Putino", "Balio Sruogos", "Mikalojaus Daukšos",
    "Dionizo Poškos", "Mečislovo Reiniso", "Emilijos Pliaterytės", "Jono Pauliaus II", "Karaliaus Mindaugo",
    "Didžiojo kunigaikščio Gedimino", "Šatrijos Raganos", "Vaclovo Biržiškos", "Marijos Pečkauskaitės",
    "Prano Mašioto", "Antano Strazdo", "Jurgio Savickio", "Vinco Svirskio", "Kazio Binkio", "Juliaus Janonio",
)
MOTTOS = (
    "Ąžuolo", "Saulės", "Vyturio", "Žiburio", "Santarvės", "Šaltinio", "Vilties", "Aušros", "Ryto", "Pušyno",
    "Ąžuolyno", "Šilo", "Varpo", "Smilgos", "Žemynos", "Gabijos", "Gilužio", "Vaivorykštės", "Sietuvos",
    "Versmės", "Atžalyno", "Jaunystės", "Dainų", "Gintaro", "Pušelės", "Baltijos", "Šviesos", "Medeinos",
)
GENERAL_TYPE_WORDS = {
    "3120": "pradinė mokykla", "3130": "progimnazija", "3140": "gimnazija", "3150": "pagrindinė mokykla",
    "3160": "specialioji mokykla", "3170": "vidurinė mokykla",
}
VET_CENTRE_FIELDS = (
    "technologijų mokymo centras", "paslaugų verslo profesinio mokymo centras", "statybininkų rengimo centras",
    "turizmo ir verslo mokymo centras", "politechnikos mokymo centras", "žemės ūkio mokymo centras",
    "maisto pramonės ir prekybos mokymo centras", "transporto ir logistikos mokymo centras",
    "profesinio rengimo centras", "technikos ir verslo mokymo centras", "profesinio mokymo centras",
)
VET_SCHOOL_FIELDS = (
    "technologijų, verslo ir žemės ūkio mokykla", "profesinė mokykla", "technologijų ir verslo mokykla",
    "politechnikos mokykla", "žemės ūkio mokykla", "paslaugų verslo mokykla", "amatų mokykla",
)
COLLEGE_FIELDS = ("kolegija", "technologijų kolegija", "verslo kolegija", "technikos kolegija", "dizaino kolegija",
                  "socialinių mokslų kolegija", "sveikatos mokslų kolegija", "menų kolegija", "valstybinė kolegija",
                  "miškų ir aplinkos inžinerijos kolegija", "informacinių technologijų kolegija")
TRAINING_WORDS = ("Žinių", "Kompetencijų", "Baltijos", "Profesionalų", "Lyderių", "Ateities", "Verslo",
                  "Karjeros", "Inovacijų", "Skaitmeninių įgūdžių", "Kvalifikacijos", "Darbo rinkos", "Mokymų",
                  "Saugos", "Vairavimo", "Kalbų", "Finansų", "Vadybos", "Technikos", "Sveikatos")
TRAINING_FORMS = ("UAB „{w} centras“", "VšĮ „{w} akademija“", "UAB „{w} mokymai“", "VšĮ „{w} institutas“",
                  "UAB „{w} mokykla“", "Asociacija „{w} forumas“")
NON_FORMAL_CHILDREN = ("muzikos mokykla", "meno mokykla", "sporto mokykla", "dailės mokykla",
                       "moksleivių namai", "jaunųjų technikų centras", "choreografijos mokykla",
                       "kūno kultūros ir sporto centras")
NON_FORMAL_ADULT = ("suaugusiųjų mokymo centras", "trečiojo amžiaus universitetas", "švietimo centras",
                    "kultūros ir švietimo centras")

VET_PROGRAMMES = ("VIR", "AUT", "SUV", "ELE", "STA", "KIR", "APD", "IT", "LOG", "SOC", "TUR", "AGR", "MED",
                  "BAL", "FLO", "MAS", "KOS", "APS")
COLLEGE_PROGRAMMES = ("IT", "SL", "BUH", "VAD", "TUR", "KT", "PED", "SOC", "ARC", "TEI", "EKO", "LOG", "DIZ",
                      "KIN", "AUT", "ENE")

_ASCII = str.maketrans({"ą": "a", "č": "c", "ę": "e", "ė": "e", "į": "i", "š": "s", "ų": "u", "ū": "u", "ž": "z"})


def slug(name: str) -> str:
    """ASCII letters and digits of a name, for e-mail and web addresses."""
    text = name.lower().translate(_ASCII)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text if ch.isalnum())


def genitive_of_municipality(name: str) -> str:
    """'Anykščių rajono savivaldybė' → 'Anykščių rajono savivaldybės'."""
    return name[:-1] + "ės" if name.endswith("ybė") else name


NON_STATE_QUALIFIERS = ("Šv. Kazimiero", "Šv. Kristoforo", "Šv. Juozapo", "Jėzuitų", "Pranciškonų", "Montessori",
                        "Valdorfo", "Licėjaus", "Tarptautinė", "Šv. Jono Bosko")
VILLAGE_ROOTS = ("Alksn", "Berž", "Ąžuol", "Pušal", "Liep", "Šil", "Kalv", "Vaitk", "Dauk", "Kriaun", "Mišk",
                 "Var", "Žal", "Skaist", "Rud", "Gir", "Lauk", "Pak", "Ger", "Smilg", "Dub", "Ven", "Jon",
                 "Petr", "Mik", "Balt", "Juod", "Raud", "Šeš", "Tarv", "Būt", "Dvar", "Kaln", "Pamūš", "Užup",
                 "Ažuber", "Pašil", "Mažeik", "Did", "Ilg")
VILLAGE_ENDINGS = (("iai", "ių"), ("ėnai", "ėnų"), ("iškiai", "iškių"), ("onys", "onių"), ("aičiai", "aičių"),
                   ("ava", "avos"), ("ynė", "ynės"), ("uliai", "ulių"))
ROMAN = ("", "I", "II", "III", "IV")
