from django.core.management.base import BaseCommand

from cities.maps.geo import WORLD_SVG, world_svg


class Command(BaseCommand):
    help = "Project the vendored Natural Earth land outline into the map's static SVG."

    def handle(self, *args, **options):
        svg = world_svg()
        changed = not WORLD_SVG.exists() or WORLD_SVG.read_text() != svg
        if changed:
            WORLD_SVG.write_text(svg)
        state = "written" if changed else "unchanged"
        self.stdout.write(f"{WORLD_SVG.name}: {len(svg):,} bytes, {state}.")
