"""/data/: the exports listed with their hashes and sizes, each downloadable as stored."""

import hashlib
import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from comments import verify
from comments.exports import export_list
from comments.models import OpenDataExport
from comments.votes import cast_vote
from tests.factories import CityFactory, ContenderFactory, ContenderListFactory, UserFactory
from tests.helpers import today


def exported_lists(count: int, *, days: int = 1) -> list[OpenDataExport]:
    """`count` lists of three cities with a vote each, exported on `days` days up to today."""
    voter = UserFactory()
    exports = []
    for _ in range(count):
        contender_list = ContenderListFactory()
        for _ in range(3):
            ContenderFactory(contender_list=contender_list, city=CityFactory())
        cast_vote(user=voter, contender_id=contender_list.contenders.first().pk, value=1)
        for back in reversed(range(days)):
            day = today() - timedelta(days=back)
            exports.append(export_list(contender_list=contender_list, day=day).export)
    return exports


@pytest.mark.django_db
def test_the_page_lists_every_export_with_its_hash_size_and_link(client):
    exports = exported_lists(2, days=2)
    html = client.get(reverse("comments:open_data")).content.decode()
    for export in exports:
        assert export.manifest_sha256 in html
        url = reverse("comments:open_data_download", args=[export.contender_list.slug, export.day])
        assert f'href="{url}"' in html
        assert export.filename in html
    newest = html.index(exports[1].manifest_sha256)
    assert newest < html.index(exports[0].manifest_sha256)  # Newest day first.
    assert "python3 verify.py" in html


@pytest.mark.django_db
def test_the_footer_links_to_the_open_data(client):
    html = client.get("/").content.decode()
    assert f'href="{reverse("comments:open_data")}"' in html


@pytest.mark.django_db
def test_an_empty_page_says_so(client):
    response = client.get(reverse("comments:open_data"))
    assert response.status_code == 200
    assert "No list has been exported yet." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("lists", [1, 4])
def test_the_page_runs_the_same_queries_whatever_the_number_of_exports(
    client, django_assert_num_queries, lists
):
    exported_lists(lists, days=2)
    with django_assert_num_queries(2):  # The count for the pager, then the page's rows.
        response = client.get(reverse("comments:open_data"))
    assert response.content.decode().count('<code class="hash">') == 2 * lists


@pytest.mark.django_db
def test_the_page_never_reads_the_zips(client, django_assert_num_queries):
    exported_lists(1)
    with django_assert_num_queries(2) as captured:
        client.get(reverse("comments:open_data"))
    rows = captured.captured_queries[-1]["sql"]
    assert '"content"' not in rows
    assert "manifest_sha256" in rows


@pytest.mark.django_db
def test_a_download_is_the_stored_zip_with_its_type_and_length(client):
    (export,) = exported_lists(1)
    response = client.get(
        reverse("comments:open_data_download", args=[export.contender_list.slug, export.day])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert int(response["Content-Length"]) == export.size == len(response.content)
    assert response["Content-Disposition"] == f'attachment; filename="{export.filename}"'
    assert response.content == bytes(export.content)
    manifest = zipfile.ZipFile(io.BytesIO(response.content)).read("manifest.json")
    assert hashlib.sha256(manifest).hexdigest() == export.manifest_sha256


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/data/nowhere/{today}.zip",  # No such list.
        "/data/{slug}/2001-01-01.zip",  # No export that day.
        "/data/{slug}/2026-02-30.zip",  # No such day.
        "/data/{slug}/latest.zip",  # Not a day.
    ],
)
def test_a_missing_export_is_a_404(client, path):
    (export,) = exported_lists(1)
    response = client.get(path.format(slug=export.contender_list.slug, today=today()))
    assert response.status_code == 404


@pytest.mark.django_db
def test_downloads_and_the_page_refuse_writes(client):
    (export,) = exported_lists(1)
    url = reverse("comments:open_data_download", args=[export.contender_list.slug, export.day])
    assert client.post(url).status_code == 405
    assert client.post(reverse("comments:open_data")).status_code == 405
    assert client.get(reverse("comments:open_data"), {"page": "9"}).status_code == 404


def test_the_method_page_links_to_the_latest_export_and_the_verifiers_source(
    client, make_ranked_list
):
    contender_list = make_ranked_list(3)
    page = reverse("cities:list_method", args=[contender_list.slug])
    before = client.get(page).content.decode()
    assert "first open-data export has not been made yet" in before

    export_list(contender_list=contender_list, day=timezone.localdate() - timedelta(days=1))
    latest = export_list(contender_list=contender_list).export
    cache.clear()
    html = client.get(page).content.decode()
    download = reverse("comments:open_data_download", args=[contender_list.slug, latest.day])
    assert f'href="{download}"' in html
    assert latest.manifest_sha256 in html
    source = client.get(reverse("comments:open_data_verifier"))
    assert f'href="{reverse("comments:open_data_verifier")}"' in html
    assert source["Content-Type"] == "text/plain; charset=utf-8"
    assert source.content == Path(verify.__file__).read_bytes()
