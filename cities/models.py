import operator
from functools import reduce

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import (
    Case,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse

from cities.search import (
    CITY_SEARCH_FIELDS,
    CITY_SEARCH_VECTOR,
    CONTENDER_SEARCH_FIELDS,
    LIST_SEARCH_FIELDS,
    LIST_SEARCH_VECTOR,
    near_misses,
    site_search,
    words_in_fields,
)
from techvote.prepared import prepared_cursor


class Continent(models.TextChoices):
    AFRICA = "africa", "Africa"
    ASIA = "asia", "Asia"
    EUROPE = "europe", "Europe"
    NORTH_AMERICA = "north-america", "North America"
    OCEANIA = "oceania", "Oceania"
    SOUTH_AMERICA = "south-america", "South America"


class Sector(models.Model):
    """A field of technology a city is known for: AI, semiconductors, fintech..."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Source(models.Model):
    """A document that facts are taken from."""

    key = models.SlugField(
        max_length=60, unique=True, help_text="Stable name the demo data refers to."
    )
    title = models.CharField(max_length=200)
    author = models.CharField(max_length=200, blank=True)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class CityQuerySet(models.QuerySet):
    def with_profile(self):
        """Everything the city page shows, in a constant number of queries."""
        return self.prefetch_related(
            "sectors",
            "organizations",
            models.Prefetch("facts", queryset=Fact.objects.select_related("source")),
        )

    def search(self, terms: str):
        """Cities matching the words, best first."""
        return site_search(
            self, terms, vector=CITY_SEARCH_VECTOR, fields=CITY_SEARCH_FIELDS, then="name"
        )

    def spelt_like(self, terms: str) -> list["City"]:
        """Cities whose name is a near miss of the words ("tokio": Tokyo), most alike first."""
        return near_misses(self, terms, field="name")


class City(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    also_known_as = models.CharField(
        max_length=200, blank=True, help_text="Other spellings people search for, comma-separated."
    )
    country = models.CharField(max_length=100)
    continent = models.CharField(max_length=20, choices=Continent.choices)
    latitude = models.DecimalField(max_digits=7, decimal_places=4)
    longitude = models.DecimalField(max_digits=7, decimal_places=4)
    population = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Approximate population of the city proper."
    )
    summary = models.CharField(max_length=300, help_text="One or two sentences for lists.")
    profile = models.TextField(help_text="Plain text; a blank line starts a new paragraph.")
    sectors = models.ManyToManyField(Sector, related_name="cities", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "cities"
        ordering = ["name"]
        # Site search has its own full-text index on PostgreSQL: see migration
        # 0002_search_indexes.
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90), name="city_latitude_range"
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180), name="city_longitude_range"
            ),
            models.CheckConstraint(
                condition=Q(continent__in=Continent.values), name="city_continent_valid"
            ),
            models.CheckConstraint(
                condition=~Q(name="") & ~Q(country="") & ~Q(summary=""),
                name="city_required_text",
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.country}"

    def get_absolute_url(self):
        return reverse("cities:city_detail", args=[self.slug])


class OrganizationKind(models.TextChoices):
    COMPANY = "company", "Company"
    UNIVERSITY = "university", "University"
    RESEARCH = "research", "Research institute"
    DISTRICT = "district", "Tech district"
    PUBLIC_BODY = "public-body", "Public body"


class Organization(models.Model):
    """A company, university, research institute or tech district that defines a city."""

    Kind = OrganizationKind

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="organizations")
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=OrganizationKind.choices)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="organization_unique_per_city"),
            models.CheckConstraint(
                condition=Q(kind__in=OrganizationKind.values), name="organization_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="organization_name_required"),
        ]

    def __str__(self):
        return self.name


class Fact(models.Model):
    """A figure about a city, with where it comes from and the year it refers to."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="facts")
    label = models.CharField(max_length=120)
    value = models.CharField(max_length=60, help_text='As shown: "16,000", "over 4", "14th".')
    unit = models.CharField(max_length=40, blank=True, help_text='"% of GDP", "km²"...')
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="facts")
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The year the figure refers to, where the source says."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["city", "label"], name="fact_unique_label_per_city"),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1000, year__lte=2100),
                name="fact_year_plausible",
            ),
            models.CheckConstraint(
                condition=~Q(label="") & ~Q(value=""), name="fact_required_text"
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.value} {self.unit}".strip()


