from .events import EventIndexPage, EventPage
from .organisations import Organisation, OrganisationIndexPage
from .pages import BotilbudPage, HomePage, HomeStaffAccess, NewsPage, StandardPage
from .volunteering import VolunteerCallPage

__all__ = [
    "BotilbudPage",
    "EventIndexPage",
    "EventPage",
    "HomePage",
    "HomeStaffAccess",
    "NewsPage",
    "Organisation",
    "OrganisationIndexPage",
    "StandardPage",
    "VolunteerCallPage",
]
