def test_pages_render(client, notice_a, event_a, home_a):
    for url in ["/", home_a.url, notice_a.url, event_a.url, notice_a.get_parent().url, event_a.get_parent().url,
                f"/bulletin/events/{event_a.pk}/signup/", "/bulletin/search/?q=停水", "/bulletin/feeds/HYY/",
                "/api/v2/pages/", f"/api/v2/pages/{notice_a.pk}/", "/api/v2/pages/?category=outage&estate=HYY"]:
        r = client.get(url)
        print(url, r.status_code, r.get("X-Bulletin-Cache"))
        assert r.status_code == 200, (url, r.content[:2000])
