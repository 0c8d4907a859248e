"""The OpenAPI schema's shared parts: the problem details every operation may answer."""

from django.utils.translation import gettext as _

PROBLEM = {
    "type": "object",
    "description": "RFC 9457",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}


def _problem(description):
    return {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Probleme"}}
        },
    }


def add_problems(result, generator, request, public):
    """Document the problems of every operation (401, 403, 404, 429; 400, 405, 409, 415)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Probleme"] = PROBLEM
    descriptions = {
        "400": _("Paramètres ou corps invalides."),
        "401": _("Jeton absent, inconnu ou révoqué."),
        "403": _("Ce type de partenaire n'a pas accès à cette opération."),
        "404": _("Introuvable, ou d'une autre organisation."),
        "405": _("Méthode non autorisée."),
        "409": _("Refusé dans l'état actuel de la ressource."),
        "415": _("Le corps doit être du JSON."),
        "429": _("Trop de requêtes avec ce jeton."),
    }
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            codes = ["400", "401", "403", "404", "405", "429"]
            if method == "post":
                codes += ["409", "415"]
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses[code] = _problem(
                    responses.get(code, {}).get("description") or descriptions[code]
                )
    return result
