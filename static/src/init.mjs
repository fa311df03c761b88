// Progressive enhancement only: every page works without this file. Starts the GOV.UK
// Frontend components present on the page.
import { Button } from "govuk-frontend/dist/govuk/components/button/button.mjs";
import { Checkboxes } from "govuk-frontend/dist/govuk/components/checkboxes/checkboxes.mjs";
import { ErrorSummary } from "govuk-frontend/dist/govuk/components/error-summary/error-summary.mjs";
import { NotificationBanner } from "govuk-frontend/dist/govuk/components/notification-banner/notification-banner.mjs";
import { Radios } from "govuk-frontend/dist/govuk/components/radios/radios.mjs";
import { ServiceNavigation } from "govuk-frontend/dist/govuk/components/service-navigation/service-navigation.mjs";
import { SkipLink } from "govuk-frontend/dist/govuk/components/skip-link/skip-link.mjs";

const components = {
  "govuk-button": Button,
  "govuk-checkboxes": Checkboxes,
  "govuk-error-summary": ErrorSummary,
  "govuk-notification-banner": NotificationBanner,
  "govuk-radios": Radios,
  "govuk-service-navigation": ServiceNavigation,
  "govuk-skip-link": SkipLink,
};

for (const [name, Component] of Object.entries(components)) {
  for (const element of document.querySelectorAll(`[data-module="${name}"]`)) {
    try {
      new Component(element);
    } catch (error) {
      // One component failing must not stop the others; the page still works without it.
      console.error(error);
    }
  }
}
