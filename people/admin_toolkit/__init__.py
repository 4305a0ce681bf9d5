"""The admin toolkit every app's staff screens build on (Wagtail admin):

- ``workspace``: the clinic the admin works on and the person's role there
  (``request_admin_clinic``, ``request_admin_role``, ``ClinicWorkspaceMixin`` for custom
  views, the superuser's clinic switcher), and the role groups ``MANAGERS`` / ``FRONT_DESK``;
- ``policies``: ``ClinicRolePermissionPolicy``, model permissions from the clinic role;
- ``views``: ``ClinicScopeMixin`` and the clinic-scoped Index/Create/Edit/Delete views;
- ``viewsets``: ``ClinicModelViewSet``, a model viewset with all of the above wired in;
- ``menus``: ``ClinicMenu`` (one ``ViewSetGroup`` per admin menu), ``MenuLink``, ``RoleMenuItem``;
- ``fields`` and ``forms``: ``MoneyField``, ``ClinicDateTimeField``, inline formsets;
- ``responses``: the one JSON error shape of admin fetch endpoints.

It lives in ``people`` because roles do (layers: branding → notifications → people →
booking_api → …), so every app above may use it. Import from the submodules.
"""
