from django.core.exceptions import PermissionDenied
from django.db import models


class ThemeQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionDenied("The four strategy themes cannot be deleted.")


class ThemeManager(models.Manager.from_queryset(ThemeQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Theme(models.Model):
    """One of the four VAWG strategy themes. Created by a data migration; never deleted."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120, unique=True)
    short_name = models.CharField(max_length=40, unique=True)
    description = models.TextField(blank=True)
    display_order = models.PositiveSmallIntegerField(unique=True)

    objects = ThemeManager()

    class Meta:
        ordering = ["display_order"]

    def __str__(self):
        return self.name

    def delete(self, *args, **kwargs):
        raise PermissionDenied("The four strategy themes cannot be deleted.")

    def natural_key(self):
        return (self.slug,)
