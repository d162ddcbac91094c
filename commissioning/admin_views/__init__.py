"""Custom Wagtail admin screens that are not plain model editing."""
