from django.contrib import admin

from comments.models import RankSnapshot, Vote


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that only the services write: visible to moderators, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ["user", "contender", "value", "updated_at"]
    list_filter = ["value", "contender__contender_list"]
    search_fields = ["user__username", "contender__city__name"]
    list_select_related = ["user", "contender__city", "contender__contender_list"]
    date_hierarchy = "updated_at"


@admin.register(RankSnapshot)
class RankSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["contender", "taken_on", "rank", "score"]
    list_filter = ["taken_on", "contender__contender_list"]
    search_fields = ["contender__city__name"]
    list_select_related = ["contender__city", "contender__contender_list"]
