"""Ledger records are written only through the services (and the custom views that call them).

The generic snippet views may list, inspect and show the history of bills, payments, chasing
steps and readings, but never add, edit or delete them, not even for a superuser: a payment is
reversed, never deleted, and a bill's paid amount follows its payments. These policies replace
the estate-scoped policy registered by estates (this app is ready later), keeping its scoping.
"""

from estates.scoping import EstateScopedPermissionPolicy
from wagtail.permissions import register_permission_policy

from fees import models


class RestrictedEstatePolicy(EstateScopedPermissionPolicy):
    def __init__(self, model, *, denied: tuple[str, ...]):
        super().__init__(model)
        self.denied = denied

    def user_has_permission(self, user, action):
        return action not in self.denied and super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return action not in self.denied and super().user_has_permission_for_instance(user, action, instance)


def register_fee_policies() -> None:
    read_only = ("add", "change", "delete")
    for model in (models.Bill, models.Payment, models.PaymentAllocation, models.ChasingStep,
                  models.MeterReading, models.FeeRun, models.ReceiptCounter,
                  models.InvoiceRequest, models.ArrearsLetter, models.HouseWatch):
        register_permission_policy(model, RestrictedEstatePolicy(model, denied=read_only), exact_class=True)
    # Cases are made by the sweep; staff only edit who the reminders go to.
    register_permission_policy(
        models.ArrearsCase, RestrictedEstatePolicy(models.ArrearsCase, denied=("add", "delete")), exact_class=True
    )
    # Rates and items are kept for old bills: never deleted (deactivate an item instead).
    for model in (models.FeeItem, models.FeeRate):
        register_permission_policy(model, RestrictedEstatePolicy(model, denied=("delete",)), exact_class=True)
