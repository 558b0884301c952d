// Starts GOV.UK Frontend's components (service navigation menu, error summary focus, ...).
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

initAll();
