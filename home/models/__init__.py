from .calendar import EventIndexPage
from .events import EventPage
from .organisations import CalendarImport, Organisation, OrganisationIndexPage
from .pages import BotilbudPage, HomePage, HomeStaffAccess, NewsPage, StandardPage
from .volunteering import VolunteerCallPage

__all__ = [
    "BotilbudPage",
    "CalendarImport",
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
