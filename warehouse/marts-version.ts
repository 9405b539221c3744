/**
 * Version of the marts' definition, written to etl_state.marts by the ETL that
 * built them. Kept in its own module, free of node: imports and top-level side
 * effects, because query modules reachable from route files import it and
 * Remix's browser bundle must not pull in warehouse/schema.ts.
 */
export const MARTS_VERSION = "4";
// 4: ethnicity and sex of the fact and mart tables typed as enums (warehouse/types.sql);
//    a warehouse of version 3 (varchar codes) is rebuilt in full, which recreates both tables.
