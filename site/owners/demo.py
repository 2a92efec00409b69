"""Demo data of the owner portal (load_demo): each estate's repair categories with their routes,
and one demo owner whose mobile is fixed so the demo can be signed in to (the code goes to the SMS
backend: the log by default, and the admin's message log)."""

from archives.models import Person
from django.contrib.auth import get_user_model
from estates import roles
from servicedesk.models import RepairCategory
from servicedesk.services import repair_categories_seed

#: The demo owner's mobile, printed by load_demo next to the staff logins.
DEMO_OWNER_MOBILE = "13912345678"
#: Categories the estate's own maintenance staff take; the others go to contractors.
IN_HOUSE = ("水电", "管道", "门窗", "公共设施", "其他")
CONTRACTORS = {"电梯": "奥的斯电梯维保"}


def load(*, estates, seed):
    User = get_user_model()
    for estate in estates:
        repair_categories_seed(estate=estate)
        worker = (User.objects.filter(is_active=True, estate_memberships__estate=estate, groups__name=roles.MAINTENANCE)
                  .order_by("username").first())
        for row in RepairCategory.objects.filter(estate=estate):
            if row.name in IN_HOUSE and worker is not None:
                row.assignee = worker
            else:
                row.contractor = CONTRACTORS.get(row.name, "鑫达维修公司")
            row.save(update_fields=["assignee", "contractor"])
    owner = (Person.objects.filter(role=Person.Role.OWNER, household__house__building__estate=estates[0])
             .order_by("household__house__building__name", "household__house__room", "pk").first())
    if owner is not None and not Person.objects.filter(mobile=DEMO_OWNER_MOBILE).exists():
        owner.mobile = DEMO_OWNER_MOBILE
        owner.save(update_fields=["mobile"])


def demo_owner_line() -> str:
    owner = Person.objects.filter(mobile=DEMO_OWNER_MOBILE).select_related("household__house__building").first()
    if owner is None:
        return ""
    return f"  owner portal /owner/sign-in/: mobile {DEMO_OWNER_MOBILE} ({owner.name}, {owner.household.house.label}); " \
           "the SMS code is in the log and in the admin's message log"
