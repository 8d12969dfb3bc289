"""The governance pages: each room declares its own, under one `governance:` namespace."""

from governance.action_plans import urls as action_plans
from governance.agreements import urls as agreements
from governance.conventions import urls as conventions
from governance.dialogues import urls as dialogues
from governance.dues import urls as dues
from governance.finances import urls as finances
from governance.meetings import urls as meetings
from governance.organisations import urls as organisations
from governance.programmes import urls as programmes

app_name = "governance"

urlpatterns = [
    *organisations.urlpatterns,
    *action_plans.urlpatterns,
    *meetings.urlpatterns,
    *conventions.urlpatterns,
    *dialogues.urlpatterns,
    *programmes.urlpatterns,
    *finances.urlpatterns,
    *dues.urlpatterns,
    *agreements.urlpatterns,
]
