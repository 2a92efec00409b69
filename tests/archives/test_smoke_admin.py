from django.urls import reverse
from tests.archives.conftest import household_post_data


def test_pages(client_for, clerk_a, household_a, secretary_a):
    c = client_for(clerk_a)
    for name in ["household", "person", "vehicle", "key", "document"]:
        r = c.get(reverse(f"wagtailsnippets_archives_{name}:list"))
        assert r.status_code == 200, name
        r = c.get(reverse(f"wagtailsnippets_archives_{name}:add"))
        assert r.status_code == 200, name
    r = c.get(reverse("wagtailsnippets_archives_household:edit", args=(household_a.pk,)))
    assert r.status_code == 200
    r = c.get(reverse("wagtailsnippets_archives_household:inspect", args=(household_a.pk,)))
    assert r.status_code == 200
    assert "13800138000" in r.content.decode()
    data = household_post_data(household_a)
    data["people-0-mobile"] = "139 1111 2222"
    r = c.post(reverse("wagtailsnippets_archives_household:edit", args=(household_a.pk,)), data)
    assert r.status_code == 302, r.content.decode()[-3000:]
    r = c.get(reverse("archives_history", args=("household", household_a.pk)))
    body = r.content.decode()
    assert "13911112222" in body
    s = client_for(secretary_a)
    r = s.get(reverse("wagtailsnippets_archives_household:inspect", args=(household_a.pk,)))
    assert r.status_code == 200
    assert "139****2222" in r.content.decode()
    r = s.get(reverse("archives_history", args=("household", household_a.pk)))
    assert "139****2222" in r.content.decode() and "13911112222" not in r.content.decode()
    r = c.get(reverse("archives_deleted"))
    assert r.status_code == 200
