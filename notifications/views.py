"""The notification centre's pages: the list (unread first to the eye, a filter), opening one
(marks it read, then goes to its object), marking one or all as read (POST, then redirect)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from notifications import selectors, services
from permissions.requests import AuthenticatedRequest


def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    unread_only = request.GET.get("filtre") == "non-lues"
    qs = selectors.notifications_for(request.user, unread_only=unread_only)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread": selectors.unread_count(request.user),
        },
    )


def notification_open(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(selectors.notifications_for(request.user), pk=pk)
    services.notification_read(notification=notification, actor=request.user)
    target = notification.url or reverse("notifications:list")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("notifications:list")
    return HttpResponseRedirect(target)


@require_POST
def notification_mark_read(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(selectors.notifications_for(request.user), pk=pk)
    services.notification_read(notification=notification, actor=request.user)
    messages.success(request, _("Notification marked as read."))
    return HttpResponseRedirect(reverse("notifications:list"))


@require_POST
def notification_all_read(request: AuthenticatedRequest) -> HttpResponse:
    n = services.notifications_all_read(actor=request.user)
    messages.success(
        request,
        ngettext("%(n)d notification marked as read.", "%(n)d notifications marked as read.", n)
        % {"n": n},
    )
    return HttpResponseRedirect(reverse("notifications:list"))
