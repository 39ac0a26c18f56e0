"""Admin for moderators: queues to work through, and actions that go through the
moderation services (each logged). Rows here are never edited by hand or deleted."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator

from cities.models import CitySuggestion, Contender, ContenderSuggestion, Continent
from comments import moderation
from comments.exceptions import ActionRefused
from comments.models import (
    Ballot,
    BallotEntry,
    Comment,
    CommentRevision,
    Duel,
    Member,
    ModerationLogEntry,
    RankSnapshot,
    Report,
    ReportedComment,
    Suspension,
    Vote,
)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Shown on the public moderation log.",
    )

    def __init__(self, *args, required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required


class NewCityForm(ReasonForm):
    """The reason, and what a city new to the site needs before it joins a list."""

    continent = forms.ChoiceField(choices=Continent.choices)
    latitude = forms.DecimalField(min_value=-90, max_value=90, max_digits=7, decimal_places=4)
    longitude = forms.DecimalField(min_value=-180, max_value=180, max_digits=7, decimal_places=4)
    summary = forms.CharField(
        max_length=300, help_text="One or two sentences for lists; fill in the profile later."
    )


def act_with_reason(
    modeladmin,
    request,
    queryset,
    *,
    service,
    target,
    title,
    required=True,
    form_class=ReasonForm,
):
    """Run a moderation service on each selected row, after asking for the reason.

    The first post (from the changelist) shows a form; the second applies it,
    passing the service every field of the form.
    """
    form = form_class(request.POST if "apply" in request.POST else None, required=required)
    if form.is_valid():
        changed = unchanged = 0
        for obj in queryset:
            try:
                if service(moderator=request.user, **form.cleaned_data, **{target: obj}):
                    changed += 1
                else:
                    unchanged += 1
            except ActionRefused as refusal:
                modeladmin.message_user(request, f"{obj}: {refusal.message}", messages.ERROR)
        modeladmin.message_user(
            request,
            f"{title}: {changed} done" + (f", {unchanged} already so" if unchanged else "") + ".",
            messages.SUCCESS if changed else messages.WARNING,
        )
        return None
    if target == "comment":
        # What is being judged, on the page that asks for the reason: the
        # text and every open report with its reason.
        queryset = queryset.select_related("author").prefetch_related(
            Prefetch(
                "reports",
                queryset=Report.objects.open().select_related("reporter").order_by("created_at"),
                to_attr="open_reports_shown",
            )
        )
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "target": target,
        "objects": queryset,
        "form": form,
        "action": request.POST["action"],
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, "admin/moderation_reason.html", context)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that only the services write: visible, never edited by hand or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CommentModerationMixin:
    """Hide and restore, for every admin that lists comments."""

    actions = ["hide", "restore"]

    def has_hide_permission(self, request):
        return request.user.has_perm("comments.hide_comment")

    def has_resolve_permission(self, request):
        return request.user.has_perm("comments.resolve_report")

    @admin.action(permissions=["hide"], description="Hide selected comments")
    def hide(self, request, queryset):
        return act_with_reason(
            self,
            request,
            queryset,
            service=moderation.hide_comment,
            target="comment",
            title="Hide comments",
        )

    @admin.action(permissions=["hide"], description="Restore selected hidden comments")
    def restore(self, request, queryset):
        return act_with_reason(
            self,
            request,
            queryset,
            service=moderation.restore_comment,
            target="comment",
            title="Restore comments",
        )

    @admin.action(permissions=["resolve"], description="Dismiss the reports on selected comments")
    def dismiss(self, request, queryset):
        return act_with_reason(
            self,
            request,
            queryset,
            service=moderation.dismiss_reports,
            target="comment",
            title="Dismiss reports",
            required=False,
        )

    @admin.display(description="comment")
    def excerpt(self, obj):
        return Truncator(obj.body).chars(80)

    @admin.display(description="status")
    def status(self, obj):
        if obj.hidden_at:
            return "hidden"
        if obj.deleted_at:
            return "deleted by author"
        return "visible"


class VisibilityFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("visible", "Visible"), ("hidden", "Hidden"), ("deleted", "Deleted by author")]

    def queryset(self, request, queryset):
        if self.value() == "visible":
            return queryset.visible()
        if self.value() == "hidden":
            return queryset.filter(hidden_at__isnull=False)
        if self.value() == "deleted":
            return queryset.filter(deleted_at__isnull=False)
        return queryset


class RevisionInline(admin.TabularInline):
    model = CommentRevision
    extra = 0
    can_delete = False
    readonly_fields = ["written_at", "body"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReportInline(RevisionInline):
    model = Report
    fk_name = "comment"
    readonly_fields = ["reporter", "reason", "details", "created_at", "resolution", "resolved_by"]


@admin.register(Comment)
class CommentAdmin(CommentModerationMixin, ReadOnlyAdmin):
    list_display = ["excerpt", "author", "contender", "status", "score", "created_at"]
    list_filter = [VisibilityFilter, "contender__contender_list"]
    search_fields = ["body", "author__username", "contender__city__name"]
    list_select_related = ["author", "contender__city", "contender__contender_list"]
    date_hierarchy = "created_at"
    inlines = [ReportInline, RevisionInline]


@admin.register(ReportedComment)
class ReportedCommentAdmin(CommentModerationMixin, ReadOnlyAdmin):
    """The queue: comments with open reports, most recently reported first."""

    actions = ["hide", "dismiss", "restore"]
    # What fits 1,280 pixels beside the filters; the whole text and the list are on the
    # comment's own page (admin/css: long words wrap).
    list_display = ["excerpt", "author", "city", "open_reports", "reasons", "last_reported"]
    list_filter = ["contender__contender_list"]
    search_fields = ["body", "author__username"]
    list_select_related = ["author", "contender__city", "contender__contender_list"]
    inlines = [ReportInline, RevisionInline]

    def get_queryset(self, request):
        is_open = Q(reports__resolved_at__isnull=True)
        return (
            super()
            .get_queryset(request)
            .filter(Exists(Report.objects.open().filter(comment=OuterRef("pk"))))
            .annotate(
                open_report_count=Count("reports", filter=is_open),
                last_report_at=Max("reports__created_at", filter=is_open),
            )
            .prefetch_related(
                Prefetch(
                    "reports",
                    Report.objects.open().order_by("created_at"),
                    to_attr="open_report_list",
                )
            )
            .order_by("-last_report_at")
        )

    class Media:
        css = {"all": ["css/admin.css"]}

    @admin.display(description="city", ordering="contender__city__name")
    def city(self, obj):
        return obj.contender.city.name

    @admin.display(description="reports", ordering="open_report_count")
    def open_reports(self, obj):
        return obj.open_report_count

    @admin.display(description="reasons")
    def reasons(self, obj):
        counts = {}
        for report in obj.open_report_list:
            label = report.get_reason_display()
            counts[label] = counts.get(label, 0) + 1
        return ", ".join(f"{label} ({count})" for label, count in counts.items())

    @admin.display(description="last reported", ordering="last_report_at")
    def last_reported(self, obj):
        """Short, and text that may wrap: admin keeps a date and time on one line."""
        return date_format(timezone.localtime(obj.last_report_at), "j M Y, H:i")


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["comment", "reporter", "reason", "created_at", "resolution", "resolved_by"]
    list_filter = ["reason", "resolution"]
    search_fields = ["reporter__username", "comment__body"]
    list_select_related = ["comment", "reporter", "resolved_by"]


class SuspendedFilter(admin.SimpleListFilter):
    title = "suspended"
    parameter_name = "suspended"

    def lookups(self, request, model_admin):
        return [("yes", "Suspended"), ("no", "Not suspended")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(is_suspended=self.value() == "yes")
        return queryset


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ["username", "email", "date_joined", "is_suspended", "is_staff"]
    list_filter = [SuspendedFilter, "is_staff"]
    search_fields = ["username", "email"]
    ordering = ["-date_joined"]
    fields = ["username", "email", "date_joined", "last_login", "is_staff", "is_active"]
    actions = ["suspend", "unsuspend", "void"]

    def get_queryset(self, request):
        active = Suspension.objects.filter(user=OuterRef("pk"), lifted_at__isnull=True)
        return super().get_queryset(request).annotate(is_suspended=Exists(active))

    @admin.display(boolean=True, description="suspended", ordering="is_suspended")
    def is_suspended(self, obj):
        return obj.is_suspended

    def has_suspend_permission(self, request):
        return request.user.has_perm("comments.suspend_user")

    def has_void_permission(self, request):
        return request.user.has_perm("comments.void_vote")

    @admin.action(permissions=["suspend"], description="Suspend selected members")
    def suspend(self, request, queryset):
        return act_with_reason(
            self,
            request,
            queryset,
            service=moderation.suspend_user,
            target="member",
            title="Suspend members",
        )

    @admin.action(permissions=["suspend"], description="Lift the suspension of selected members")
    def unsuspend(self, request, queryset):
        return act_with_reason(
            self,
            request,
            queryset,
            service=moderation.unsuspend_user,
            target="member",
            title="Lift suspensions",
        )

    @admin.action(permissions=["void"], description="Void every vote of selected members")
    def void(self, request, queryset):
        return act_with_reason(
            self,
            request,
            queryset,
            service=moderation.void_votes,
            target="member",
            title="Void votes",
        )


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    list_display = ["user", "reason", "suspended_by", "created_at", "lifted_at", "lifted_by"]
    list_filter = ["lifted_at"]
    search_fields = ["user__username", "reason"]
    list_select_related = ["user", "suspended_by", "lifted_by"]


@admin.register(ModerationLogEntry)
class ModerationLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "moderator", "action", "subject", "reason"]
    list_filter = ["action", "moderator"]
    search_fields = ["subject", "reason", "moderator__username"]
    list_select_related = ["moderator"]
    date_hierarchy = "created_at"


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ["user", "contender", "value", "updated_at", "voided_at"]
    list_filter = ["value", "voided_at", "contender__contender_list"]
    search_fields = ["user__username", "contender__city__name"]
    list_select_related = ["user", "contender__city", "contender__contender_list"]
    date_hierarchy = "updated_at"


class BallotEntryInline(admin.TabularInline):
    model = BallotEntry
    fields = ["position", "contender"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    list_display = ["user", "contender_list", "updated_at", "voided_at"]
    list_filter = ["voided_at", "contender_list"]
    search_fields = ["user__username"]
    list_select_related = ["user", "contender_list"]
    date_hierarchy = "updated_at"
    inlines = [BallotEntryInline]


@admin.register(Duel)
class DuelAdmin(ReadOnlyAdmin):
    list_display = ["user", "contender_list", "number", "left", "right", "winner", "voided_at"]
    list_filter = ["voided_at", "contender_list"]
    search_fields = ["user__username", "reason"]
    list_select_related = [
        "user",
        "contender_list",
        "left__city",
        "right__city",
        "winner__city",
    ]
    date_hierarchy = "created_at"


@admin.register(RankSnapshot)
class RankSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["contender", "taken_on", "rank", "score", "schulze_rank", "borda_rank"]
    list_filter = ["taken_on", "contender__contender_list"]
    search_fields = ["contender__city__name"]
    list_select_related = ["contender__city", "contender__contender_list"]


# Suggestions are contenders (cities' model) that moderators review: their
# queue lives here, beside the other moderation queues and their actions.
class SuggestionStatusFilter(admin.SimpleListFilter):
    """Pending first: the moderators' queue; the decided ones on request."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Contender.Status.choices

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or Contender.Status.PENDING) == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value() or Contender.Status.PENDING)


