from .calendar import EventIndexPage
from .events import EventPage
from .organisations import CalendarImport, Organisation, OrganisationIndexPage
from .pages import BotilbudPage, HomePage, HomeStaffAccess, NewsPage, StandardPage
from .site_settings import MunicipalitySettings
from .volunteering import VolunteerCallPage

__all__ = [
    "BotilbudPage",
    "CalendarImport",
    "EventIndexPage",
    "EventPage",
    "HomePage",
    "HomeStaffAccess",
    "MunicipalitySettings",
    "NewsPage",
    "Organisation",
    "OrganisationIndexPage",
    "StandardPage",
    "VolunteerCallPage",
]
