from django import template

register = template.Library()


@register.filter
def in_section(path, href) -> bool:
    """{{ request.path|in_section:url }}: whether the page shown is `url` or under it (the root only itself);
    marks the current item of the navigation."""
    path, href = str(path), str(href or "")
    if not href:
        return False
    return path == href or (href.strip("/") != "" and path.startswith(href))


@register.filter
def elided_pages(page):
    """The page numbers to link around a Django Page, with Paginator.ELLIPSIS for gaps."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)


@register.filter
def in_language(obj, field):
    """{{ version|in_language:"description" }}: the field's text in the active language (field_lt / field_en),
    falling back to Lithuanian."""
    from edureg.core.i18n import pick

    return pick(getattr(obj, f"{field}_lt", "") or "", getattr(obj, f"{field}_en", "") or "")


@register.filter
def choice_labels(codes, choices_path):
    """{{ version.forms|choice_labels:"edureg.programmes.choices.LearningForm" }}: labels of stored codes."""
    from django.utils.module_loading import import_string

    labels = dict(import_string(choices_path).choices)
    return ", ".join(str(labels.get(code, code)) for code in codes or ())


@register.filter
def eqf_level(ltks_level):
    """The EQF level of an LTKS level (the framework was referenced level for level)."""
    from edureg.qualifications.choices import LTKS_TO_EQF

    return LTKS_TO_EQF.get(ltks_level, "—")


@register.filter
def sees_evaluation(user) -> bool:
    """{% if user|sees_evaluation %}: the menu item of the evaluation desk (pages.navigation.shows_evaluation)."""
    from edureg.pages.navigation import shows_evaluation

    return shows_evaluation(user)
