/** Injection token of the PackgateConfig value. */
export const PACKGATE_CONFIG = Symbol('PACKGATE_CONFIG');
