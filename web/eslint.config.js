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
  },
  {
    files: ["scripts/**/*.mjs", "scripts/**/*.js", "vite.config.js", "eslint.config.js", ".stylelintrc.mjs"],
    languageOptions: { sourceType: "module", globals: globals.node },
  },
];
