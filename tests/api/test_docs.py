"""The documentation page: Swagger UI from the vendored sidecar, no CDN, no inline script."""

import re

from django.contrib.staticfiles import finders


def test_the_docs_page_loads_only_our_own_files(client, db):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert sources and all(src.startswith("/static/") for src in sources)
    for src in sources + re.findall(r'<link rel="stylesheet" href="([^"]+)"', html):
        assert finders.find(src.removeprefix("/static/")), src
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script
    assert "<style" not in html and " style=" not in html
    assert 'data-schema-url="/api/v1/schema/"' in html
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_schema_describes_the_api_in_french(client, db):
    schema = client.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/operateur/demandes/{id}/activation/"]["post"]
    assert operation["summary"] == "Enregistrer l'activation d'une demande"
    assert {"401", "403", "404", "409", "429"} <= set(operation["responses"])
    assert schema["components"]["securitySchemes"]["jeton"]["scheme"] == "bearer"
