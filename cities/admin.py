from django.contrib import admin

from cities.models import (
    City,
    Contender,
    ContenderList,
    Fact,
    Organization,
    Sector,
    Source,
)


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
