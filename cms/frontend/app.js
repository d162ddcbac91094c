// Initialises every GOV.UK Frontend component on the page (accordion, error summary, header menu...).
import { initAll } from "./govuk-frontend.min.js";

initAll();
