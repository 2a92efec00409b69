"""factory_boy factories of the bulletin. Page factories add their page under the right parent
(creating the estate's home, and the bulletin index, when needed)."""

from __future__ import annotations

import io
from datetime import timedelta

import factory
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from estates.factories import BuildingFactory, EstateFactory, HouseFactory, UserFactory
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from bulletin.models import (
    BulletinHomePage,
    BulletinIndexPage,
    Category,
    EventFeedback,
    EventIndexPage,
    EventPage,
    EventPhoto,
    EventReturnVisit,
    EventSignup,
    NoticeAttachment,
    NoticeIndexPage,
    NoticePage,
)
from bulletin.services import bulletin_home_for, bulletin_setup


class _PageFactory(factory.django.DjangoModelFactory):
    """``parent`` (a page) is where the page is added; each factory knows its default parent."""

    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"页面{n}")
    slug = factory.Sequence(lambda n: f"page-{n}")

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        parent = parent or cls.default_parent(kwargs)
        page = model_class(*args, **kwargs)
        parent.add_child(instance=page)
        return page

    @classmethod
    def default_parent(cls, kwargs):  # pragma: no cover - overridden
        raise NotImplementedError


def _index():
    return BulletinIndexPage.objects.first() or bulletin_setup(estates=[])


class BulletinIndexPageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BulletinIndexPage

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return _index()


class BulletinHomePageFactory(_PageFactory):
    class Meta:
        model = BulletinHomePage

    estate = factory.SubFactory(EstateFactory)
    title = factory.LazyAttribute(lambda o: f"{o.estate.name}公告栏")
    slug = factory.LazyAttribute(lambda o: o.estate.code.lower())

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        return bulletin_home_for(estate=kwargs["estate"], index=parent or _index())


def home_for(estate) -> BulletinHomePage:
    return bulletin_home_for(estate=estate, index=_index())


class NoticeIndexPageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NoticeIndexPage

    @classmethod
    def _create(cls, model_class, *args, estate=None, **kwargs):
        return NoticeIndexPage.objects.child_of(home_for(estate or EstateFactory())).get()


class EventIndexPageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventIndexPage

    @classmethod
    def _create(cls, model_class, *args, estate=None, **kwargs):
        return EventIndexPage.objects.child_of(home_for(estate or EstateFactory())).get()


class NoticePageFactory(_PageFactory):
    """``NoticePageFactory(estate=e)`` publishes a notice under estate e's notice index."""

    class Meta:
        model = NoticePage

    title = factory.Sequence(lambda n: f"停水通知{n}")
    slug = factory.Sequence(lambda n: f"notice-{n}")
    category = Category.OUTAGE
    body = "<p>因管道检修，3 栋明日 9:00–12:00 停水。</p>"

    @classmethod
    def _create(cls, model_class, *args, parent=None, estate=None, **kwargs):
        if parent is None:
            parent = NoticeIndexPage.objects.child_of(home_for(estate or EstateFactory())).get()
        page = model_class(*args, **kwargs)
        parent.add_child(instance=page)
        if page.live:
            page.save_revision().publish()
        return page


class EventPageFactory(_PageFactory):
    class Meta:
        model = EventPage

    title = factory.Sequence(lambda n: f"中秋游园会{n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    signup_deadline = factory.LazyAttribute(lambda o: o.starts_at - timedelta(days=1))
    place = "中心花园"
    capacity = 50
    body = "<p>猜灯谜、做月饼，欢迎全家参加。</p>"
    safety_measures = "现场配备安保人员和急救箱。"

    @classmethod
    def _create(cls, model_class, *args, parent=None, estate=None, **kwargs):
        if parent is None:
            parent = EventIndexPage.objects.child_of(home_for(estate or EstateFactory())).get()
        page = model_class(*args, **kwargs)
        parent.add_child(instance=page)
        if page.live:
            page.save_revision().publish()
        return page


class NoticeAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NoticeAttachment

    page = factory.SubFactory(NoticePageFactory)
    document = None
    label = "收费标准.pdf"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if kwargs.get("document") is None:
            kwargs["document"] = make_document()
        return super()._create(model_class, *args, **kwargs)


def make_document(title: str = "收费标准", name: str = "fees.pdf", content: bytes = b"%PDF-1.4\n%demo\n"):
    document = get_document_model()(title=title)
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


def make_image(title: str = "活动照片"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), (200, 120, 40)).save(buffer, format="PNG")
    image = get_image_model()(title=title)
    image.file.save("photo.png", ImageFile(buffer, name="photo.png"), save=False)
    image.save()
    return image


class EventPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventPhoto

    page = factory.SubFactory(EventPageFactory)
    image = factory.LazyFunction(make_image)
    caption = "合影"


class EventSignupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventSignup

    event = factory.SubFactory(EventPageFactory)
    name = factory.Faker("name", locale="zh_CN")
    house = factory.LazyAttribute(lambda o: HouseFactory(building=BuildingFactory(estate_id=o.event.estate_id)))
    mobile = factory.Sequence(lambda n: f"137{n:08d}")
    people = 2


class EventFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventFeedback

    signup = factory.SubFactory(EventSignupFactory)
    score = 5
    comment = "很开心"


class EventReturnVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventReturnVisit

    signup = factory.SubFactory(EventSignupFactory)
    by = factory.SubFactory(UserFactory)
    note = "满意"
