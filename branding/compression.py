"""gzip for the API's reads only.

BREACH: a compressed answer that holds a secret and also echoes something the attacker
chose leaks the secret through its length. The portal's pages carry CSRF tokens, and
the API's writes answer tokens and payment client secrets, so neither is compressed;
the API's reads (GET, HEAD: lists, the dashboard, pages, the schema) hold no credential
and are, by far, the bulk of an app's traffic."""

from django.middleware.gzip import GZipMiddleware

from branding.api.errors import is_api_path


class ApiReadGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if request.method not in ("GET", "HEAD") or not is_api_path(request.path):
            return response
        if response.has_header("Set-Cookie"):  # a session or CSRF cookie: never
            return response
        return super().process_response(request, response)
