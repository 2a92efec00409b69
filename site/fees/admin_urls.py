"""Admin URLs of the fees views, mounted under /admin/fees/ by wagtail_hooks."""

from django.urls import path

from fees import views

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
]
