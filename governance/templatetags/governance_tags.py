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


@register.inclusion_tag("governance/meetings/_deliberations_of.html")
def deliberations_of(obj) -> dict:  # type: ignore[no-untyped-def]
    """The register's entries that decided on `obj` (the way back from an object to the
    register of deliberations)."""
    from django.contrib.contenttypes.models import ContentType

    from governance.meetings.models import Deliberation

    rows = (
        Deliberation.objects.filter(
            item__subject_content_type=ContentType.objects.get_for_model(obj),
            item__subject_id=str(obj.pk),
        )
        .exclude(number="")  # only adopted deliberations enter the register
        .select_related("meeting", "item")
        .order_by("number")
    )
    return {"deliberations": list(rows), "arml_pk": obj.arml_id}
