// Marks the page as scripted before it renders so GOV.UK Frontend styles its enhanced states.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
