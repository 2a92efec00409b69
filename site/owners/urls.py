"""The owner portal's pages (/owner/) and API (/api/owner/v1/), included before Wagtail's tree."""

from django.urls import path

from owners import api, views

urlpatterns = [
    path("owner/", views.home_view, name="owners_home"),
    path("owner/sign-in/", views.sign_in_view, name="owners_sign_in"),
    path("owner/sign-in/code/", views.code_view, name="owners_code"),
    path("owner/sign-in/household/", views.choose_view, name="owners_choose"),
    path("owner/sign-out/", views.sign_out_view, name="owners_sign_out"),
    path("owner/household/", views.household_view, name="owners_household"),
    path("owner/bills/", views.bills_view, name="owners_bills"),
    path("owner/receipts/<int:pk>/", views.receipt_view, name="owners_receipt"),
    path("owner/report/", views.report_view, name="owners_report"),
    path("owner/tickets/", views.tickets_view, name="owners_tickets"),
    path("owner/tickets/<int:pk>/", views.ticket_view, name="owners_ticket"),
    path("owner/tickets/<int:pk>/confirm/", views.ticket_confirm_view, name="owners_ticket_confirm"),
    path("owner/tickets/<int:pk>/photos/<int:photo>/", views.ticket_photo_view, name="owners_ticket_photo"),
    path("owner/events/", views.events_view, name="owners_events"),
    # API
    path("api/owner/v1/code/", api.code, name="owners_api_code"),
    path("api/owner/v1/token/", api.token, name="owners_api_token"),
    path("api/owner/v1/households/", api.households, name="owners_api_households"),
    path("api/owner/v1/households/choose/", api.households_choose, name="owners_api_households_choose"),
    path("api/owner/v1/me/", api.me, name="owners_api_me"),
    path("api/owner/v1/bills/", api.bills, name="owners_api_bills"),
    path("api/owner/v1/receipts/", api.receipts, name="owners_api_receipts"),
    path("api/owner/v1/receipts/<int:pk>/", api.receipt, name="owners_api_receipt"),
    path("api/owner/v1/categories/", api.categories, name="owners_api_categories"),
    path("api/owner/v1/tickets/", api.tickets, name="owners_api_tickets"),
    path("api/owner/v1/tickets/<int:pk>/", api.ticket, name="owners_api_ticket"),
    path("api/owner/v1/tickets/<int:pk>/confirm/", api.ticket_confirm, name="owners_api_ticket_confirm"),
    path("api/owner/v1/tickets/<int:pk>/photos/<int:photo>/", api.ticket_photo, name="owners_api_ticket_photo"),
    path("api/owner/v1/signups/", api.signups, name="owners_api_signups"),
]
