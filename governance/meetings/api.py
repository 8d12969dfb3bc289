"""The API of meetings, the register of deliberations and certified extracts: the uniform
lifecycle endpoints, plus every act of the pages — planning with an agenda, agenda items,
convocations and their receipts, attendance, proxies, interests, votes, the second convocation.
Refusals answer 4xx with their stable code and French sentence (README § Codes de refus);
people are looked up among the meeting's members only, so an answer never tells whether someone
outside them exists."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from governance.meetings import selectors, services
from governance.meetings.documents import outcome_sentence
from governance.meetings.models import (
    AgendaItem,
    Choice,
    Deliberation,
    ExtractRequest,
    Invitation,
    ItemKind,
    Meeting,
    MeetingState,
    Presence,
)
from governance.organisations import limits
from governance.organisations.models import Body, Person
from permissions.scope import ScopedModelSerializer
from permissions.selectors import armls_for
from workflows import errors
from workflows.api import LifecycleViewSetMixin, refusal_response, whole_param
from workflows.web import request_info

REFUSED = (errors.TransitionError, ValidationError, PermissionDenied, ObjectDoesNotExist)


class AgendaItemSerializer(ScopedModelSerializer):
    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "order",
            "title",
            "description",
            "kind",
            "subject_label",
            "subject_reference",
            "subject_version",
            "subject_fingerprint",
        ]


class QuorumSerializer(serializers.Serializer):
    members = serializers.IntegerField()
    present = serializers.IntegerField()
    represented = serializers.IntegerField()
    required = serializers.IntegerField()
    met = serializers.BooleanField()


class MeetingSerializer(ScopedModelSerializer):
    state = serializers.ChoiceField(choices=MeetingState.choices, read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    reference = serializers.CharField(read_only=True)
    opens_at = serializers.DateTimeField(read_only=True)
    items = AgendaItemSerializer(many=True, read_only=True)
    quorum = serializers.SerializerMethodField()
    attendance = serializers.SerializerMethodField()
    proxies = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "reference",
            "arml",
            "body",
            "convocation",
            "previous",
            "starts_at",
            "opens_at",
            "place",
            "video_link",
            "chair",
            "secretary",
            "state",
            "state_label",
            "version",
            "items",
            "quorum",
            "attendance",
            "proxies",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(QuorumSerializer)
    def get_quorum(self, meeting: Meeting) -> dict[str, int | bool]:
        q = meeting.frozen_quorum()
        return {
            "members": q.members,
            "present": q.present,
            "represented": q.represented,
            "required": q.required,
            "met": q.met,
        }

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_attendance(self, meeting: Meeting) -> dict[str, str]:
        return {str(k): v for k, v in meeting.presence().items()}

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_proxies(self, meeting: Meeting) -> dict[str, int]:
        return {str(k): v for k, v in meeting.proxy_holders().items()}


class ItemInput(serializers.Serializer):
    title = serializers.CharField(max_length=limits.LINE)
    kind = serializers.ChoiceField(choices=ItemKind.choices, default=ItemKind.DELIBERATION)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.TEXT
    )
    subject = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=limits.LINE,
        help_text="A key from the subjects the ARML may put on an agenda (`app.model:id`).",
    )


class PlanInput(serializers.Serializer):
    body = serializers.IntegerField()
    starts_at = serializers.DateTimeField(validators=limits.MOMENT_VALIDATORS)
    place = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.LINE
    )
    video_link = serializers.URLField(
        required=False, allow_blank=True, default="", max_length=limits.LINE
    )
    items = ItemInput(many=True, required=False, default=list)


class SecondConvocationInput(serializers.Serializer):
    starts_at = serializers.DateTimeField(validators=limits.MOMENT_VALIDATORS)
    place = serializers.CharField(
        required=False, allow_null=True, default=None, max_length=limits.LINE
    )
    video_link = serializers.URLField(
        required=False, allow_null=True, default=None, max_length=limits.LINE
    )


class InvitationSerializer(ScopedModelSerializer):
    person_name = serializers.CharField(source="person.__str__", read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "person", "person_name", "sent_at", "received_at"]


class AttendanceInput(serializers.Serializer):
    person = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=[c for c in Presence.choices if c[0] != Presence.REPRESENTED]
    )


class SheetInput(serializers.Serializer):
    statuses = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=20),
        help_text="person id → present, remote or absent; all recorded or none.",
    )


class ProxyInput(serializers.Serializer):
    giver = serializers.IntegerField()
    holder = serializers.IntegerField()


class WithdrawInput(serializers.Serializer):
    giver = serializers.IntegerField()


class InterestInput(serializers.Serializer):
    item = serializers.IntegerField()
    person = serializers.IntegerField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class VoteInput(serializers.Serializer):
    item = serializers.IntegerField()
    voter = serializers.IntegerField()
    choice = serializers.ChoiceField(choices=Choice.choices)


def _not_a_member(meeting: Meeting) -> errors.InvalidData:
    return errors.InvalidData(
        _("This person is not a member of the %(body)s on the day of the meeting.")
        % {"body": meeting.body.name},
        code="not_a_member",
    )


class MeetingViewSet(LifecycleViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Meetings in my scope: plan one with its agenda (POST), then every record of the meeting
    page; records refuse any change once the meeting is closed (409 `meeting_closed`)."""

    serializer_class = MeetingSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.meetings_for(self.request.user).prefetch_related("items")

    # -- helpers -------------------------------------------------------------------------------
    def _answer(self, call: Any, *, created: bool = False) -> Response:
        """Run `call()` (which returns the meeting to show) and answer with the meeting, or with
        the refusal's code and sentence."""
        try:
            meeting = call()
        except REFUSED as exc:
            return refusal_response(exc)
        meeting = Meeting.objects.get(pk=meeting.pk)
        return Response(
            MeetingSerializer(meeting).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def _record(self, request: Request, call: Any) -> Response:
        meeting = self.get_object()

        def run() -> Meeting:
            call(meeting)
            return meeting

        return self._answer(run)

    @staticmethod
    def _member(meeting: Meeting, pk: int) -> Person:
        person = Person.objects.filter(pk=pk, pk__in=meeting.member_ids()).first()
        if person is None:
            raise _not_a_member(meeting)
        return person

    @staticmethod
    def _item(meeting: Meeting, pk: int) -> AgendaItem:
        item = meeting.items.filter(pk=pk).first()
        if item is None:
            raise errors.InvalidData(_("Choose an agenda item."), code="not_an_item")
        return item

    @staticmethod
    def _items(rows: list[dict[str, Any]], arml_id: int) -> list[dict[str, Any]]:
        return [
            {
                "title": row["title"],
                "kind": row["kind"],
                "description": row["description"],
                "subject": selectors.subject_from_key(row["subject"], arml_id),
            }
            for row in rows
        ]

    # -- planning and the agenda ------------------------------------------------------------
    @extend_schema(request=PlanInput, responses={201: MeetingSerializer})
    def create(self, request: Request) -> Response:
        data = PlanInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data

        def plan() -> Meeting:
            body = Body.objects.filter(pk=values["body"], arml__in=armls_for(request.user))
            body = body.first()
            if body is None:
                raise errors.InvalidData(_("Choose a body of your ARML."), code="not_a_body")
            return services.meeting_plan(
                actor=request.user,
                body=body,
                starts_at=values["starts_at"],
                place=values["place"],
                video_link=values["video_link"],
                items=self._items(values["items"], body.arml_id),
                request_info=request_info(request),
            )

        return self._answer(plan, created=True)

    @extend_schema(request=ItemInput, responses={201: MeetingSerializer})
    @action(detail=True, methods=["post"], url_path="agenda-items")
    def agenda_items(self, request: Request, pk: Any = None) -> Response:
        data = ItemInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        meeting = self.get_object()

        def add() -> Meeting:
            (row,) = self._items([data.validated_data], meeting.arml_id)
            services.agenda_item_add(
                meeting=meeting, actor=request.user, **row, request_info=request_info(request)
            )
            return meeting

        return self._answer(add, created=True)

    @extend_schema(request=SecondConvocationInput, responses={201: MeetingSerializer})
    @action(detail=True, methods=["post"], url_path="second-convocation")
    def second_convocation(self, request: Request, pk: Any = None) -> Response:
        data = SecondConvocationInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        meeting = self.get_object()
        return self._answer(
            lambda: services.meeting_second_convocation(
                meeting=meeting,
                actor=request.user,
                request_info=request_info(request),
                **data.validated_data,
            ),
            created=True,
        )

    # -- convocations ----------------------------------------------------------------------
    @extend_schema(request=None, responses=InvitationSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="invitations")
    def invitations(self, request: Request, pk: Any = None) -> Response:
        meeting = self.get_object()
        rows = meeting.invitations.select_related("person").order_by("person__last_name", "pk")
        return Response(InvitationSerializer(rows, many=True).data)

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"invitations/(?P<invitation_pk>\d+)/receipt",
    )
    def receipt(self, request: Request, pk: Any = None, invitation_pk: Any = None) -> Response:
        meeting = self.get_object()
        invitation = meeting.invitations.filter(pk=invitation_pk).first()
        if invitation is None:
            return refusal_response(Invitation.DoesNotExist())
        try:
            invitation = services.invitation_receive(
                invitation=invitation, actor=request.user, request_info=request_info(request)
            )
        except REFUSED as exc:
            return refusal_response(exc)
        return Response(InvitationSerializer(invitation).data)

    # -- the sheet, proxies, interests, votes --------------------------------------------------
    @extend_schema(request=AttendanceInput, responses=MeetingSerializer)
    @action(detail=True, methods=["post"], url_path="attendance")
    def attendance(self, request: Request, pk: Any = None) -> Response:
        data = AttendanceInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        return self._record(
            request,
            lambda m: services.attendance_record(
                meeting=m,
                actor=request.user,
                person=self._member(m, data.validated_data["person"]),
                status=data.validated_data["status"],
                request_info=request_info(request),
            ),
        )

    @extend_schema(request=SheetInput, responses=MeetingSerializer)
    @action(detail=True, methods=["post"], url_path="attendance-sheet")
    def attendance_sheet(self, request: Request, pk: Any = None) -> Response:
        data = SheetInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)

        def save(meeting: Meeting) -> None:
            statuses = {}
            for key, value in data.validated_data["statuses"].items():
                if not str(key).isdigit():
                    raise _not_a_member(meeting)
                statuses[int(key)] = value
            services.attendance_record_many(
                meeting=meeting,
                actor=request.user,
                statuses=statuses,
                request_info=request_info(request),
            )

        return self._record(request, save)

    @extend_schema(request=ProxyInput, responses=MeetingSerializer)
    @action(detail=True, methods=["post"], url_path="proxies")
    def proxies(self, request: Request, pk: Any = None) -> Response:
        data = ProxyInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        return self._record(
            request,
            lambda m: services.proxy_record(
                meeting=m,
                actor=request.user,
                giver=self._member(m, data.validated_data["giver"]),
                holder=self._member(m, data.validated_data["holder"]),
                request_info=request_info(request),
            ),
        )

    @extend_schema(request=WithdrawInput, responses=MeetingSerializer)
    @action(detail=True, methods=["post"], url_path="proxies/withdraw")
    def proxies_withdraw(self, request: Request, pk: Any = None) -> Response:
        data = WithdrawInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        return self._record(
            request,
            lambda m: services.proxy_withdraw(
                meeting=m,
                actor=request.user,
                giver=self._member(m, data.validated_data["giver"]),
                request_info=request_info(request),
            ),
        )

    @extend_schema(request=InterestInput, responses=MeetingSerializer)
    @action(detail=True, methods=["post"], url_path="interests")
    def interests(self, request: Request, pk: Any = None) -> Response:
        data = InterestInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        return self._record(
            request,
            lambda m: services.interest_declare(
                item=self._item(m, data.validated_data["item"]),
                actor=request.user,
                person=self._member(m, data.validated_data["person"]),
                reason=data.validated_data["reason"],
                request_info=request_info(request),
            ),
        )

    @extend_schema(request=VoteInput, responses=MeetingSerializer)
    @action(detail=True, methods=["post"], url_path="votes")
    def votes(self, request: Request, pk: Any = None) -> Response:
        data = VoteInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        return self._record(
            request,
            lambda m: services.vote_record(
                item=self._item(m, data.validated_data["item"]),
                actor=request.user,
                voter=self._member(m, data.validated_data["voter"]),
                choice=data.validated_data["choice"],
                request_info=request_info(request),
            ),
        )


