// The documentation page of the partners' API: Swagger UI (vendored by
// drf-spectacular-sidecar) on the schema, started from this file since the CSP forbids inline
// script. "Try it out" sends the token typed in "Authorize" as Authorization: Bearer.
"use strict";

(function () {
  const root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle === "undefined") {
    return;
  }
  SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    domNode: root,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    persistAuthorization: false,
  });
})();
