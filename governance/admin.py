"""Back office for reference data. Mandates go through the services so that scope follows."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from governance.finances.models import PaymentTerms
from governance.organisations import services as services
from governance.organisations.models import (
    Arml,
    Body,
    BodyRules,
    Funder,
    Mandate,
    MissionLocale,
    Person,
    Region,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "overseas"]


@admin.register(Arml)
class ArmlAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "region", "city", "action_plan_body"]
    search_fields = ["name", "short_name"]


@admin.register(MissionLocale)
class MissionLocaleAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "arml"]
    list_filter = ["arml"]
    search_fields = ["name", "city"]


@admin.register(Funder)
class FunderAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind", "region"]


class BodyRulesInline(admin.StackedInline):
    model = BodyRules
    can_delete = False
    fieldsets = [
        (
            _("Quorum and majority"),
            {
                "fields": [
                    ("quorum_numerator", "quorum_denominator"),
                    ("second_quorum_numerator", "second_quorum_denominator"),
                    "majority",
                    "chair_casting_vote",
                    "max_proxies_per_holder",
                ]
            },
        ),
        (_("Time"), {"fields": ["notice_days", "opening_margin_minutes"]}),
        (_("Who acts"), {"fields": ["convener_role", "extract_issuer_role"]}),
    ]


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "arml"]
    list_filter = ["kind", "arml"]
    inlines = [BodyRulesInline]


class MandateInline(admin.TabularInline):
    model = Mandate
    fk_name = "person"
    extra = 0
    can_delete = False
    readonly_fields = ["role", "arml", "mission_locale", "funder", "body", "title", "start", "end"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(UserAdmin):
    inlines = [MandateInline]
    actions = ["reset_second_factor"]

    @admin.action(description=_("Reset the second factor (lost phone): ledgered"))
    def reset_second_factor(self, request: HttpRequest, queryset: Any) -> None:
        """The only way the back office touches a second factor: every device goes, the reset
        is recorded in the ledger with who did it, and the person enrols again."""
        from workflows.second_factor import second_factor_reset
        from workflows.web import request_info

        for person in queryset:
            second_factor_reset(
                person=person, actor=request.user, request_info=request_info(request)
            )
        self.message_user(
            request,
            _("Second factor reset for %(n)s person(s): they enrol again from their profile.")
            % {"n": queryset.count()},
        )


# django-otp's own device pages (and django-otp-webauthn's passkey pages) would let an
# administrator read a secret or plant a device or a public key, and sign as anyone: the
# ledgered reset above is the back office's only access.
def _unregister_otp_devices() -> None:
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp_webauthn.models import (
        WebAuthnAttestation,
        WebAuthnCredential,
        WebAuthnUserHandle,
    )

    for model in (
        TOTPDevice,
        StaticDevice,
        WebAuthnCredential,
        WebAuthnAttestation,
        WebAuthnUserHandle,
    ):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_unregister_otp_devices()


@admin.register(Mandate)
class MandateAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "arml", "body", "mission_locale", "funder", "start", "end"]
    list_filter = ["role", "arml"]
    search_fields = ["person__last_name", "person__first_name"]
    autocomplete_fields = ["person"]

    def get_readonly_fields(self, request: HttpRequest, obj: Mandate | None = None) -> list[str]:
        # Once created, only the end date may change: history of who held what stays true.
        if obj is None:
            return []
        return ["person", "role", "arml", "mission_locale", "funder", "body", "title", "start"]

    def save_model(self, request: HttpRequest, obj: Mandate, form: Any, change: bool) -> None:
        if change:
            services.mandate_set_end(mandate=obj, end=obj.end)
            return
        fields = {
            f: getattr(obj, f) for f in ("arml", "mission_locale", "funder", "body", "title", "end")
        }
        created = services.mandate_create(
            person=obj.person, role=obj.role, start=obj.start, **fields
        )
        obj.pk = created.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PaymentTerms)
class PaymentTermsAdmin(admin.ModelAdmin):
    """How each funder pays a convention: the payment schedule is derived from it."""

    list_display = [
        "convention",
        "funder",
        "advance_percent",
        "advance_month",
        "balance_month",
        "balance_condition",
    ]
    list_filter = ["balance_condition"]
