"""Delegations over the API, as on the delegations page (permissions/views.py): the ones I gave
or received, a new one of my own powers, its revocation. Created and revoked only by
permissions/delegations.py, each ledgered; a refusal answers its code and French sentence and is
ledgered too (on the ARML for a creation, on the delegation for a revocation).

The delegate is any person of the ARML — whoever holds or held a role there (`people_list`),
the salaried director or staff included, who sit in none of its bodies: the law lets the
president delegate signature to the director within the statutes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from governance.organisations import limits
from governance.organisations.models import Arml, Person
from governance.organisations.selectors import people_list
from permissions.delegations import (
    delegable_actions,
    delegation_create,
    delegation_revoke,
    delegations_of,
)
from permissions.models import Delegation
from permissions.scope import ScopedPrimaryKeyRelatedField
from workflows.acts import record_refusal, refusal_of
from workflows.api import refusal_response
from workflows.web import request_info


class DelegationSerializer(serializers.ModelSerializer):
    principal_name = serializers.CharField(source="principal.__str__", read_only=True)
    delegate_name = serializers.CharField(source="delegate.__str__", read_only=True)
    evidence = serializers.CharField(read_only=True)
    active = serializers.SerializerMethodField()

    class Meta:
        model = Delegation
        fields = [
            "id",
            "principal",
            "principal_name",
            "delegate",
            "delegate_name",
            "arml",
            "transitions",
            "start",
            "end",
            "reason",
            "act_reference",
            "act_date",
            "evidence",
            "active",
            "created_at",
            "revoked_at",
        ]
        read_only_fields = fields

    def get_active(self, delegation: Delegation) -> bool:
        """Whether it lets its delegate act today (not revoked, today within its dates)."""
        return Delegation.objects.active().filter(pk=delegation.pk).exists()


class DelegateField(ScopedPrimaryKeyRelatedField):
    """A person of the ARMLs in the principal's scope, as the page's form offers them."""

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return Person.objects.none()
        return people_list(user).exclude(pk=user.pk)


class DelegationInputSerializer(serializers.Serializer):
    arml = ScopedPrimaryKeyRelatedField(queryset=Arml.objects.all())
    delegate = DelegateField(queryset=Person.objects.all())
    transitions = serializers.ListField(
        child=serializers.ChoiceField(choices=()), allow_empty=False, max_length=200
    )
    start = serializers.DateField()
    end = serializers.DateField()
    reason = serializers.CharField(max_length=300)
    act_reference = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    act_date = serializers.DateField(required=False, allow_null=True, default=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        child = self.fields["transitions"].child
        child.choices = delegable_actions()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError(
                {"end": gettext("The end date cannot be before the start date.")}
            )
        return attrs


class RevokeInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=limits.COMMENT, required=False, allow_blank=True, default=""
    )


class DelegationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """GET: the delegations I gave or received; POST: delegate my own powers (principal: me);
    POST `{id}/revoke/` {reason}: revoke one I gave."""

    serializer_class = DelegationSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        user = self.request.user
        if not user.is_authenticated:  # the schema's generation asks without a user
            return Delegation.objects.none()
        return delegations_of(user)

    @extend_schema(request=DelegationInputSerializer, responses={201: DelegationSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = DelegationInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            delegation = delegation_create(actor=request.user, principal=request.user, **data)
        except (PermissionDenied, ValidationError) as exc:
            code, reason = refusal_of(exc)
            record_refusal(
                data["arml"],
                "delegation_create",
                actor=request.user,
                code=code,
                reason=reason,
                data={"delegate": data["delegate"].pk, "transitions": data["transitions"]},
                request_info=request_info(request),
            )
            return refusal_response(exc)
        return Response(DelegationSerializer(delegation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RevokeInputSerializer, responses={200: DelegationSerializer})
    @action(detail=True, methods=["post"], url_path="revoke")
    def revoke(self, request: Request, pk: Any = None) -> Response:
        delegation = self.get_object()
        payload = RevokeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            delegation = delegation_revoke(
                actor=request.user, delegation=delegation, reason=payload.validated_data["reason"]
            )
        except (PermissionDenied, ValidationError) as exc:
            code, reason = refusal_of(exc)
            record_refusal(
                delegation,
                "revoke",
                actor=request.user,
                code=code,
                reason=reason,
                request_info=request_info(request),
            )
            return refusal_response(exc)
        return Response(DelegationSerializer(delegation).data)


def register(router: Any) -> None:
    router.register("delegations", DelegationViewSet, basename="delegation")
