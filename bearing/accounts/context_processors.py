from .queries import roles_of


def roles(request):
    user = getattr(request, "user", None)
    return {"roles": roles_of(user) if user is not None else None}
