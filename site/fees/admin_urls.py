"""Admin URLs of the fees views, mounted under /admin/fees/ by wagtail_hooks."""

from django.urls import path

from fees import desk_views, views

urlpatterns = [
    path("house/<int:pk>/", views.house_fees, name="fees_house"),
    path("house/<int:pk>/pay/", views.house_pay, name="fees_house_pay"),
    path("house/<int:pk>/step/", views.house_step, name="fees_house_step"),
    path("payment/<int:pk>/receipt/", views.receipt, name="fees_receipt"),
    path("payment/<int:pk>/reverse/", views.reverse_payment, name="fees_reverse"),
    path("readings/import/", views.readings_import, name="fees_readings_import"),
    path("issue/", views.issue_bills, name="fees_issue"),
    path("collection/", views.collection, name="fees_collection"),
    path("standards/publish/", views.publish_standards, name="fees_publish_standards"),
    # The fee desk: ageing report, invoices, printed arrears notices and lawyer's letters.
    path("ageing/", desk_views.ageing_report, name="fees_ageing"),
    path("payment/<int:pk>/invoice/", desk_views.invoice_request, name="fees_invoice_request"),
    path("invoice/<int:pk>/<slug:action>/", desk_views.invoice_action, name="fees_invoice_action"),
    path("house/<int:pk>/letter/<slug:kind>/", desk_views.letter_print, name="fees_letter_print"),
    path("letter/<int:pk>/pdf/", desk_views.letter_pdf, name="fees_letter_pdf"),
]
