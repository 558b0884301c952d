"""Bilingual (Lithuanian / English) fields stored side by side."""

from django.utils.translation import get_language


def pick(lt: str, en: str) -> str:
    """The value in the active language, falling back to Lithuanian."""
    lang = (get_language() or "lt")[:2]
    return (en or lt) if lang == "en" else (lt or en)


class BilingualNameMixin:
    name_lt: str
    name_en: str

    @property
    def name(self) -> str:
        return pick(self.name_lt, self.name_en)
