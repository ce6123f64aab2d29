from django.utils.translation import gettext_lazy as _
from oidc_provider.lib.claims import ScopeClaims


def userinfo(claims, user):
    claims["name"] = user.get_full_name()
    claims["given_name"] = user.first_name
    claims["family_name"] = user.last_name
    claims["email"] = user.email
    claims["email_verified"] = True
    return claims


class DirectoryScopeClaims(ScopeClaims):
    info_groups = (_("Groups"), _("Your groups in the directory."))
    info_mitid = (_("MitID"), _("Your CPR number, as MitID brokers send it."))

    def scope_groups(self):
        return {"groups": sorted(self.user.groups.values_list("name", flat=True))}

    def scope_mitid(self):
        person = getattr(self.user, "person", None)
        cpr = person.cpr if person else ""
        # Two brokers' spellings of the same number.
        return {"cprNumberIdentifier": cpr, "dk.cpr": cpr} if cpr else {}
