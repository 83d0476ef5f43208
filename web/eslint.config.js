// ESLint flat config for the viewer (`npm run lint`, run by scripts/test.sh).
// The app in src/ runs in the browser; the build script and Vite's config run in Node.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["dist/", "node_modules/"] },
  js.configs.recommended,
  {
    // Beyond the recommended set: cheap checks for slips that behave differently than read.
    rules: {
      "no-unused-expressions": "error",
      "prefer-const": "error",
      "no-var": "error",
      eqeqeq: ["error", "smart"],
    },
  },
  {
    files: ["src/**/*.js"],
    languageOptions: { sourceType: "module", globals: globals.browser },
    // Data from scenarios and overrides must reach the page as text (src/dom.js), never be
    // parsed as HTML: a hostile objective name once ran script this way (issue 13 item 8).
    rules: {
      "no-restricted-properties": [
        "error",
        { property: "innerHTML", message: "build DOM nodes with h()/s() from dom.js" },
        { property: "outerHTML", message: "build DOM nodes with h()/s() from dom.js" },
        { property: "insertAdjacentHTML", message: "build DOM nodes with h()/s() from dom.js" },
        { property: "html", message: "d3's .html() parses markup: append nodes instead" },
        { object: "document", property: "write", message: "build DOM nodes with h()/s() from dom.js" },
      ],
      "no-restricted-globals": ["error", { name: "eval", message: "the CSP forbids eval" }],
      "no-new-func": "error",
      "no-implied-eval": "error",
    },
  },
  {
    files: ["scripts/**/*.mjs", "scripts/**/*.js", "vite.config.js", "eslint.config.js", ".stylelintrc.mjs"],
    languageOptions: { sourceType: "module", globals: globals.node },
  },
];
