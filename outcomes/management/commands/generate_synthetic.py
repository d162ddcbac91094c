import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from outcomes import synthetic


class Command(BaseCommand):
    help = (
        "Fill the database with fictional programme data: scale 1 is one borough over five financial years, "
        "scale 10 is London-sized. Refuses to run on a database holding other data unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, required=True, help="1 = one borough; 10 = London-sized; 0.05 = tiny."
        )
        parser.add_argument("--seed", type=int, default=1, help="The same seed (and --today) gives the same data.")
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="The date the data is 'as of' (YYYY-MM-DD); defaults to today.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add synthetic data even though the database holds other (real or demo) data.",
        )
        parser.add_argument("--replace", action="store_true", help="Delete earlier synthetic data first.")
        parser.add_argument(
            "--password",
            default=None,
            help="Password for every synthetic account (default: none; accounts cannot sign in).",
        )

    def handle(self, *args, scale, seed, today, force, replace, password, **options):
        if scale <= 0:
            raise CommandError("--scale must be more than 0 (for example 1, 10 or 0.05).")
        has_synthetic, has_other = synthetic.is_synthetic_database()
        if has_other and not force:
            raise CommandError(
                "This database holds organisations, calls or accounts the generator did not make. Generate into "
                "an empty database, or pass --force to add synthetic data alongside them."
            )
        if has_synthetic and not replace:
            raise CommandError("This database already holds synthetic data: pass --replace to rebuild it.")
        if has_synthetic:
            self.stdout.write("Deleting earlier synthetic data...")
            synthetic.delete_synthetic()
        started = time.monotonic()
        result = synthetic.generate(scale=scale, seed=seed, today=today, password=password, progress=self._progress)
        self.stdout.write("")
        for label, count in result.counts.items():
            self.stdout.write(f"  {label:<20} {count:>9,}")
        self.stdout.write(
            self.style.SUCCESS(f"Synthetic data at scale {scale:g} built in {time.monotonic() - started:.1f} s.")
        )

    def _progress(self, label, done, total):
        # A plain-text bar redrawn in place: no extra dependency, readable in CI logs (one final line per phase).
        width = 30
        filled = width if not total else width * done // total
        end = "\n" if done >= total else ""
        self.stdout.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {label:<20} {done:>9,}/{total:,}", ending=end)
        self.stdout.flush()
