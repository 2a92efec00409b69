"""A secretary publishes their estate's notices directly (DOMAIN.md): Wagtail's default
"Moderators approval" workflow, created by its own migration, is switched off and unlinked from
every page. WAGTAIL_WORKFLOW_ENABLED = False hides workflows from the admin; this keeps the data
in step, so turning the setting back on later does not bring back a workflow nobody asked for."""

from django.db import migrations

DEFAULT_WORKFLOW = "Moderators approval"


def switch_off(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    Task = apps.get_model("wagtailcore", "Task")
    workflows = Workflow.objects.filter(name=DEFAULT_WORKFLOW)
    WorkflowPage.objects.filter(workflow__in=workflows).delete()
    Task.objects.filter(name="Moderators approval").update(active=False)
    workflows.update(active=False)


class Migration(migrations.Migration):
    dependencies = [("wagtailcore", "0048_add_default_workflows")]

    operations = [migrations.RunPython(switch_off, migrations.RunPython.noop)]
