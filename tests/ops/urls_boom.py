"""The site's URLs plus a view that fails, to see the 500 page."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


@login_not_required
def boom(request):
    raise RuntimeError("boom")


urlpatterns = [*urlpatterns, path("boom/", boom), path("api/v1/boom/", boom)]
