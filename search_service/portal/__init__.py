"""The public portal: French pages over the same engine and the same answers as the API.

``install_portal`` adds the pages, the front-end files they use, their security policy
and their error pages to the app the factory built.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, render_template

from cis.settings import Settings
from search_service.portal.assets import vendor_assets, vendor_url
from search_service.portal.views import portal

# What a page may load: its own scripts, styles and fonts, map tiles, and images over
# http(s) (contributor logos and project images, whose URLs the API validated).
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; "
    "img-src 'self' data: https: {tiles}; connect-src 'self'; manifest-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
ERROR_TITLES = {
    400: "Recherche incomprise",
    404: "Page introuvable",
    405: "Méthode non permise",
    414: "Adresse trop longue",
    429: "Trop de requêtes",
    503: "Service momentanément indisponible",
}


def install_portal(app: Flask, settings: Settings) -> None:
    """Serve the portal's pages and assets from ``app``."""
    app.register_blueprint(portal)
    app.register_blueprint(vendor_assets)
    app.jinja_env.globals["vendor_url"] = vendor_url
    app.extensions["cis_error_page"] = error_page
    csp = PAGE_CSP.format(tiles=_origin(settings.map_tiles))

    @app.after_request
    def page_policy(response: Response) -> Response:
        if response.mimetype == "text/html":
            response.headers["Content-Security-Policy"] = csp
        return response


def error_page(status: int, message: str) -> Response:
    """The portal's page for an error, in French, with the engine's or validator's reason."""
    title = ERROR_TITLES.get(status, "Une erreur est survenue")
    body = render_template("portal/error.html", status=status, title=title, message=message)
    return Response(body, status=status, mimetype="text/html")


def _origin(url_template: str) -> str:
    """The scheme and host of the tile server ('' without one), for the image policy."""
    if not url_template:
        return ""
    parts = urlsplit(url_template)
    return f"{parts.scheme}://{parts.netloc}"
