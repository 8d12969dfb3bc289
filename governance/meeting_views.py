"""Meeting, register and extract pages. Each POST calls one service or perform(), then redirects
(POST-redirect-GET); refusals come back as messages on the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance import deliberations as register_svc
from governance import meetings as svc
from governance.meeting_forms import (
    AgendaFormSet,
    AgendaItemForm,
    MeetingForm,
    SecondConvocationForm,
)
from governance.models import (
    BodyKind,
    Choice,
    Meeting,
    MeetingState,
    Person,
    Presence,
)
from permissions.selectors import armls_for
from workflows import errors
from workflows.web import lifecycle_context, request_info, transition_post


def _meeting(request: HttpRequest, pk: int) -> tuple[Meeting, svc.MeetingAccess]:
    try:
        return svc.meeting_for(request.user, pk)
    except Meeting.DoesNotExist:
        raise Http404 from None


def _done(
    request: HttpRequest, meeting: Meeting, call: Callable[[], Any], success: str, anchor: str = ""
) -> HttpResponse:
    try:
        call()
    except errors.TransitionError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return HttpResponseRedirect(meeting.get_absolute_url() + anchor)


def _person(meeting: Meeting, value: str | None) -> Person:
    try:
        return Person.objects.get(pk=int(value or ""), pk__in=meeting.member_ids())
    except (ValueError, Person.DoesNotExist):
        raise errors.InvalidData(_("Choose a member of the body.")) from None


# -- list, plan, detail ----------------------------------------------------------------------
def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = svc.meetings_for(request.user)
    state = request.GET.get("etat", "")
    if state:
        meetings = meetings.filter(state=state)
    return render(
        request,
        "governance/meeting_list.html",
        {
            "meetings": meetings,
            "state": state,
            "states": MeetingState.choices,
            "can_plan": svc.bodies_organised_by(request.user).exists(),
        },
    )


def meeting_create(request: HttpRequest) -> HttpResponse:
    bodies = svc.bodies_organised_by(request.user)
    if not bodies.exists():
        raise PermissionDenied(_("Only a president plans the meetings of their bodies."))
    arml_ids = sorted(set(bodies.values_list("arml_id", flat=True)))
    form = MeetingForm(request.POST or None, bodies=bodies)
    agenda = AgendaFormSet(
        request.POST or None, prefix="points", form_kwargs={"arml_ids": arml_ids}
    )
    if request.method == "POST" and form.is_valid() and agenda.is_valid():
        body = form.cleaned_data["body"]
        try:
            items = [
                {
                    "title": row["title"],
                    "kind": row["kind"],
                    "description": row["description"],
                    "subject": svc.subject_from_key(row.get("subject", ""), body.arml_id),
                }
                for row in agenda.cleaned_data
                if row.get("title")
            ]
            meeting = svc.meeting_plan(
                actor=request.user,
                body=body,
                starts_at=form.cleaned_data["starts_at"],
                place=form.cleaned_data["place"],
                video_link=form.cleaned_data["video_link"],
                items=items,
                request_info=request_info(request),
            )
        except errors.TransitionError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Meeting planned. Convene the members when the agenda is ready.")
            )
            return HttpResponseRedirect(meeting.get_absolute_url())
    return render(request, "governance/meeting_form.html", {"form": form, "agenda": agenda})


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, access = _meeting(request, pk)
    members = list(meeting.members())
    presence = meeting.presence()
    holders = meeting.proxy_holders()
    by_pk = {p.pk: p for p in members}
    sheet = [
        {"person": p, "status": presence.get(p.pk, ""), "holder": by_pk.get(holders.get(p.pk, 0))}
        for p in members
    ]
    invitations = list(meeting.invitations.select_related("person"))
    context = {
        "meeting": meeting,
        "access": access,
        "sheet": sheet,
        "agenda": svc.agenda_of(meeting),
        "quorum": meeting.frozen_quorum()
        if meeting.quorum_members is not None
        else meeting.quorum(),
        "invitations": invitations,
        "my_invitation": next((i for i in invitations if i.person_id == request.user.pk), None),
        "presence_choices": [(v, lbl) for v, lbl in Presence.choices if v != Presence.REPRESENTED],
        "vote_choices": Choice.choices,
        "sheet_open": meeting.state in svc.SHEET_STATES,
        "votes_open": meeting.state == MeetingState.IN_SESSION,
        "interests_open": meeting.state not in {MeetingState.LAPSED, *svc.FINISHED},
        "agenda_open": meeting.state == MeetingState.PLANNED and access.can_organise,
        "item_form": AgendaItemForm(arml_ids=[meeting.arml_id], prefix="point"),
        "earliest": meeting.earliest_date(timezone.localdate()),
        "deliberations": list(meeting.deliberations.select_related("item")),
        "next_convocation": meeting.next_convocations.first(),
        "can_second": meeting.state == MeetingState.LAPSED
        and meeting.convocation == 1
        and access.can_organise
        and not meeting.next_convocations.exists(),
        **lifecycle_context(request, meeting),
    }
    context["action_url_prefix"] = f"{meeting.get_absolute_url()}transitions/"
    return render(request, "governance/meeting_detail.html", context)


@require_POST
def meeting_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    meeting, _access = _meeting(request, pk)
    return transition_post(request, meeting, name)


# -- records ---------------------------------------------------------------------------------
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, _access = _meeting(request, pk)
    form = AgendaItemForm(request.POST, arml_ids=[meeting.arml_id], prefix="point")

    def call() -> None:
        if not form.is_valid() or not form.cleaned_data.get("title"):
            raise ValidationError(_("Give the item a title."))
        data = form.cleaned_data
        svc.agenda_item_add(
            meeting=meeting,
            actor=request.user,
            title=data["title"],
            kind=data["kind"],
            description=data["description"],
            subject=svc.subject_from_key(data.get("subject", ""), meeting.arml_id),
            request_info=request_info(request),
        )

    return _done(request, meeting, call, _("Item added to the agenda."), "#h-agenda")


@require_POST
def attendance_save(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, _access = _meeting(request, pk)
    presence = meeting.presence()

    def call() -> None:
        for person in meeting.members():
            status = request.POST.get(f"presence_{person.pk}", "")
            if status and status != presence.get(person.pk):
                svc.attendance_record(
                    meeting=meeting,
                    actor=request.user,
                    person=person,
                    status=status,
                    request_info=request_info(request),
                )

    return _done(request, meeting, call, _("Attendance sheet saved."), "#h-attendance")


@require_POST
def proxy_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, _access = _meeting(request, pk)
    return _done(
        request,
        meeting,
        lambda: svc.proxy_record(
            meeting=meeting,
            actor=request.user,
            giver=_person(meeting, request.POST.get("giver")),
            holder=_person(meeting, request.POST.get("holder")),
            request_info=request_info(request),
        ),
        _("Proxy recorded."),
        "#h-attendance",
    )


@require_POST
def proxy_remove(request: HttpRequest, pk: int, giver: int) -> HttpResponse:
    meeting, _access = _meeting(request, pk)
    return _done(
        request,
        meeting,
        lambda: svc.proxy_withdraw(
            meeting=meeting,
            actor=request.user,
            giver=_person(meeting, str(giver)),
            request_info=request_info(request),
        ),
        _("Proxy withdrawn."),
        "#h-attendance",
    )


@require_POST
def interest_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, _access = _meeting(request, pk)

    def call() -> None:
        item = meeting.items.filter(pk=request.POST.get("item") or 0).first()
        if item is None:
            raise errors.InvalidData(_("Choose an agenda item."))
        svc.interest_declare(
            item=item,
            actor=request.user,
            person=_person(meeting, request.POST.get("person")),
            reason=request.POST.get("reason", "")[:300],
            request_info=request_info(request),
        )

    return _done(request, meeting, call, _("Declaration of interest recorded."), "#h-agenda")


@require_POST
def votes_save(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting, _access = _meeting(request, pk)
    item = get_object_or_404(meeting.items, pk=item_pk)
    choices = {}
    for key, value in request.POST.items():
        if key.startswith("vote_") and value and key[5:].isdigit():
            choices[int(key[5:])] = value
    return _done(
        request,
        meeting,
        lambda: svc.votes_record(
            item=item,
            actor=request.user,
            choices=choices,
            request_info=request_info(request),
        ),
        _("Votes recorded."),
        f"#item-{item.pk}",
    )


@require_POST
def invitation_ack(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, _access = _meeting(request, pk)
    person = request.POST.get("person") or request.user.pk
    invitation = meeting.invitations.filter(person_id=person).first()
    if invitation is None:
        raise Http404
    return _done(
        request,
        meeting,
        lambda: svc.invitation_receive(
            invitation=invitation,
            actor=request.user,
            request_info=request_info(request),
        ),
        _("Receipt of the convocation recorded."),
        "#h-invitations",
    )


def second_convocation(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, access = _meeting(request, pk)
    if not access.can_organise:
        raise PermissionDenied(_("Only the president plans the meetings of a body."))
    form = SecondConvocationForm(
        request.POST or None, initial={"place": meeting.place, "video_link": meeting.video_link}
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = svc.meeting_second_convocation(
                meeting=meeting,
                actor=request.user,
                request_info=request_info(request),
                **form.cleaned_data,
            )
        except errors.TransitionError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, _("Second convocation planned with the same agenda."))
            return HttpResponseRedirect(new.get_absolute_url())
    return render(
        request, "governance/meeting_second_convocation.html", {"meeting": meeting, "form": form}
    )


# -- register and extracts -------------------------------------------------------------------
def register_home(request: HttpRequest) -> HttpResponse:
    arml = armls_for(request.user).order_by("short_name").first()
    if arml is None:  # none yet, or none in scope: say so and what to do (templates/no_arml.html)
        return render(request, "no_arml.html", {"title": _("Register of deliberations")})
    return redirect("governance:register", arml_pk=arml.pk)


def register(request: HttpRequest, arml_pk: int) -> HttpResponse:
    arml = get_object_or_404(armls_for(request.user), pk=arml_pk)
    body_kind = request.GET.get("instance", "")
    if body_kind not in BodyKind.values:
        body_kind = ""
    year_text = request.GET.get("annee", "")
    year = int(year_text) if year_text.isdigit() else None
    rows = list(register_svc.register_for(request.user, arml, body_kind=body_kind, year=year))
    register_svc.attach_extract_downloads(rows)
    return render(
        request,
        "governance/register.html",
        {
            "arml": arml,
            "armls": armls_for(request.user).order_by("short_name"),
            "rows": rows,
            "body_kind": body_kind,
            "year": year,
            "body_kinds": BodyKind.choices,
            "years": register_svc.register_years(arml),
        },
    )


@require_POST
def extract_request(request: HttpRequest, pk: int) -> HttpResponse:
    deliberation = get_object_or_404(register_svc.deliberations_for(request.user), pk=pk)
    back = reverse("governance:register", args=[deliberation.arml_id])
    try:
        created = register_svc.extract_request_create(
            deliberation=deliberation, actor=request.user, request_info=request_info(request)
        )
    except errors.TransitionError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(back)
    messages.success(request, _("Extract requested: the president will issue it, signed."))
    return HttpResponseRedirect(created.get_absolute_url())


def extract_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    extract = get_object_or_404(register_svc.extract_requests_for(request.user), pk=pk)
    context = {"extract": extract, **lifecycle_context(request, extract)}
    context["action_url_prefix"] = f"{extract.get_absolute_url()}transitions/"
    return render(request, "governance/extract_request_detail.html", context)


@require_POST
def extract_request_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    extract = get_object_or_404(register_svc.extract_requests_for(request.user), pk=pk)
    return transition_post(request, extract, name)
