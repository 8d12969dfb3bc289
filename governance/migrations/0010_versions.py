"""Versioned content (issues 11.9, 14.2, 13.15): amendments' content moves into numbered
AmendmentVersion rows, conventions' versions say why they exist and carry the notice period,
comments on lines, agreements on a version, the ARML's freeze rule, the termination's dates.

Each existing amendment becomes its version 1 with its statement and lines. Its hash is the one
the amendment had (the ledger, the board's deliberations and the signed PDFs name it), computed
as before this migration (without the version number, which later versions include); its author
is the convention's drafter (the ledger keeps who drafted the amendment).
"""

import hashlib
import json

import django.core.validators
import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models


def _old_amendment_hash(amendment, lines):
    text = json.dumps(
        {
            "convention": amendment.convention_id,
            "number": amendment.number,
            "year": amendment.year,
            "changes": amendment.changes,
            "lines": sorted([li.funder_id, li.function, str(li.amount)] for li in lines),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def amendments_to_versions(apps, schema_editor):
    Amendment = apps.get_model("governance", "Amendment")
    AmendmentVersion = apps.get_model("governance", "AmendmentVersion")
    AmendmentLine = apps.get_model("governance", "AmendmentLine")
    ConventionVersion = apps.get_model("governance", "ConventionVersion")
    for amendment in Amendment.objects.order_by("pk"):
        lines = list(AmendmentLine.objects.filter(amendment=amendment))
        drafter = ConventionVersion.objects.filter(convention_id=amendment.convention_id).order_by("n").first()
        version = AmendmentVersion.objects.create(
            amendment=amendment,
            n=1,
            changes=amendment.changes,
            sha256=_old_amendment_hash(amendment, lines),
            origin="drafted",
            created_by_id=drafter.created_by_id,
        )
        AmendmentLine.objects.filter(pk__in=[li.pk for li in lines]).update(version=version)


def versions_to_amendments(apps, schema_editor):
    Amendment = apps.get_model("governance", "Amendment")
    AmendmentVersion = apps.get_model("governance", "AmendmentVersion")
    AmendmentLine = apps.get_model("governance", "AmendmentLine")
    for amendment in Amendment.objects.order_by("pk"):
        version = AmendmentVersion.objects.filter(amendment=amendment).order_by("-n").first()
        if version is None:
            continue
        Amendment.objects.filter(pk=amendment.pk).update(changes=version.changes)
        AmendmentLine.objects.filter(version=version).update(amendment=amendment)
        AmendmentLine.objects.filter(version__amendment=amendment).exclude(version=version).delete()


def first_versions_drafted(apps, schema_editor):
    ConventionVersion = apps.get_model("governance", "ConventionVersion")
    ConventionVersion.objects.filter(n=1).update(origin="drafted")


class Migration(migrations.Migration):

    dependencies = [
        ('governance', '0009_meetings_records_triggers'),
    ]

    operations = [
        migrations.CreateModel(
            name='Agreement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('agreed_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name': 'agreement on a version',
                'verbose_name_plural': 'agreements on versions',
                'ordering': ['agreed_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='AmendmentVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('n', models.PositiveIntegerField(verbose_name='content version')),
                ('sha256', models.CharField(max_length=64, verbose_name='content hash')),
                ('origin', models.CharField(choices=[('drafted', 'Drafted'), ('revised', 'Revised'), ('reopened', 'Reopened after a refusal')], default='revised', max_length=12, verbose_name='origin')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('changes', models.TextField(blank=True, verbose_name='changes')),
            ],
            options={
                'ordering': ['amendment', 'n'],
            },
        ),
        migrations.CreateModel(
            name='LineComment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('line', models.CharField(max_length=80, verbose_name='line')),
                ('text', models.TextField(verbose_name='comment')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name': 'comment on a line',
                'verbose_name_plural': 'comments on lines',
                'ordering': ['created_at', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='arml',
            name='cpom_freeze_needs_funders_agreement',
            field=models.BooleanField(default=True, verbose_name='the CPOM is frozen only once the State and the Region agreed on the version'),
        ),
        migrations.AddField(
            model_name='convention',
            name='agreement_version',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="content version put to the funders' agreement"),
        ),
        migrations.AddField(
            model_name='convention',
            name='frozen_version',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='frozen content version'),
        ),
        migrations.AddField(
            model_name='convention',
            name='terminated_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='convention',
            name='terminates_on',
            field=models.DateField(blank=True, null=True, verbose_name='termination takes effect on'),
        ),
        migrations.AddField(
            model_name='convention',
            name='termination_notified_on',
            field=models.DateField(blank=True, null=True, verbose_name='termination notified on'),
        ),
        migrations.AddField(
            model_name='convention',
            name='termination_reason',
            field=models.TextField(blank=True, verbose_name='reason for the termination'),
        ),
        migrations.AddField(
            model_name='conventionversion',
            name='note',
            field=models.TextField(blank=True, verbose_name='note'),
        ),
        migrations.AddField(
            model_name='conventionversion',
            name='notice_months',
            field=models.PositiveSmallIntegerField(default=3, validators=[django.core.validators.MaxValueValidator(24)], verbose_name='notice period of a termination (months)'),
        ),
        migrations.AddField(
            model_name='conventionversion',
            name='origin',
            field=models.CharField(choices=[('drafted', 'Drafted'), ('revised', 'Revised'), ('reopened', 'Reopened after a refusal')], default='revised', max_length=12, verbose_name='origin'),
        ),
        migrations.AlterField(
            model_name='convention',
            name='state',
            field=django_fsm.FSMField(choices=[('draft', 'Draft'), ('in_consultation', 'In consultation'), ('in_negotiation', 'In negotiation'), ('awaiting_agreement', "Awaiting the funders' agreement"), ('frozen', 'Frozen draft (projet arrêté)'), ('adopted', 'Adopted by the board'), ('awaiting_countersignatures', 'Awaiting countersignatures'), ('in_force', 'In force'), ('terminating', 'In force, termination notified'), ('in_evaluation', 'Final evaluation'), ('closed', 'Closed'), ('in_renegotiation', 'In renegotiation'), ('terminated', 'Terminated')], default='draft', max_length=50, protected=True, verbose_name='state'),
        ),
        migrations.AddField(
            model_name='agreement',
            name='actor',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='agreement',
            name='convention',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='agreements', to='governance.convention'),
        ),
        migrations.AddField(
            model_name='agreement',
            name='funder',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='governance.funder'),
        ),
        migrations.AddField(
            model_name='agreement',
            name='principal',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='agreement',
            name='version',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='governance.conventionversion'),
        ),
        migrations.AddField(
            model_name='amendmentversion',
            name='amendment',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='versions', to='governance.amendment'),
        ),
        migrations.AddField(
            model_name='amendmentversion',
            name='created_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='amendmentline',
            name='version',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='governance.amendmentversion'),
        ),
        migrations.AddField(
            model_name='linecomment',
            name='author',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='linecomment',
            name='funder',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='governance.funder'),
        ),
        migrations.AddField(
            model_name='linecomment',
            name='version',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='comments', to='governance.conventionversion'),
        ),
        migrations.AddConstraint(
            model_name='agreement',
            constraint=models.UniqueConstraint(fields=('version', 'funder'), name='unique_agreement'),
        ),
        migrations.AddConstraint(
            model_name='amendmentversion',
            constraint=models.UniqueConstraint(fields=('amendment', 'n'), name='unique_amendment_version'),
        ),
        migrations.AlterField(
            model_name='amendmentline',
            name='amendment',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='governance.amendment'),
        ),
        migrations.RunPython(amendments_to_versions, versions_to_amendments),
        migrations.RunPython(first_versions_drafted, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='amendmentline',
            name='unique_amendment_line',
        ),
        migrations.RemoveField(
            model_name='amendment',
            name='changes',
        ),
        migrations.RemoveField(
            model_name='amendmentline',
            name='amendment',
        ),
        migrations.AlterField(
            model_name='amendmentline',
            name='version',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='governance.amendmentversion'),
        ),
        migrations.AddConstraint(
            model_name='amendmentline',
            constraint=models.UniqueConstraint(fields=('version', 'funder', 'function'), name='unique_amendment_line'),
        ),
    ]
