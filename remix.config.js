/**
 * Remix classic compiler. The server bundle holds only routes and UI; the
 * platform (Postgres, DuckDB, scheduler) is owned by app/platform/server.ts
 * and reaches loaders through the load context, so native packages such as
 * @duckdb/node-api are never bundled (see docs/decisions/002-custom-server.md).
 * @type {import('@remix-run/dev').AppConfig}
 */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.*"],
  serverModuleFormat: "esm",
  serverDependenciesToBundle: [],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: false,
  },
};
