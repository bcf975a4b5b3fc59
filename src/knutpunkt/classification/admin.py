"""The classification structure in the Django admin.

Who: global administrators, and arkivarier and lokala administratörer for their own
organisation. What: a version in force (or retired) is read-only — cases point at it;
a change is made in a draft (imported, or copied from the current version) which is
then activated. Import, export, copy and activation call classification.services.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from knutpunkt.core.errors import DomainError
from knutpunkt.organisations.models import Organisation
from knutpunkt.organisations.services import managed_organisation_ids

from . import queries, retention, services, structure, tabular
from .models import CaseType, Class, ClassificationScheme, DocumentType, RetentionRule

DRAFT = ClassificationScheme.Status.DRAFT
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _scheme_of(obj) -> ClassificationScheme | None:
    if obj is None:
        return None
    if isinstance(obj, ClassificationScheme):
        return obj
    if isinstance(obj, (Class, RetentionRule)):
        return obj.scheme
    return obj.process.scheme  # CaseType, DocumentType


class ManagedByOrganisation:
    """Scope and permissions by the organisations the user manages (None = all)."""

    organisation_path = "organisation"

    def _orgs(self, request):
        if not hasattr(request, "_knutpunkt_managed_orgs"):
            request._knutpunkt_managed_orgs = managed_organisation_ids(request.user)
        return request._knutpunkt_managed_orgs

    def _manages(self, request, obj=None) -> bool:
        orgs = self._orgs(request)
        if orgs is None:
            return True
        if not orgs:
            return False
        scheme = _scheme_of(obj)
        return scheme is None or scheme.organisation_id in orgs

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        orgs = self._orgs(request)
        return qs if orgs is None else qs.filter(**{f"{self.organisation_path}__in": orgs})

    def has_module_permission(self, request):
        return self._manages(request)

    def has_view_permission(self, request, obj=None):
        return self._manages(request, obj)

    def has_add_permission(self, request, *args):
        return self._manages(request)

    def has_change_permission(self, request, obj=None):
        scheme = _scheme_of(obj)
        return self._manages(request, obj) and (scheme is None or scheme.status == DRAFT)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def _draft_schemes(self, request):
        qs = ClassificationScheme.objects.filter(status=DRAFT)
        orgs = self._orgs(request)
        return qs if orgs is None else qs.filter(organisation_id__in=orgs)


# --- schemes -----------------------------------------------------------------------------

class ImportForm(forms.Form):
    organisation = forms.ModelChoiceField(Organisation.objects.all(), label="Organisation")
    file = forms.FileField(label="Fil", help_text="JSON, CSV (; eller ,) eller Excel (xlsx) med kolumnerna nedan.")
    name = forms.CharField(label="Strukturens namn", required=False, max_length=200,
                           help_text="Lämna tomt för att använda namnet i filen eller den gällande strukturens namn.")
    version = forms.CharField(label="Version", required=False, max_length=20, help_text="Lämna tomt för nästa lediga versionsnummer.")
    activate = forms.BooleanField(label="Låt versionen börja gälla direkt", required=False,
                                  help_text="Den version som gäller nu upphör då. Annars blir importen ett utkast.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        kind = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if kind not in services.FORMATS:
            raise forms.ValidationError("Filen ska sluta på .json, .csv eller .xlsx.")
        return upload


@admin.register(ClassificationScheme)
class ClassificationSchemeAdmin(ManagedByOrganisation, admin.ModelAdmin):
    list_display = ("name", "version", "organisation", "status", "valid_from", "valid_to", "process_count", "document_type_count")
    list_filter = ("status", ("organisation", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "version", "description")
    list_select_related = ("organisation",)
    fields = ("organisation", "name", "version", "status", "valid_from", "valid_to", "description")
    readonly_fields = ("status", "valid_to")
    actions = ["activate_selected", "copy_selected", "export_json", "export_csv", "export_xlsx"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            _processes=Count("classes", filter=Q(classes__level=Class.Level.PROCESS), distinct=True),
            _document_types=Count("classes__document_types", distinct=True),
        )

    @admin.display(description="processer", ordering="_processes")
    def process_count(self, obj):
        return obj._processes

    @admin.display(description="handlingstyper", ordering="_document_types")
    def document_type_count(self, obj):
        return obj._document_types

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            orgs = self._orgs(request)
            kwargs["queryset"] = Organisation.objects.all() if orgs is None else Organisation.objects.filter(pk__in=orgs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ("organisation", "status", "valid_to")
        return self.readonly_fields

    def get_urls(self):
        own = [
            path("import/", self.admin_site.admin_view(self.import_view), name="classification_classificationscheme_import"),
            path("<int:pk>/export/<str:kind>/", self.admin_site.admin_view(self.export_view), name="classification_classificationscheme_export"),
            path("<int:pk>/struktur/", self.admin_site.admin_view(self.tree_view), name="classification_classificationscheme_tree"),
        ]
        return own + super().get_urls()

    # Deleting is for drafts only and goes through discard_draft (types first, then classes).
    def get_deleted_objects(self, objs, request):
        objs = list(objs)
        perms_needed = set() if all(self.has_delete_permission(request, o) for o in objs) else {"klassificeringsstruktur"}
        return [str(o) for o in objs], {ClassificationScheme._meta.verbose_name_plural: len(objs)}, perms_needed, []

    def delete_model(self, request, obj):
        services.discard_draft(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for scheme in queryset:
            services.discard_draft(scheme, actor=request.user)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.status = DRAFT
        super().save_model(request, obj, form, change)

    # --- views -------------------------------------------------------------------------

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise DjangoPermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        orgs = self._orgs(request)
        if orgs is not None:
            form.fields["organisation"].queryset = Organisation.objects.filter(pk__in=orgs)
        problems = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            kind = upload.name.rsplit(".", 1)[-1].lower()
            try:
                scheme = services.import_stream(
                    form.cleaned_data["organisation"], upload, kind, actor=request.user, activate=form.cleaned_data["activate"],
                    name=form.cleaned_data["name"] or None, version=form.cleaned_data["version"] or None,
                )
            except DomainError as exc:
                problems = exc.errors.get("structure") or [exc.message]
            else:
                c = queries.counts(scheme)
                self.message_user(
                    request,
                    f"{scheme} importerades: {c['process']} processer, {c['case_types']} ärendetyper, {c['document_types']} handlingstyper.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:classification_classificationscheme_change", args=[scheme.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Importera klassificeringsstruktur",
            "opts": self.model._meta,
            "form": form,
            "problems": problems,
            "columns": tabular.HEADERS,
        }
        return TemplateResponse(request, "admin/classification/classificationscheme/import.html", context)

    def _scheme_for(self, request, pk) -> ClassificationScheme:
        scheme = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, scheme):
            raise DjangoPermissionDenied
        return scheme

    def export_view(self, request, pk, kind):
        scheme = self._scheme_for(request, pk)
        if kind not in services.FORMATS:
            raise DjangoPermissionDenied
        return _download(scheme, kind)

    def tree_view(self, request, pk):
        scheme = self._scheme_for(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{scheme.name} v{scheme.version}",
            "opts": self.model._meta,
            "original": scheme,
            "scheme": scheme,
            "tree": queries.tree(scheme),
            "counts": queries.counts(scheme),
            "rules": queries.retention_rules(scheme),
        }
        return TemplateResponse(request, "admin/classification/classificationscheme/tree.html", context)

    # --- actions -----------------------------------------------------------------------

    @admin.action(description="Aktivera (låt versionen börja gälla)")
    def activate_selected(self, request, queryset):
        if queryset.values("organisation").distinct().count() != queryset.count():
            self.message_user(request, "Välj högst en version per organisation att aktivera.", messages.ERROR)
            return
        for scheme in queryset:
            try:
                services.activate_scheme(scheme, actor=request.user)
                self.message_user(request, f"{scheme.name} v{scheme.version} gäller nu för {scheme.organisation}.", messages.SUCCESS)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)

    @admin.action(description="Skapa nytt utkast (kopia av vald version)")
    def copy_selected(self, request, queryset):
        for scheme in queryset:
            try:
                copy = services.copy_scheme(scheme, actor=request.user)
                self.message_user(request, f"Utkastet {copy} skapades.", messages.SUCCESS)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)

    def _export_one(self, request, queryset, kind):
        if queryset.count() != 1:
            self.message_user(request, "Välj en struktur i taget att exportera.", messages.WARNING)
            return None
        return _download(queryset.first(), kind)

    @admin.action(description="Exportera JSON")
    def export_json(self, request, queryset):
        return self._export_one(request, queryset, "json")

    @admin.action(description="Exportera CSV")
    def export_csv(self, request, queryset):
        return self._export_one(request, queryset, "csv")

    @admin.action(description="Exportera Excel (xlsx)")
    def export_xlsx(self, request, queryset):
        return self._export_one(request, queryset, "xlsx")


def _download(scheme: ClassificationScheme, kind: str) -> HttpResponse:
    response = HttpResponse(services.export_as(scheme, kind), content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{services.export_filename(scheme, kind)}"'
    return response


# --- classes, rules and types ------------------------------------------------------------

class ClassForm(forms.ModelForm):
    class Meta:
        model = Class
        fields = ("scheme", "parent", "level", "code", "title", "description")

    def clean(self):
        cleaned = super().clean()
        scheme, parent, level = cleaned.get("scheme"), cleaned.get("parent"), cleaned.get("level")
        if not scheme or not level:
            return cleaned
        depth = structure.LEVELS.index(level)
        if parent is None and depth != 0:
            raise forms.ValidationError(f"En {Class.Level(level).label.lower()} måste ha en överordnad klass.")
        if parent is not None:
            if parent.scheme_id != scheme.pk:
                raise forms.ValidationError("Den överordnade klassen hör till en annan struktur.")
            if structure.LEVELS.index(parent.level) != depth - 1:
                raise forms.ValidationError(
                    f"En {Class.Level(level).label.lower()} kan inte ligga under en {parent.get_level_display().lower()}."
                )
        if self.instance.pk and self.instance.children.exclude(level=structure.LEVELS[depth + 1] if depth < 3 else "").exists():
            raise forms.ValidationError("Nivån passar inte de underordnade klasserna.")
        if self.instance.pk and level != Class.Level.PROCESS and (self.instance.case_types.exists() or self.instance.document_types.exists()):
            raise forms.ValidationError("Bara en process kan ha ärende- och handlingstyper.")
        return cleaned


class TypeFormMixin:
    def clean(self):
        cleaned = super().clean()
        process = cleaned.get("process")
        if process is None and self.instance.process_id:
            process = self.instance.process
        if process is not None and process.level != Class.Level.PROCESS:
            raise forms.ValidationError("Välj en process (lägsta nivån).")
        rule = cleaned.get("retention_rule")
        if process is not None and rule is not None and rule.scheme_id != process.scheme_id:
            raise forms.ValidationError("Bevarande- och gallringsregeln hör till en annan struktur.")
        return cleaned


class CaseTypeForm(TypeFormMixin, forms.ModelForm):
    class Meta:
        model = CaseType
        fields = ("process", "code", "title", "description", "handling_days", "active")


class DocumentTypeForm(TypeFormMixin, forms.ModelForm):
    class Meta:
        model = DocumentType
        fields = ("process", "code", "title", "description", "registration", "retention_rule", "active")


class RetentionRuleForm(forms.ModelForm):
    class Meta:
        model = RetentionRule
        fields = ("scheme", "code", "action", "period_months", "trigger", "legal_basis", "note")

    def clean(self):
        cleaned = super().clean()
        for problem in retention.problems(cleaned.get("action", ""), cleaned.get("period_months"), cleaned.get("trigger", "")):
            raise forms.ValidationError(problem[0].upper() + problem[1:])
        return cleaned


class _TypeInline(admin.TabularInline):
    extra = 0
    show_change_link = True

    def has_view_permission(self, request, obj=None):
        return True  # the parent admin decided

    def has_add_permission(self, request, obj=None):
        return obj is not None and obj.scheme.status == DRAFT

    def has_change_permission(self, request, obj=None):
        return obj is not None and obj.scheme.status == DRAFT

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


class CaseTypeInline(_TypeInline):
    model = CaseType
    form = CaseTypeForm
    fields = ("code", "title", "handling_days", "active")


class DocumentTypeInline(_TypeInline):
    model = DocumentType
    form = DocumentTypeForm
    fields = ("code", "title", "registration", "retention_rule", "active")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and "retention_rule" in formset.form.base_fields:
            formset.form.base_fields["retention_rule"].queryset = RetentionRule.objects.filter(scheme=obj.scheme)
        return formset


@admin.register(Class)
class ClassAdmin(ManagedByOrganisation, admin.ModelAdmin):
    organisation_path = "scheme__organisation"
    form = ClassForm
    list_display = ("code", "title", "level", "parent", "scheme")
    list_filter = ("level", "scheme__status", ("scheme", admin.RelatedOnlyFieldListFilter))
    search_fields = ("code", "title", "description")
    list_select_related = ("parent", "scheme")
    raw_id_fields = ("parent",)
    inlines = [CaseTypeInline, DocumentTypeInline]

    def get_inline_instances(self, request, obj=None):
        if obj is None or obj.level != Class.Level.PROCESS:
            return []
        return super().get_inline_instances(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "scheme":
            kwargs["queryset"] = self._draft_schemes(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(RetentionRule)
class RetentionRuleAdmin(ManagedByOrganisation, admin.ModelAdmin):
    organisation_path = "scheme__organisation"
    form = RetentionRuleForm
    list_display = ("code", "rule_text", "legal_basis", "scheme", "usage")
    list_filter = ("action", "trigger", "scheme__status", ("scheme", admin.RelatedOnlyFieldListFilter))
    search_fields = ("code", "legal_basis", "note")
    list_select_related = ("scheme",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_usage=Count("document_types"))

    @admin.display(description="regel")
    def rule_text(self, obj):
        return obj.describe()

    @admin.display(description="handlingstyper", ordering="_usage")
    def usage(self, obj):
        return obj._usage

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "scheme":
            kwargs["queryset"] = self._draft_schemes(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class _TypeAdmin(ManagedByOrganisation, admin.ModelAdmin):
    organisation_path = "process__scheme__organisation"
    search_fields = ("code", "title", "description", "process__code", "process__title")
    raw_id_fields = ("process",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "process":
            kwargs["queryset"] = Class.objects.filter(level=Class.Level.PROCESS, scheme__in=self._draft_schemes(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(CaseType)
class CaseTypeAdmin(_TypeAdmin):
    form = CaseTypeForm
    list_display = ("code", "title", "process", "handling_days", "active", "scheme")
    list_filter = ("active", "process__scheme__status", ("process__scheme", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("process__scheme",)

    @admin.display(description="struktur")
    def scheme(self, obj):
        return obj.process.scheme


@admin.register(DocumentType)
class DocumentTypeAdmin(_TypeAdmin):
    form = DocumentTypeForm
    list_display = ("code", "title", "process", "registration", "retention_rule", "active", "scheme")
    list_filter = ("registration", "retention_rule__action", "active", "process__scheme__status", ("process__scheme", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("process__scheme", "retention_rule")

    @admin.display(description="struktur")
    def scheme(self, obj):
        return obj.process.scheme
