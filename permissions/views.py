from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance.organisations.selectors import people_list
from permissions.delegations import delegation_create, delegation_revoke, delegations_of
from permissions.forms import DelegationForm
from permissions.requests import AuthenticatedRequest
from permissions.selectors import armls_for


def delegation_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = DelegationForm(
        request.POST or None, armls=armls_for(user), people=people_list(user).exclude(pk=user.pk)
    )
    if request.method == "POST" and form.is_valid():
        try:
            delegation_create(actor=user, principal=user, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Delegation recorded in the ledger."))
            return HttpResponseRedirect(reverse("permissions:delegation_list"))
    return render(
        request,
        "permissions/delegation_list.html",
        {"delegations": delegations_of(user), "form": form},
    )


@require_POST
def delegation_revoke_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    delegation = get_object_or_404(delegations_of(request.user), pk=pk)
    try:
        delegation_revoke(
            actor=request.user, delegation=delegation, reason=request.POST.get("reason", "")
        )
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Delegation revoked."))
    return HttpResponseRedirect(reverse("permissions:delegation_list"))