class RankingMethod(models.TextChoices):
    NET_VOTES = "net", "Net votes (up minus down)"
    WILSON = "wilson", "Wilson lower bound (share of up votes, weighed by how many voted)"
    SCHULZE = "schulze", "Schulze (head to head, strongest paths; counted by a job)"
    BORDA = "borda", "Borda (a point for every contender a member prefers it to; counted by a job)"
    DUELS = "duels", "Duels (Bradley-Terry: the chance of winning a duel; counted by a job)"


# What a page calls each method in a mark or a link: "Borda #3".
METHOD_NAMES = {
    RankingMethod.NET_VOTES: "Net votes",
    RankingMethod.WILSON: "Wilson",
    RankingMethod.SCHULZE: "Schulze",
    RankingMethod.BORDA: "Borda",
    RankingMethod.DUELS: "Duels",
}

# Net votes and Wilson move with every vote and are columns of Contender with
# their own indexes. Schulze, Borda and Duels are counted by a queued job
# (comments.tallies) into MethodStanding rows, which a page joins.
LIVE_METHODS = (RankingMethod.NET_VOTES, RankingMethod.WILSON)
COUNTED_METHODS = (RankingMethod.SCHULZE, RankingMethod.BORDA, RankingMethod.DUELS)

# Where a contender the last count did not see (approved since) stands by a
# counted method: after every counted one, then by net votes.
UNCOUNTED_PLACE = 2**31 - 1


def place_field(method: str) -> str:
    """The annotation (ContenderQuerySet.with_places) holding the stored rank by `method`."""
    return f"{method}_place"


def resampled_members_field(method: str) -> str:
    """The annotation (ContenderListQuerySet.with_resampled_members) of `method`'s draw."""
    return f"{method}_resampled_members"


# What ContenderQuerySet.with_interval annotates, from which MethodStanding field.
INTERVAL_FIELDS = {
    "interval_lower": "rank_lower",
    "interval_upper": "rank_upper",
    "interval_band": "band",
}


# Ranking keys: (field, descending), most significant first. The last field
# is unique, so no two contenders ever tie. The ranking indexes on Contender
# (contender_score_idx, contender_wilson_idx) follow the live methods' keys;
# a counted method's first key is its place annotation.
RANKING_KEYS = {
    RankingMethod.NET_VOTES: (("score", True), ("id", False)),
    RankingMethod.WILSON: (("wilson_lower", True), ("score", True), ("id", False)),
    **{
        method: ((place_field(method), False), ("score", True), ("id", False))
        for method in COUNTED_METHODS
    },
}


def ranking_order(method: str) -> list:
    """The ORDER BY that ranks a list using `method`, best first.

    A counted method's keys need ContenderQuerySet.with_places on the queryset.
    """
    return [
        F(field).desc() if descending else F(field).asc()
        for field, descending in RANKING_KEYS[method]
    ]


def ranks_before(method: str, values: dict) -> list[Q]:
    """Contenders that rank before one whose ranking fields hold `values`, as disjoint parts.

    One part per ranking key: equal on the keys before it, better on it. Each
    part is one range of the method's ranking index, so counting the parts
    apart reads only the entries ahead (an OR of them scans the whole list).
    """
    terms = []
    equal_so_far = Q()
    for field, descending in RANKING_KEYS[method]:
        better = Q(**{f"{field}__{'gt' if descending else 'lt'}": values[field]})
        terms.append(equal_so_far & better)
        equal_so_far &= Q(**{field: values[field]})
    return terms


