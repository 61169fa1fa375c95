import factory

from accounts import consent
from accounts.models import Consent, User

PASSWORD = "a-long-test-passphrase-41"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    password = factory.django.Password(PASSWORD)
    consent = factory.RelatedFactory("tests.factories.ConsentFactory", factory_related_name="user")


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    policy_version = consent.POLICY_VERSION
