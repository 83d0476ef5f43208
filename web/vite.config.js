// One self-contained bundle with fixed names (assets/app.js, assets/app.css): the C++ side
// embeds these files and inlines them into `flank report` output, so names must not carry
// content hashes and nothing may be split into lazily loaded chunks.
import { defineConfig } from "vite";

// The served viewer's Content-Security-Policy: scripts only from flank serve itself (no
// inline script, no inline handlers, no eval), requests only to it. Styles may be inline
// because Observable Plot writes a <style> element into each chart; data reaches the page as
// text nodes only (src/dom.js). Added at build time: Vite's dev server injects inline code.
const VIEWER_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'";

const csp = {
  name: "flank-csp",
  apply: "build",
  transformIndexHtml: () => [{ tag: "meta", attrs: { "http-equiv": "Content-Security-Policy", content: VIEWER_CSP }, injectTo: "head-prepend" }],
};

export default defineConfig({
  base: "./",
  json: { stringify: true },
  plugins: [csp],
  build: {
    outDir: process.env.FLANK_WEB_OUT || "dist",
    emptyOutDir: true,
    target: "es2020",
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 100000000,
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      output: {
        entryFileNames: "assets/app.js",
        assetFileNames: "assets/app[extname]",
        inlineDynamicImports: true,
      },
    },
  },
});
