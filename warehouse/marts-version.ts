/**
 * Version of the marts' definition, written to etl_state.marts by the ETL that
 * built them. Kept in its own module, free of node: imports and top-level side
 * effects, because query modules reachable from route files import it and
 * Remix's browser bundle must not pull in warehouse/schema.ts.
 */
export const MARTS_VERSION = "3";
