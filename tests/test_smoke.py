from django.conf import settings

from .factories import make_person


def test_settings_come_from_the_test_environment():
    assert settings.DEBUG is False
    assert settings.SECURE_SSL_REDIRECT is False


def test_a_case_manager_registers_a_person_with_a_case_number(alice):
    person = make_person(alice)
    assert person.case_number == "KZ-000001"
    assert person.names.get().search_key.startswith("aisha nurlanova")
    assert person.age() is not None
