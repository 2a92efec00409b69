"""The bridge's admin URLs, and spreadsheets for the archives.

``registry.attach`` gives a model's listing the buttons without editing its viewset's file; the
buttons are put on the registered viewset when the admin URLs are built (every viewset is
registered by then).
"""

from django.urls import include, path
from wagtail import hooks

from spreadsheets import registry
from spreadsheets.viewsets import add_buttons_to_viewset

registry.attach("estates.House", "spreadsheets.resources.houses.HouseResource")
registry.attach("archives.Household", "spreadsheets.resources.archives.PersonResource")
registry.attach("archives.Person", "spreadsheets.resources.archives.PersonResource")
registry.attach("archives.Vehicle", "spreadsheets.resources.archives.VehicleResource")
registry.attach("archives.Key", "spreadsheets.resources.archives.KeyResource")
registry.attach("archives.Document", "spreadsheets.resources.archives.DocumentResource")
registry.attach("lending.Loan", "spreadsheets.resources.lending.LoanResource")  # export only


@hooks.register("register_admin_urls")
def register_spreadsheet_urls():
    for bridge in registry.all_bridges():
        if bridge.viewset is not None:
            add_buttons_to_viewset(bridge.viewset)
    return [path("spreadsheets/", include("spreadsheets.admin_urls", namespace="spreadsheets"))]
