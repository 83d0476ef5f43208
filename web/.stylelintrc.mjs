// Stylelint for src/style.css (`npm run lint`, run by scripts/test.sh): the standard config,
// relaxed only where it fights the sheet's deliberate compact style.
export default {
  extends: ["stylelint-config-standard"],
  rules: {
    // One rule per line with several declarations, rules packed without blank lines
    // between them, grouped by component: the sheet reads as a table.
    "declaration-block-single-line-max-declarations": null,
    "rule-empty-line-before": null,
    "at-rule-empty-line-before": null,
    // Rules are grouped by component, not sorted by specificity. Every report here pairs
    // selectors that match disjoint elements (.tabs, .runbar and .zoom buttons; a region's
    // hover fill and its stroke scaling), so their order carries no meaning.
    "no-descending-specificity": null,
    // `(max-width: …)` keeps working in browsers older than the range syntax (Safari < 16.4),
    // which matters for reports opened from file:// anywhere.
    "media-feature-range-notation": "prefix",
  },
};
