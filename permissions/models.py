"""Guardian object permissions with direct foreign keys (DESIGN.md § Permissions).

Direct FKs instead of guardian's generic tables: scope checks become plain joins that the
database can index, and deleting an ARML cannot leave orphaned permission rows.
"""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from governance.models import Arml


class ArmlUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Arml, on_delete=models.CASCADE, related_name="user_perms")

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "ARML user permission"


class ArmlGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Arml, on_delete=models.CASCADE, related_name="group_perms")

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "ARML group permission"
