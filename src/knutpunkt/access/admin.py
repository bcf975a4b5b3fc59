"""Åtkomstgrupper and lagrum in the Django admin. Every change goes through
access.services, so the rules and the audit entries are the same as elsewhere.

Who sees what
- Åtkomstgrupper: global administrators all; a lokal administratör those of the
  authorities they administer.
- Lagrum: everyone who works in the admin sees the shared ones (read-only unless global
  administrator) and their organisation's own, which its lokal administratörer and
  arkivarier may change. Nothing is deleted: groups and provisions are deactivated.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q

from knutpunkt.core.errors import DomainError
from knutpunkt.organisations import services as org_services
from knutpunkt.organisations.models import Authority, Organisation, User

from . import services
from .models import AccessGroup, LegalProvision

# Devices are removed with `knutpunkt totp-reset` (audited), and their secrets are
# never shown in the admin.
try:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin.site.unregister(TOTPDevice)
except (ImportError, admin.sites.NotRegistered):
    pass


def _domain_error_to_form(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


# --- access groups ---------------------------------------------------------------------------


class AccessGroupForm(forms.ModelForm):
    actor = None  # set per request by AccessGroupAdmin.get_form

    class Meta:
        model = AccessGroup
        fields = ("authority", "name", "description", "members")

    def clean(self):
        cleaned = super().clean()
        authority = cleaned.get("authority") or getattr(self.instance, "authority", None)
        if authority is None:
            return cleaned
        try:
            services.check_may_manage_groups(self.actor, authority)
            services._check_name(authority, cleaned.get("name", ""), exclude_pk=self.instance.pk)
            for user in cleaned.get("members") or []:
                if not self.instance.pk or not self.instance.members.filter(pk=user.pk).exists():
                    services.check_member(authority, user)
        except DomainError as exc:
            _domain_error_to_form(self, exc)
        return cleaned


@admin.register(AccessGroup)
class AccessGroupAdmin(admin.ModelAdmin):
    form = AccessGroupForm
    list_display = ("name", "authority", "active", "member_count")
    list_filter = ("active", ("authority", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "description", "members__username", "members__last_name")
    filter_horizontal = ("members",)
    readonly_fields = ("active",)
    actions = ["deactivate_selected", "reactivate_selected"]

    def _authority_ids(self, request):
        return services.managed_group_authority_ids(request.user)

    def _allowed(self, request) -> bool:
        ids = self._authority_ids(request)
        return ids is None or bool(ids)

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("authority").annotate(_members=Count("members"))
        ids = self._authority_ids(request)
        return qs if ids is None else qs.filter(authority_id__in=ids)

    @admin.display(description="medlemmar", ordering="_members")
    def member_count(self, obj):
        return obj._members

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request) and (obj is None or services.may_manage_groups(request.user, obj.authority))

    has_change_permission = has_view_permission

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: restricted cases refer to the group

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_readonly_fields(self, request, obj=None):
        return ("authority", "active") if obj is not None else ("active",)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form = type("ScopedAccessGroupForm", (form,), {"actor": request.user})
        ids = self._authority_ids(request)
        if "authority" in form.base_fields:
            form.base_fields["authority"].queryset = Authority.objects.all() if ids is None else Authority.objects.filter(pk__in=ids)
        members = User.objects.filter(is_active=True)
        if obj is not None:
            members = User.objects.filter(Q(organisation_id=obj.authority.organisation_id, is_active=True) | Q(access_groups=obj)).distinct()
        elif ids is not None:
            orgs = Authority.objects.filter(pk__in=ids).values("organisation_id")
            members = members.filter(organisation_id__in=orgs)
        form.base_fields["members"].queryset = members.order_by("last_name", "first_name", "username")
        form.base_fields["members"].required = False
        return form

    def save_model(self, request, obj, form, change):
        if change:
            services.update_group(obj, actor=request.user, name=form.cleaned_data["name"], description=form.cleaned_data.get("description", ""))
        else:
            created = services.create_group(form.cleaned_data["authority"], form.cleaned_data["name"], actor=request.user,
                                             description=form.cleaned_data.get("description", ""))
            obj.pk = created.pk
            obj.active = created.active

    def save_related(self, request, form, formsets, change):
        # Members one by one through the services: each addition and removal audited.
        try:
            services.set_members(form.instance, list(form.cleaned_data.get("members") or []), actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def log_addition(self, request, obj, message):
        pass  # the services wrote the audit entries

    log_change = log_addition

    def _set_active(self, request, queryset, active: bool):
        done = 0
        for group in queryset.select_related("authority"):
            try:
                services.set_group_active(group, active, actor=request.user, reason="via administrationen")
                done += 1
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
        if done:
            self.message_user(request, f"{done} åtkomstgrupper {'aktiverades' if active else 'inaktiverades'}.", messages.SUCCESS)

    @admin.action(description="Inaktivera valda åtkomstgrupper")
    def deactivate_selected(self, request, queryset):
        self._set_active(request, queryset, False)

    @admin.action(description="Aktivera valda åtkomstgrupper")
    def reactivate_selected(self, request, queryset):
        self._set_active(request, queryset, True)


# --- legal provisions ---------------------------------------------------------------------------


class LegalProvisionForm(forms.ModelForm):
    actor = None

    class Meta:
        model = LegalProvision
        fields = ("organisation",) + services.PROVISION_FIELDS

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation") if "organisation" in self.fields else self.instance.organisation
        if "organisation" in self.fields and organisation is None and not org_services.is_global_admin(self.actor):
            self.add_error("organisation", "Välj organisationen som lagrummet gäller för.")
            return cleaned
        try:
            services.check_may_manage_provision(self.actor, organisation)
            values = {k: cleaned.get(k, getattr(self.instance, k)) for k in services.PROVISION_FIELDS}
            services._clean_provision(values, organisation, exclude_pk=self.instance.pk)
        except DomainError as exc:
            _domain_error_to_form(self, exc)
        return cleaned


class ProvisionScopeFilter(admin.SimpleListFilter):
    title = "omfattning"
    parameter_name = "omfattning"

    def lookups(self, request, model_admin):
        return (("gemensam", "Gemensamma"), ("egen", "Organisationens egna"))

    def queryset(self, request, queryset):
        if self.value() == "gemensam":
            return queryset.filter(organisation__isnull=True)
        if self.value() == "egen":
            return queryset.filter(organisation__isnull=False)
        return queryset


@admin.register(LegalProvision)
class LegalProvisionAdmin(admin.ModelAdmin):
    form = LegalProvisionForm
    list_display = ("reference", "law", "short_title", "scope", "active", "valid_to", "needs_verification")
    list_filter = ("active", ProvisionScopeFilter, "law", "needs_verification")
    search_fields = ("reference", "short_title", "protects", "typical_use")
    actions = ["deactivate_selected", "reactivate_selected"]

    def _org_ids(self, request):
        """None = every organisation (global administrator)."""
        if org_services.is_global_admin(request.user):
            return None
        return org_services.managed_organisation_ids(request.user) or set()

    def _in_admin(self, request) -> bool:
        ids = self._org_ids(request)
        return ids is None or bool(ids)

    @admin.display(description="gäller för", ordering="organisation__name")
    def scope(self, obj):
        return obj.organisation.name if obj.organisation_id else "Alla (gemensamt)"

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("organisation")
        ids = self._org_ids(request)
        return qs if ids is None else qs.filter(Q(organisation__isnull=True) | Q(organisation_id__in=ids))

    def has_module_permission(self, request):
        return self._in_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._in_admin(request)

    def has_change_permission(self, request, obj=None):
        if not self._in_admin(request):
            return False
        return obj is None or services.may_manage_provision(request.user, obj.organisation)

    def has_add_permission(self, request):
        return self._in_admin(request)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: markings refer to the provision

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_readonly_fields(self, request, obj=None):
        return ("organisation", "active") if obj is not None else ("active",)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form = type("ScopedLegalProvisionForm", (form,), {"actor": request.user})
        ids = self._org_ids(request)
        if "organisation" in form.base_fields and ids is not None:
            field = form.base_fields["organisation"]
            field.queryset = Organisation.objects.filter(pk__in=ids)
            field.required = True
            field.empty_label = None
        return form

    def save_model(self, request, obj, form, change):
        values = {k: form.cleaned_data.get(k) for k in services.PROVISION_FIELDS if k in form.cleaned_data}
        if change:
            services.update_provision(obj, actor=request.user, **values)
        else:
            created = services.create_provision(actor=request.user, organisation=form.cleaned_data.get("organisation"), **values)
            obj.pk = created.pk

    def log_addition(self, request, obj, message):
        pass  # the services wrote the audit entries

    log_change = log_addition

    def _set_active(self, request, queryset, active: bool):
        done = 0
        for provision in queryset.select_related("organisation"):
            try:
                services.set_provision_active(provision, active, actor=request.user, reason="via administrationen")
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{provision}: {exc.message}", messages.ERROR)
        if done:
            self.message_user(request, f"{done} lagrum {'aktiverades' if active else 'inaktiverades'}.", messages.SUCCESS)

    @admin.action(description="Inaktivera valda lagrum")
    def deactivate_selected(self, request, queryset):
        self._set_active(request, queryset, False)

    @admin.action(description="Aktivera valda lagrum")
    def reactivate_selected(self, request, queryset):
        self._set_active(request, queryset, True)
