"""Keep derived data in step with the page tree."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import post_page_move

from .models import BotilbudPage, EventPage, NewsPage, VolunteerCallPage

HOME_CHILD_MODELS = (NewsPage, EventPage, VolunteerCallPage)


@receiver(post_save, sender=BotilbudPage)
def give_new_home_its_staff_access(sender, instance: BotilbudPage, created: bool, **kwargs):
    if created and not kwargs.get("raw"):
        from .services import ensure_home_staff_access

        ensure_home_staff_access(instance)


@receiver(post_page_move)
def rederive_botilbud_after_move(sender, instance, **kwargs):
    """A page moved to another home (or out of one) must point at its new home."""
    subtree = Page.objects.filter(path__startswith=instance.path).values("pk")
    for model in HOME_CHILD_MODELS:
        for page in model.objects.filter(pk__in=subtree):
            model.objects.filter(pk=page.pk).update(botilbud=page.find_botilbud())
