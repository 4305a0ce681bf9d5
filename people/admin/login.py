"""The admins' sign-in doors, on the one sign-in check (``people.signin``): the same
failed sign-in limit as the portal, an unconfirmed email refused, and anyone who may not
open that admin refused before their password is looked at, with the wrong-password
message (so the admin is no oracle for patients' passwords).

``WAGTAILADMIN_USER_LOGIN_FORM`` names the Wagtail form; ``PeopleConfig.ready`` gives
Django's admin site its form."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from wagtail.admin.forms.auth import LoginForm, PasswordResetForm
from wagtail.admin.views.account import PasswordResetConfirmView

from people.errors import PeopleErrorCode, SignInError
from people.services import email_mark_verified
from people.signin import may_open_django_admin, may_open_wagtail_admin, password_sign_in_check


class _SignInCheckMixin:
    may_use_door = None

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is not None and password:
            try:
                self.user_cache = password_sign_in_check(
                    self.request,
                    email=email,
                    password=password,
                    may_use_door=type(self).may_use_door,
                )
            except SignInError as exc:
                if exc.code == PeopleErrorCode.SIGN_IN_FAILED:
                    raise self.get_invalid_login_error() from exc
                raise forms.ValidationError(exc.message, code=exc.code.value) from exc
        return self.cleaned_data


class WagtailAdminLoginForm(_SignInCheckMixin, LoginForm):
    may_use_door = staticmethod(may_open_wagtail_admin)


class DjangoAdminLoginForm(_SignInCheckMixin, AdminAuthenticationForm):
    may_use_door = staticmethod(may_open_django_admin)


class VerifyingPasswordResetConfirmView(PasswordResetConfirmView):
    """The admin's "forgot password" link reached the person's inbox, as the portal's
    does (``people.receivers``): their address is confirmed, so they can sign in."""

    def form_valid(self, form):
        response = super().form_valid(form)
        email_mark_verified(user=form.user)
        return response


class StaffPasswordResetForm(PasswordResetForm):
    """The admin's "forgotten password" for every staff account: clinic members and
    platform operators, with or without a password yet (an invited manager who lost the
    invitation). Django's form skips accounts without a usable password; patients reset
    theirs in the portal, so the admin sends them nothing."""

    def get_users(self, email):
        from django.contrib.auth import get_user_model
        from django.db.models import Q

        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return users.filter(Q(is_superuser=True) | Q(memberships__isnull=False)).distinct()