# What a post to a list's page reads of the list (ContenderListQuerySet.header).
_HEADER_FIELDS = ("id", "title", "slug", "is_open")


class ContenderListQuerySet(models.QuerySet):
    def header(self, slug: str) -> "ContenderList | None":
        """The list with this slug, or None: its id, title, slug and whether it is open,
        every other field deferred (read on first use, like `only()`'s).

        For the pages that read their list before each post (duels, ballot
        saves): one prepared statement (techvote.prepared), since building the
        ORM's `get(slug=...)` cost three times as much as running this. Reads
        the whole table, whatever the queryset's filters.
        """
        table = self.model._meta.db_table
        with prepared_cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(_HEADER_FIELDS)} FROM {table} WHERE slug = %s", [slug]
            )
            row = cursor.fetchone()
        if row is None:
            return None
        pk, title, slug, is_open = row
        # Read on the primary, as every read of a post is (techvote/replicas.py).
        return self.model.from_db(
            DEFAULT_DB_ALIAS, _HEADER_FIELDS, (pk, title, slug, bool(is_open))
        )

    def search(self, terms: str):
        """Lists matching the words, best first."""
        return site_search(
            self, terms, vector=LIST_SEARCH_VECTOR, fields=LIST_SEARCH_FIELDS, then="title"
        )

    def with_top(self, count: int) -> list["ContenderList"]:
        """The lists, each with `top`: its first `count` contenders, ranked, with their cities.

        Two queries whatever the size of the lists: the lists, each annotated
        with the ids of its leaders read through its ranking index, then the
        leaders. Returns a list, since the leaders are laid on the lists read.
        """
        annotations = {}
        for place in range(count):
            by_method = [
                When(
                    ranking=method,
                    then=Subquery(
                        Contender.objects.approved()
                        .filter(contender_list=OuterRef("pk"))
                        .ordered_by(method)
                        .values("pk")[place : place + 1]
                    ),
                )
                for method in RANKING_KEYS
            ]
            annotations[f"place_{place + 1}"] = Case(*by_method, output_field=IntegerField())
        lists = list(self.annotate(**annotations))
        wanted = [getattr(item, name) for item in lists for name in annotations]
        leaders = Contender.objects.filter(pk__in=[pk for pk in wanted if pk]).with_city()
        leaders = leaders.in_bulk()
        for item in lists:
            item.top = []
            for rank, name in enumerate(annotations, start=1):
                contender = leaders.get(getattr(item, name))
                if contender is not None:
                    contender.rank = rank
                    item.top.append(contender)
        return lists

    def with_latest_count(self):
        """Annotate what the list's last Schulze/Borda count found, for its pages.

        `counted_at` (None if never counted), `count_ballots`, `count_voters`,
        `count_contenders`, `condorcet_counted`, `condorcet_winner_id` and
        `count_digest`; and of the rank intervals' bootstrap, `intervals_at`
        (None if never resampled), `intervals_rounds` and `intervals_digest`
        (the count's digest when they are of the same rows): subqueries on
        the list's row, so no query of their own. The counted methods are
        stored by one job from the same rows, and resampled by one other, so
        the Schulze count's row speaks for all. The counts are ListCount rows,
        which the jobs write (comments.tallies, comments.uncertainty); pages
        read them through the reverse relation `counts`, so cities imports
        nothing of comments for it.
        """
        counts = self.model._meta.get_field("counts").related_model.objects
        latest = counts.filter(contender_list=OuterRef("pk"), method=RankingMethod.SCHULZE)
        fields = {
            "counted_at": "counted_at",
            "count_ballots": "ballots",
            "count_voters": "voters",
            "count_contenders": "contenders",
            "condorcet_counted": "condorcet_counted",
            "condorcet_winner_id": "condorcet_winner_id",
            "count_digest": "inputs_digest",
            "intervals_at": "bootstrapped_at",
            "intervals_rounds": "rounds",
            "intervals_digest": "bootstrap_digest",
        }
        return self.annotate(
            **{name: Subquery(latest.values(field)[:1]) for name, field in fields.items()}
        )

    def with_latest_export(self):
        """Annotate `latest_export_day` and `latest_export_sha256`: the list's newest
        open-data export (None before the first), in subqueries of the list's row. The
        exports are comments' OpenDataExport rows, read through the reverse relation."""
        exports = self.model._meta.get_field("open_data_exports").related_model.objects
        latest = exports.filter(contender_list=OuterRef("pk")).order_by("-day")
        return self.annotate(
            latest_export_day=Subquery(latest.values("day")[:1]),
            latest_export_sha256=Subquery(latest.values("manifest_sha256")[:1]),
        )

    def with_waiting_suggestions(self):
        """Annotate `waiting_suggestions`: the list's cities waiting for a moderator.

        Suggestions by name (CitySuggestion) and cities suggested from the
        site's own (pending contenders), counted in subqueries of the list's
        row, so the page runs no query more for it.
        """
        count = Func(template="COUNT(*)", output_field=IntegerField())

        def waiting(queryset):
            rows = queryset.filter(contender_list=OuterRef("pk"), status=ContenderStatus.PENDING)
            return Subquery(rows.order_by().annotate(count=count).values("count"))

        return self.annotate(
            waiting_suggestions=waiting(Contender.objects) + waiting(CitySuggestion.objects)
        )

    def with_resampled_members(self):
        """Annotate, per counted method, how many members its last bootstrap drew from.

        `<method>_resampled_members` (resampled_members_field; None if never
        counted): pages show rank intervals only above a minimum of them.
        Subqueries on the list's row, like with_latest_count.
        """
        counts = self.model._meta.get_field("counts").related_model.objects
        return self.annotate(
            **{
                resampled_members_field(method): Subquery(
                    counts.filter(contender_list=OuterRef("pk"), method=method).values(
                        "resampled_members"
                    )[:1]
                )
                for method in COUNTED_METHODS
            }
        )

    def with_contender_count(self):
        """Annotate `contender_count`: the list's approved contenders, "of 210" on its pages.

        A subquery on the list's row, so no query of its own.
        """
        approved = (
            Contender.objects.approved()
            .filter(contender_list=OuterRef("pk"))
            .order_by()
            .annotate(count=Func(template="COUNT(*)", output_field=IntegerField()))
            .values("count")
        )
        return self.annotate(contender_count=Subquery(approved))


