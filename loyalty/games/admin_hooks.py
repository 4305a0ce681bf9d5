"""Admin registrations for games (imported by ``loyalty/wagtail_hooks.py``): a "Games"
menu with the games (managers) and the plays (front desk)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem
from wagtail.permissions import register_permission_policy

from loyalty.games.admin_views import GamePlayListView, GameViewSet
from loyalty.models import Game
from people.admin_views import FRONT_DESK, MANAGERS
from people.wagtail_hooks import RoleMenuItem

game_viewset = GameViewSet()
register_permission_policy(Game, game_viewset.permission_policy, exact_class=True)


@hooks.register("register_admin_viewset")
def register_game_viewset():
    return game_viewset


@hooks.register("register_admin_urls")
def register_game_plays_url():
    return [path("loyalty/game-plays/", GamePlayListView.as_view(), name="loyalty_game_plays")]


@hooks.register("register_admin_menu_item")
def register_games_menu():
    items = [
        RoleMenuItem(
            _("Games"),
            reverse(game_viewset.get_url_name("index")),
            name="loyalty-games",
            icon_name="pick",
            order=100,
            roles=MANAGERS,
        ),
        RoleMenuItem(
            _("Game plays"),
            reverse("loyalty_game_plays"),
            name="loyalty-game-plays",
            icon_name="list-ul",
            order=200,
            roles=FRONT_DESK,
        ),
    ]
    return SubmenuMenuItem(_("Games"), Menu(items=items), name="games", icon_name="pick", order=180)
