"""Panels on the provider portal's dashboard, contributed by other apps.

The portal lives in ``commissioning``, which may not import ``outcomes``; outcomes registers its panels
(awards, next return due, payments) here from its AppConfig.ready(). A panel is a callable taking
(request, organisations) and returning (template_name, context) or None.
"""

_panels = []


def register_dashboard_panel(panel, order=100):
    _panels.append((order, panel))
    _panels.sort(key=lambda item: item[0])


def render_panels(request, organisations):
    rendered = []
    for _, panel in _panels:
        result = panel(request, organisations)
        if result is not None:
            rendered.append(result)
    return rendered
