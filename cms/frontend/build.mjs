// Builds the front end into cms/static_build/build/ (collected by Django's staticfiles):
// app.css from app.scss, GOV.UK Frontend's ES module, app.js, js-enabled.js and the images (no fonts).
import { copyFileSync, cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const out = join(root, "cms", "static_build", "build");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "assets"), { recursive: true });

const css = sass.compile(join(here, "app.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
});
writeFileSync(join(out, "app.css"), css.css);

copyFileSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
// Images referenced by GOV.UK Frontend's CSS (relative to app.css); fonts are left out on purpose.
cpSync(join(govuk, "assets", "images"), join(out, "assets", "images"), { recursive: true });
copyFileSync(join(here, "app.js"), join(out, "app.js"));
copyFileSync(join(here, "js-enabled.js"), join(out, "js-enabled.js"));

console.log(`Front end built into ${out}`);
