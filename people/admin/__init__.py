"""The people app's staff screens in the Wagtail admin: the clinic's locations, inviting
clients, the team, and the clinic workspace's URLs. (The shared toolkit is
``people.admin_toolkit``; Django's admin autodiscovery imports this package, so it
registers nothing.)"""
