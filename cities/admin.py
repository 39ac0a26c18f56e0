from django.contrib import admin

from cities.models import (
    City,
    Contender,
    ContenderList,
    ContenderSuggestion,
    Fact,
    Organization,
    Sector,
    Source,
)
from comments import moderation
from comments.admin import ReadOnlyAdmin, act_with_reason


class OrganizationInline(admin.TabularInline):
    model = Organization
    extra = 0


class FactInline(admin.TabularInline):
    model = Fact
    extra = 0
    autocomplete_fields = ["source"]


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "continent", "population", "updated_at"]
    list_filter = ["continent", "sectors"]
    search_fields = ["name", "also_known_as", "country"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["sectors"]
    inlines = [FactInline, OrganizationInline]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "key"]
    search_fields = ["title", "author"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city"]
    list_filter = ["kind"]
    search_fields = ["name", "city__name"]
    list_select_related = ["city"]
    autocomplete_fields = ["city"]


@admin.register(Fact)
class FactAdmin(admin.ModelAdmin):
    list_display = ["label", "value", "unit", "city", "source", "year"]
    list_filter = ["source"]
    search_fields = ["label", "city__name"]
    list_select_related = ["city", "source"]
    autocomplete_fields = ["city", "source"]


@admin.register(ContenderList)
class ContenderListAdmin(admin.ModelAdmin):
    list_display = ["title", "question", "is_open", "ranking", "position"]
    list_editable = ["position"]
    list_filter = ["is_open", "ranking"]
    search_fields = ["title", "question"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["ranks_snapshot_on", "created_at"]


@admin.register(Contender)
class ContenderAdmin(admin.ModelAdmin):
    list_display = ["city", "contender_list", "status", "score", "upvotes", "downvotes"]
    list_filter = ["status", "contender_list"]
    search_fields = ["city__name", "city__country", "contender_list__title"]
    list_select_related = ["city", "contender_list"]
    autocomplete_fields = ["city", "suggested_by"]
    ordering = ["contender_list", "-score"]
    # Counts follow from the votes; only the vote and ranking code writes them.
    readonly_fields = [
        "upvotes",
        "downvotes",
        "score",
        "wilson_lower",
        "comment_count",
        "created_at",
    ]


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