class ContenderList(models.Model):
    """A question the community answers by ranking cities: "Most High Tech Cities"."""

    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    question = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_open = models.BooleanField(default=True, help_text="Whether the list takes votes.")
    ranking = models.CharField(
        max_length=10,
        choices=RankingMethod.choices,
        default=RankingMethod.NET_VOTES,
        help_text=(
            "The official method: how the list page orders the contenders. Net votes and "
            "Wilson follow every vote; Schulze and Borda follow the queued count of votes "
            "and ballots. See the README, How lists are ranked."
        ),
    )
    ranks_snapshot_on = models.DateField(
        null=True, blank=True, help_text="Day of the last daily snapshot of ranks."
    )
    position = models.PositiveSmallIntegerField(
        default=100, help_text="Order on the home page; lower comes first."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContenderListQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title="") & ~Q(question=""), name="contenderlist_required_text"
            ),
            models.CheckConstraint(
                condition=Q(ranking__in=RankingMethod.values), name="contenderlist_ranking_valid"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("cities:list_detail", args=[self.slug])


class ContenderQuerySet(models.QuerySet):
    def approved(self):
        """Contenders a moderator has let into the ranking."""
        return self.filter(status=ContenderStatus.APPROVED)

    def with_city(self):
        """Join the city, which every row on a page shows."""
        return self.select_related("city")

    def with_city_and_list(self):
        """Join the city and the list, which a contender's own page shows."""
        return self.select_related("city", "contender_list")

    def with_places(self):
        """Annotate each counted method's place: its stored rank, UNCOUNTED_PLACE if none.

        One LEFT JOIN on MethodStanding per counted method (at most one row
        each: a contender has one standing per method), through Contender's
        reverse relation `method_standings`, so cities imports nothing of
        comments. A contender approved since the last count has no standing
        yet and stands after the counted ones, by net votes.
        """
        if place_field(COUNTED_METHODS[0]) in self.query.annotations:
            return self
        joined = {
            f"{method}_standing": FilteredRelation(
                "method_standings", condition=Q(method_standings__method=method)
            )
            for method in COUNTED_METHODS
        }
        places = {
            place_field(method): Coalesce(F(f"{method}_standing__rank"), Value(UNCOUNTED_PLACE))
            for method in COUNTED_METHODS
        }
        return self.annotate(**joined).annotate(**places)

    def ordered_by(self, method: str):
        """Best first by `method`: a live method through its index, a counted one by place."""
        rows = self.with_places() if method in COUNTED_METHODS else self
        return rows.order_by(*ranking_order(method))

    def ranked(self, contender_list: "ContenderList", method: str | None = None):
        """The list's contenders, best first by `method` (the list's own by default)."""
        return self.filter(contender_list=contender_list).ordered_by(
            method or contender_list.ranking
        )

    def standings(self):
        """A city's places: its approved contenders with their lists, in list order, ranked."""
        return (
            self.approved()
            .select_related("contender_list")
            .order_by("contender_list__position", "contender_list__title")
            .with_rank()
        )

    def with_rank_by(self, *methods: str):
        """Annotate `rank_<method>` for each of `methods`: the row's rank in its whole list.

        Computed row by row, so a page pays for its own rows whatever the
        size of the list (a window over the list sorted all of it, cities
        joined, for a page of thirty). A counted method's rank is the one its
        count stored, read on the join with_places makes anyway; only a
        contender approved since the count (no standing yet) is counted, as
        one more than the contenders ahead of it. A live method's rank is one
        more than the approved contenders of the list ahead of the row, a
        count over the method's ranking index. Any rows will do: a search
        result's ranks count the rows the words leave out.
        """
        rows = self.with_places()
        ranks = {}
        for method in methods:
            if method in COUNTED_METHODS:
                ranks[f"rank_{method}"] = Case(
                    When(
                        **{f"{method}_standing__rank__isnull": False},
                        then=F(f"{method}_standing__rank"),
                    ),
                    default=_ahead_of_outer(method) + 1,
                    output_field=IntegerField(),
                )
            else:
                ranks[f"rank_{method}"] = _ahead_of_outer(method) + 1
        return rows.annotate(**ranks)

    def with_interval(self, method: str):
        """Annotate `interval_lower`, `interval_upper` and `interval_band` by `method`.

        The 95% rank interval and tied band its last count stored, read on the
        join with_places makes anyway; None for a live method (no count
        resamples it) and for a contender the count did not resample.
        """
        rows = self.with_places()
        if method not in COUNTED_METHODS:
            return rows.annotate(**{name: Value(None, IntegerField()) for name in INTERVAL_FIELDS})
        return rows.annotate(
            **{name: F(f"{method}_standing__{field}") for name, field in INTERVAL_FIELDS.items()}
        )

    def with_rank(self, method: str | None = None):
        """Annotate `rank`: one more than the approved contenders ahead in the same list.

        By `method` if given, else by each row's list's own method. A count
        over the ranking index of each row's list (the stored places for a
        counted method); for the handful of rows a search result, a city page
        or a contender page shows. A page that reads a list in order numbers
        its rows instead.
        """
        rows = self.with_places()
        if method is not None:
            return rows.annotate(rank=_ahead_of_outer(method) + 1)
        return rows.annotate(
            rank=Case(
                *(
                    When(contender_list__ranking=method, then=_ahead_of_outer(method) + 1)
                    for method in RANKING_KEYS
                ),
                output_field=IntegerField(),
            )
        )

    def with_previous_rank(self):
        """Annotate `previous_rank`: the rank at the list's last daily snapshot (None if new).

        The snapshots are RankSnapshot rows, which the vote writes
        (comments.votes) and so live with it in the comments app. Pages only
        read them, through Contender's reverse relation `snapshots`, so cities
        imports nothing of comments for it and the snapshot keeps one writer.
        """
        snapshots = self.model._meta.get_field("snapshots").related_model.objects
        snapshot = snapshots.filter(
            contender=OuterRef("pk"), taken_on=OuterRef("contender_list__ranks_snapshot_on")
        ).values("rank")[:1]
        return self.annotate(previous_rank=Subquery(snapshot))

    def matching(self, terms: str):
        """Contenders whose city or country name contains every word."""
        return self.filter(words_in_fields(terms, CONTENDER_SEARCH_FIELDS))


def _ahead_of_outer(method: str):
    """How many approved contenders of the outer row's list rank before it.

    A sum of one count per part of ranks_before, each over a range of the
    ranking index (the stored places for a counted method).
    """
    key_fields = {field: OuterRef(field) for field, _ in RANKING_KEYS[method]}
    candidates = Contender.objects.approved().filter(contender_list=OuterRef("contender_list"))
    if method in COUNTED_METHODS:
        candidates = candidates.with_places()
    # COUNT(*) as a plain Func: an ungrouped aggregate, one row (0 if none),
    # which PostgreSQL folds faster than a GROUP BY of the one list.
    count = Func(template="COUNT(*)", output_field=IntegerField())
    counts = [
        Subquery(candidates.filter(term).order_by().annotate(count=count).values("count"))
        for term in ranks_before(method, key_fields)
    ]
    return reduce(operator.add, counts)


class ContenderStatus(models.TextChoices):
    APPROVED = "approved", "Approved"
    PENDING = "pending", "Pending review"
    REJECTED = "rejected", "Rejected"


class Contender(models.Model):
    """A city standing in a list, with the counts its votes give it.

    The counts are stored so that pages read them instead of counting votes;
    only the comments app writes them (comments.votes, comments.counts). A
    contender's rank is its position when the database orders the list by
    them (RANKING_KEYS, ContenderQuerySet.ranked and with_rank); it is
    computed, never stored.
    """

    Status = ContenderStatus

    contender_list = models.ForeignKey(
        ContenderList, on_delete=models.CASCADE, related_name="contenders"
    )
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="contenders")
    status = models.CharField(
        max_length=10, choices=ContenderStatus.choices, default=ContenderStatus.PENDING
    )
    upvotes = models.PositiveIntegerField(default=0)
    downvotes = models.PositiveIntegerField(default=0)
    score = models.IntegerField(default=0, help_text="Up votes minus down votes.")
    wilson_lower = models.FloatField(
        default=0.0, help_text="Lower bound of the Wilson interval of the up-vote share."
    )
    comment_count = models.PositiveIntegerField(
        default=0, help_text="Visible comments and replies."
    )
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggested_contenders",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContenderQuerySet.as_manager()

    class Meta:
        ordering = ["contender_list", "-score", "id"]
        permissions = [("review_contender", "Can approve or reject suggested contenders")]
        indexes = [
            # A list in ranking order, by either method: list pages read their
            # rows from these and ranks are counts over them.
            models.Index(
                F("contender_list"),
                F("score").desc(),
                F("id"),
                name="contender_score_idx",
                condition=Q(status="approved"),
            ),
            models.Index(
                F("contender_list"),
                F("wilson_lower").desc(),
                F("score").desc(),
                F("id"),
                name="contender_wilson_idx",
                condition=Q(status="approved"),
            ),
            # Moderators' queue of suggestions, oldest first.
            models.Index(fields=["status", "created_at"], name="contender_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["contender_list", "city"], name="contender_unique_city_per_list"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ContenderStatus.values), name="contender_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(score=F("upvotes") - F("downvotes")),
                name="contender_score_is_net_votes",
            ),
            models.CheckConstraint(
                condition=Q(wilson_lower__gte=0, wilson_lower__lte=1),
                name="contender_wilson_is_a_share",
            ),
        ]

    def __str__(self):
        return f"{self.city.name} in {self.contender_list.title}"

    def get_comments_url(self):
        """The contender's own page: its comments. Needs the list and city loaded."""
        return reverse(
            "comments:contender_comments", args=[self.contender_list.slug, self.city.slug]
        )

    @property
    def rank_movement(self) -> int | None:
        """Places gained (positive) or lost since the last daily snapshot.

        Needs `rank` and `previous_rank` (ContenderQuerySet.with_rank, with_previous_rank);
        None where either is missing (a newcomer since the snapshot).
        """
        rank = getattr(self, "rank", None)
        previous = getattr(self, "previous_rank", None)
        if rank is None or previous is None:
            return None
        return previous - rank


