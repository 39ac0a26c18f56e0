"""Test data for the browser flows, built with the factories and the services.

Real city names, so that screenshots read like the site and searches find
what a visitor would type; long names and a long web address in a comment,
so that layouts meet the text they must wrap.
"""

from dataclasses import dataclass, field

from cities.models import City, Contender, ContenderList, Continent, Organization
from comments.models import Comment
from comments.services import cast_vote, post_comment
from tests.factories import (
    CityFactory,
    ContenderFactory,
    ContenderListFactory,
    FactFactory,
    OrganizationFactory,
    SectorFactory,
    SourceFactory,
    UserFactory,
)

AS, EU, NA = Continent.ASIA, Continent.EUROPE, Continent.NORTH_AMERICA
SA, OC, AF = Continent.SOUTH_AMERICA, Continent.OCEANIA, Continent.AFRICA

# Sixty cities: the Top Ten, 25 contenders on the first page, 25 behind "Load more".
CITIES = [
    ("Tokyo", "Japan", AS),
    ("Seoul", "South Korea", AS),
    ("Shenzhen", "China", AS),
    ("San Francisco", "United States", NA),
    ("Singapore", "Singapore", AS),
    ("London", "United Kingdom", EU),
    ("Tel Aviv", "Israel", AS),
    ("Bengaluru", "India", AS),
    ("Berlin", "Germany", EU),
    ("Stockholm", "Sweden", EU),
    ("Boston", "United States", NA),
    ("Beijing", "China", AS),
    ("Taipei", "Taiwan", AS),
    ("Helsinki", "Finland", EU),
    ("Amsterdam", "Netherlands", EU),
    ("Toronto", "Canada", NA),
    ("Austin", "United States", NA),
    ("Zurich", "Switzerland", EU),
    ("Paris", "France", EU),
    ("Hangzhou", "China", AS),
    ("Copenhagen", "Denmark", EU),
    ("Dublin", "Ireland", EU),
    ("Osaka", "Japan", AS),
    ("Hong Kong", "China", AS),
    ("Montreal", "Canada", NA),
    ("Sydney", "Australia", OC),
    ("Melbourne", "Australia", OC),
    ("New York City", "United States", NA),
    ("Los Angeles", "United States", NA),
    ("Vancouver", "Canada", NA),
    ("Barcelona", "Spain", EU),
    ("Oslo", "Norway", EU),
    ("Vienna", "Austria", EU),
    ("Tallinn", "Estonia", EU),
    ("Dubai", "United Arab Emirates", AS),
    ("Hyderabad", "India", AS),
    ("Pune", "India", AS),
    ("Kuala Lumpur", "Malaysia", AS),
    ("Ho Chi Minh City", "Vietnam", AS),
    ("Jakarta", "Indonesia", AS),
    ("Manila", "Philippines", AS),
    ("Bangkok", "Thailand", AS),
    ("Warsaw", "Poland", EU),
    ("Prague", "Czech Republic", EU),
    ("Budapest", "Hungary", EU),
    ("Lisbon", "Portugal", EU),
    ("Madrid", "Spain", EU),
    ("Milan", "Italy", EU),
    ("Eindhoven", "Netherlands", EU),
    ("Cambridge", "United Kingdom", EU),
    ("Raleigh-Durham / Research Triangle", "United States", NA),
    ("Pittsburgh", "United States", NA),
    ("Atlanta", "United States", NA),
    ("Mexico City", "Mexico", NA),
    ("São Paulo", "Brazil", SA),
    ("Buenos Aires", "Argentina", SA),
    ("Santiago", "Chile", SA),
    ("Lagos", "Nigeria", AF),
    ("Kigali", "Rwanda", AF),
    ("Cairo", "Egypt", AF),
]

LIST_TITLE = "Most High Tech Cities"
LIST_SLUG = "most-high-tech-cities"
LONG_LINK = (
    "https://www.example.org/reports/2024/global-innovation-index/"
    "city-rankings-and-methodology-appendix-full-table-of-indicators"
)


@dataclass
class SiteData:
    contender_list: ContenderList
    cities: list[City]
    contenders: list[Contender]
    people: dict = field(default_factory=dict)
    comments: dict = field(default_factory=dict)

    def contender(self, name: str) -> Contender:
        return next(c for c in self.contenders if c.city.name == name)

    def contender_url(self, name: str) -> str:
        return self.contender(name).get_comments_url()


def _city(name: str, country: str, continent: str, *, rich: bool = False) -> City:
    city = CityFactory(
        name=name,
        country=country,
        continent=continent,
        summary=f"{name} turns research into companies: labs, start-ups and a tech workforce.",
        profile=(
            f"{name} is home to universities, research institutes and a busy start-up scene.\n\n"
            "Its public transport, fibre networks and open data portals are among the best."
        ),
    )
    if rich:
        source = SourceFactory(title=f"Global Tech Hubs Report: {name}")
        FactFactory(city=city, label="Tech companies", value="16,000", unit="firms", source=source)
        FactFactory(
            city=city, label="Patent filings", value="41,200", unit="a year", source=source
        )
        OrganizationFactory(city=city, name=f"{name} Institute of Technology")
        OrganizationFactory(city=city, name=f"{name} Robotics", kind=Organization.Kind.COMPANY)
        city.sectors.add(SectorFactory(name="Robotics"), SectorFactory(name="Semiconductors"))
    return city


def build_site(size: int = len(CITIES)) -> SiteData:
    """'Most High Tech Cities' with `size` contenders, ranked in CITIES order.

    Three voters give the top three distinct scores (3, 2, 1), so a vote on
    Tokyo moves its score but never drops it from the first page. A second
    list keeps the home page from being a single card. Amara and Bruno have
    commented on Tokyo, with a long web address in one comment.
    """
    contender_list = ContenderListFactory(
        title=LIST_TITLE,
        slug=LIST_SLUG,
        question="Which city leads the world in technology?",
        description="Cities ranked by the community: research, companies, talent and networks.",
        position=1,
    )
    cities = [
        _city(name, country, continent, rich=index == 0)
        for index, (name, country, continent) in enumerate(CITIES[:size])
    ]
    contenders = [ContenderFactory(contender_list=contender_list, city=city) for city in cities]

    other = ContenderListFactory(
        title="Best City for AI Research",
        slug="best-city-for-ai-research",
        question="Where does the best AI research happen?",
        position=2,
    )
    for city in cities[:4]:
        ContenderFactory(contender_list=other, city=city)

    voters = [UserFactory(username=f"voter{n}") for n in range(3)]
    for place, contender in enumerate(contenders[:3]):
        for voter in voters[: 3 - place]:
            cast_vote(user=voter, contender_id=contender.pk, value=1)

    amara = UserFactory(username="amara")
    bruno = UserFactory(username="bruno")
    tokyo = contenders[0]
    comments = {
        "amara": post_comment(
            user=amara,
            contender_id=tokyo.pk,
            body="Tokyo's robotics labs and its train network are a decade ahead of anyone.",
        ),
        "bruno": post_comment(
            user=bruno,
            contender_id=tokyo.pk,
            body=f"The numbers behind the ranking are in the appendix: {LONG_LINK}",
        ),
    }
    for contender in contenders:
        contender.refresh_from_db()
    return SiteData(
        contender_list=contender_list,
        cities=cities,
        contenders=contenders,
        people={"amara": amara, "bruno": bruno},
        comments=comments,
    )


def comment_by(username: str, **filters) -> Comment:
    return Comment.objects.filter(author__username=username, **filters).latest("created_at")
