// One self-contained bundle with fixed names (assets/app.js, assets/app.css): the C++ side
// embeds these files and inlines them into `flank report` output, so names must not carry
// content hashes and nothing may be split into lazily loaded chunks.
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  json: { stringify: true },
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
