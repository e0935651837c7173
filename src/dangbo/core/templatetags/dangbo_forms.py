"""The error summary of a form after a failed submit (issue 12): every message at the top,
each linking to its field, so a 25-field form does not hide its errors below the fold."""

from dataclasses import dataclass

from django import template

register = template.Library()


@dataclass(frozen=True)
class Problem:
    message: str
    href: str  # "#id_field" of the input to fix; "" for a problem of the whole form


@register.simple_tag
def error_summary(form) -> list[Problem]:
    """The form's messages in the order of its fields, the whole-form ones first."""
    if form is None or not getattr(form, "errors", None):
        return []
    # A whole-form message may still name an input outside the form's fields (a row of a
    # meeting's attendance table): ``form.error_links`` maps it to that input's "#id".
    links = getattr(form, "error_links", {})
    problems = [Problem(str(m), links.get(str(m), "")) for m in form.non_field_errors()]
    for field in form:
        target = field.id_for_label if not field.is_hidden else ""
        problems.extend(Problem(str(m), f"#{target}" if target else "") for m in field.errors)
    return problems
