"""Games in the Wagtail admin: managers set up their clinic's games (prizes inline);
managers and front-desk staff see who played and what they won. Everything is scoped
to the admin clinic; another clinic's game answers 404."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from loyalty.games.selectors import plays_for_clinic
from loyalty.models import Game, Reward
from loyalty.selectors import programme_for
from people.admin_toolkit.forms import unique_key
from people.admin_toolkit.viewsets import ClinicModelViewSet
from people.admin_toolkit.workspace import FRONT_DESK, MANAGERS, ClinicWorkspaceMixin
from people.models import AuditAction
from people.services import audit_record


def _with_rewards(form_class, rewards):
    """``form_class`` whose reward field offers ``rewards`` only."""

    class PrizeForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if "reward" in self.fields:
                self.fields["reward"].queryset = rewards

    return PrizeForm


class GameForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A voucher prize names one of this clinic's rewards, never another clinic's.
        prizes = self.formsets.get("prizes")
        if prizes is not None:
            rewards = Reward.objects.filter(clinic_id=self.instance.clinic_id)
            for form in prizes.forms:
                if "reward" in form.fields:
                    form.fields["reward"].queryset = rewards
            # ``empty_form`` (the template for "add a prize") is made anew at each use.
            prizes.form = _with_rewards(prizes.form, rewards)

    def clean(self):
        cleaned = super().clean()
        prizes = self.formsets.get("prizes")
        if prizes is not None and prizes.is_valid():
            kept = [f for f in prizes.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            if not kept:
                raise forms.ValidationError(_("Add at least one prize."))
        return cleaned

    def save(self, commit=True):
        if not self.instance.key:
            self.instance.key = unique_key(Game, self.instance.clinic, self.cleaned_data["name"])
        return super().save(commit=commit)


class GameViewSet(ClinicModelViewSet):
    model = Game
    name = "loyalty_games"
    url_prefix = "loyalty/games"
    icon = "pick"
    menu_label = _("Games")
    menu_name = "loyalty-games"
    menu_order = 100
    edit_roles = MANAGERS
    protected_message = _("%(object)s has been played; untick “active” instead.")
    list_display = ["name", "kind", "active", "starts_at", "ends_at"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("kind")]),
            FieldPanel("description"),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("plays_allowed"), FieldPanel("limit_period")]),
                    FieldPanel("eligibility"),
                ],
                heading=_("Who may play, and how often"),
            ),
            FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
            FieldPanel("active"),
            InlinePanel(
                "prizes",
                label=_("Prizes"),
                min_num=1,
                panels=[
                    FieldRowPanel([FieldPanel("label"), FieldPanel("kind")]),
                    FieldRowPanel([FieldPanel("points"), FieldPanel("reward")]),
                    FieldRowPanel([FieldPanel("weight"), FieldPanel("stock")]),
                ],
            ),
        ],
        base_form_class=GameForm,
    )


class GamePlayListView(ClinicWorkspaceMixin, WagtailAdminTemplateMixin, ListView):
    """Who played which game and what they won, newest first."""

    roles = FRONT_DESK
    template_name = "loyalty/admin/game_plays.html"
    page_title = _("Game plays")
    header_icon = "pick"
    paginate_by = 50
    context_object_name = "plays"

    def get_page_subtitle(self):
        return self.clinic.name

    def get_queryset(self):
        return plays_for_clinic(self.clinic)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unit"] = programme_for(self.clinic).unit_label  # e.g. "paws"
        page = context["page_obj"]
        audit_record(  # who played and what they won is client data: the read is audited
            clinic=self.clinic,
            actor=self.request.user,
            action=AuditAction.VIEW,
            summary=f"Viewed game plays, page {page.number} of {page.paginator.num_pages}",
            request=self.request,
        )
        return context
