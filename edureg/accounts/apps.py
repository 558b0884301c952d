from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "edureg.accounts"
    label = "accounts"
    verbose_name = _("Users and roles")

    def ready(self):
        from django.contrib.auth import get_user_model

        from edureg.core.audit.registry import audited

        # Users are written in the back-office (accounts, rights through memberships, passwords): each change leaves
        # a change record like the registers', kept out of the change feed (accounts are not register data for
        # other systems). The password hash is recorded as a fingerprint; a sign-in is not a change of the account.
        user = get_user_model()
        audited(user, feed=False)
        user._meta.get_field("password").audit_fingerprint = True
        user._meta.get_field("last_login").audit_exclude = True
