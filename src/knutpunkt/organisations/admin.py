"""Systemförvaltning in the Django admin: organisations, authorities, units, diaries,
users and roles.

Global administrators manage everything here. A lokal administratör sees and manages
only the users and role assignments of the authority (or diary) they administer; role
changes go through organisations.services (grant_role / revoke_role) so the rules and
the audit entry are the same as everywhere else.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count

from knutpunkt.core.errors import DomainError

from . import services
from .models import Authority, Diary, NumberSeries, Organisation, Role, RoleAssignment, Unit, User


PRIVILEGE_FIELDS = ("is_global_admin", "is_superuser", "is_staff", "is_active")


class GlobalAdminOnly:
    """Permissions from our roles, not Django's permission tables: global administrators
    (is_global_admin or superuser) may do everything, nobody else anything."""

    def _allowed(self, request) -> bool:
        return services.is_global_admin(request.user)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request, *args):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)


def is_local_admin(user) -> bool:
    return bool(getattr(user, "pk", None)) and RoleAssignment.objects.filter(user_id=user.pk, role=Role.LOKAL_ADMIN).exists()


class AuthorityInline(GlobalAdminOnly, admin.TabularInline):
    model = Authority
    fields = ("name", "code", "kind", "org_number")
    extra = 0
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(GlobalAdminOnly, admin.ModelAdmin):
    list_display = ("name", "short_name", "org_number", "authority_count")
    search_fields = ("name", "short_name", "org_number")
    inlines = [AuthorityInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_authorities=Count("authorities"))

    @admin.display(description="myndigheter", ordering="_authorities")
    def authority_count(self, obj):
        return obj._authorities


class DiaryInline(GlobalAdminOnly, admin.TabularInline):
    model = Diary
    fields = ("prefix", "name", "active")
    extra = 0
    show_change_link = True


@admin.register(Authority)
class AuthorityAdmin(GlobalAdminOnly, admin.ModelAdmin):
    list_display = ("name", "code", "kind", "organisation", "org_number")
    list_filter = ("organisation", "kind")
    search_fields = ("name", "code", "org_number")
    inlines = [DiaryInline]


@admin.register(Unit)
class UnitAdmin(GlobalAdminOnly, admin.ModelAdmin):
    list_display = ("name", "code", "authority", "parent", "organisation")
    list_filter = ("organisation", "authority")
    search_fields = ("name", "code")
    raw_id_fields = ("parent",)
    list_select_related = ("authority", "parent", "organisation")


class NumberSeriesInline(admin.TabularInline):
    """The counters are the diary's memory of numbers given: shown, never edited here."""

    model = NumberSeries
    fields = ("year", "kind", "last_number")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-year", "kind")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return services.is_global_admin(request.user)


@admin.register(Diary)
class DiaryAdmin(GlobalAdminOnly, admin.ModelAdmin):
    list_display = ("prefix", "name", "authority", "active")
    list_filter = ("active", "authority__organisation", "authority")
    search_fields = ("prefix", "name", "authority__name")
    list_select_related = ("authority",)
    inlines = [NumberSeriesInline]

    def get_readonly_fields(self, request, obj=None):
        # The prefix is part of every diarienummer already given.
        if obj is not None and obj.series.filter(last_number__gt=0).exists():
            return ("prefix",)
        return ()


# --- users and roles -------------------------------------------------------------------

class LocalAdminScope:
    """Global administrators see everything; a lokal administratör what they administer."""

    def _global(self, request) -> bool:
        return services.is_global_admin(request.user)

    def _local(self, request) -> bool:
        return is_local_admin(request.user)

    def has_module_permission(self, request):
        return self._global(request) or self._local(request)

    def has_view_permission(self, request, obj=None):
        if self._global(request):
            return True
        if not self._local(request):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request, *args):
        return self._global(request) or self._local(request)


class RoleAssignmentForm(forms.ModelForm):
    """Runs the same rules as grant_role, so a refusal is a form error, not a crash."""

    actor = None  # set per request by the admin

    class Meta:
        model = RoleAssignment
        fields = ("user", "role", "authority", "diary")

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user")
        if user is None and self.instance.user_id:
            user = self.instance.user
        if self.instance.pk is None and user is not None and cleaned.get("role"):
            try:
                services.check_may_grant(user, cleaned["role"], authority=cleaned.get("authority"), diary=cleaned.get("diary"), actor=self.actor)
            except DomainError as exc:
                raise forms.ValidationError(exc.message) from None
        return cleaned


def _limit_scope(form_class, request):
    """Offer a lokal administratör only the authorities and diaries they administer."""
    if services.is_global_admin(request.user):
        return
    fields = form_class.base_fields
    if "authority" in fields:
        fields["authority"].queryset = Authority.objects.filter(pk__in=services.administered_authority_ids(request.user))
    if "diary" in fields:
        fields["diary"].queryset = Diary.objects.filter(pk__in=services.administered_diary_ids(request.user))


def _grant_from(request, assignment: RoleAssignment) -> RoleAssignment:
    return services.grant_role(assignment.user, assignment.role, authority=assignment.authority, diary=assignment.diary, actor=request.user)


def _revoke(request, assignment: RoleAssignment) -> None:
    services.revoke_role(assignment.user, assignment.role, authority=assignment.authority, diary=assignment.diary, actor=request.user)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    form = RoleAssignmentForm
    fields = ("role", "authority", "diary")
    extra = 0
    verbose_name = "roll"
    verbose_name_plural = "roller (i en hel myndighet eller i ett diarium)"

    def get_queryset(self, request):
        return services.administered_assignments(request.user).select_related("authority", "diary")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        form = type("ScopedRoleAssignmentForm", (formset.form,), {"actor": request.user})
        _limit_scope(form, request)
        formset.form = form
        return formset

    def has_view_permission(self, request, obj=None):
        return services.is_global_admin(request.user) or is_local_admin(request.user)

    def has_add_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return False  # change = revoke + grant, each with its audit entry

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)


