"""The API of meetings, the register of deliberations and certified extracts (uniform lifecycle
endpoints, plus records of attendance, proxies and votes that refuse changes once closed)."""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.meetings import selectors, services
from governance.meetings.models import AgendaItem, Deliberation, ExtractRequest, Meeting
from governance.organisations.models import Person
from workflows import errors
from workflows.api import LifecycleViewSetMixin, refusal_response
from workflows.web import request_info


class AgendaItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "order",
            "title",
            "description",
            "kind",
            "subject_label",
            "subject_fingerprint",
        ]


class MeetingSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    reference = serializers.CharField(read_only=True)
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
            "place",
            "video_link",
            "chair",
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

    def get_quorum(self, meeting: Meeting) -> dict[str, object]:
        q = meeting.frozen_quorum() if meeting.quorum_members is not None else meeting.quorum()
        return {
            "members": q.members,
            "present": q.present,
            "represented": q.represented,
            "required": q.required,
            "met": q.met,
        }

    def get_attendance(self, meeting: Meeting) -> dict[str, str]:
        return {str(k): v for k, v in meeting.presence().items()}

    def get_proxies(self, meeting: Meeting) -> dict[str, int]:
        return {str(k): v for k, v in meeting.proxy_holders().items()}


class AttendanceInput(serializers.Serializer):
    person = serializers.IntegerField()
    status = serializers.CharField()


class ProxyInput(serializers.Serializer):
    giver = serializers.IntegerField()
    holder = serializers.IntegerField()


class VoteInput(serializers.Serializer):
    item = serializers.IntegerField()
    voter = serializers.IntegerField()
    choice = serializers.CharField()


class MeetingViewSet(LifecycleViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Meetings in my scope. Planning is done on the pages; records and transitions here refuse
    any change once the meeting is closed (409 `meeting_closed`)."""

    serializer_class = MeetingSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.meetings_for(self.request.user).prefetch_related("items")

    def _record(self, request, call):  # type: ignore[no-untyped-def]
        meeting = self.get_object()
        try:
            call(meeting)
        except (
            errors.TransitionError,
            ValidationError,
            PermissionDenied,
            ObjectDoesNotExist,
        ) as exc:
            return refusal_response(exc)
        meeting = Meeting.objects.get(pk=meeting.pk)
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_200_OK)

    def _member(self, meeting, pk):  # type: ignore[no-untyped-def]
        return Person.objects.get(pk=pk)

    @extend_schema(request=AttendanceInput, responses=MeetingSerializer)
    @action(detail=True, methods=["post"], url_path="attendance")
    def attendance(self, request, pk=None):  # type: ignore[no-untyped-def]
        data = AttendanceInput(data=request.data)
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

    @extend_schema(request=ProxyInput, responses=MeetingSerializer)
    @action(detail=True, methods=["post"], url_path="proxies")
    def proxies(self, request, pk=None):  # type: ignore[no-untyped-def]
        data = ProxyInput(data=request.data)
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

    @extend_schema(request=VoteInput, responses=MeetingSerializer)
    @action(detail=True, methods=["post"], url_path="votes")
    def votes(self, request, pk=None):  # type: ignore[no-untyped-def]
        data = VoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        return self._record(
            request,
            lambda m: services.vote_record(
                item=m.items.get(pk=data.validated_data["item"]),
                actor=request.user,
                voter=self._member(m, data.validated_data["voter"]),
                choice=data.validated_data["choice"],
                request_info=request_info(request),
            ),
        )


class DeliberationSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="item.title", read_only=True)
    subject = serializers.CharField(source="item.subject_label", read_only=True)
    subject_fingerprint = serializers.CharField(source="item.subject_fingerprint", read_only=True)
    final = serializers.BooleanField(source="is_final", read_only=True)

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
            "subject_fingerprint",
            "votes_for",
            "votes_against",
            "abstentions",
            "entitled",
            "majority",
            "adopted",
            "casting_vote",
            "outcome",
            "final",
            "final_at",
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
        if params.get("year", "").isdigit():
            qs = qs.filter(year=int(params["year"]))
        return qs

    @action(detail=True, methods=["post"], url_path="extracts")
    def extracts(self, request, pk=None):  # type: ignore[no-untyped-def]
        deliberation = self.get_object()
        try:
            created = services.extract_request_create(
                deliberation=deliberation, actor=request.user, request_info=request_info(request)
            )
        except errors.TransitionError as exc:
            return Response(exc.as_dict(), status=exc.status)
        return Response(ExtractRequestSerializer(created).data, status=status.HTTP_201_CREATED)


class ExtractRequestSerializer(serializers.ModelSerializer):
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


class ExtractRequestViewSet(LifecycleViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Extract requests in my scope; the president performs `issue` (signed extract) or `refuse`."""

    serializer_class = ExtractRequestSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.extract_requests_for(self.request.user).order_by("-created_at")


def register(router: Any) -> None:
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("deliberations", DeliberationViewSet, basename="deliberation")
    router.register("extract-requests", ExtractRequestViewSet, basename="extract-request")
