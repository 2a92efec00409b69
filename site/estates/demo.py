"""Demo estates, buildings, houses and one login per role (see load_demo)."""

import random
from decimal import Decimal

from django.contrib.auth import get_user_model

from estates import roles
from estates.factories import EstateFactory, make_staff
from estates.models import Building, Estate, House

DEMO_PASSWORD = "demo12345"

#: (username, role, estates by index) — the logins printed by `make run`.
DEMO_LOGINS = [
    ("manager", roles.ESTATE_MANAGER, [0, 1]),
    ("supervisor", roles.SUPERVISOR, [0]),
    ("clerk", roles.CLERK, [0]),
    ("frontdesk", roles.FRONT_DESK, [0]),
    ("secretary", roles.SECRETARY, [0]),
    ("steward", roles.STEWARD, [0]),
    ("maintenance", roles.MAINTENANCE, [0]),
    ("clerk_b", roles.CLERK, [1]),
]


def build_houses(*, estate: Estate, count: int, rng: random.Random, batch_size: int = 5000) -> None:
    """Buildings of 2 units × 30 floors × 4 rooms, filled in bulk (fast for --houses 100000)."""
    per_building = 2 * 30 * 4
    buildings = Building.objects.bulk_create(
        [Building(estate=estate, name=f"{i + 1}栋") for i in range((count + per_building - 1) // per_building)]
    )
    houses = []
    n = 0
    for building in buildings:
        for unit in ("1", "2"):
            for floor in range(1, 31):
                for room in range(1, 5):
                    if n >= count:
                        break
                    houses.append(House(
                        building=building, unit=unit, floor=floor, room=f"{floor}{room:02d}",
                        area=Decimal(rng.choice([68, 89, 96, 112, 128, 143])) + Decimal("0.50"),
                        status=rng.choice([House.Status.OCCUPIED] * 6 + [House.Status.VACANT, House.Status.RENTED, House.Status.DECORATING]),
                    ))
                    n += 1
    House.objects.bulk_create(houses, batch_size=batch_size)


def load(*, houses: int, seed: int, stdout=None) -> list[Estate]:
    rng = random.Random(seed)
    estates = [
        EstateFactory(name="和悦苑", code="HYY", address="上海市浦东新区和悦路 88 号", hotline="021-5888 1234", managed_area=Decimal("120000")),
        EstateFactory(name="锦华园", code="JHY", address="上海市闵行区锦华路 16 号", hotline="021-6466 5678", managed_area=Decimal("80000")),
    ]
    per_estate = max(houses // len(estates), 1)
    for estate in estates:
        build_houses(estate=estate, count=per_estate, rng=rng)
    User = get_user_model()
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@example.com", DEMO_PASSWORD)
    for username, role, estate_indexes in DEMO_LOGINS:
        make_staff(role=role, username=username, estates=[estates[i] for i in estate_indexes])
    return estates
