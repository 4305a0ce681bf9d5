"""The booking app's staff screens in the Wagtail admin: the catalogue (``catalogue``:
service categories and services; ``staff``: staff members with their schedules and time
off) and the calendar (``calendar``). Built on ``people.admin_toolkit``. (Django's admin
autodiscovery imports this package, so it registers nothing.)"""
