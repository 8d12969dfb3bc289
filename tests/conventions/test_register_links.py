"""Issue 15: the register's entry links to the CPOM it decided on, and the CPOM's page links
back to its deliberation in the register."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_register_and_object_link_both_ways(client, world):
    conv = world.adopted()
    client.force_login(world.president)
    register = client.get(reverse("governance:register", args=[world.arml.pk])).content.decode()
    assert f'<a href="{conv.get_absolute_url()}">' in register
    page = client.get(conv.get_absolute_url()).content.decode()
    section = page.partition('id="h-deliberations"')[2].partition("</section>")[0]
    assert "Délibération n°" in section
    assert reverse("governance:register", args=[world.arml.pk]) in section
