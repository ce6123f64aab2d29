import json
import secrets

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.http import HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import Person


@csrf_exempt
@require_POST
def directory(request):
    """Create or change one person of the directory: password, name, address, groups, CPR."""
    token = request.headers.get("X-Directory-Token", "")
    if not secrets.compare_digest(token, settings.DIRECTORY_TOKEN):
        return HttpResponseForbidden()
    data = json.loads(request.body)
    user, _created = User.objects.get_or_create(username=data["username"])
    user.set_password(data["password"])
    user.first_name = data.get("given_name", "")
    user.last_name = data.get("family_name", "")
    user.email = data.get("email", "")
    user.save()
    user.groups.set(Group.objects.get_or_create(name=name)[0] for name in data.get("groups", []))
    Person.objects.update_or_create(user=user, defaults={"cpr": data.get("cpr", "")})
    return JsonResponse({"sub": str(user.pk)})
