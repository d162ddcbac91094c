from django.db import models

from .. import limits


class IndicatorUnit(models.TextChoices):
    COUNT = "count", "Count"
    PERCENTAGE = "percentage", "Percentage"
    POUNDS = "pounds", "Pounds (£)"
    DAYS = "days", "Days"


class IndicatorKind(models.TextChoices):
    OUTPUT = "output", "Output"
    OUTCOME = "outcome", "Outcome"


class IndicatorQuerySet(models.QuerySet):
    def library(self):
        return self.filter(is_library=True, is_active=True)


class IndicatorManager(models.Manager.from_queryset(IndicatorQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Indicator(models.Model):
    """An outcome or output measure. The library is seeded from domain.md; commissioners add more;
    providers may propose custom ones, which are not in the library until a commissioner adopts them."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200, validators=[limits.one_line])
    theme = models.ForeignKey(
        "commissioning.Theme",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
        help_text="Leave blank for indicators that apply to all themes.",
    )
    unit = models.CharField(max_length=12, choices=IndicatorUnit.choices)
    kind = models.CharField(max_length=10, choices=IndicatorKind.choices)
    description = models.TextField(blank=True)
    counts_people = models.BooleanField(
        default=False, help_text="Counts of people are suppressed when small wherever figures leave the system."
    )
    is_library = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    display_order = models.PositiveIntegerField(default=0, validators=[limits.DISPLAY_ORDER.validator])

    objects = IndicatorManager()

    class Meta:
        ordering = ["theme__display_order", "display_order", "name"]
        constraints = [limits.DISPLAY_ORDER.constraint("display_order", "indicator_display_order_range")]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)
