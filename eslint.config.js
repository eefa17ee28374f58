// `make lint`: ESLint's recommended rules for the chat window's scripts (browser, no build step).
const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  js.configs.recommended,
  {
    files: ["web/**/*.js"],
    languageOptions: { ecmaVersion: 2020, sourceType: "script", globals: globals.browser },
    // `catch (error) { /* why it is safe to go on */ }` names what is ignored on purpose.
    rules: { "no-unused-vars": ["error", { caughtErrors: "none" }] },
  },
];