@admin.register(User)
class UserAdmin(LocalAdminScope, DjangoUserAdmin):
    list_display = ("username", "full_name", "email", "organisation", "unit", "is_active", "is_global_admin", "roles")
    list_filter = ("is_active", "is_global_admin", "is_staff", ("organisation", admin.RelatedOnlyFieldListFilter), "role_assignments__role")
    search_fields = ("username", "first_name", "last_name", "email")
    list_select_related = ("organisation", "unit")
    inlines = [RoleAssignmentInline]
    fieldsets = DjangoUserAdmin.fieldsets + (
        ("Organisation och behörighet", {"fields": ("organisation", "unit", "is_global_admin")}),
    )
    local_fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personuppgifter", {"fields": ("first_name", "last_name", "email")}),
        ("Organisation", {"fields": ("organisation", "unit", "is_active")}),
        ("Datum", {"fields": ("last_login", "date_joined")}),
    )
    local_readonly = ("organisation", "last_login", "date_joined")

    @admin.display(description="namn", ordering="last_name")
    def full_name(self, obj):
        return obj.get_full_name()

    @admin.display(description="roller")
    def roles(self, obj):
        return ", ".join(sorted({a.get_role_display() for a in obj.role_assignments.all()}))

    def get_queryset(self, request):
        qs = services.administered_users(request.user)
        return qs.select_related("organisation", "unit").prefetch_related("role_assignments")

    def get_fieldsets(self, request, obj=None):
        if obj is None or self._global(request):
            return super().get_fieldsets(request, obj)
        return self.local_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if self._global(request) or obj is None:
            return super().get_readonly_fields(request, obj)
        return self.local_readonly

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not self._global(request) and "unit" in form.base_fields:
            form.base_fields["unit"].queryset = Unit.objects.filter(authority_id__in=services.administered_authority_ids(request.user))
        return form

    def get_inline_instances(self, request, obj=None):
        # Roles are given once the account exists (the inline needs the user's organisation).
        return [] if obj is None else super().get_inline_instances(request, obj)

    def has_change_permission(self, request, obj=None):
        if self._global(request):
            return True
        if not self._local(request):
            return False
        return obj is None or services.may_change_account(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        # Users who registered anything cannot be deleted (PROTECT); deactivate instead.
        return self._global(request)

    def save_model(self, request, obj, form, change):
        if not self._global(request):
            if not change and obj.organisation_id is None:
                orgs = Authority.objects.filter(pk__in=services.administered_authority_ids(request.user)).values_list("organisation_id", flat=True)
                obj.organisation_id = request.user.organisation_id or next(iter(orgs), None)
        elif obj.is_global_admin:
            obj.is_staff = True  # a global administrator works in these pages
        before = {}
        if change and obj.pk:
            before = User.objects.filter(pk=obj.pk).values(*PRIVILEGE_FIELDS).first() or {}
        super().save_model(request, obj, form, change)
        changes = {f: [before.get(f), getattr(obj, f)] for f in PRIVILEGE_FIELDS if before.get(f, False) != getattr(obj, f)}
        if changes:
            # Privileges are roles too: who made whom an administrator, or disabled them, is audited.
            from knutpunkt.core import audit

            audit.log("user.privileges_changed", actor=request.user, obj=obj, details={"changes": changes})

    def save_formset(self, request, form, formset, change):
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        # The forms ran check_may_grant already; a refusal here means something changed
        # in between, so it is reported and the rest still saved.
        for assignment in formset.deleted_objects:
            try:
                _revoke(request, assignment)
            except DomainError as exc:
                messages.error(request, exc.message)
        for assignment in formset.new_objects:
            assignment.user = form.instance
            try:
                _grant_from(request, assignment)
            except DomainError as exc:
                messages.error(request, exc.message)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(LocalAdminScope, admin.ModelAdmin):
    form = RoleAssignmentForm
    list_display = ("user", "role", "authority", "diary")
    list_filter = ("role", ("authority", admin.RelatedOnlyFieldListFilter), ("diary", admin.RelatedOnlyFieldListFilter))
    search_fields = ("user__username", "user__first_name", "user__last_name")
    autocomplete_fields = ("user",)
    list_select_related = ("user", "authority", "diary")
    actions = ["revoke_selected"]

    def get_queryset(self, request):
        return services.administered_assignments(request.user)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form = type("ScopedRoleAssignmentForm", (form,), {"actor": request.user})
        _limit_scope(form, request)
        return form

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_change_permission(self, request, obj=None):
        return False  # change = revoke + grant

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def save_model(self, request, obj, form, change):
        saved = _grant_from(request, obj)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        _revoke(request, obj)

    def log_addition(self, request, obj, message):
        pass  # grant_role wrote the audit entry

    def log_deletions(self, request, queryset):
        pass  # revoke_role wrote the audit entry

    @admin.action(description="Ta bort valda roller")
    def revoke_selected(self, request, queryset):
        done = 0
        for assignment in queryset.select_related("user", "authority", "diary"):
            try:
                _revoke(request, assignment)
                done += 1
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
        if done:
            self.message_user(request, f"{done} roller togs bort.", messages.SUCCESS)
