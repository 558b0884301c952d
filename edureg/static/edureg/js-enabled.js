// Run at the start of <body>: GOV.UK Frontend styles its JavaScript-enhanced components by these classes.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
