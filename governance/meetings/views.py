"""Meeting, register and extract pages. Each POST calls one service or perform(), then redirects
(POST-redirect-GET); refusals come back as messages on the page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance.meetings import selectors, services
from governance.meetings.documents import quorum_sentence
from governance.meetings.forms import (
    AgendaFormSet,
    AgendaItemForm,
    MeetingForm,
    SecondConvocationForm,
)
from governance.meetings.models import (
    FINISHED,
    HELD,
    LAPSES,
    SHEET_OPEN,
    Choice,
    Meeting,
    MeetingState,
    Presence,
)
from governance.organisations.models import BodyKind, Person
from permissions.scope import scope_form
from permissions.selectors import armls_for
from workflows import errors
from workflows.web import act_post, lifecycle_context, request_info


def _meeting(request: HttpRequest, pk: int) -> tuple[Meeting, selectors.MeetingAccess]:
    try:
        return selectors.meeting_for(request.user, pk)
    except Meeting.DoesNotExist:
        raise Http404 from None


def _person(meeting: Meeting, value: str | None) -> Person:
    try:
        return Person.objects.get(pk=int(value or ""), pk__in=meeting.member_ids())
    except (ValueError, Person.DoesNotExist):
        raise errors.InvalidData(_("Choose a member of the body."), code="not_a_member") from None


# -- list, plan, detail ----------------------------------------------------------------------
def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = selectors.meetings_for(request.user)
    state = request.GET.get("etat", "")
    if state:
        meetings = meetings.filter(state=state)
    return render(
        request,
        "governance/meetings/meeting_list.html",
        {
            "meetings": meetings,
            "state": state,
            "states": MeetingState.choices,
            "can_plan": selectors.bodies_organised_by(request.user).exists(),
        },
    )


def meeting_create(request: HttpRequest) -> HttpResponse:
    bodies = selectors.bodies_organised_by(request.user)
    if not bodies.exists():
        raise PermissionDenied(_("Only whoever convenes a body plans its meetings."))
    arml_ids = sorted(set(bodies.values_list("arml_id", flat=True)))
    form = scope_form(MeetingForm(request.POST or None, bodies=bodies), request.user)
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
                    "subject": selectors.subject_from_key(row.get("subject", ""), body.arml_id),
                }
                for row in agenda.cleaned_data
                if row.get("title")
            ]
            meeting = services.meeting_plan(
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
    return render(
        request, "governance/meetings/meeting_form.html", {"form": form, "agenda": agenda}
    )


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
    state = meeting.state
    quorum = meeting.frozen_quorum()
    receipts_open = state == MeetingState.CONVENED
    agenda_open = state == MeetingState.PLANNED and meeting.convocation == 1 and access.can_organise
    context = {
        "meeting": meeting,
        "MeetingState": MeetingState,
        "access": access,
        "sheet": sheet,
        "agenda": selectors.agenda_of(meeting),
        "quorum": quorum,
        "quorum_sentence": quorum_sentence(quorum),
        "invitations": invitations,
        "my_invitation": next((i for i in invitations if i.person_id == request.user.pk), None),
        "presence_choices": [(v, lbl) for v, lbl in Presence.choices if v != Presence.REPRESENTED],
        "presence_all": Presence.choices,
        "vote_choices": Choice.choices,
        "is_planned": state == MeetingState.PLANNED,
        "sheet_shown": state != MeetingState.PLANNED,
        "votes_shown": state in {MeetingState.IN_SESSION, *FINISHED},
        "sheet_open": state in SHEET_OPEN and access.can_record,
        "votes_open": state == MeetingState.IN_SESSION and access.can_record,
        "receipts_open": receipts_open,
        "interests_open": state not in {*LAPSES, *FINISHED} and access.can_record,
        "agenda_open": agenda_open,
        "held": state in HELD,
        # its choices list every object the ARML's bodies may decide on: read only when shown
        "item_form": AgendaItemForm(arml_ids=[meeting.arml_id], prefix="point")
        if agenda_open
        else None,
        "earliest": meeting.earliest_date(timezone.localdate()),
        "deliberations": list(meeting.deliberations.select_related("item")),
        "next_convocation": meeting.next_convocations.first(),
        "can_second": state == MeetingState.LAPSE_SIGNED
        and meeting.convocation == 1
        and access.can_organise
        and not meeting.next_convocations.exists(),
        **lifecycle_context(request, meeting),
    }
    context["action_url_prefix"] = f"{meeting.get_absolute_url()}transitions/"
    # the main action first, destructive ones last (and confirmed, see _actions.html)
    context["options"] = sorted(context["options"], key=lambda o: o.style == "danger")
    return render(request, "governance/meetings/meeting_detail.html", context)


# -- records ---------------------------------------------------------------------------------
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, _access = _meeting(request, pk)
    form = AgendaItemForm(request.POST, arml_ids=[meeting.arml_id], prefix="point")

    def call() -> None:
        if not form.is_valid() or not form.cleaned_data.get("title"):
            raise errors.InvalidData(_("Give the item a title."), code="title_required")
        data = form.cleaned_data
        services.agenda_item_add(
            meeting=meeting,
            actor=request.user,
            title=data["title"],
            kind=data["kind"],
            description=data["description"],
            subject=selectors.subject_from_key(data.get("subject", ""), meeting.arml_id),
            request_info=request_info(request),
        )

    return act_post(request, meeting, call, _("Item added to the agenda."), "#h-agenda")


@require_POST
def attendance_save(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, _access = _meeting(request, pk)
    statuses = {
        int(key.removeprefix("presence_")): value
        for key, value in request.POST.items()
        if key.startswith("presence_") and key.removeprefix("presence_").isdigit() and value
    }
    return act_post(
        request,
        meeting,
        lambda: services.attendance_record_many(
            meeting=meeting,
            actor=request.user,
            statuses=statuses,
            request_info=request_info(request),
        ),
        _("Attendance sheet saved."),
        "#h-attendance",
    )


@require_POST
def proxy_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, _access = _meeting(request, pk)
    return act_post(
        request,
        meeting,
        lambda: services.proxy_record(
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
    return act_post(
        request,
        meeting,
        lambda: services.proxy_withdraw(
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
            raise errors.InvalidData(_("Choose an agenda item."), code="not_an_item")
        services.interest_declare(
            item=item,
            actor=request.user,
            person=_person(meeting, request.POST.get("person")),
            reason=request.POST.get("reason", "")[:300],
            request_info=request_info(request),
        )

    return act_post(request, meeting, call, _("Declaration of interest recorded."), "#h-agenda")


@require_POST
def votes_save(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting, _access = _meeting(request, pk)
    item = get_object_or_404(meeting.items, pk=item_pk)
    choices = {}
    for key, value in request.POST.items():
        if key.startswith("vote_") and value and key[5:].isdigit():
            choices[int(key[5:])] = value
    return act_post(
        request,
        meeting,
        lambda: services.votes_record(
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
    person = request.POST.get("person") or str(request.user.pk)
    invitation = (
        meeting.invitations.filter(person_id=int(person)).first() if person.isdigit() else None
    )
    if invitation is None:
        raise Http404
    return act_post(
        request,
        meeting,
        lambda: services.invitation_receive(
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
        raise PermissionDenied(_("Only whoever convenes this body plans its meetings."))
    form = SecondConvocationForm(
        request.POST or None, initial={"place": meeting.place, "video_link": meeting.video_link}
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = services.meeting_second_convocation(
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
        request,
        "governance/meetings/meeting_second_convocation.html",
        {"meeting": meeting, "form": form},
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
    rows = list(selectors.register_for(request.user, arml, body_kind=body_kind, year=year))
    selectors.attach_extract_downloads(rows)
    # each entry links to what it decided on (one query per kind of subject)
    prefetch_related_objects(rows, "item__subject")
    return render(
        request,
        "governance/meetings/register.html",
        {
            "arml": arml,
            "armls": armls_for(request.user).order_by("short_name"),
            "rows": rows,
            "body_kind": body_kind,
            "year": year,
            "body_kinds": BodyKind.choices,
            "years": selectors.register_years(arml),
        },
    )


@require_POST
def extract_request(request: HttpRequest, pk: int) -> HttpResponse:
    deliberation = get_object_or_404(selectors.deliberations_for(request.user), pk=pk)
    back = reverse("governance:register", args=[deliberation.arml_id])
    try:
        created = services.extract_request_create(
            deliberation=deliberation, actor=request.user, request_info=request_info(request)
        )
    except errors.TransitionError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(back)
    messages.success(request, _("Extract requested: the president will issue it, signed."))
    return HttpResponseRedirect(created.get_absolute_url())


def extract_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    extract = get_object_or_404(selectors.extract_requests_for(request.user), pk=pk)
    context = {"extract": extract, **lifecycle_context(request, extract)}
    context["action_url_prefix"] = f"{extract.get_absolute_url()}transitions/"
    return render(request, "governance/meetings/extract_request_detail.html", context)
