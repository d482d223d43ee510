/* /docs: Swagger UI from the vendored files. "Authorize" takes an API token (bearer); a token already
   entered on one of the app's pages in this tab is filled in. */
(function () {
  "use strict";
  const token = sessionStorage.getItem("jiuzhu.token");
  window.jiuzhuDocs = window.SwaggerUIBundle({
    url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis], layout: "BaseLayout",
    onComplete: () => { if (token) window.jiuzhuDocs.preauthorizeApiKey("bearerAuth", token); },
  });
})();