class ContenderSuggestion(Contender):
    """Contenders members suggested, as moderators review them in admin."""

    class Meta:
        proxy = True


SUGGESTION_REASON_MAX_LENGTH = 500


def suggestion_key(name: str, country: str) -> str:
    """What makes two suggestions the same city: name and country, case and spacing aside."""
    return f"{' '.join(name.split()).casefold()}|{' '.join(country.split()).casefold()}"


class CitySuggestionQuerySet(models.QuerySet):
    def pending(self):
        """Suggestions no moderator has decided on yet: the queue."""
        return self.filter(status=ContenderStatus.PENDING)

    def shown_to_their_author(self, user):
        """The member's own suggestions, newest first, with the list and the city made."""
        return (
            self.filter(suggested_by=user)
            .select_related("contender_list", "city")
            .order_by("-created_at", "-pk")
        )


class CitySuggestion(models.Model):
    """A member's proposal of a city for a list, by name and country, with their reason.

    The city may not be on TechVote yet: approving it creates the city (its
    profile filled in by a moderator in admin) and its contender; a city that
    is already on the site but not in the list is linked from the start.
    Rejected suggestions stay, with the moderators' reason. Only
    comments.suggestions and comments.moderation write these rows.
    """

    Status = ContenderStatus

    contender_list = models.ForeignKey(
        ContenderList, on_delete=models.PROTECT, related_name="city_suggestions"
    )
    name = models.CharField(max_length=100)
    country = models.CharField(max_length=100)
    key = models.CharField(max_length=201, help_text="Name and country as compared.")
    reason = models.CharField(max_length=SUGGESTION_REASON_MAX_LENGTH)
    city = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        help_text="The city on TechVote: found when suggested, or made on approval.",
    )
    contender = models.OneToOneField(
        Contender, on_delete=models.PROTECT, null=True, blank=True, related_name="suggestion"
    )
    status = models.CharField(
        max_length=10, choices=ContenderStatus.choices, default=ContenderStatus.PENDING
    )
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="city_suggestions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = models.CharField(max_length=500, blank=True)

    objects = CitySuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="citysuggestion_queue_idx"),
            models.Index(fields=["suggested_by", "-created_at"], name="citysuggestion_member_idx"),
        ]
        constraints = [
            # Two members suggesting the same city at the same moment: one waits.
            models.UniqueConstraint(
                fields=["contender_list", "key"],
                condition=Q(status="pending"),
                name="citysuggestion_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ContenderStatus.values), name="citysuggestion_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(name="") & ~Q(country="") & ~Q(reason=""),
                name="citysuggestion_required_text",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True, contender__isnull=True)
                | Q(status="approved", decided_at__isnull=False, contender__isnull=False)
                | (
                    Q(status="rejected", decided_at__isnull=False, contender__isnull=True)
                    & ~Q(decision_reason="")
                ),
                name="citysuggestion_decided_whole",
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.country} for {self.contender_list.title}"
