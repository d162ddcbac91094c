from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from outcomes.reporting import opendata

FORMATS = {"json": None, "csv": opendata.package_csv, "xlsx": opendata.package_xlsx}


class Command(BaseCommand):
    help = (
        "Write the 360Giving export (active and closed awards) to a file: a JSON package, or a flat CSV or XLSX in "
        "360Giving's spreadsheet layout."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="File to write.")
        parser.add_argument(
            "--format", choices=list(FORMATS), help="Defaults to the output file's extension, else json."
        )

    def handle(self, *args, output, format=None, **options):
        path = Path(output)
        suffix = path.suffix.lower().lstrip(".")
        fmt = format or (suffix if suffix in FORMATS else "json")
        if fmt == "json":
            data = opendata.package()
            errors = opendata.validation_errors(data)
            if errors:
                raise CommandError("The export does not meet the 360Giving schema:\n" + "\n".join(errors[:20]))
            content = opendata.package_json().encode("utf-8")
        else:
            content = FORMATS[fmt]()
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"Could not write {path}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(opendata.grants())} grants to {path} ({fmt})."))
