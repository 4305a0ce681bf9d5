"""Render a Django template to PDF bytes with WeasyPrint. Shared by anything that
issues a document (signed forms, receipts).

Nothing is fetched over the network or from disk: only ``data:`` URLs (embedded images)
load, so a document looks the same whenever it is made and cannot be used to probe
other hosts or read local files."""

from django.template.loader import render_to_string


def render_pdf(template_name, context) -> bytes:
    # Imported here: WeasyPrint is slow to import and logs its stylesheet parsing, which
    # every process (manage.py commands, workers) would otherwise pay for at start-up.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template_name, context)
    fetcher = URLFetcher(allowed_protocols={"data"}, timeout=5)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()
