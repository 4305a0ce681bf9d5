from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from branding.validators import name_is_clean
from notifications.channels.email import clinic_sender
from people.services import client_account_ensure


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

    def post_login(self, request, user, **kwargs):
        clinic = getattr(request, "clinic", None)
        if clinic is not None:
            client_account_ensure(clinic=clinic, user=user)
        return super().post_login(request, user, **kwargs)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return getattr(request, "clinic", None) is not None

    def populate_user(self, request, sociallogin, data):
        # A name from Google with markup or control characters is not taken (nobody is
        # there to ask); the person can give their name on their profile page.
        user = super().populate_user(request, sociallogin, data)
        for field in ("first_name", "last_name"):
            if not name_is_clean(getattr(user, field, "")):
                setattr(user, field, "")
        return user
