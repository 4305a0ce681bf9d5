"""Render a Django template to PDF bytes with WeasyPrint. Shared by anything that
issues a document (signed forms, receipts).

Nothing is fetched over the network or from disk: only ``data:`` URLs (embedded images)
load, so a document looks the same whenever it is made and cannot be used to probe
other hosts or read local files."""

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher


def render_pdf(template_name, context) -> bytes:
    html = render_to_string(template_name, context)
    fetcher = URLFetcher(allowed_protocols={"data"}, timeout=5)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()
