from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.core.exceptions import PermissionDenied

from branding.client_address import client_ip
from people.services import client_account_ensure


class AccountAdapter(DefaultAccountAdapter):
    """Sign-in belongs to a clinic's portal: signing up or in there gives the person a
    client account at that clinic."""

    def is_open_for_signup(self, request):
        return getattr(request, "clinic", None) is not None

    def format_email_subject(self, subject):
        # Emails come from the clinic, so its name leads the subject, not its domain.
        clinic = getattr(self.request, "clinic", None)
        return f"[{clinic.name}] {subject}" if clinic else super().format_email_subject(subject)

    def get_client_ip(self, request):
        # allauth's rate limits (the failed sign-in limit every sign-in door shares, see
        # people.signin) count per client address: the real one behind our proxies
        # (TRUSTED_PROXY_COUNT), never a header the client wrote.
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def _get_login_attempts_cache_key(self, request, **credentials):
        # Failed sign-ins count per person, whichever clinic's domain (or the admin's)
        # they are tried at: allauth would keep a separate count per host.
        return (credentials.get("email") or credentials.get("username") or "").strip().lower()

    def post_login(self, request, user, **kwargs):
        clinic = getattr(request, "clinic", None)
        if clinic is not None:
            client_account_ensure(clinic=clinic, user=user)
        return super().post_login(request, user, **kwargs)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return getattr(request, "clinic", None) is not None
