"""Template tags of the site's own pages (templates/)."""

from django import template

register = template.Library()


@register.simple_tag
def platform_has_arml() -> bool:
    """Whether any ARML exists yet (an empty install says how to create the first one)."""
    from governance.organisations.models import Arml

    return Arml.objects.exists()
