from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from outcomes.reporting import opendata


class Command(BaseCommand):
    help = "Write the 360Giving export (active and closed awards) to a file, as a JSON package or flat CSV."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="File to write.")
        parser.add_argument(
            "--format", choices=["json", "csv"], help="Defaults to the output file's extension, else json."
        )

    def handle(self, *args, output, format=None, **options):
        path = Path(output)
        fmt = format or ("csv" if path.suffix.lower() == ".csv" else "json")
        if fmt == "json":
            data = opendata.package()
            errors = opendata.validation_errors(data)
            if errors:
                raise CommandError("The export does not meet the 360Giving schema:\n" + "\n".join(errors[:20]))
            content = opendata.package_json().encode("utf-8")
        else:
            content = opendata.package_csv()
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"Could not write {path}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(opendata.grants())} grants to {path} ({fmt})."))
