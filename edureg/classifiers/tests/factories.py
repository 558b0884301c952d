import datetime

import factory

from edureg.classifiers.models import ClassifierItem, CodeList


class CodeListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CodeList
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"list{n}")
    name_lt = factory.LazyAttribute(lambda o: f"Sąrašas {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"List {o.code}")


class ClassifierItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClassifierItem
        django_get_or_create = ("code_list", "code", "valid_from")

    code_list = factory.SubFactory(CodeListFactory)
    code = factory.Sequence(lambda n: f"C{n}")
    name_lt = factory.LazyAttribute(lambda o: f"Kodas {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Code {o.code}")
    valid_from = datetime.date(2000, 1, 1)


def item(list_code: str, code: str, name: str | None = None, **extra) -> ClassifierItem:
    """The item `code` of `list_code`, created on first use (tests need no loaded data files)."""
    code_list = CodeListFactory(code=list_code)
    return ClassifierItemFactory(code_list=code_list, code=code, name_lt=name or f"{list_code} {code}",
                                 name_en=name or f"{list_code} {code}", extra=extra)


def municipality(code: str = "LT-57", name: str = "Vilniaus miesto savivaldybė") -> ClassifierItem:
    return item("municipality", code, name)
