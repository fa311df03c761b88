// Copies GOV.UK Frontend's compiled JavaScript beside the CSS. Pages work without it; it only
// adds progressive enhancements such as the mobile menu toggle and error-summary focus.
import { copyFileSync, mkdirSync } from "node:fs";

mkdirSync("static/dist", { recursive: true });
copyFileSync("node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", "static/dist/govuk-frontend.min.js");
