"""Factories for every model the tests create; one place, so tests stay short."""

from datetime import timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from cities.models import (
    City,
    Contender,
    ContenderList,
    Continent,
    Fact,
    Organization,
    Sector,
    Source,
)


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Sector {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    key = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Report {n}")


class CityFactory(DjangoModelFactory):
    class Meta:
        model = City

    name = factory.Sequence(lambda n: f"Testville {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    country = "Testland"
    continent = Continent.EUROPE
    latitude = Decimal("48.1351")
    longitude = Decimal("11.5820")
    population = 1_500_000
    summary = factory.LazyAttribute(lambda o: f"{o.name} builds robots by the river.")
    profile = "First paragraph about the city.\n\nSecond paragraph about its labs."


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    city = factory.SubFactory(CityFactory)
    name = factory.Sequence(lambda n: f"Institute {n}")
    kind = Organization.Kind.RESEARCH


class FactFactory(DjangoModelFactory):
    class Meta:
        model = Fact

    city = factory.SubFactory(CityFactory)
    label = factory.Sequence(lambda n: f"Figure {n}")
    value = "16,000"
    unit = "tech firms"
    source = factory.SubFactory(SourceFactory)
    year = 2020


class ContenderListFactory(DjangoModelFactory):
    class Meta:
        model = ContenderList

    title = factory.Sequence(lambda n: f"Most Testable Cities {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    question = "Which city is the most testable?"
    description = "Cities ranked by how easy they are to test."


class ContenderFactory(DjangoModelFactory):
    class Meta:
        model = Contender

    contender_list = factory.SubFactory(ContenderListFactory)
    city = factory.SubFactory(CityFactory)
    status = Contender.Status.APPROVED


PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory):
    """An established member (joined a month ago) who logs in with PASSWORD.

    Verified unless `verified=False`; pass `date_joined=timezone.now()` for a
    new account, which has tighter rate limits.
    """

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password(PASSWORD)
    date_joined = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)
