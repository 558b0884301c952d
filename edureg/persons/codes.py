"""Lithuanian personal codes (asmens kodas): validation through python-stdnum, derived facts, masking."""

import datetime

# stdnum's messages are English only; ours go through gettext.
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.lt import asmens


def check(code: str) -> str:
    """The compact code, or ValueError with a message for the user."""
    try:
        return asmens.validate(code)
    except stdnum_exceptions.InvalidChecksum:
        raise ValueError(_("The check digit of the personal code is wrong.")) from None
    except stdnum_exceptions.InvalidLength:
        raise ValueError(_("A personal code has exactly 11 digits.")) from None
    except stdnum_exceptions.InvalidFormat:
        raise ValueError(_("A personal code has digits only.")) from None
    except stdnum_exceptions.InvalidComponent:
        raise ValueError(_("The personal code holds no valid birth date.")) from None


def birth_date(code: str) -> datetime.date | None:
    """None for the rare codes that carry no birth date (first digit 9)."""
    if code[0] == "9":
        return None
    return asmens.get_birth_date(code)


def sex(code: str) -> str | None:
    """'M' or 'F' from the first digit (odd: male, even: female)."""
    if code[0] == "9":
        return None
    return "M" if int(code[0]) % 2 == 1 else "F"


def make(born: datetime.date, sex_code: str, serial: int) -> str:
    """A valid code for a birth date, sex ('M'/'F') and serial 0..999 (synthetic data, tests)."""
    century = (born.year - 1800) // 100  # 0 for 1800s, 1 for 1900s, 2 for 2000s
    first = 1 + 2 * century + (0 if sex_code == "M" else 1)
    body = f"{first}{born:%y%m%d}{serial:03d}"
    return body + asmens.calc_check_digit(body + "0")


def mask(code: str | None) -> str:
    """For lists: only the last four digits stay, e.g. *******0064."""
    if not code:
        return ""
    return "*" * (len(code) - 4) + code[-4:]
