"""Page numbers for every paginated list (issue 12): "1 2 3 … 10", not only previous/next."""

from django import template

register = template.Library()

ELLIPSIS = "…"


@register.simple_tag
def page_numbers(page, on_each_side: int = 2, on_ends: int = 1) -> list:
    """The numbers to show around ``page`` (ints, with "…" for the gaps): the first and last
    pages and the neighbours of the current one, so a long list stays one line."""
    return [
        n if isinstance(n, int) else ELLIPSIS
        for n in page.paginator.get_elided_page_range(
            page.number, on_each_side=on_each_side, on_ends=on_ends
        )
    ]


@register.simple_tag(takes_context=True)
def panels(context, page: str, obj):
    """The blocks higher apps add to this page (``core.panels``): ``{% panels "org" org %}``."""
    from dangbo.core import panels as registry

    return registry.render(page, context.get("request"), obj)
