"""Admin registrations for games (imported by ``loyalty/wagtail_hooks.py``): a "Games"
menu with the games (managers) and the plays (front desk)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from loyalty.games.admin_views import GamePlayListView, GameViewSet
from people.admin_toolkit.menus import ClinicMenu, MenuLink
from people.admin_toolkit.workspace import FRONT_DESK


class GamesMenu(ClinicMenu):
    menu_label = _("Games")
    menu_name = "games"
    menu_icon = "pick"
    menu_order = 180
    items = [GameViewSet]
    links = [
        MenuLink(
            _("Game plays"), "loyalty_game_plays", "loyalty-game-plays", "list-ul", 200, FRONT_DESK
        ),
    ]


games_menu = GamesMenu()


@hooks.register("register_admin_viewset")
def register_games_menu():
    return games_menu


@hooks.register("register_admin_urls")
def register_game_plays_url():
    return [path("loyalty/game-plays/", GamePlayListView.as_view(), name="loyalty_game_plays")]
