"""The pages a visitor expects of any site, and what browsers and crawlers ask
of its root: robots.txt, sitemap.xml, the icons and the web manifest, the
canonical address and link-preview tags of every page."""

import json
import re
from xml.etree import ElementTree

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from cities.models import Contender
from techvote.sitepages import PAGES
from tests.factories import CityFactory, ContenderFactory, ContenderListFactory

pytestmark = pytest.mark.django_db

SITE_URL = "https://techvote.example"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE_URL


def meta(html: str, attribute: str, name: str) -> str:
    """The content of `<meta {attribute}="{name}" content="...">` (or a link's href)."""
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html)
    assert match, f"no meta {attribute}={name}"
    return match.group(1)


def canonical(html: str) -> str:
    links = re.findall(r'<link rel="canonical" href="([^"]*)">', html)
    assert len(links) == 1, links
    return links[0]


# --- The site's own pages ---------------------------------------------------------


@pytest.mark.parametrize("name", list(PAGES))
def test_every_site_page_is_served_and_linked_from_the_footer_of_every_page(client, name):
    url = reverse(f"site:{name}")

    page = client.get(url)
    home = client.get(reverse("cities:home"))

    assert page.status_code == 200
    assert page.content.decode().count("<h1>") == 1
    assert f'href="{url}"' in home.content.decode()
    assert f'href="{url}"' in page.content.decode()


def test_the_ranking_page_names_the_four_methods_with_the_wilson_example(client):
    html = client.get(reverse("site:ranking")).content.decode()

    assert "<title>How TechVote ranks cities · TechVote</title>" in html
    for method in ("Net votes", "Wilson", "Schulze", "Borda"):
        assert f"<dt>{method}</dt>" in html
    # The same figures as comments/wilson.py gives (tests/comments/test_wilson.py).
    assert "0.65" in html
    assert "0.92" in html


def test_the_contact_page_gives_the_configured_address(client, settings):
    settings.CONTACT_EMAIL = "team@techvote.example"

    html = client.get(reverse("site:contact")).content.decode()

    assert 'href="mailto:team@techvote.example"' in html


def test_site_pages_refuse_writes(client):
    assert client.post(reverse("site:about")).status_code == 405


# --- robots.txt and sitemap.xml -----------------------------------------------------


def test_robots_txt_keeps_crawlers_off_forms_and_points_at_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert "Disallow: /accounts/" in lines
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in lines


def sitemap_locations(client, **headers) -> list[str]:
    response = client.get("/sitemap.xml", **headers)
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    return [loc.text for loc in root.findall("s:url/s:loc", SITEMAP_NS)]


def test_sitemap_lists_the_lists_cities_approved_contenders_and_pages(client):
    contender = ContenderFactory()
    waiting = ContenderFactory(
        contender_list=contender.contender_list, status=Contender.Status.PENDING
    )
    homeless = CityFactory()

    locations = sitemap_locations(client)

    assert SITE_URL + contender.contender_list.get_absolute_url() in locations
    assert SITE_URL + contender.city.get_absolute_url() in locations
    assert SITE_URL + homeless.get_absolute_url() in locations
    assert SITE_URL + contender.get_comments_url() in locations
    assert SITE_URL + waiting.get_comments_url() not in locations
    assert SITE_URL + reverse("site:ranking") in locations


def test_sitemap_addresses_come_from_the_setting_not_the_host_header(client, settings):
    settings.ALLOWED_HOSTS = ["*"]
    ContenderFactory()

    locations = sitemap_locations(client, HTTP_HOST="evil.example")

    assert locations
    assert all(location.startswith(SITE_URL + "/") for location in locations)


def test_sitemap_runs_the_same_queries_however_many_contenders(client, django_assert_num_queries):
    # A count and a read for each of the lists, cities and contenders.
    ContenderFactory()
    with django_assert_num_queries(6):
        client.get("/sitemap.xml")

    contender_list = ContenderListFactory()
    for _ in range(20):
        ContenderFactory(contender_list=contender_list)
    with django_assert_num_queries(6):
        client.get("/sitemap.xml")


# --- Icons and the web manifest --------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "signature"),
    [("/favicon.ico", b"\x00\x00\x01\x00"), ("/apple-touch-icon.png", b"\x89PNG")],
)
def test_root_icons_lead_to_real_image_files(client, path, signature):
    response = client.get(path)

    assert response.status_code == 302
    target = response["Location"].removeprefix("/static/")
    found = finders.find(target)
    assert found, f"{response['Location']} is not a static file"
    with open(found, "rb") as image:
        assert image.read(4) == signature


def test_web_manifest_names_the_site_and_icons_that_exist(client):
    response = client.get(reverse("web_manifest"))

    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "TechVote"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]
    html = client.get(reverse("cities:home")).content.decode()
    assert f'<link rel="manifest" href="{reverse("web_manifest")}">' in html


def test_generated_icons_are_the_committed_files():
    """`python -m techvote.icons` draws what is committed: nobody edited one by hand."""
    from techvote.icons import ICONS

    for name, make in ICONS.items():
        with open(finders.find(f"img/{name}"), "rb") as committed:
            assert committed.read() == make(), name


# --- Canonical addresses and link previews ------------------------------------------


def test_sorting_paging_and_searching_a_list_keep_one_canonical_address(client):
    contender_list = ContenderListFactory()
    for _ in range(30):
        ContenderFactory(contender_list=contender_list)
    url = contender_list.get_absolute_url()

    for query in ("", "?page=2", "?q=a", "?sort=new&page=2"):
        html = client.get(url + query).content.decode()
        assert canonical(html) == SITE_URL + url, query


def test_a_city_page_previews_with_its_own_title_description_and_image(client):
    city = CityFactory(name="Tallinn", country="Estonia", summary='A "digital" state & more.')

    html = client.get(city.get_absolute_url()).content.decode()

    assert meta(html, "property", "og:title") == "Tallinn, Estonia"
    assert meta(html, "property", "og:description") == "A &quot;digital&quot; state &amp; more."
    assert meta(html, "property", "og:url") == SITE_URL + city.get_absolute_url()
    assert meta(html, "property", "og:image") == SITE_URL + "/static/img/icon-512.png"
    assert meta(html, "name", "twitter:card") == "summary"


def test_account_pages_preview_with_allauths_title(client):
    html = client.get(reverse("account_login")).content.decode()

    title = " ".join(re.search(r"<title>(.*) · TechVote</title>", html, re.S).group(1).split())
    assert title == "Log in"
    assert meta(html, "property", "og:title") == title
