from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from edureg import __version__


@never_cache
def healthz(request):
    """Liveness and database check for load balancers and the demo."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        db = "ok"
    except Exception:
        db = "unavailable"
    status = 200 if db == "ok" else 503
    return JsonResponse({"status": "ok" if status == 200 else "error", "database": db,
                         "version": __version__}, status=status)
