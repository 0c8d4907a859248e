from django.db import migrations, models


def clear_admin_flags_of_other_roles(apps, schema_editor):
    """A landlord's, centre's or association's member who held the flags loses them first."""
    User = apps.get_model("neighborhoods", "User")
    User.objects.exclude(role__in=["", "coordinator"]).filter(
        models.Q(is_staff=True) | models.Q(is_superuser=True)
    ).update(is_staff=False, is_superuser=False)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("neighborhoods", "0007_date_correction_permissions"),
    ]

    operations = [
        # Not reversible in data: which flags were wrongly held is not worth restoring.
        migrations.RunPython(clear_admin_flags_of_other_roles, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(("role__in", ["", "coordinator"]))
                | models.Q(("is_staff", False), ("is_superuser", False)),
                name="user_admin_flags_only_for_coordinators",
                violation_error_message=(
                    "Seules les personnes de la coordination du programme accèdent à "
                    "l'administration."
                ),
            ),
        ),
    ]