@admin.register(ContenderSuggestion)
class ContenderSuggestionAdmin(ReadOnlyAdmin):
    """Cities members suggested, oldest first, to approve or reject."""

    list_display = ["city", "contender_list", "suggested_by", "created_at", "status"]
    list_filter = [SuggestionStatusFilter, "contender_list"]
    search_fields = ["city__name", "suggested_by__username"]
    list_select_related = ["city", "contender_list", "suggested_by"]
    ordering = ["created_at"]
    actions = ["approve", "reject"]

    def has_review_permission(self, request):
        return request.user.has_perm("cities.review_contender")

    @admin.action(permissions=["review"], description="Approve selected suggestions")
    def approve(self, request, queryset):
        return act_with_reason(
            self,
            request,
            queryset,
            service=moderation.approve_contender,
            target="contender",
            title="Approve suggestions",
            required=False,
        )

    @admin.action(permissions=["review"], description="Reject selected suggestions")
    def reject(self, request, queryset):
        return act_with_reason(
            self,
            request,
            queryset,
            service=moderation.reject_contender,
            target="contender",
            title="Reject suggestions",
        )


@admin.register(CitySuggestion)
class CitySuggestionAdmin(ReadOnlyAdmin):
    """Cities members suggested by name, oldest first: approve (making the city if it is
    new) or reject, with a reason."""

    list_display = [
        "name",
        "country",
        "contender_list",
        "reason",
        "on_techvote",
        "suggested_by",
        "created_at",
        "status",
    ]
    list_filter = [SuggestionStatusFilter, "contender_list"]
    search_fields = ["name", "country", "suggested_by__username"]
    list_select_related = ["contender_list", "suggested_by", "city"]
    ordering = ["created_at"]
    actions = ["approve", "reject"]

    @admin.display(description="city on TechVote")
    def on_techvote(self, obj):
        """The city's own admin page, where a moderator fills in its profile once approved."""
        if obj.city_id is None:
            return "new"
        url = reverse("admin:cities_city_change", args=[obj.city_id])
        return format_html('<a href="{}">{}</a>', url, obj.city.name)

    def has_review_permission(self, request):
        return request.user.has_perm("cities.review_contender")

    @admin.action(permissions=["review"], description="Approve selected city suggestions")
    def approve(self, request, queryset):
        new_cities = queryset.filter(city__isnull=True).count()
        if new_cities > 1:
            self.message_user(
                request,
                "Approve new cities one at a time: each needs its own place on the map.",
                messages.ERROR,
            )
            return None
        return act_with_reason(
            self,
            request,
            queryset,
            service=moderation.approve_city_suggestion,
            target="suggestion",
            title="Approve city suggestions",
            required=False,
            form_class=NewCityForm if new_cities else ReasonForm,
        )

    @admin.action(permissions=["review"], description="Reject selected city suggestions")
    def reject(self, request, queryset):
        return act_with_reason(
            self,
            request,
            queryset,
            service=moderation.reject_city_suggestion,
            target="suggestion",
            title="Reject city suggestions",
        )
