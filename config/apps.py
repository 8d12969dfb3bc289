from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The site itself: what belongs to no domain app (its template tags)."""

    name = "config"
    label = "site"
    verbose_name = "Site"
