import pytest
from bulletin.factories import EventPageFactory, NoticePageFactory, home_for
from estates import roles


@pytest.fixture
def home_a(estate_a):
    return home_for(estate_a)


@pytest.fixture
def home_b(estate_b):
    return home_for(estate_b)


@pytest.fixture
def notice_a(home_a, estate_a):
    return NoticePageFactory(estate=estate_a, title="停水通知", slug="water", title_en="Water outage",
                             body="<p>3栋明日停水</p>", body_en="<p>No water in building 3 tomorrow</p>")


@pytest.fixture
def event_a(home_a, estate_a):
    return EventPageFactory(estate=estate_a, title="中秋游园会", slug="mid-autumn", capacity=5)


@pytest.fixture
def secretary_a(make_user, estate_a):
    return make_user(roles.SECRETARY, [estate_a], username="secretary_a")


@pytest.fixture
def secretary_b(make_user, estate_b):
    return make_user(roles.SECRETARY, [estate_b], username="secretary_b")


@pytest.fixture
def manager_a(make_user, estate_a):
    return make_user(roles.ESTATE_MANAGER, [estate_a], username="manager_a")
