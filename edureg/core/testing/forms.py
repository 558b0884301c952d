"""Turn a rendered admin form into POST data, so generic tests can submit any admin page."""

import datetime

from django import forms
from django.db.models import Model


def _value(value):
    if value is None:
        return ""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_value(v) for v in value]
    if isinstance(value, bool):
        return "on" if value else ""
    return value


def form_values(form) -> dict:
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if getattr(field.widget, "input_type", None) == "checkbox" or field.__class__.__name__ == "BooleanField":
            if value:
                data[form.add_prefix(name)] = "on"
            continue
        value = _value(value)
        if value in ("", []) and isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            continue  # an empty multiple choice is simply not posted
        if isinstance(value, list) and hasattr(field.widget, "decompress") and not hasattr(field, "queryset"):
            for i, part in enumerate(value):
                data[f"{form.add_prefix(name)}_{i}"] = _value(part)
            continue
        data[form.add_prefix(name)] = value
    return data


def admin_post_data(response, **overrides) -> dict:
    """POST data for the admin add/change page in `response` (with its inline formsets), plus overrides."""
    context = response.context
    data = form_values(context["adminform"].form)
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in formset.initial_forms:
            data.update(form_values(form))
        data[management.add_prefix("TOTAL_FORMS")] = len(formset.initial_forms)
    data.update({k: _value(v) for k, v in overrides.items()})
    return {k: v for k, v in data.items() if v is not None}
