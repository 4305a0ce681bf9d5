from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from branding.client_address import client_ip
from branding.links import portal_url
from branding.selectors import clinic_branding
from branding.validators import name_is_clean
from notifications.channels.email import clinic_sender
from notifications.language import language_chosen, language_cookie_set
from notifications.models import Category, Channel
from notifications.services import sent_elsewhere_record
from people.magic_link import sign_in_link
from people.models import User
from people.services import client_account_ensure

# What staff read in the client's communication log for each account email allauth
# sends itself: the subject, never the code or the link it carries.
ACCOUNT_EMAIL_TITLES = {
    "account/email/login_code": _("Sign-in code (code not shown)"),
    "account/email/email_confirmation_signup": _("Sign-up: confirm the email address"),
    "account/email/email_confirmation": _("Confirm the email address"),
    "account/email/password_reset_key": _("Password reset link (link not shown)"),
    "account/email/password_reset": _("Password reset"),
    "account/email/password_changed": _("Password changed"),
    "account/email/password_set": _("Password set"),
    "account/email/email_changed": _("Email address changed"),
    "account/email/email_confirm": _("Email address confirmed"),
    "account/email/account_already_exists": _("Sign-up attempt: account already exists"),
}


class AccountAdapter(DefaultAccountAdapter):
    """Sign-in belongs to a clinic's portal: signing up or in there gives the person a
    client account at that clinic."""

    def is_open_for_signup(self, request):
        return getattr(request, "clinic", None) is not None

    def get_from_email(self):
        # Confirmation, password reset and sign-in code emails come from the clinic, like
        # its other emails, not from the platform's DEFAULT_FROM_EMAIL name.
        clinic = getattr(self.request, "clinic", None)
        return clinic_sender(clinic) if clinic else super().get_from_email()

    def format_email_subject(self, subject):
        # Emails come from the clinic, so its name leads the subject, not its domain.
        clinic = getattr(self.request, "clinic", None)
        return f"[{clinic.name}] {subject}" if clinic else super().format_email_subject(subject)

    def send_mail(self, template_prefix, email, context):
        # The clinic's branded layout for the HTML part (templates/account/email/*.html),
        # and, in the sign-in code email, a one-tap sign-in link for another device.
        clinic = getattr(self.request, "clinic", None)
        if clinic is not None:
            context = {
                **context,
                "clinic": clinic,
                "branding": clinic_branding(clinic),
                "portal_url": portal_url(clinic),
            }
            if template_prefix == "account/email/login_code":
                user = User.objects.filter(email__iexact=email, is_active=True).first()
                if user is not None:
                    context["sign_in_link"] = sign_in_link(self.request, user=user)
        sent = super().send_mail(template_prefix, email, context)
        if clinic is not None:
            self._record_sent(clinic, template_prefix, email)
        return sent

    @staticmethod
    def _record_sent(clinic, template_prefix, email):
        """The client's communication log shows account emails too (notifications
        records them; its own outbox never sent them)."""
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            return
        title = ACCOUNT_EMAIL_TITLES.get(template_prefix, _("Account email"))
        sent_elsewhere_record(
            clinic=clinic,
            user=user,
            kind="account." + template_prefix.rsplit("/", 1)[-1],
            category=Category.ACCOUNT,
            channel=Channel.EMAIL,
            title=str(title),
        )

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
        language = _language_for_a_new_browser(request, clinic, user)
        # The "signed in" message is written now: in the language the page will be read in.
        with translation.override(language or translation.get_language()):
            response = super().post_login(request, user, **kwargs)
        if language and isinstance(response, HttpResponseRedirect):
            language_cookie_set(response, language)
        return response


def _language_for_a_new_browser(request, clinic, user) -> str:
    """Signed in on a browser that has no language of its own chosen yet (a new phone),
    the portal speaks the language the person chose at this clinic, as its messages do;
    "" when the browser chose already or the person did not."""
    if clinic is None or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
        return ""
    return language_chosen(clinic, user)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return getattr(request, "clinic", None) is not None

    def get_app(self, request, provider, client_id=None):
        # A provider the deployment has not configured (no GOOGLE_CLIENT_ID) is not
        # there: its door is a 404, not a server error. Its button is already hidden
        # (allauth lists only providers with an app).
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist as error:
            raise Http404("This sign-in method is not offered here.") from error

    def populate_user(self, request, sociallogin, data):
        # A name from Google with markup or control characters is not taken (nobody is
        # there to ask); the person can give their name on their profile page.
        user = super().populate_user(request, sociallogin, data)
        for field in ("first_name", "last_name"):
            if not name_is_clean(getattr(user, field, "")):
                setattr(user, field, "")
        return user
