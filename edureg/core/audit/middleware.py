from edureg.core.audit.context import AuditContext, _current, new_request_id


class AuditContextMiddleware:
    """Gives every request an id and binds the signed-in user to the audit context."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = new_request_id()
        source = "api" if request.path.startswith("/api/") else "admin" if request.path.startswith(
            "/admin/") else "web"
        # The user is resolved lazily: DRF token users are only known inside the view, so the
        # API views re-bind the context (see core.api.viewsets.AuditedViewSetMixin).
        user = getattr(request, "user", None)
        ctx = AuditContext(
            user_id=user.pk if user is not None and user.is_authenticated else None,
            user_name=user.get_username() if user is not None and user.is_authenticated else "",
            request_id=request.request_id,
            source=source,
        )
        token = _current.set(ctx)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = str(request.request_id)
        return response
