"""Open data in a browser: from the footer to the exports page, and a zip downloaded."""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cities.models import ContenderList
from comments.exports import export_list
from comments.models import OpenDataExport
from tests.browser.data import LIST_TITLE, build_site

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_visitor_finds_the_exports_and_downloads_one(ui, javascript):
    build_site(size=12)
    for contender_list in ContenderList.objects.all():
        export_list(contender_list=contender_list)
    export = OpenDataExport.objects.get(contender_list__title=LIST_TITLE)
    page = ui.page

    ui.goto("/")
    with ui.navigates():
        ui.press(page.get_by_role("contentinfo").get_by_role("link", name="Open data"))
    ui.arrived("/data/", audit="open-data")
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data")
    exports = page.get_by_role("region", name="Table of exports")
    expect(exports.get_by_role("row")).to_have_count(1 + ContenderList.objects.count())
    expect(exports).to_contain_text(export.manifest_sha256)

    with page.expect_download() as download:
        ui.press(exports.get_by_role("link", name=export.filename))
    content = Path(download.value.path()).read_bytes()
    assert content == bytes(export.content)
    manifest = zipfile.ZipFile(io.BytesIO(content)).read("manifest.json")
    assert hashlib.sha256(manifest).hexdigest() == export.manifest_sha256
