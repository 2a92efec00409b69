import factory
from django.apps import apps
from estates import demo as estates_demo
from servicedesk import demo, factories
from servicedesk.models import Ticket


def test_demo_tickets_of_every_kind(db):
    estates = estates_demo.load(houses=40, seed=7)
    demo.load(estates=estates, seed=7)
    for estate in estates:
        kinds = set(Ticket.objects.filter(estate=estate).values_list("kind", flat=True))
        assert kinds == {"repair", "complaint", "suggestion", "enquiry"}
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {"new", "dispatched", "in_progress", "done", "closed"} <= statuses


def test_every_model_has_a_factory(db):
    models = {m for m in apps.get_app_config("servicedesk").get_models() if not m.__name__.startswith("Historical")}
    found = [f for f in vars(factories).values() if isinstance(f, type) and issubclass(f, factory.Factory)]
    assert models <= {f._meta.model for f in found}
    for factory_class in found:
        if factory_class._meta.model in models:
            assert factory_class().pk
