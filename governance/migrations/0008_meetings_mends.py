"""Issue 10/11 in the meetings room: a deliberation stores its structured result (not_voting
added; the translated `outcome` sentence, derived from `adopted` and `casting_vote`, is dropped
and written where it is shown), agenda items copy their subject's reference and version, the
meeting names its secretary, the lapse is signed by two, votes may say "does not take part".
BodyRules: the opening margin, who convenes (data: the technical committee's chair for the
technical committee, the ARML president for the others) and who issues extracts. Arml: its city
(data: read from the address's postcode line) and the body that approves action plans above the
threshold."""

import re

import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models


def name_conveners(apps, schema_editor):
    BodyRules = apps.get_model("governance", "BodyRules")
    for rules in BodyRules.objects.select_related("body").filter(convener_role=""):
        rules.convener_role = "committee_chair" if rules.body.kind == "CT" else "president"
        rules.save(update_fields=["convener_role"])


POSTCODE_CITY = re.compile(r"\b\d{5}\s+([^,\d][^,]*)$")


def read_cities(apps, schema_editor):
    Arml = apps.get_model("governance", "Arml")
    for arml in Arml.objects.filter(city=""):
        found = POSTCODE_CITY.search(arml.address.strip())
        if found:
            arml.city = found.group(1).strip()[:80]
            arml.save(update_fields=["city"])


class Migration(migrations.Migration):

    dependencies = [
        ('governance', '0007_programmes'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='deliberation',
            name='outcome',
        ),
        migrations.AddField(
            model_name='agendaitem',
            name='subject_reference',
            field=models.CharField(blank=True, max_length=64, verbose_name='reference of the subject'),
        ),
        migrations.AddField(
            model_name='agendaitem',
            name='subject_version',
            field=models.CharField(blank=True, max_length=20, verbose_name='version decided on'),
        ),
        migrations.AddField(
            model_name='arml',
            name='action_plan_body',
            field=models.CharField(choices=[('CA', 'Board of directors'), ('BUR', 'Bureau')], default='CA', max_length=5, verbose_name='body whose deliberation approves an action plan above the threshold'),
        ),
        migrations.AddField(
            model_name='arml',
            name='city',
            field=models.CharField(blank=True, help_text='Where the minutes of a meeting held by video conference are drawn up.', max_length=80, verbose_name='city'),
        ),
        migrations.AddField(
            model_name='bodyrules',
            name='convener_role',
            field=models.CharField(blank=True, choices=[('president', 'ARML president'), ('committee_chair', 'Technical committee chair')], help_text="Empty: the technical committee's chair for the technical committee, the ARML president for the other bodies.", max_length=20, verbose_name='convened and chaired by'),
        ),
        migrations.AddField(
            model_name='bodyrules',
            name='extract_issuer_role',
            field=models.CharField(choices=[('president', 'ARML president'), ('secretary', 'Secretary')], default='president', max_length=20, verbose_name='certified extracts issued by'),
        ),
        migrations.AddField(
            model_name='bodyrules',
            name='opening_margin_minutes',
            field=models.PositiveSmallIntegerField(default=60, help_text='A meeting opens at the earliest this long before its start (Paris time).', verbose_name='opening margin (minutes)'),
        ),
        migrations.AddField(
            model_name='deliberation',
            name='not_voting',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='not taking part in the vote'),
        ),
        migrations.AddField(
            model_name='meeting',
            name='secretary',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='kept_meetings', to=settings.AUTH_USER_MODEL, verbose_name='secretary of the meeting'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='state',
            field=django_fsm.FSMField(choices=[('planned', 'Planned'), ('convened', 'Convened'), ('opened', 'Opened'), ('in_session', 'In session'), ('lapsed', 'Lapsed (no quorum)'), ('lapse_signed', 'Lapse recorded (minutes signed)'), ('closed', 'Closed'), ('minutes_signed', 'Minutes signed')], default='planned', max_length=50, protected=True, verbose_name='state'),
        ),
        migrations.AlterField(
            model_name='vote',
            name='choice',
            field=models.CharField(choices=[('for', 'For'), ('against', 'Against'), ('abstain', 'Abstention'), ('not_voting', 'Does not take part in the vote')], max_length=12, verbose_name='vote'),
        ),
        migrations.RunPython(name_conveners, migrations.RunPython.noop),
        migrations.RunPython(read_cities, migrations.RunPython.noop),
    ]
