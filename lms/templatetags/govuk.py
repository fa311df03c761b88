"""Render Django form fields with GOV.UK Frontend markup: labels, hints, errors, ARIA links."""

from django import forms, template
from django.forms.boundfield import BoundField

register = template.Library()

_CHOICE_LIST_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


def _kind(field: BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"


_WIDGET_CLASS = {"input": "govuk-input", "select": "govuk-select", "textarea": "govuk-textarea"}


@register.inclusion_tag("govuk/field.html")
def govuk_field(field: BoundField, width: str = "") -> dict:
    kind = _kind(field)
    # Placeholders vanish as people type and are often mistaken for filled-in values.
    field.field.widget.attrs.pop("placeholder", None)
    hint_id = f"{field.auto_id}-hint" if field.help_text else ""
    error_id = f"{field.auto_id}-error" if field.errors else ""
    described_by = " ".join(filter(None, [hint_id, error_id]))
    widget_html = ""
    if kind in _WIDGET_CLASS:
        css = [_WIDGET_CLASS[kind]]
        if field.errors:
            css.append(f"{_WIDGET_CLASS[kind]}--error")
        if width:
            css.append(f"govuk-input--width-{width}")
        attrs = {"class": " ".join(css)}
        if described_by:
            attrs["aria-describedby"] = described_by
        widget_html = field.as_widget(attrs=attrs)
    elif kind in ("checkbox", "hidden"):
        attrs = {"class": "govuk-checkboxes__input"} if kind == "checkbox" else {}
        if described_by:
            attrs["aria-describedby"] = described_by
        widget_html = field.as_widget(attrs=attrs)
    return {
        "field": field,
        "kind": kind,
        "hint_id": hint_id,
        "error_id": error_id,
        "described_by": described_by,
        "widget_html": widget_html,
        "options": _options(field) if kind in ("radios", "checkboxes") else [],
    }


def _options(field: BoundField) -> list[dict]:
    """Each choice of a radio or checkbox list with the state the template needs."""
    value = field.value()
    selected = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
    return [
        {
            "id": f"{field.auto_id}-{index}",
            "value": choice_value,
            "label": label,
            "checked": str(choice_value) in selected,
        }
        for index, (choice_value, label) in enumerate(field.field.choices)
        if str(choice_value) != ""
    ]


@register.inclusion_tag("govuk/error_summary.html")
def govuk_error_summary(form: forms.BaseForm | None) -> dict:
    errors = []
    # allauth's templates pass an empty string where a page has no form.
    if isinstance(form, forms.BaseForm) and form.is_bound:
        errors.extend({"href": "", "message": message} for message in form.non_field_errors())
        for field in form:
            target = f"#{field.auto_id}"
            if _kind(field) in ("radios", "checkboxes"):
                target = f"#{field.auto_id}-0"
            errors.extend({"href": target, "message": message} for message in field.errors)
    return {"errors": errors}


@register.inclusion_tag("govuk/fields.html")
def govuk_fields(form: forms.BaseForm) -> dict:
    return {"form": form if isinstance(form, forms.BaseForm) else None}
