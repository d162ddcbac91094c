// Loaded (not inlined, for the Content Security Policy) at the top of <body>, so the GOV.UK Frontend
// components' JavaScript-only styles apply before first paint. Mirrors GOV.UK's template snippet.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
