from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def holder(mandates: list, role: str) -> str:
    """Link to the holder of `role` among prefetched mandates, or an em dash."""
    for mandate in mandates or []:
        if mandate.role == role:
            return format_html(
                '<a href="{}">{}</a>', mandate.person.get_absolute_url(), mandate.person
            )
    return "—"