class DeliberationSerializer(ScopedModelSerializer):
    title = serializers.CharField(source="item.title", read_only=True)
    subject = serializers.CharField(source="item.subject_label", read_only=True)
    subject_reference = serializers.CharField(source="item.subject_reference", read_only=True)
    subject_version = serializers.CharField(source="item.subject_version", read_only=True)
    subject_fingerprint = serializers.CharField(source="item.subject_fingerprint", read_only=True)
    final = serializers.BooleanField(source="is_final", read_only=True)
    outcome = serializers.SerializerMethodField()

    class Meta:
        model = Deliberation
        fields = [
            "id",
            "number",
            "arml",
            "body_kind",
            "year",
            "sequence",
            "meeting",
            "title",
            "subject",
            "subject_reference",
            "subject_version",
            "subject_fingerprint",
            "votes_for",
            "votes_against",
            "abstentions",
            "not_voting",
            "entitled",
            "majority",
            "adopted",
            "casting_vote",
            "outcome",
            "final",
            "final_at",
        ]

    def get_outcome(self, deliberation: Deliberation) -> str:
        """The sentence, written in the reader's language from the stored result."""
        return outcome_sentence(deliberation.result)


class ExtractRequestSerializer(ScopedModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = ExtractRequest
        fields = [
            "id",
            "reference",
            "arml",
            "deliberation",
            "requested_by",
            "state",
            "state_label",
            "version",
            "created_at",
            "updated_at",
        ]


class DeliberationViewSet(viewsets.ReadOnlyModelViewSet):
    """The register: deliberations in my scope (`?body_kind=CA&year=2026`); POST
    `{id}/extracts/` requests a certified extract of a final, adopted one."""

    serializer_class = DeliberationSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = selectors.deliberations_for(self.request.user).order_by(
            "-year", "body_kind", "-sequence", "-pk"
        )
        params = self.request.query_params
        if params.get("body_kind"):
            qs = qs.filter(body_kind=params["body_kind"])
        year = whole_param(params.get("year"))
        if year is not None:
            qs = qs.filter(year=year)
        return qs

    @extend_schema(request=None, responses={201: ExtractRequestSerializer})
    @action(detail=True, methods=["post"], url_path="extracts")
    def extracts(self, request: Request, pk: Any = None) -> Response:
        deliberation = self.get_object()
        try:
            created = services.extract_request_create(
                deliberation=deliberation, actor=request.user, request_info=request_info(request)
            )
        except REFUSED as exc:
            return refusal_response(exc)
        return Response(ExtractRequestSerializer(created).data, status=status.HTTP_201_CREATED)


class ExtractRequestViewSet(LifecycleViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Extract requests in my scope; whoever the body's rules name performs `issue` (signed
    extract) or `refuse`."""

    serializer_class = ExtractRequestSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.extract_requests_for(self.request.user).order_by("-created_at")


def register(router: Any) -> None:
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("deliberations", DeliberationViewSet, basename="deliberation")
    router.register("extract-requests", ExtractRequestViewSet, basename="extract-request")
